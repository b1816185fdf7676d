//! `--engine sphinxql://HOST:PORT/TABLE`: searching a SphinxQL engine (Sphinx, Manticore)
//! that holds `dateline export --to manticore`. The tests without an engine check what is
//! refused before one is reached; the `#[ignore]`d ones need Debian's `sphinxsearch`
//! (`indexer`, `searchd`) and start a local cluster with `deploy/manticore/cluster.sh`.

mod common;

use common::Archive;

/// A loopback port nothing listens on (the listener that found it is closed).
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

fn stderr_of(a: &Archive, args: &[&str]) -> String {
    let out = a.cmd().args(args).assert().code(2).get_output().clone();
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn an_engine_that_is_not_a_sphinxql_url_is_refused() {
    let a = Archive::new();
    let err = stderr_of(
        &a,
        &["search", "cocoa", "--engine", "http://127.0.0.1:9306"],
    );
    assert!(err.contains("sphinxql://HOST:PORT/TABLE"), "{err}");
}

#[test]
fn an_engine_that_does_not_answer_says_how_to_reach_one_in_one_line() {
    let a = Archive::new();
    let engine = format!("sphinxql://127.0.0.1:{}/news", closed_port());
    let err = stderr_of(&a, &["search", "cocoa", "--engine", &engine]);
    assert!(err.contains(&format!("cannot reach {engine}")), "{err}");
    assert!(err.contains("cluster.sh start"), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
}

#[test]
fn what_the_engine_cannot_say_is_refused_naming_it_before_any_connection() {
    let a = Archive::new();
    let engine = format!("sphinxql://127.0.0.1:{}/news", closed_port());
    for (query, names) in [
        ("cocoa pre/3 buffer", "pre/N"),
        ("cocoa w/s buffer", "w/s"),
        ("atleast3 cocoa", "atleastN"),
        ("cocao~1", "cocao~1"),
        ("-cocoa", "only excludes"),
    ] {
        let err = stderr_of(&a, &["search", query, "--engine", &engine]);
        assert!(err.contains(names), "{query}: {err}");
        assert!(!err.contains("cannot reach"), "{query}: {err}");
        let err = stderr_of(&a, &["facets", query, "--engine", &engine]);
        assert!(err.contains(names), "facets {query}: {err}");
    }
}

#[test]
fn what_only_the_local_index_has_is_refused_with_an_engine() {
    let a = Archive::new();
    let engine = format!("sphinxql://127.0.0.1:{}/news", closed_port());
    for extra in [
        &["--timeline"][..],
        &["--format", "csv", "--kwic"],
        &["--format", "csv", "--partial"],
    ] {
        let mut args = vec!["search", "cocoa", "--engine", &engine];
        args.extend(extra);
        let err = stderr_of(&a, &args);
        assert!(err.contains("--engine"), "{extra:?}: {err}");
    }
}
