//! End-to-end tests of the index write path under hostile conditions: a full disk, kill -9
//! during a rebuild or before the first commit, and the messages the index command gives.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use common::Archive;

fn many_articles(a: &Archive, n: usize, from: usize) {
    for i in from..from + n {
        // Varied words, so the index is about as large as the text.
        let words: Vec<String> = (0..120)
            .map(|k| format!("w{:x}", (i * 7919 + k * 104_729) % 50_021))
            .collect();
        a.write(
            &format!("{:02}/{i:05}.txt", i % 40),
            format!(
                "Story number {i}\n17 March 2017\n\nuniq{i} markets {}\n",
                words.join(" ")
            ),
        );
    }
}

fn spawn_index(a: &Archive, args: &[&str]) -> Child {
    std::process::Command::new(assert_cmd::cargo::cargo_bin("dateline"))
        .current_dir(a.root())
        .arg("index")
        .args(args)
        .arg("--index")
        .arg(a.index())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// Articles in the last commit of the index at `path`, from its meta.json.
fn committed_at(path: &Path) -> Option<u64> {
    let meta = std::fs::read_to_string(path.join("meta.json")).ok()?;
    let meta: serde_json::Value = serde_json::from_str(&meta).ok()?;
    let segments = meta["segments"].as_array()?;
    Some(
        segments
            .iter()
            .map(|s| {
                s["max_doc"].as_u64().unwrap_or(0)
                    - s["deletes"]["num_deleted_docs"].as_u64().unwrap_or(0)
            })
            .sum(),
    )
}

/// Every article in the index (copies counted: the synthetic stories share most words).
fn total(a: &Archive) -> u64 {
    a.search("*", &["--all-copies"])["total_hits"]
        .as_u64()
        .unwrap()
}

/// Stderr of a run expected to fail, within a bound that catches a hang.
fn failing_index(a: &Archive, args: &[&str]) -> String {
    let out = a
        .cmd()
        .arg("index")
        .args(args)
        .arg("--index")
        .arg(a.index())
        .timeout(Duration::from_secs(120))
        .assert()
        .failure()
        .get_output()
        .clone();
    String::from_utf8(out.stderr).unwrap()
}

/// A small tmpfs mounted over a folder for one test, unmounted when dropped.
struct Tmpfs(PathBuf);

impl Tmpfs {
    /// Fails the test, saying why, when this process may not mount (not root, or no tmpfs):
    /// the tests that mount are `#[ignore]`d, so they run only when asked for.
    fn mount(at: &Path, size: &str) -> Tmpfs {
        std::fs::create_dir_all(at).unwrap();
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(at)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        assert!(
            ok,
            "mounting a tmpfs needs root (.ci/run runs these tests as root)"
        );
        Tmpfs(at.to_path_buf())
    }

    fn resize(&self, size: &str) {
        let status = std::process::Command::new("mount")
            .args(["-o", &format!("remount,size={size}")])
            .arg(&self.0)
            .status()
            .unwrap();
        assert!(status.success());
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(&self.0)
            .status();
    }
}

#[test]
#[ignore = "needs root to mount a small filesystem; .ci/run runs it"]
fn a_full_disk_ends_the_run_with_one_line_and_loses_nothing() {
    let a = Archive::new();
    let disk = Tmpfs::mount(&a.index(), "2m");
    many_articles(&a, 20, 0);
    assert_eq!(a.index_json(&[])["articles"], 20);
    // Several times what the disk holds.
    many_articles(&a, 3000, 20);
    let err = failing_index(&a, &[]);
    assert!(
        err.contains("no space left on device while writing the index at"),
        "{err}"
    );
    assert!(
        err.contains("the index as of the last commit is intact"),
        "{err}"
    );
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(!err.contains("os error"), "{err}");
    // The last commit is whole and searchable.
    let committed = total(&a);
    assert!((20..3020).contains(&committed), "{committed}");
    assert_eq!(a.search("uniq7", &[])["total_hits"], 1);
    // Space freed: the next run is exact.
    disk.resize("256m");
    let s = a.reindex_json(&[]);
    assert_eq!(s["articles"], 3020, "{s}");
    assert_eq!(
        s["added"].as_u64().unwrap() + s["unchanged"].as_u64().unwrap(),
        3020,
        "{s}"
    );
    assert_eq!(total(&a), 3020);
    for i in (0..3020).step_by(331) {
        assert_eq!(
            a.search(&format!("uniq{i}"), &[])["total_hits"],
            1,
            "uniq{i}"
        );
    }
}

/// The files in the index folder besides the last commit's own: `meta.json` (listing no
/// segment here), tantivy's list of its files and locks, and the test's ballast.
fn files_besides_an_empty_commit(index: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(index)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| {
            ![
                "meta.json",
                ".managed.json",
                ".tantivy-meta.lock",
                ".tantivy-writer.lock",
                ".ballast",
            ]
            .contains(&n.as_str())
        })
        .collect();
    names.sort();
    names
}

