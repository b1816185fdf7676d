//! Helpers shared by the end-to-end tests: temporary archives and running the binary.
// Every tests/*.rs compiles this module and uses only some of the helpers; without the
// allow, each test binary would report as dead the helpers it does not call.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

pub struct Archive {
    pub dir: TempDir,
}

impl Archive {
    pub fn new() -> Archive {
        Archive {
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn articles(&self) -> PathBuf {
        self.dir.path().join("articles")
    }

    pub fn index(&self) -> PathBuf {
        self.dir.path().join("idx")
    }

    /// Writes `content` at `articles/<name>`, creating folders.
    pub fn write(&self, name: &str, content: impl AsRef<[u8]>) -> PathBuf {
        let path = self.articles().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, content).unwrap();
        path
    }

    /// Two versions of one story: the same headline written differently, the second
    /// re-issued a day later, longer and bylined.
    pub fn two_versions_of_one_story(&self) {
        self.article(
            "first.txt",
            "Tanker hit by missile in the Gulf",
            "",
            "17 March 1987",
            "A tanker was hit by a missile off the coast early on Tuesday, shipping sources said.",
        );
        self.article(
            "second.txt",
            "TANKER HIT BY MISSILE IN THE GULF.",
            "Lisa Vaughan",
            "18 March 1987",
            "The Liberian-flagged supertanker Golden Dawn was struck by an Iranian Silkworm \
             missile near the Strait of Hormuz, Lloyd's intelligence reported. Two crew members \
             were injured and the engine room flooded; salvage tugs from Dubai towed the tanker \
             towards port while insurers raised war-risk premiums for the whole waterway.",
        );
    }

    /// A text article in the seed's layout.
    pub fn article(
        &self,
        name: &str,
        title: &str,
        byline: &str,
        date: &str,
        body: &str,
    ) -> PathBuf {
        let mut text = format!("{title}\n");
        if !byline.is_empty() {
            text.push_str(&format!("By {byline}\n"));
        }
        if !date.is_empty() {
            text.push_str(&format!("{date}\n"));
        }
        text.push_str(&format!("\n{body}\n"));
        self.write(name, text)
    }

    pub fn cmd(&self) -> Command {
        let mut cmd = Command::cargo_bin("dateline").unwrap();
        // DATELINE_INDEX in the developer's shell must not choose the tests' index.
        cmd.current_dir(self.root())
            .env("NO_COLOR", "1")
            .env_remove("DATELINE_INDEX");
        cmd
    }

    /// Runs `dateline ARGS... --index IDX` and returns its assertion handle.
    pub fn run(&self, args: &[&str]) -> assert_cmd::assert::Assert {
        self.cmd()
            .args(args)
            .arg("--index")
            .arg(self.index())
            .assert()
    }

    /// Runs `dateline ARGS... --index IDX`, expects success, and returns its standard output.
    pub fn stdout(&self, args: &[&str]) -> String {
        let out = self.run(args).success().get_output().stdout.clone();
        String::from_utf8(out).expect("prints UTF-8")
    }

    /// [`Archive::stdout`] with colour forced on, as on a terminal.
    pub fn coloured_stdout(&self, args: &[&str]) -> String {
        let out = self
            .cmd()
            .env_remove("NO_COLOR")
            .env("CLICOLOR_FORCE", "1")
            .args(args)
            .arg("--index")
            .arg(self.index())
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        String::from_utf8(out).expect("prints UTF-8")
    }

    /// Runs `dateline index` on the articles folder, as a person would (no `--json`),
    /// expects success, and returns what it printed on standard output (the summary).
    pub fn index_stdout(&self, extra: &[&str]) -> String {
        self.index_output(extra).0
    }

    /// [`Archive::index_stdout`], returning standard output (the summary) and standard
    /// error (the problems) apart.
    pub fn index_output(&self, extra: &[&str]) -> (String, String) {
        let mut cmd = self.cmd();
        cmd.args(["index", "--index"])
            .arg(self.index())
            .arg(self.articles())
            .args(extra);
        let out = cmd.assert().success().get_output().clone();
        (
            String::from_utf8(out.stdout).expect("prints UTF-8"),
            String::from_utf8(out.stderr).expect("prints UTF-8"),
        )
    }

    /// Runs `dateline ARGS... --index IDX`, expects no error (exit code 0, or 1 for "nothing
    /// found"), and parses its JSON output.
    pub fn run_json(&self, args: &[&str]) -> Value {
        let out = self.run(args).get_output().clone();
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{args:?}: {out:?}"
        );
        serde_json::from_slice(&out.stdout).expect("prints JSON")
    }

    /// Runs `dateline index --json` on the articles folder and returns the summary.
    pub fn index_json(&self, extra: &[&str]) -> Value {
        let mut cmd = self.cmd();
        cmd.args(["index", "--json", "--index"])
            .arg(self.index())
            .arg(self.articles())
            .args(extra);
        let out = cmd.assert().success().get_output().stdout.clone();
        serde_json::from_slice(&out).expect("index --json prints JSON")
    }

    /// Runs `dateline index --json` naming no folder: the index's own are read again.
    pub fn reindex_json(&self, extra: &[&str]) -> Value {
        let mut cmd = self.cmd();
        cmd.args(["index", "--json", "--index"])
            .arg(self.index())
            .args(extra);
        let out = cmd.assert().success().get_output().stdout.clone();
        serde_json::from_slice(&out).expect("index --json prints JSON")
    }

    /// Runs `dateline search QUERY --json` with extra flags and returns the result.
    pub fn search(&self, query: &str, extra: &[&str]) -> Value {
        let mut cmd = self.cmd();
        cmd.args(["search", query, "--json", "--index"])
            .arg(self.index())
            .args(extra);
        // Exit code 0 when something was found, 1 when nothing was (as grep).
        let out = cmd.assert().get_output().clone();
        let json: Value = serde_json::from_slice(&out.stdout).expect("search --json prints JSON");
        let found = json["total_hits"].as_u64().is_some_and(|n| n > 0);
        assert_eq!(
            out.status.code(),
            Some(if found { 0 } else { 1 }),
            "{out:?}"
        );
        json
    }

    /// Titles of the hits, in order.
    pub fn titles(&self, query: &str, extra: &[&str]) -> Vec<String> {
        self.search(query, extra)["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["title"].as_str().unwrap().to_string())
            .collect()
    }
}
