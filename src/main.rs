mod article;
fn main() {}