/// A disk that cannot hold the build of [`many_articles`]`(3000)` while it holds a ballast
/// file, and can without it (the build needs about 2.5 MB), but not also beside what a
/// failed run wrote.
fn tight_disk(a: &Archive) -> (Tmpfs, PathBuf) {
    let disk = Tmpfs::mount(&a.index(), "3840k");
    let ballast = a.index().join(".ballast");
    std::fs::write(&ballast, vec![1u8; 1792 << 10]).unwrap();
    (disk, ballast)
}

#[test]
#[ignore = "needs root to mount a small filesystem; .ci/run runs it"]
fn a_run_that_filled_the_disk_leaves_its_space_to_the_next() {
    let a = Archive::new();
    many_articles(&a, 3000, 0);
    let (_disk, ballast) = tight_disk(&a);
    let articles = a.articles();
    let err = failing_index(&a, &[articles.to_str().unwrap(), "--threads", "1"]);
    assert!(err.contains("no space left on device"), "{err}");
    // What the failed run wrote after its last commit is gone with it.
    assert_eq!(
        files_besides_an_empty_commit(&a.index()),
        Vec::<String>::new()
    );
    // Space freed: the next run fits, and is exact.
    std::fs::remove_file(&ballast).unwrap();
    let s = a.reindex_json(&["--threads", "1"]);
    assert_eq!(s["added"], 3000, "{s}");
    assert_eq!(s["articles"], 3000, "{s}");
    assert_eq!(total(&a), 3000);
    for i in (0..3000).step_by(331) {
        assert_eq!(
            a.search(&format!("uniq{i}"), &[])["total_hits"],
            1,
            "uniq{i}"
        );
    }
}

#[test]
#[ignore = "needs root to mount a small filesystem; .ci/run runs it"]
fn a_rebuild_that_filled_the_disk_leaves_no_staging_folder() {
    let a = Archive::new();
    many_articles(&a, 20, 0);
    let (_disk, ballast) = tight_disk(&a);
    assert_eq!(a.index_json(&[])["articles"], 20);
    many_articles(&a, 3000, 20);
    let err = failing_index(&a, &["--rebuild", "--threads", "1"]);
    assert!(err.contains("no space left on device"), "{err}");
    assert!(
        !index_dir_staging(&a).exists(),
        "the failed rebuild's folder is left"
    );
    assert_eq!(total(&a), 20, "the old index, whole");
    std::fs::remove_file(&ballast).unwrap();
    let s = a.reindex_json(&["--rebuild", "--threads", "1"]);
    assert_eq!(s["articles"], 3020, "{s}");
    assert_eq!(total(&a), 3020);
}

/// `n` small articles under `articles/<folder>/`, each with the word `<folder>N`.
fn small_files(a: &Archive, folder: &str, n: usize) {
    for i in 0..n {
        a.write(
            &format!("{folder}/{i:03}.txt"),
            format!("Early story {i}\n17 March 2017\n\n{folder}{i} {folder} harbour\n"),
        );
    }
}

/// A long archive at `articles/<name>`: `n` JSON Lines records, gzip-compressed, so it is
/// read and indexed a piece at a time. Record `i` has the word `wireI`.
fn long_archive(a: &Archive, name: &str, n: usize) {
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    for i in 0..n {
        let words: Vec<String> = (0..30)
            .map(|k| format!("w{:x}", (i * 7919 + k * 104_729) % 50_021))
            .collect();
        writeln!(
            gz,
            r#"{{"title": "Wire story {i}", "date": "2017-03-17", "body": "wire{i} {}"}}"#,
            words.join(" ")
        )
        .unwrap();
    }
    a.write(name, gz.finish().unwrap());
}

