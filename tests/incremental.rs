//! End-to-end tests of keeping an index current: incremental runs, crashes, and concurrent use.

mod common;

use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use common::Archive;

fn counts(s: &serde_json::Value) -> [u64; 4] {
    ["added", "updated", "removed", "unchanged"].map(|k| s[k].as_u64().unwrap())
}

/// Sets a file's modification time, so tests need not sleep for the clock to move.
fn set_mtime(path: &std::path::Path, secs_from_now: i64) {
    let f = std::fs::File::options().write(true).open(path).unwrap();
    let t = std::time::SystemTime::now()
        .checked_add(Duration::from_secs(secs_from_now as u64))
        .unwrap();
    f.set_modified(t).unwrap();
}

#[test]
fn add_change_touch_delete_and_rename() {
    let a = Archive::new();
    a.article("a.txt", "Alpha", "", "17 March 2017", "apples");
    let b = a.article("b.txt", "Beta", "", "17 March 2017", "bananas");
    let c = a.article("c.txt", "Gamma", "", "17 March 2017", "cherries");
    assert_eq!(counts(&a.index_json(&[])), [3, 0, 0, 0]);

    // Nothing changed: nothing read.
    assert_eq!(counts(&a.reindex_json(&[])), [0, 0, 0, 3]);

    // Touched without change: still unchanged, and no second copy appears.
    set_mtime(&b, 60);
    assert_eq!(counts(&a.reindex_json(&[])), [0, 0, 0, 3]);
    assert_eq!(counts(&a.reindex_json(&[])), [0, 0, 0, 3]);
    assert_eq!(a.search("bananas", &[])["total_hits"], 1);

    // Changed.
    a.article("b.txt", "Beta", "", "17 March 2017", "blueberries");
    set_mtime(&b, 120);
    assert_eq!(counts(&a.reindex_json(&[])), [0, 1, 0, 2]);
    assert_eq!(a.search("bananas", &[])["total_hits"], 0);
    assert_eq!(a.search("blueberries", &[])["total_hits"], 1);

    // Added.
    a.article("sub/d.txt", "Delta", "", "17 March 2017", "dates");
    assert_eq!(counts(&a.reindex_json(&[])), [1, 0, 0, 3]);

    // Deleted.
    std::fs::remove_file(&c).unwrap();
    assert_eq!(counts(&a.reindex_json(&[])), [0, 0, 1, 3]);
    assert_eq!(a.search("cherries", &[])["total_hits"], 0);

    // Renamed: the old path goes, the new one comes, once.
    std::fs::rename(a.articles().join("a.txt"), a.articles().join("a2.txt")).unwrap();
    assert_eq!(counts(&a.reindex_json(&[])), [1, 0, 1, 2]);
    let r = a.search("apples", &[]);
    assert_eq!(r["total_hits"], 1);
    assert!(r["hits"][0]["path"].as_str().unwrap().ends_with("a2.txt"));
    assert_eq!(a.search("*", &[])["total_hits"], 3);
}

/// The walk finds no file at all, so nothing but the sweep for gone files needs to know
/// what the index holds.
#[test]
fn a_folder_emptied_of_its_articles_empties_the_index() {
    let a = Archive::new();
    let x = a.article("x.txt", "Alpha", "", "17 March 2017", "apples");
    let y = a.article("sub/y.txt", "Beta", "", "17 March 2017", "bananas");
    assert_eq!(counts(&a.index_json(&[])), [2, 0, 0, 0]);
    std::fs::remove_file(x).unwrap();
    std::fs::remove_file(y).unwrap();
    assert_eq!(counts(&a.reindex_json(&[])), [0, 0, 2, 0]);
    assert_eq!(a.search("*", &[])["total_hits"], 0);
}

#[test]
fn jsonl_records_follow_their_file() {
    let a = Archive::new();
    let line = |t: &str, b: &str| {
        format!("{{\"title\": \"{t}\", \"date\": \"2017-03-17\", \"body\": \"{b}\"}}\n")
    };
    let f = a.write(
        "feed.jsonl",
        line("One", "first") + &line("Two", "second") + &line("Three", "third"),
    );
    assert_eq!(a.index_json(&[])["indexed"], 3);

    // A record edited, one removed, one added.
    a.write(
        "feed.jsonl",
        line("One", "first edited") + &line("Four", "fourth") + &line("Three", "third"),
    );
    set_mtime(&f, 60);
    let s = a.reindex_json(&[]);
    assert_eq!(counts(&s), [0, 1, 0, 0]);
    assert_eq!(s["indexed"], 3);
    assert_eq!(a.search("*", &[])["total_hits"], 3);
    assert_eq!(a.search("second", &[])["total_hits"], 0);
    assert_eq!(a.search("fourth", &[])["hits"][0]["line"], 2);
    assert_eq!(a.search("edited", &[])["total_hits"], 1);

    std::fs::remove_file(&f).unwrap();
    assert_eq!(counts(&a.reindex_json(&[])), [0, 0, 1, 0]);
    assert_eq!(a.search("*", &[])["total_hits"], 0);
}

