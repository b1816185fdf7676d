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

/// A local cluster started by `deploy/manticore/cluster.sh` over an export folder, stopped
/// when dropped.
struct Cluster {
    state: std::path::PathBuf,
    engine: String,
}

fn cluster_sh() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/manticore/cluster.sh")
}

impl Cluster {
    fn start(export: &std::path::Path, state: &std::path::Path) -> Cluster {
        let out = std::process::Command::new(cluster_sh())
            .arg("start")
            .arg(export)
            .arg(state)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout).to_string();
        assert!(
            out.status.success(),
            "{stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        Cluster {
            state: state.to_path_buf(),
            engine: stdout.lines().last().unwrap().to_string(),
        }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = std::process::Command::new(cluster_sh())
            .arg("stop")
            .arg(&self.state)
            .status();
    }
}

/// The archive indexed, exported in two shards from its index, and a cluster over them.
fn cluster_of(a: &Archive) -> Cluster {
    a.run(&["index", a.articles().to_str().unwrap()]).success();
    let export = a.root().join("export");
    a.run(&[
        "export",
        "--to",
        "manticore",
        "--shards",
        "2",
        "--out",
        export.to_str().unwrap(),
    ])
    .success();
    Cluster::start(&export, &a.root().join("state"))
}

fn news() -> Archive {
    let a = Archive::new();
    a.article(
        "coffee.txt",
        "Coffee prices climb",
        "Ann Lee",
        "17 March 2017",
        "SAO PAULO (Reuters) - Coffee prices rose again on Friday as the frost spread.",
    );
    a.article(
        "cocoa.txt",
        "Cocoa talks",
        "Bob Stone",
        "1987-03-02",
        "LONDON (Reuters) - Cocoa buffer stock talks resumed. Prices were steady.",
    );
    a.article(
        "cocoa2.txt",
        "Cocoa prices fall",
        "",
        "1987-04-10",
        "Cocoa prices fell on news of a large crop in Ivory Coast.",
    );
    a.article(
        "sugar.txt",
        "Sugar and cocoa",
        "",
        "",
        "Sugar prices and cocoa prices moved apart; the buffer held.",
    );
    a
}

/// Every object's keys, and those of every hit, facet and facet value, as a set of paths.
fn shape(v: &serde_json::Value, at: &str, out: &mut std::collections::BTreeSet<String>) {
    match v {
        serde_json::Value::Object(map) => {
            for (k, inner) in map {
                let path = format!("{at}.{k}");
                out.insert(path.clone());
                shape(inner, &path, out);
            }
        }
        serde_json::Value::Array(items) => {
            for item in items {
                shape(item, &format!("{at}[]"), out);
            }
        }
        _ => {}
    }
}

#[test]
#[ignore = "needs Debian's sphinxsearch (indexer, searchd)"]
fn a_cluster_search_prints_the_local_json_and_counts_the_same_articles() {
    let a = news();
    let cluster = cluster_of(&a);
    for query in [
        "cocoa",
        "cocoa prices",
        "\"cocoa prices\"",
        "cocoa OR coffee",
        "cocoa -sugar",
        "title:cocoa",
        "place:london",
        "cocoa date:1987-03",
        "prices date:[1987-01-01 TO 1987-12-31]",
        "cocoa w/2 fell",
        "buffer NEAR/1 stock",
        "pric*",
    ] {
        let local = a.search(query, &["--facets"]);
        let remote = a.run_json(&[
            "search",
            query,
            "--facets",
            "--json",
            "--engine",
            &cluster.engine,
        ]);
        let (mut want, mut got) = (Default::default(), Default::default());
        shape(&local, "", &mut want);
        shape(&remote, "", &mut got);
        assert_eq!(got, want, "{query}: the JSON shape");
        assert_eq!(remote["total_hits"], local["total_hits"], "{query}");
        assert_eq!(remote["counts"], local["counts"], "{query}");
        assert_eq!(
            remote["undated_left_out"], local["undated_left_out"],
            "{query}"
        );
        let ids = |v: &serde_json::Value| {
            let mut ids: Vec<String> = v["hits"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|h| h["partial"] == false)
                .map(|h| h["id"].as_str().unwrap().to_string())
                .collect();
            ids.sort();
            ids
        };
        assert_eq!(ids(&remote), ids(&local), "{query}: the same articles");
        assert_eq!(remote["facets"], local["facets"], "{query}: the facets");
    }
}

