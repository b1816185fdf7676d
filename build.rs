//! Build script: links the `dateline` binary at a fixed address on Linux.
//!
//! A position-independent executable has every pointer in its read-only data (vtables,
//! string tables) fixed up by the dynamic loader at each start, which writes, and so copies,
//! each page of that data: most of the page faults of a short `dateline search` process.
//! Linked at a fixed address, those pointers are final in the file and the pages are shared
//! from the page cache. The code is compiled as before; only the final link differs, so the
//! libraries, tests and `cargo test` are unaffected.
fn main() {
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
