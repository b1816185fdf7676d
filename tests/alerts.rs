//! End-to-end tests of saved searches and alerts (`dateline alert add|list|remove|check`):
//! only new matches are reported, once, across kills and a concurrent `dateline index`.

mod common;

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};

use common::Archive;
use serde_json::Value;

/// An archive of two articles, one about cocoa, indexed.
fn indexed() -> Archive {
    let a = Archive::new();
    a.article(
        "old-cocoa.txt",
        "Old cocoa",
        "Ann Lee",
        "1 March 2017",
        "Cocoa prices rose.",
    );
    a.article(
        "old-wheat.txt",
        "Old wheat",
        "",
        "2 March 2017",
        "Wheat prices fell.",
    );
    a.index_json(&[]);
    a
}

/// `dateline alert check ARGS --json`: its exit code and the titles it reported, per alert.
fn check(a: &Archive, args: &[&str]) -> (i32, Vec<(String, Vec<String>)>) {
    let mut all = vec!["alert", "check", "--json"];
    all.extend_from_slice(args);
    let out = a.run(&all).get_output().clone();
    let json: Value = serde_json::from_slice(&out.stdout).expect("check --json prints JSON");
    (out.status.code().unwrap(), reported(&json))
}

/// The titles a `check --json` answer reports, per alert.
fn reported(json: &Value) -> Vec<(String, Vec<String>)> {
    json["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|alert| {
            let titles = alert["hits"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| h["title"].as_str().unwrap().to_string())
                .collect();
            (alert["name"].as_str().unwrap().to_string(), titles)
        })
        .collect()
}

/// Every title reported, over all alerts.
fn titles(per_alert: &[(String, Vec<String>)]) -> Vec<String> {
    per_alert.iter().flat_map(|(_, t)| t.clone()).collect()
}

fn add(a: &Archive, args: &[&str]) {
    let mut all = vec!["alert", "add"];
    all.extend_from_slice(args);
    a.run(&all).success();
}

/// Refused with exit 2 and one line on standard error, which is returned.
fn refused(a: &Archive, args: &[&str]) -> String {
    let out = a.run(args).code(2).get_output().clone();
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    err
}

fn dateline(a: &Archive, args: &[&str]) -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("dateline"));
    cmd.current_dir(a.root())
        .env("NO_COLOR", "1")
        .env_remove("DATELINE_INDEX")
        .env_remove("DATELINE_TEST_ALERT_PAUSE")
        .args(args)
        .arg("--index")
        .arg(a.index());
    cmd
}

/// Starts `dateline alert check --json` told to stop for good at `point`, waits until it
/// says it has stopped there, kills it (SIGKILL), and returns what it printed.
fn check_killed_at(a: &Archive, point: &str) -> String {
    let mut child: Child = dateline(a, &["alert", "check", "--json"])
        .env("DATELINE_TEST_ALERT_PAUSE", point)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = BufReader::new(child.stderr.take().unwrap());
    let mut paused = false;
    for line in stderr.lines() {
        if line.unwrap().contains(&format!("test pause at {point}")) {
            paused = true;
            break;
        }
    }
    assert!(paused, "the check never reached {point}");
    child.kill().unwrap();
    child.wait().unwrap();
    let mut out = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    out
}

#[test]
fn check_reports_the_new_matches_once() {
    let a = indexed();
    add(&a, &["cocoa", "cocoa"]);
    // What matched when it was added counts as reported.
    assert_eq!(check(&a, &[]), (1, vec![("cocoa".into(), vec![])]));
    a.article(
        "new-1.txt",
        "New cocoa one",
        "",
        "3 March 2017",
        "Cocoa exports grew.",
    );
    a.article(
        "new-2.txt",
        "New cocoa two",
        "",
        "4 March 2017",
        "The cocoa harvest.",
    );
    a.article(
        "new-rice.txt",
        "New rice",
        "",
        "5 March 2017",
        "Rice prices rose.",
    );
    a.index_json(&[]);
    let (code, found) = check(&a, &[]);
    assert_eq!(code, 0);
    // Newest first.
    assert_eq!(titles(&found), ["New cocoa two", "New cocoa one"]);
    assert_eq!(check(&a, &[]), (1, vec![("cocoa".into(), vec![])]));
}

