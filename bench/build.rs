//! Build script: links `tantivy_alone` as dateline's own `build.rs` links `dateline` (at a
//! fixed address on Linux/glibc), so the harness compares the two programs' work, not how
//! their executables were linked.
fn main() {
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bin=tantivy_alone=-no-pie");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
