use super::*;

fn fixture(name: &str) -> Vec<u8> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/formats/");
    std::fs::read(format!("{path}{name}")).unwrap()
}

#[test]
fn dump_news_page() {
    let parse = parse(&fixture("news_page.html"), None);
    eprintln!("{parse:#?}");
}
