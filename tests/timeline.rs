//! End-to-end tests of `dateline timeline` and `dateline search --timeline`.

mod common;

use common::Archive;
use serde_json::Value;

/// Quota stories on 5 January 2017 (two), 20 January, 2 March and 15 March, one undated, and a
/// February story that does not match: February must show as zero.
fn quotas() -> Archive {
    let a = Archive::new();
    let quota = |name: &str, date: &str| {
        a.article(
            name,
            &format!("Quota news {name}"),
            "Ann Lee",
            date,
            "Coffee producers argued about export quotas again.",
        );
    };
    quota("a.txt", "5 January 2017");
    quota("b.txt", "2017-01-05");
    quota("c.txt", "January 20, 2017");
    quota("d.txt", "2 March 2017");
    quota("e.txt", "2017-03-15");
    quota("undated.txt", "");
    a.article(
        "feb.txt",
        "Weather in February",
        "",
        "10 February 2017",
        "Snow fell on the capital.",
    );
    a.index_json(&[]);
    a
}

fn timeline_json(a: &Archive, query: &str, extra: &[&str]) -> Value {
    let mut args = vec!["timeline", query, "--json"];
    args.extend_from_slice(extra);
    a.run_json(&args)
}

/// `(start, count)` pairs of a JSON timeline.
fn periods(v: &Value) -> Vec<(String, u64)> {
    v["periods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["start"].as_str().unwrap().to_string(),
                p["count"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn pairs(expected: &[(&str, u64)]) -> Vec<(String, u64)> {
    expected.iter().map(|(s, n)| (s.to_string(), *n)).collect()
}

#[test]
fn counts_per_month_with_an_empty_month_and_undated_articles() {
    let a = quotas();
    let v = timeline_json(&a, "quota", &["--by", "month"]);
    assert_eq!(v["query"], "quota");
    assert_eq!(v["by"], "month");
    assert_eq!(v["total"], 6);
    assert_eq!(v["undated"], 1);
    assert_eq!(
        periods(&v),
        pairs(&[("2017-01-01", 3), ("2017-02-01", 0), ("2017-03-01", 2)])
    );
}

#[test]
fn weeks_start_on_monday_and_auto_picks_weeks_for_ten_weeks() {
    let a = quotas();
    // 5 January 2017 to 15 March 2017 is 70 days: weeks.
    let v = timeline_json(&a, "quota", &[]);
    assert_eq!(v["by"], "week");
    let p = periods(&v);
    assert_eq!(p.len(), 11, "{p:?}");
    assert_eq!(p[0], ("2017-01-02".to_string(), 2));
    assert_eq!(p[1], ("2017-01-09".to_string(), 0));
    assert_eq!(p[2], ("2017-01-16".to_string(), 1));
    assert_eq!(p[8], ("2017-02-27".to_string(), 1));
    assert_eq!(p[10], ("2017-03-13".to_string(), 1));
    assert_eq!(p.iter().map(|x| x.1).sum::<u64>(), 5);
    assert_eq!(v, {
        let mut w = timeline_json(&a, "quota", &["--by", "week"]);
        w["elapsed_ms"] = v["elapsed_ms"].clone();
        w
    });
}

#[test]
fn days_and_years_and_a_from_to_span() {
    let a = quotas();
    let v = timeline_json(
        &a,
        "quota",
        &["--by", "day", "--from", "2017-01-04", "--to", "2017-01-06"],
    );
    assert_eq!(v["by"], "day");
    assert_eq!(
        periods(&v),
        pairs(&[("2017-01-04", 0), ("2017-01-05", 2), ("2017-01-06", 0)])
    );
    // A date filter leaves the undated article out.
    assert_eq!(v["undated"], 0);
    assert_eq!(v["total"], 2);

    let v = timeline_json(&a, "quota", &["--by", "year"]);
    assert_eq!(periods(&v), pairs(&[("2017-01-01", 5)]));

    let v = timeline_json(
        &a,
        "quota",
        &["--by", "month", "--from", "2016-12", "--to", "2017-04"],
    );
    assert_eq!(
        periods(&v),
        pairs(&[
            ("2016-12-01", 0),
            ("2017-01-01", 3),
            ("2017-02-01", 0),
            ("2017-03-01", 2),
            ("2017-04-01", 0)
        ])
    );
    // Without --by, a five-month span is drawn by week.
    let v = timeline_json(&a, "quota", &["--from", "2016-12", "--to", "2017-04"]);
    assert_eq!(v["by"], "week");
    assert_eq!(periods(&v)[0].0, "2016-11-28");
}

#[test]
fn csv_has_a_header_and_a_row_per_period() {
    let a = quotas();
    let out = a
        .run(&["timeline", "quota", "--csv", "--by", "month"])
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "start,count\n2017-01-01,3\n2017-02-01,0\n2017-03-01,2\n"
    );
}

#[test]
fn chart_is_plain_text_when_piped_with_zero_periods_and_totals() {
    let a = quotas();
    let out = a
        .cmd()
        .env_remove("NO_COLOR")
        .env("COLUMNS", "60")
        .args(["timeline", "quota", "--by", "month", "--index"])
        .arg(a.index())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(!text.contains('\x1b'), "{text}");
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].contains("quota") && lines[0].contains("month"),
        "{text}"
    );
    assert!(lines[1].starts_with("2017-01 3 █"), "{text}");
    assert_eq!(lines[2], "2017-02 0", "{text}");
    assert!(lines[3].starts_with("2017-03 2 █"), "{text}");
    // The busiest month's bar fills the width it is given, less a column of margin.
    assert_eq!(lines[1].chars().count(), 59, "{text}");
    assert!(lines[3].chars().count() < 60, "{text}");
    assert!(
        text.contains("5 dated articles in 3 months, 2017-01-01 to 2017-03-31"),
        "{text}"
    );
    assert!(text.contains("1 matching article has no date"), "{text}");
}