#[test]
fn an_alert_keeps_its_filters() {
    let a = indexed();
    add(
        &a,
        &["lee", "cocoa", "--author", "Ann Lee", "--from", "2017-03"],
    );
    a.article(
        "by-lee.txt",
        "Lee on cocoa",
        "Ann Lee",
        "3 March 2017",
        "Cocoa.",
    );
    a.article(
        "by-roe.txt",
        "Roe on cocoa",
        "Bo Roe",
        "3 March 2017",
        "Cocoa.",
    );
    a.article(
        "early.txt",
        "Early cocoa",
        "Ann Lee",
        "3 February 2017",
        "Cocoa.",
    );
    a.index_json(&[]);
    assert_eq!(titles(&check(&a, &[]).1), ["Lee on cocoa"]);
    let list = a.run_json(&["alert", "list", "--json"]);
    let filters = &list["alerts"][0]["filters"];
    assert_eq!(filters["author"][0], "Ann Lee");
    assert_eq!(filters["from"], "2017-03-01");
}

#[test]
fn check_groups_by_alert_and_checks_those_named() {
    let a = indexed();
    add(&a, &["cocoa", "cocoa"]);
    add(&a, &["wheat", "wheat"]);
    a.article("c.txt", "Cocoa news", "", "3 March 2017", "Cocoa.");
    a.article("w.txt", "Wheat news", "", "3 March 2017", "Wheat.");
    a.index_json(&[]);
    let text = a.stdout(&["alert", "check"]);
    let cocoa = text.find("alert cocoa: 1 new article").unwrap();
    let cocoa_hit = text.find("Cocoa news").unwrap();
    let wheat = text.find("alert wheat: 1 new article").unwrap();
    let wheat_hit = text.find("Wheat news").unwrap();
    assert!(
        cocoa < cocoa_hit && cocoa_hit < wheat && wheat < wheat_hit,
        "{text}"
    );
    assert!(
        text.contains("id "),
        "hits show as search shows them: {text}"
    );
    // Checked already: nothing new for either.
    assert_eq!(check(&a, &["wheat"]), (1, vec![("wheat".into(), vec![])]));
}

#[test]
fn check_writes_csv_and_json_lines() {
    let a = indexed();
    add(&a, &["cocoa", "cocoa"]);
    a.article("c.txt", "Cocoa news", "", "3 March 2017", "Cocoa.");
    a.index_json(&[]);
    let out = a.stdout(&["alert", "check", "cocoa", "--format", "jsonl"]);
    let rows: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["title"], "Cocoa news");
    // Reported by that check: nothing for the next, whatever its format.
    let out = a.run(&["alert", "check", "--format", "csv"]).code(1);
    let csv = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert_eq!(csv.lines().count(), 1, "only the header: {csv}");
}

#[test]
fn list_and_remove() {
    let a = indexed();
    a.run(&["alert", "list"]).code(1);
    add(&a, &["cocoa", "cocoa prices"]);
    let text = a.stdout(&["alert", "list"]);
    assert!(text.contains("cocoa  \"cocoa prices\""), "{text}");
    assert!(text.contains("last check never · 0 reported"), "{text}");
    let list = a.run_json(&["alert", "list", "--json"]);
    assert_eq!(list["alerts"][0]["name"], "cocoa");
    assert_eq!(list["alerts"][0]["query"], "cocoa prices");
    assert_eq!(list["alerts"][0]["last_check"], Value::Null);
    assert!(list["alerts"][0]["added"].as_str().unwrap().ends_with('Z'));
    a.run(&["alert", "remove", "cocoa"]).success();
    assert_eq!(
        a.run_json(&["alert", "list", "--json"])["alerts"],
        serde_json::json!([])
    );
    let err = refused(&a, &["alert", "remove", "cocoa"]);
    assert!(
        err.contains("no alert named 'cocoa'") && err.contains("alert list"),
        "{err}"
    );
    let err = refused(&a, &["alert", "check", "cocoa"]);
    assert!(err.contains("no alert named 'cocoa'"), "{err}");
}

