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

fn total(a: &Archive) -> u64 {
    a.search("*", &[])["total_hits"].as_u64().unwrap()
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
    /// None when this process may not mount (not root, or no tmpfs).
    fn mount(at: &Path, size: &str) -> Option<Tmpfs> {
        std::fs::create_dir_all(at).unwrap();
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(at)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| Tmpfs(at.to_path_buf()))
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
fn a_full_disk_ends_the_run_with_one_line_and_loses_nothing() {
    let a = Archive::new();
    let Some(disk) = Tmpfs::mount(&a.index(), "2m") else {
        eprintln!("skipping: cannot mount a tmpfs here (needs root)");
        return;
    };
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

#[test]
fn kill_9_before_the_first_commit_still_remembers_the_folders() {
    let a = Archive::new();
    let n = 3000;
    many_articles(&a, n, 0);
    // No batch count: a new index commits its documents only at the end (or after 30 s).
    let mut child = spawn_index(&a, &[a.articles().to_str().unwrap(), "--threads", "1"]);
    let deadline = Instant::now() + Duration::from_secs(60);
    while !a.index().join("meta.json").exists() {
        assert!(Instant::now() < deadline, "no index was created");
        std::thread::sleep(Duration::from_millis(2));
    }
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        child.try_wait().unwrap().is_none(),
        "the run ended before it could be killed"
    );
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert_eq!(committed_at(&a.index()), Some(0), "killed after a commit");
    // The root holds no ./corpus: only the remembered folder can be read.
    let s = a.reindex_json(&[]);
    assert_eq!(s["added"], n as u64, "{s}");
    assert_eq!(
        s["folders"][0],
        a.articles().canonicalize().unwrap().to_str().unwrap()
    );
    assert_eq!(total(&a), n as u64);
}