#[test]
#[ignore = "needs Debian's sphinxsearch (indexer, searchd)"]
fn a_cluster_hit_is_shown_as_a_local_one() {
    let a = news();
    let cluster = cluster_of(&a);
    let local = a.search("buffer", &["--sort", "oldest"]);
    let remote_args = ["search", "buffer", "--sort", "oldest", "--json"];
    let mut remote_args = remote_args.to_vec();
    remote_args.extend(["--engine", &cluster.engine]);
    let remote = a.run_json(&remote_args);
    let (l, r) = (&local["hits"], &remote["hits"]);
    assert_eq!(r.as_array().unwrap().len(), 2);
    for k in 0..2 {
        for field in [
            "id",
            "title",
            "authors",
            "date",
            "place",
            "source",
            "collection",
            "url",
        ] {
            assert_eq!(r[k][field], l[k][field], "hit {k} {field}");
        }
        let snippet = r[k]["snippet"].as_str().unwrap();
        assert!(snippet.contains("<b>buffer</b>"), "{snippet}");
    }
    // Oldest first, the undated article last.
    assert_eq!(r[1]["date"], serde_json::Value::Null);
}

#[test]
#[ignore = "needs Debian's sphinxsearch (indexer, searchd)"]
fn a_cluster_export_writes_every_counted_match_as_a_local_export_does() {
    let a = news();
    let cluster = cluster_of(&a);
    for format in ["csv", "jsonl"] {
        let local = a.stdout(&[
            "search",
            "cocoa prices",
            "--format",
            format,
            "--sort",
            "newest",
        ]);
        let out = a
            .cmd()
            .args([
                "search",
                "cocoa prices",
                "--format",
                format,
                "--sort",
                "newest",
            ])
            .args(["--engine", &cluster.engine])
            .assert()
            .success();
        let remote = String::from_utf8(out.get_output().stdout.clone()).unwrap();
        let first = |s: &str| s.lines().next().unwrap_or_default().to_string();
        assert_eq!(remote.lines().count(), local.lines().count(), "{format}");
        if format == "csv" {
            assert_eq!(first(&remote), first(&local), "the same columns");
        }
    }
}

#[test]
#[ignore = "needs Debian's sphinxsearch (indexer, searchd)"]
fn a_cluster_timeline_counts_the_periods_a_local_one_does() {
    let a = news();
    let cluster = cluster_of(&a);
    for args in [
        &["timeline", "cocoa", "--by", "month", "--json"][..],
        &["timeline", "prices", "--to", "1990", "--json"],
        &["timeline", "cocoa", "coffee", "--by", "year", "--json"],
    ] {
        let mut local = a.run_json(args);
        let mut remote_args = args.to_vec();
        remote_args.extend(["--engine", &cluster.engine]);
        let mut remote = a.run_json(&remote_args);
        for v in [&mut local, &mut remote] {
            v.as_object_mut().unwrap().remove("elapsed_ms");
        }
        assert_eq!(remote, local, "{args:?}");
    }
}

/// The Reuters-21578 corpus: `$DATELINE_REUTERS`, else `../shared/corpora/reuters21578`.
fn reuters() -> std::path::PathBuf {
    std::env::var_os("DATELINE_REUTERS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora/reuters21578")
        })
}

#[test]
#[ignore = "needs Debian's sphinxsearch (indexer, searchd) and the Reuters-21578 corpus in ../shared/corpora (or $DATELINE_REUTERS)"]
fn a_two_agent_reuters_cluster_counts_what_dateline_counts() {
    let a = Archive::new();
    let corpus = reuters();
    a.run(&["index", corpus.to_str().unwrap()]).success();
    let export = a.root().join("export");
    a.run(&[
        "export",
        "--to",
        "manticore",
        "--shards",
        "2",
        "--out",
        export.to_str().unwrap(),
    ])
    .success();
    let cluster = Cluster::start(&export, &a.root().join("state"));
    let total = |v: &serde_json::Value| v["total_articles"].as_u64().unwrap();
    for query in [
        "*",
        "cocoa prices",
        "\"interest rates\"",
        "cocoa OR coffee",
        "gold OR silver prices",
        "oil -crude",
        "title:coffee",
        "place:tokyo",
        "cocoa date:1987-03",
        "prices date:[1987-03-01 TO 1987-03-15]",
        "wheat -corn date:>=1987-04",
        "cocoa w/5 buffer",
        "bank NEAR/3 rates",
        "coff*",
    ] {
        let local = a.search(query, &[]);
        let remote = a.run_json(&["search", query, "--json", "--engine", &cluster.engine]);
        let (l, r) = (total(&local), total(&remote));
        // The engines' tokenisers differ a little; within 2%.
        assert!(
            l.abs_diff(r) * 50 <= l.max(1),
            "{query}: dateline {l}, the cluster {r}"
        );
        assert_eq!(remote["counts"], local["counts"], "{query}");
    }
    for args in [
        &["facets", "cocoa", "--json"][..],
        &["timeline", "cocoa prices", "--json"],
    ] {
        let mut local = a.run_json(args);
        let mut remote_args = args.to_vec();
        remote_args.extend(["--engine", &cluster.engine]);
        let mut remote = a.run_json(&remote_args);
        for v in [&mut local, &mut remote] {
            v.as_object_mut().unwrap().remove("elapsed_ms");
        }
        assert_eq!(remote, local, "{args:?}");
    }
}