#[test]
fn no_matches_is_not_an_error() {
    let a = quotas();
    let v = timeline_json(&a, "zebra", &[]);
    assert_eq!(v["total"], 0);
    assert_eq!(periods(&v), vec![]);
    // Nothing found: exit code 1 (as grep), not an error (2), and nothing on stderr.
    a.run(&["timeline", "zebra"])
        .code(1)
        .stderr("")
        .stdout(predicates::str::contains("no dated articles match"));
}

#[test]
fn bad_by_value_is_a_one_line_error() {
    let a = quotas();
    let out = a
        .run(&["timeline", "quota", "--by", "fortnight"])
        .failure()
        .get_output()
        .clone();
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("--by 'fortnight'"), "{err}");
    assert!(err.contains("day, week, month or year"), "{err}");
}

#[test]
fn search_timeline_prints_a_sparkline_above_the_hits() {
    let a = quotas();
    let out = a
        .run(&["search", "quota", "--timeline"])
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    let first = text.lines().next().unwrap();
    assert!(first.starts_with("2017-01-02 █ ▄"), "{text}");
    assert!(
        first.contains(" 2017-03-13  (6 matches, 1 undated, by week)"),
        "{text}"
    );
    assert!(text.contains("1. Quota news"), "{text}");

    let v = a.search("quota", &["--timeline"]);
    assert_eq!(v["timeline"]["by"], "week");
    assert_eq!(periods(&v["timeline"]).len(), 11);
    assert_eq!(v["total_hits"], 6);
    assert!(a.search("quota", &[]).get("timeline").is_none());
}

#[test]
fn json_keys_come_in_the_documented_order() {
    let a = quotas();
    let out = a
        .run(&["timeline", "quota", "--json", "--by", "month"])
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.starts_with(
            r#"{"query":"quota","by":"month","total":6,"undated":1,"periods":[{"start":"2017-01-01","count":3},"#
        ),
        "{text}"
    );
}

#[test]
fn counts_only_the_articles_with_every_word() {
    let a = Archive::new();
    for (i, date) in ["2017-01-05", "2017-03-02"].iter().enumerate() {
        a.article(
            &format!("both{i}.txt"),
            "Cocoa",
            "",
            date,
            "Cocoa prices rose.",
        );
    }
    for (i, date) in ["2017-01-09", "2017-02-02", "2017-03-09"]
        .iter()
        .enumerate()
    {
        a.article(
            &format!("prices{i}.txt"),
            "Grain",
            "",
            date,
            "Grain prices fell.",
        );
    }
    a.index_json(&[]);
    let t = timeline_json(&a, "cocoa prices", &["--by", "month"]);
    assert_eq!(t["total"], 2, "{t}");
    assert_eq!(
        periods(&t),
        pairs(&[("2017-01-01", 1), ("2017-02-01", 0), ("2017-03-01", 1)])
    );
    let t = timeline_json(&a, "cocoa OR prices", &["--by", "month"]);
    assert_eq!(t["total"], 5, "{t}");
}
