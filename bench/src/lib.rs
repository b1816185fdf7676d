//! The benchmark harness lives in `benches/archive.rs`; run it with
//! `cargo bench -p dateline-bench --bench archive` (see `BENCHMARKS.md`).
//! This crate is its own workspace member so that the bundled SQLite it compiles for the
//! FTS5 comparison never slows down `cargo test` of dateline itself.