fn many_articles(a: &Archive, n: usize) {
    for i in 0..n {
        a.write(
            &format!("{:02}/{i:05}.txt", i % 50),
            format!("Story number {i}\n17 March 2017\n\nuniq{i} common words about markets.\n"),
        );
    }
}

fn spawn_indexer(a: &Archive, extra: &[&str]) -> Child {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("dateline"));
    cmd.current_dir(a.root())
        .args(["index", "--json", "--index"])
        .arg(a.index())
        .arg(a.articles())
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd.spawn().unwrap()
}

/// Articles in the last commit, or None while there is none.
fn committed(a: &Archive) -> Option<u64> {
    let meta = std::fs::read_to_string(a.index().join("meta.json")).ok()?;
    let meta: serde_json::Value = serde_json::from_str(&meta).ok()?;
    let segments = meta["segments"].as_array()?;
    let docs: u64 = segments
        .iter()
        .map(|s| {
            s["max_doc"].as_u64().unwrap_or(0)
                - s["deletes"]["num_deleted_docs"].as_u64().unwrap_or(0)
        })
        .sum();
    (docs > 0).then_some(docs)
}

/// Indexes the archive's `n` articles in small batches and SIGKILLs the indexer once a commit
/// holds some but not all of them. Returns the articles committed when the kill was sent, or
/// None when the run ended, or committed every article, before the kill landed.
fn kill_mid_run(a: &Archive, n: usize) -> Option<u64> {
    let mut child = spawn_indexer(a, &["--batch-docs", "300", "--threads", "1"]);
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut killed_at = None;
    while Instant::now() < deadline {
        if let Some(docs) = committed(a) {
            if (docs as usize) < n {
                child.kill().unwrap(); // SIGKILL
                killed_at = Some(docs);
                break;
            }
        }
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let status = child.wait().unwrap();
    let mid_run = !status.success() && committed(a).is_some_and(|docs| (docs as usize) < n);
    killed_at.filter(|_| mid_run)
}

#[test]
fn killed_mid_run_then_resumed_has_every_article_once() {
    // A fast run can end before the kill lands; then start again on an archive twice the
    // size, so that the crash is always exercised rather than the test passing untested.
    let (a, n, killed_at) = [6000, 12_000, 24_000]
        .into_iter()
        .find_map(|n| {
            let a = Archive::new();
            many_articles(&a, n);
            let killed_at = kill_mid_run(&a, n);
            if killed_at.is_none() {
                eprintln!("the indexer ended before it was killed; again with more articles");
            }
            Some((a, n, killed_at?))
        })
        .expect("the indexer finished every run before it could be killed mid-run");
    // The killed index opens and answers as of its last commit.
    let total = a.search("*", &[])["total_hits"].as_u64().unwrap();
    assert!(
        total >= killed_at && total < n as u64,
        "{total} after kill at {killed_at}"
    );
    // The next run adds exactly what is missing.
    let s = a.reindex_json(&[]);
    assert_eq!(
        s["unchanged"].as_u64().unwrap() + s["added"].as_u64().unwrap(),
        n as u64,
        "{s}"
    );
    assert!(s["unchanged"].as_u64().unwrap() >= killed_at, "{s}");
    assert_eq!(s["articles"], n as u64, "{s}");
    assert_eq!(a.search("*", &[])["total_hits"], n as u64);
    for i in (0..n).step_by(397) {
        assert_eq!(
            a.search(&format!("uniq{i}"), &[])["total_hits"],
            1,
            "uniq{i}"
        );
    }
}

#[test]
fn watch_takes_in_new_files_and_keeps_other_indexers_out() {
    let a = Archive::new();
    a.article("a.txt", "Alpha", "", "17 March 2017", "apples");
    let mut watcher = spawn_indexer(&a, &["--watch", "--interval", "0.2"]);
    let deadline = Instant::now() + Duration::from_secs(60);
    while committed(&a).is_none() {
        assert!(Instant::now() < deadline, "watcher never committed");
        std::thread::sleep(Duration::from_millis(20));
    }

    // A second indexer is refused at once, with a clear message, and does no harm.
    let out = a
        .cmd()
        .args(["index", "--index"])
        .arg(a.index())
        .arg(a.articles())
        .assert()
        .failure()
        .get_output()
        .clone();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("is being updated by another dateline process"),
        "{err}"
    );

    // Search works meanwhile, and sees new files within a few seconds.
    assert_eq!(a.search("apples", &[])["total_hits"], 1);
    a.article("b.txt", "Beta", "", "18 March 2017", "bananas");
    let deadline = Instant::now() + Duration::from_secs(20);
    while a.search("bananas", &[])["total_hits"] != 1 {
        assert!(Instant::now() < deadline, "watch did not pick up b.txt");
        std::thread::sleep(Duration::from_millis(100));
    }
    std::fs::remove_file(a.articles().join("a.txt")).unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while a.search("apples", &[])["total_hits"] != 0 {
        assert!(Instant::now() < deadline, "watch did not remove a.txt");
        std::thread::sleep(Duration::from_millis(100));
    }

    // Ctrl-C: a clean exit.
    std::process::Command::new("kill")
        .args(["-INT", &watcher.id().to_string()])
        .status()
        .unwrap();
    let status = watcher.wait().unwrap();
    assert!(status.success(), "{status:?}");
    assert_eq!(a.search("*", &[])["total_hits"], 1);
}