#[test]
fn bad_names_duplicates_and_bad_queries_are_refused() {
    let a = indexed();
    add(&a, &["cocoa", "cocoa"]);
    let err = refused(&a, &["alert", "add", "Cocoa", "wheat"]);
    assert!(err.contains("already exists"), "{err}");
    for name in ["../x", "a b", "", "-x"] {
        let out = dateline(&a, &["alert", "add"])
            .args(["--", name, "wheat"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        assert!(err.contains("invalid alert name"), "{name}: {err}");
    }
    let err = refused(&a, &["alert", "add", "broken", "title:("]);
    assert!(err.contains("cannot parse query"), "{err}");
    let err = refused(
        &a,
        &[
            "alert", "add", "late", "x", "--from", "2018", "--to", "2017",
        ],
    );
    assert!(err.contains("--from"), "{err}");
    let list = a.run_json(&["alert", "list", "--json"]);
    assert_eq!(list["alerts"].as_array().unwrap().len(), 1, "{list}");
    // No index: the usual fix.
    let none = Archive::new();
    let err = refused(&none, &["alert", "add", "x", "cocoa"]);
    assert!(err.contains("dateline index"), "{err}");
}

#[test]
fn a_check_killed_after_its_report_reports_again_and_then_never() {
    let a = indexed();
    add(&a, &["cocoa", "cocoa"]);
    a.article("c.txt", "Cocoa news", "", "3 March 2017", "Cocoa.");
    a.index_json(&[]);
    let printed = check_killed_at(&a, "reported");
    let json: Value = serde_json::from_str(&printed).unwrap();
    assert_eq!(titles(&reported(&json)), ["Cocoa news"]);
    // Killed before it saved what it reported: the check counts as not made.
    assert_eq!(titles(&check(&a, &[]).1), ["Cocoa news"]);
    assert_eq!(check(&a, &[]).0, 1);
}

#[test]
fn a_check_killed_between_alerts_keeps_what_it_saved() {
    let a = indexed();
    add(&a, &["cocoa", "cocoa"]);
    add(&a, &["wheat", "wheat"]);
    a.article("c.txt", "Cocoa news", "", "3 March 2017", "Cocoa.");
    a.article("w.txt", "Wheat news", "", "3 March 2017", "Wheat.");
    a.index_json(&[]);
    // Killed once the first alert's state is saved and before the second's is.
    check_killed_at(&a, "between");
    let (code, found) = check(&a, &[]);
    assert_eq!(code, 0);
    assert_eq!(
        found,
        [
            ("cocoa".to_string(), vec![]),
            ("wheat".to_string(), vec!["Wheat news".to_string()])
        ]
    );
    assert_eq!(check(&a, &[]).0, 1);
}

/// Every article a series of checks reported, with the counts of each; and that each of
/// `expected` is reported exactly once overall.
fn assert_each_once(reports: &[String], expected: &[String]) {
    let mut got = reports.to_vec();
    got.sort();
    let mut want = expected.to_vec();
    want.sort();
    assert_eq!(got, want, "each new match exactly once");
}

#[test]
fn checks_during_an_index_run_report_each_article_once() {
    let a = indexed();
    add(&a, &["cocoa", "cocoa"]);
    let mut expected = Vec::new();
    for i in 0..40 {
        let title = format!("Cocoa report {i}");
        a.article(
            &format!("new/c{i}.txt"),
            &title,
            "",
            "3 March 2017",
            "Cocoa.",
        );
        expected.push(title);
        a.article(
            &format!("new/w{i}.txt"),
            &format!("Wheat {i}"),
            "",
            "3 March 2017",
            "Wheat.",
        );
    }
    // Commits after every article, so checks land between many commits.
    let mut index = dateline(&a, &["index", "--batch-docs", "1", "--threads", "1"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut reports = Vec::new();
    loop {
        let done = index.try_wait().unwrap().is_some();
        reports.extend(titles(&check(&a, &[]).1));
        if done {
            break;
        }
    }
    assert!(index.wait().unwrap().success());
    reports.extend(titles(&check(&a, &[]).1));
    assert_each_once(&reports, &expected);
}

#[test]
fn two_checks_at_once_never_report_an_article_twice() {
    let a = indexed();
    add(&a, &["cocoa", "cocoa"]);
    let mut expected = Vec::new();
    for i in 0..10 {
        let title = format!("Cocoa report {i}");
        a.article(&format!("c{i}.txt"), &title, "", "3 March 2017", "Cocoa.");
        expected.push(title);
    }
    a.index_json(&[]);
    let spawn = || {
        dateline(&a, &["alert", "check", "--json"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    let (one, two) = (spawn(), spawn());
    let mut reports = Vec::new();
    let mut codes = Vec::new();
    for child in [one, two] {
        let out = child.wait_with_output().unwrap();
        codes.push(out.status.code().unwrap());
        let json: Value = serde_json::from_slice(&out.stdout).unwrap();
        reports.extend(titles(&reported(&json)));
    }
    codes.sort();
    assert_eq!(codes, [0, 1]);
    assert_each_once(&reports, &expected);
}