/// Path ids a commit of the index at `path` lists as read part-way (its payload's
/// `partial`).
fn partial_at(path: &Path) -> Vec<u64> {
    let Ok(meta) = std::fs::read_to_string(path.join("meta.json")) else {
        return Vec::new();
    };
    let meta: serde_json::Value = serde_json::from_str(&meta).unwrap_or_default();
    let payload: serde_json::Value = meta["payload"]
        .as_str()
        .and_then(|p| serde_json::from_str(p).ok())
        .unwrap_or_default();
    payload["partial"]
        .as_array()
        .map(|ids| ids.iter().filter_map(|id| id.as_u64()).collect())
        .unwrap_or_default()
}

const EARLY: usize = 50;

/// 50 small files in `articles/early/`, then (folders are read in the order named) an
/// archive of `n` articles in `articles/wire/`, indexed in batches of 200 and killed with
/// SIGKILL once a commit holds some of the archive but not all of it. Returns the archive,
/// or None when the run ended before it was caught mid-archive.
fn kill_mid_archive(n: usize) -> Option<Archive> {
    let a = Archive::new();
    small_files(&a, "early", EARLY);
    long_archive(&a, "wire/wire.jsonl.gz", n);
    let (early, wire) = (a.articles().join("early"), a.articles().join("wire"));
    let mut child = spawn_index(
        &a,
        &[
            early.to_str().unwrap(),
            wire.to_str().unwrap(),
            "--batch-docs",
            "200",
            "--threads",
            "1",
        ],
    );
    let deadline = Instant::now() + Duration::from_secs(120);
    let mid_archive = |a: &Archive| {
        committed_at(&a.index()).is_some_and(|d| d > EARLY as u64 && d < (EARLY + n) as u64)
    };
    while Instant::now() < deadline && child.try_wait().unwrap().is_none() {
        if mid_archive(&a) {
            child.kill().unwrap(); // SIGKILL
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let status = child.wait().unwrap();
    (!status.success() && mid_archive(&a)).then_some(a)
}

/// [`kill_mid_archive`], on a larger archive each time a run ends before the kill lands, so
/// the crash is always exercised rather than the test passing untested.
fn killed_mid_archive() -> (Archive, usize) {
    [8_000, 30_000, 120_000]
        .into_iter()
        .find_map(|n| {
            let a = kill_mid_archive(n);
            if a.is_none() {
                eprintln!("no commit caught the archive part-way; again with a longer one");
            }
            Some((a?, n))
        })
        .expect("no commit was made while the archive was being read")
}

#[test]
fn files_read_before_a_long_archive_are_committed_while_it_is_read() {
    let (a, n) = killed_mid_archive();
    // Killed mid-archive: the files read before it are in, and some of the archive.
    assert_eq!(
        a.search("early", &["--all-copies"])["total_hits"],
        EARLY as u64
    );
    let wire = total(&a) - EARLY as u64;
    assert!(wire > 0 && wire < n as u64, "{wire} of {n}");
    assert_eq!(
        partial_at(&a.index()).len(),
        1,
        "the archive is listed as read part-way"
    );
}

#[test]
fn a_run_killed_mid_archive_is_completed_exactly_by_the_next() {
    let (a, n) = killed_mid_archive();
    let s = a.reindex_json(&[]);
    // The archive is read again whole; the files before it stay as they are.
    assert_eq!(s["unchanged"], EARLY as u64, "{s}");
    assert_eq!(s["added"], 1, "{s}");
    assert_eq!(s["indexed"], n as u64, "{s}");
    assert_eq!(s["articles"], (EARLY + n) as u64, "{s}");
    assert_eq!(total(&a), (EARLY + n) as u64);
    for i in (0..n).step_by(997).chain([n - 1]) {
        assert_eq!(
            a.search(&format!("wire{i}"), &[])["total_hits"],
            1,
            "wire{i}"
        );
    }
    assert!(partial_at(&a.index()).is_empty());
    // And the run after that has nothing to do.
    let s = a.reindex_json(&[]);
    assert_eq!(s["unchanged"], (EARLY + 1) as u64, "{s}");
    assert_eq!(s["indexed"], 0, "{s}");
}

#[test]
fn files_beside_a_long_archive_are_committed_while_it_is_read() {
    // Two readers: one is held by the archive until it is read, the other reads the small
    // files, whichever comes first in the folder; most reach the indexing thread after the
    // archive has (it is read in pieces from its first), so they are added between its
    // pieces or not until it ends.
    const BESIDE: usize = 2000;
    let found = [8_000, 30_000, 120_000].into_iter().any(|n| {
        let a = Archive::new();
        small_files(&a, "beside", BESIDE);
        long_archive(&a, "beside/wire.jsonl.gz", n);
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("dateline"))
            .env("RAYON_NUM_THREADS", "2")
            .args(["index", "--batch-docs", "200", "--threads", "1", "--index"])
            .arg(a.index())
            .arg(a.articles())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut found = false;
        while child.try_wait().unwrap().is_none() {
            // Once committed, the small files stay: all of them searchable, and then a
            // commit still listing the archive as read part-way, means they were committed
            // while it was being read.
            if !partial_at(&a.index()).is_empty()
                && a.search("beside", &["--all-copies"])["total_hits"] == BESIDE as u64
                && !partial_at(&a.index()).is_empty()
            {
                found = true;
                break;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        let _ = child.kill();
        child.wait().unwrap();
        if !found {
            eprintln!("the archive was read before the small files were seen; a longer one");
        }
        found
    });
    assert!(
        found,
        "the small files were not committed while the archive was read"
    );
}

/// The index folder as the project ships it: files tantivy did not write must survive.
fn project_index_folder(a: &Archive) {
    std::fs::create_dir_all(a.index()).unwrap();
    std::fs::write(a.index().join("README.md"), "Built by `dateline index`.\n").unwrap();
    std::fs::write(a.index().join(".gitignore"), "*\n").unwrap();
}

#[test]
fn searches_during_a_rebuild_see_the_whole_old_index() {
    let a = Archive::new();
    project_index_folder(&a);
    let n = 3000;
    many_articles(&a, n, 0);
    assert_eq!(a.index_json(&[])["articles"], n as u64);
    let mut child = spawn_index(&a, &["--rebuild", "--batch-docs", "100", "--threads", "1"]);
    let mut searched = 0;
    while child.try_wait().unwrap().is_none() {
        assert_eq!(total(&a), n as u64, "a search during the rebuild");
        searched += 1;
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(child.wait().unwrap().success());
    assert!(searched > 0, "the rebuild ended before any search");
    assert_eq!(total(&a), n as u64);
    assert!(a.index().join("README.md").is_file());
    assert!(a.index().join(".gitignore").is_file());
    assert!(!index_dir_staging(&a).exists());
    // Rebuilt, not kept: an unchanged run afterwards finds every file in it.
    let s = a.reindex_json(&[]);
    assert_eq!(s["unchanged"], n as u64, "{s}");
}

fn index_dir_staging(a: &Archive) -> PathBuf {
    a.index().join(".rebuild")
}

#[test]
fn kill_9_during_a_rebuild_leaves_a_whole_index_that_remembers_its_folders() {
    let a = Archive::new();
    project_index_folder(&a);
    let n = 3000;
    many_articles(&a, n, 0);
    assert_eq!(a.index_json(&[])["articles"], n as u64);
    let mut child = spawn_index(&a, &["--rebuild", "--batch-docs", "100", "--threads", "1"]);
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut killed = false;
    while Instant::now() < deadline && child.try_wait().unwrap().is_none() {
        // Mid-rebuild: it has committed part of the new index (wherever it keeps it).
        let partial = committed_at(&index_dir_staging(&a)).is_some_and(|d| d > 0)
            || committed_at(&a.index()).is_some_and(|d| d < n as u64);
        if partial {
            child.kill().unwrap(); // SIGKILL
            killed = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    child.wait().unwrap();
    assert!(killed, "the rebuild was not caught mid-run");
    // The old index, whole.
    assert_eq!(total(&a), n as u64);
    assert_eq!(a.search("uniq1234", &[])["total_hits"], 1);
    // A bare run knows its folders and is exact; the leftover staging folder goes.
    let s = a.reindex_json(&[]);
    assert_eq!(s["articles"], n as u64, "{s}");
    assert!(!index_dir_staging(&a).exists());
    // A rebuild after the kill completes.
    let s = a.reindex_json(&["--rebuild"]);
    assert_eq!(s["added"], n as u64, "{s}");
    assert_eq!(total(&a), n as u64);
    assert!(a.index().join("README.md").is_file());
}

/// `n` articles indexed into a new index, killed with SIGKILL as soon as its first commit
/// (of no documents, only the folders) is on disk. None when the run ended, or committed its
/// documents, before the kill landed.
fn kill_after_the_first_commit(n: usize) -> Option<Archive> {
    let a = Archive::new();
    many_articles(&a, n, 0);
    // No batch count: a new index commits its documents only at the end (or after 30 s).
    let mut child = spawn_index(&a, &[a.articles().to_str().unwrap(), "--threads", "1"]);
    let deadline = Instant::now() + Duration::from_secs(60);
    // tantivy writes a meta.json of its own when it creates the index; dateline's first
    // commit is the one that carries a payload (the folders).
    let first_commit = |index: &Path| {
        std::fs::read_to_string(index.join("meta.json"))
            .ok()
            .and_then(|m| serde_json::from_str::<serde_json::Value>(&m).ok())
            .is_some_and(|m| m["payload"].is_string())
    };
    while !first_commit(&a.index()) {
        assert!(Instant::now() < deadline, "no index was created");
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().unwrap(); // SIGKILL
    let status = child.wait().unwrap();
    (!status.success() && committed_at(&a.index()) == Some(0)).then_some(a)
}

#[test]
fn kill_9_before_the_first_commit_still_remembers_the_folders() {
    // A larger archive each time a run ends before the kill lands, so that the crash is
    // always exercised, however fast the machine.
    let (a, n) = [3_000, 30_000, 300_000]
        .into_iter()
        .find_map(|n| Some((kill_after_the_first_commit(n)?, n)))
        .expect("every run committed its documents before it could be killed");
    // The root holds no ./corpus: only the remembered folder can be read.
    let s = a.reindex_json(&[]);
    assert_eq!(s["added"], n as u64, "{s}");
    assert_eq!(
        s["folders"][0],
        a.articles().canonicalize().unwrap().to_str().unwrap()
    );
    assert_eq!(total(&a), n as u64);
}

/// Reasons of the problems a summary lists, with their paths.
fn problems(s: &serde_json::Value) -> Vec<(String, String)> {
    s["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let path = p["path"].as_str().unwrap().to_string();
            (path, p["reason"].as_str().unwrap().to_string())
        })
        .collect()
}

fn assert_one_clear_line(err: &str, wanted: &str) {
    assert!(err.contains(wanted), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    for leak in [
        "os error",
        "IoError",
        "Os {",
        "Internal error",
        "invalid argument",
    ] {
        assert!(!err.contains(leak), "{err}");
    }
}

#[test]
fn too_much_memory_is_refused_in_one_clear_line() {
    let a = Archive::new();
    many_articles(&a, 3, 0);
    let err = failing_index(
        &a,
        &[a.articles().to_str().unwrap(), "--memory", "99999999"],
    );
    assert_one_clear_line(&err, "--memory 99999999 is more than");
    assert!(err.contains("pass at most --memory"), "{err}");
}

#[test]
fn an_index_path_that_is_a_file_is_refused_in_one_clear_line() {
    let a = Archive::new();
    many_articles(&a, 3, 0);
    std::fs::write(a.index(), "not a folder").unwrap();
    let err = failing_index(&a, &[a.articles().to_str().unwrap()]);
    assert_one_clear_line(&err, "is a file, not a folder");
    assert_eq!(std::fs::read_to_string(a.index()).unwrap(), "not a folder");
}

/// A `--watch` of the archive's folder, its standard error kept, once it has committed the
/// first `n` articles.
fn watching(a: &Archive, n: u64) -> Child {
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("dateline"))
        .current_dir(a.root())
        .args(["index", "--json", "--watch", "--interval", "0.2", "--index"])
        .arg(a.index())
        .arg(a.articles())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while committed_at(&a.index()).is_none_or(|d| d < n) {
        assert!(Instant::now() < deadline, "the watcher never committed");
        std::thread::sleep(Duration::from_millis(20));
    }
    child
}

/// What a watcher that must end on its own printed on standard error; it failed.
fn ended_with_error(mut child: Child, why: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("the watcher kept running {why}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(!status.success());
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    err
}

#[test]
fn an_index_removed_under_watch_ends_it_in_one_clear_line() {
    let a = Archive::new();
    many_articles(&a, 3, 0);
    let child = watching(&a, 3);
    // The watcher can commit while the folder is being removed, which then is not empty:
    // remove again what it wrote.
    let deadline = Instant::now() + Duration::from_secs(30);
    while let Err(e) = std::fs::remove_dir_all(a.index()) {
        assert!(Instant::now() < deadline, "cannot remove the index: {e}");
    }
    let err = ended_with_error(child, "without its index");
    assert_one_clear_line(&err, "was removed while dateline was updating it");
}

#[test]
fn an_index_losing_its_files_under_watch_ends_it_in_one_clear_line() {
    // Removing a folder takes its files one by one: the watcher can fail on a missing
    // segment while meta.json is still there, and must say so as when the folder is gone.
    let a = Archive::new();
    many_articles(&a, 3, 0);
    let child = watching(&a, 3);
    for entry in std::fs::read_dir(a.index()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_file() && name != "meta.json" && !name.starts_with('.') {
            std::fs::remove_file(&path).unwrap();
        }
    }
    many_articles(&a, 1, 3);
    let err = ended_with_error(child, "without its index's files");
    assert_one_clear_line(&err, "was removed while dateline was updating it");
}

#[test]
fn an_index_missing_files_of_its_commit_says_to_rebuild_it_and_the_rebuild_works() {
    let a = Archive::new();
    many_articles(&a, 3, 0);
    a.index_stdout(&[]);
    for entry in std::fs::read_dir(a.index()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "term") {
            std::fs::remove_file(&path).unwrap();
        }
    }
    let out = a.run(&["search", "markets"]).code(2).get_output().clone();
    let err = String::from_utf8(out.stderr).unwrap();
    assert_one_clear_line(&err, "is damaged: files of its last commit are missing");
    assert!(err.contains("dateline index --rebuild"), "{err}");
    a.run(&["index", "--rebuild"]).success();
    let found = a.search("markets", &[]);
    assert_eq!(found["total_hits"], 3, "{found}");
}

#[test]
fn a_second_indexer_is_told_the_first_may_be_a_watch() {
    let a = Archive::new();
    many_articles(&a, 3, 0);
    let mut watcher = spawn_index(
        &a,
        &[
            a.articles().to_str().unwrap(),
            "--watch",
            "--interval",
            "0.2",
        ],
    );
    let deadline = Instant::now() + Duration::from_secs(60);
    while committed_at(&a.index()).is_none_or(|d| d < 3) {
        assert!(Instant::now() < deadline, "the watcher never committed");
        std::thread::sleep(Duration::from_millis(20));
    }
    let err = failing_index(&a, &[]);
    watcher.kill().unwrap();
    watcher.wait().unwrap();
    assert_one_clear_line(&err, "is being updated by another dateline process");
    assert!(err.contains("--watch"), "{err}");
    assert!(err.contains("Ctrl-C"), "{err}");
}

#[test]
fn watch_interval_zero_is_refused_in_one_clear_line() {
    let a = Archive::new();
    many_articles(&a, 3, 0);
    let err = failing_index(
        &a,
        &[a.articles().to_str().unwrap(), "--watch", "--interval", "0"],
    );
    assert_one_clear_line(&err, "--interval 0 is out of range");
    assert!(!a.index().join("meta.json").exists());
}

#[test]
fn an_index_inside_the_archive_is_not_walked() {
    let a = Archive::new();
    many_articles(&a, 3, 0);
    let inside = a.articles().join("search-index");
    let run = |extra: &[&str]| -> serde_json::Value {
        let out = a
            .cmd()
            .args(["index", "--json", "--index"])
            .arg(&inside)
            .args(extra)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        serde_json::from_slice(&out).unwrap()
    };
    let first = run(&[a.articles().to_str().unwrap()]);
    assert_eq!(first["added"], 3, "{first}");
    let again = run(&[]);
    assert_eq!(again["unchanged"], 3, "{again}");
    assert_eq!(again["skipped"], 0, "{again}");
    assert!(problems(&again).is_empty(), "{again}");
}

#[test]
fn a_linked_folder_that_is_read_is_not_reported_as_already_read() {
    let a = Archive::new();
    many_articles(&a, 2, 0);
    let outside = a.root().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("two.txt"), "Two\n17 March 2017\n\nbeta\n").unwrap();
    std::os::unix::fs::symlink(&outside, a.articles().join("linked")).unwrap();
    let s = a.index_json(&[]);
    assert_eq!(s["indexed"], 3, "{s}");
    assert!(problems(&s).is_empty(), "{s}");
    assert_eq!(a.search("beta", &[])["total_hits"], 1);
}

#[test]
fn fifos_are_listed_as_skipped_and_never_opened() {
    let a = Archive::new();
    many_articles(&a, 2, 0);
    let fifo = a.articles().join("pipe.txt");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let out = a
        .cmd()
        .args(["index", "--json", "--index"])
        .arg(a.index())
        .arg(a.articles())
        .timeout(Duration::from_secs(60))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let s: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(s["indexed"], 2, "{s}");
    let p = problems(&s);
    assert!(
        p.iter()
            .any(|(path, reason)| path.ends_with("pipe.txt") && reason.contains("named pipe")),
        "{s}"
    );
}