#[test]
fn search_during_a_long_index_run_sees_the_last_commit() {
    let a = Archive::new();
    many_articles(&a, 3000);
    let mut child = spawn_indexer(&a, &["--batch-docs", "200", "--threads", "1"]);
    let mut seen = 0;
    while child.try_wait().unwrap().is_none() {
        if committed(&a).is_some() {
            let total = a.search("markets", &[])["total_hits"].as_u64().unwrap();
            assert!(total >= seen, "results went backwards: {total} < {seen}");
            seen = total;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(child.wait().unwrap().success());
    assert_eq!(a.search("markets", &[])["total_hits"], 3000);
}

/// What `dateline search` and `dateline index` print on the archive's index, each of
/// which must fail.
fn search_and_index_errors(a: &Archive) -> Vec<String> {
    [&["search", "apples"][..], &["index"][..]]
        .into_iter()
        .map(|args| {
            let out = a
                .cmd()
                .args(args)
                .arg("--index")
                .arg(a.index())
                .assert()
                .failure()
                .get_output()
                .clone();
            String::from_utf8(out.stderr).unwrap()
        })
        .collect()
}

#[test]
fn incompatible_index_asks_for_a_rebuild() {
    use tantivy::schema::{Schema, TEXT};
    let a = Archive::new();
    a.article("a.txt", "Alpha", "", "17 March 2017", "apples");
    let mut b = Schema::builder();
    b.add_text_field("text", TEXT);
    std::fs::create_dir_all(a.index()).unwrap();
    tantivy::Index::create_in_dir(a.index(), b.build()).unwrap();
    for err in search_and_index_errors(&a) {
        assert!(err.contains("dateline index --rebuild"), "{err}");
    }
    let s = a.index_json(&["--rebuild"]);
    assert_eq!(s["added"], 1);
    assert_eq!(a.search("apples", &[])["total_hits"], 1);
}

/// An index from an early dateline that tantivy cannot even open (its store was lz4,
/// which this build leaves out): one short line that says to rebuild, not tantivy's error
/// quoting the whole meta.json.
#[test]
fn index_tantivy_cannot_open_asks_for_a_rebuild_in_one_short_line() {
    let a = Archive::new();
    a.article("a.txt", "Alpha", "", "17 March 2017", "apples");
    std::fs::create_dir_all(a.index()).unwrap();
    let meta = serde_json::json!({
        "index_settings": {"docstore_compression": "lz4", "docstore_blocksize": 16384},
        "segments": [],
        "schema": [],
        "opstamp": 2,
        "payload": "{\"dateline_schema\":1,\"roots\":[]}"
    });
    std::fs::write(a.index().join("meta.json"), meta.to_string()).unwrap();
    for err in search_and_index_errors(&a) {
        assert!(err.contains("incompatible version of dateline"), "{err}");
        assert!(err.contains("dateline index --rebuild"), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.len() < 300, "{err}");
    }
    let s = a.index_json(&["--rebuild"]);
    assert_eq!(s["added"], 1);
}
