//! End-to-end tests of `dateline timeline` and `dateline search --timeline`.

mod common;

use common::Archive;
use serde_json::{json, Value};

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
        "start,count,all,share\n2017-01-01,3,3,1\n2017-02-01,0,1,0\n2017-03-01,2,2,1\n"
    );
}

#[test]
fn count_chart_is_plain_text_when_piped_with_zero_periods_and_totals() {
    let a = quotas();
    let out = a
        .cmd()
        .env_remove("NO_COLOR")
        .env("COLUMNS", "60")
        .args([
            "timeline", "quota", "--by", "month", "--scale", "count", "--index",
        ])
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
        first.contains(" 2017-03-13  (6 articles, 1 undated, by week)"),
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
            r#"{"query":"quota","by":"month","total":6,"undated":1,"undated_left_out":0,"periods":[{"start":"2017-01-01","count":3,"all":3,"share":1.0},"#
        ),
        "{text}"
    );
}

#[test]
fn a_date_filter_says_how_many_undated_matches_it_left_out() {
    let a = quotas();
    let v = timeline_json(&a, "quota", &["--from", "2017-02"]);
    assert_eq!(v["total"], 2, "{v}");
    assert_eq!(v["undated_left_out"], 1, "{v}");
    let v = timeline_json(&a, "quota date:2017", &[]);
    assert_eq!(v["undated_left_out"], 1, "{v}");
    // Without a date filter nothing is left out: the undated match is counted as undated.
    let v = timeline_json(&a, "quota", &[]);
    assert_eq!(
        (&v["undated"], &v["undated_left_out"]),
        (&json!(1), &json!(0))
    );
    let chart = a.stdout(&["timeline", "quota", "--to", "2017-12"]);
    assert!(
        chart.contains("1 matching article has no date and is left out by the date filter"),
        "{chart}"
    );
}

/// Quota and other stories by two authors over three months: January has four articles
/// (two on quotas, one by each author), February one (weather, Ann Lee), March three by
/// Ann Lee (one on quotas), and one quota story is undated.
fn desk() -> Archive {
    let a = Archive::new();
    let story = |name: &str, title: &str, author: &str, date: &str, body: &str| {
        a.article(name, title, author, date, body);
    };
    let quota = "Coffee producers argued about export quotas again.";
    story("a.txt", "Quota talks", "Ann Lee", "5 January 2017", quota);
    story("b.txt", "Quota row", "Bob Roe", "9 January 2017", quota);
    story(
        "c.txt",
        "Snow",
        "Ann Lee",
        "12 January 2017",
        "Snow fell on the capital.",
    );
    story(
        "d.txt",
        "Cup final",
        "Bob Roe",
        "20 January 2017",
        "The home side won the cup.",
    );
    story(
        "e.txt",
        "Rain",
        "Ann Lee",
        "10 February 2017",
        "Rain fell all week.",
    );
    story("f.txt", "Quota deal", "Ann Lee", "2 March 2017", quota);
    story(
        "g.txt",
        "Coffee",
        "Ann Lee",
        "3 March 2017",
        "Coffee prices rose.",
    );
    story(
        "h.txt",
        "Coffee",
        "Ann Lee",
        "4 March 2017",
        "Coffee prices fell.",
    );
    story("u.txt", "Quota", "Bob Roe", "", quota);
    a.index_json(&[]);
    a
}

/// `(start, count, all, share)` of each period of a JSON timeline or series.
fn shares(v: &Value) -> Vec<(String, u64, u64, f64)> {
    v["periods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["start"].as_str().unwrap().to_string(),
                p["count"].as_u64().unwrap(),
                p["all"].as_u64().unwrap(),
                p["share"].as_f64().unwrap(),
            )
        })
        .collect()
}

fn row(start: &str, count: u64, all: u64, share: f64) -> (String, u64, u64, f64) {
    (start.to_string(), count, all, share)
}

#[test]
fn every_period_counts_all_articles_under_the_same_filters_and_the_share() {
    let a = desk();
    let v = timeline_json(&a, "quota", &["--by", "month"]);
    assert_eq!(
        shares(&v),
        [
            row("2017-01-01", 2, 4, 0.5),
            row("2017-02-01", 0, 1, 0.0),
            row("2017-03-01", 1, 3, 1.0 / 3.0),
        ]
    );
    // The filters restrict `all` too; the words do not.
    let v = timeline_json(&a, "quota", &["--by", "month", "--author", "ann lee"]);
    assert_eq!(
        shares(&v),
        [
            row("2017-01-01", 1, 2, 0.5),
            row("2017-02-01", 0, 1, 0.0),
            row("2017-03-01", 1, 3, 1.0 / 3.0),
        ]
    );
    // A period the archive holds nothing for has a share of 0.
    let v = timeline_json(&a, "quota", &["--by", "month", "--to", "2017-04"]);
    assert_eq!(shares(&v)[3], row("2017-04-01", 0, 0, 0.0));
    let csv = a.stdout(&[
        "timeline", "quota", "--by", "month", "--author", "Bob Roe", "--csv",
    ]);
    assert_eq!(csv, "start,count,all,share\n2017-01-01,1,2,0.5\n");
}

#[test]
fn the_chart_draws_the_share_by_default_with_the_count_beside_it() {
    let a = desk();
    let text = a.stdout(&["timeline", "quota", "--by", "month"]);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].contains("share of all articles"), "{text}");
    // The highest share fills the bar; every row ends with its share and count of all.
    assert!(lines[1].starts_with("2017-01  █"), "{text}");
    assert!(lines[1].ends_with(" 50.0%  (2 of 4)"), "{text}");
    assert!(lines[2].ends_with("  0%  (0 of 1)"), "{text}");
    assert!(!lines[2].contains('█'), "{text}");
    assert!(lines[3].ends_with(" 33.3%  (1 of 3)"), "{text}");
    let bar = |line: &str| line.chars().filter(|c| *c == '█').count();
    assert!(bar(lines[1]) > bar(lines[3]), "{text}");
    assert!(text.contains("highest share in 2017-01 (50.0%)"), "{text}");
    // By count, the busiest month has the longest bar.
    let counted = a.stdout(&["timeline", "quota", "--by", "month", "--scale", "count"]);
    assert!(
        counted.lines().nth(1).unwrap().starts_with("2017-01 2 █"),
        "{counted}"
    );
    assert!(!counted.contains('%'), "{counted}");
}

#[test]
fn a_period_with_no_articles_at_all_shows_no_share_rather_than_zero() {
    let a = desk();
    let text = a.stdout(&["timeline", "quota", "--by", "month", "--to", "2017-04"]);
    let april = text.lines().find(|l| l.starts_with("2017-04")).unwrap();
    assert!(april.ends_with("–  (no articles)"), "{text}");
    assert!(!april.contains('%'), "{text}");
    // A month with articles but no match still says 0%.
    assert!(
        text.lines()
            .any(|l| l.starts_with("2017-02") && l.ends_with("  0%  (0 of 1)")),
        "{text}"
    );
}

#[test]
fn bad_scale_value_is_a_one_line_error() {
    let a = desk();
    let out = a
        .run(&["timeline", "quota", "--scale", "log"])
        .code(2)
        .get_output()
        .clone();
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("--scale 'log': use share or count"), "{err}");
}

#[test]
fn several_queries_share_periods_and_are_labelled_in_json_and_csv() {
    let a = desk();
    let v = a.run_json(&[
        "timeline",
        "quota",
        "snow OR rain",
        "--label",
        "Quotas",
        "--label",
        "Weather",
        "--by",
        "month",
        "--json",
    ]);
    assert_eq!(v["by"], "month");
    let series = v["series"].as_array().unwrap();
    assert_eq!(series.len(), 2);
    assert_eq!(series[0]["label"], "Quotas");
    assert_eq!(series[0]["query"], "quota");
    assert_eq!(series[0]["total"], 4);
    assert_eq!(series[0]["undated"], 1);
    assert_eq!(series[1]["label"], "Weather");
    assert_eq!(series[1]["query"], "snow OR rain");
    // Weather has no March story, but its periods run as far as the quotas' do.
    assert_eq!(
        shares(&series[1]),
        [
            row("2017-01-01", 1, 4, 0.25),
            row("2017-02-01", 1, 1, 1.0),
            row("2017-03-01", 0, 3, 0.0),
        ]
    );
    assert_eq!(shares(&series[0])[1], row("2017-02-01", 0, 1, 0.0));
    // Without labels, each query is called by its text.
    let v = a.run_json(&["timeline", "quota", "snow", "--json"]);
    assert_eq!(v["series"][1]["label"], "snow");
    let csv = a.stdout(&[
        "timeline", "quota", "snow", "--label", "Q", "--label", "=S", "--by", "month", "--csv",
    ]);
    assert_eq!(
        csv,
        "label,query,period,count,all,share\n\
         Q,quota,2017-01-01,2,4,0.5\n\
         Q,quota,2017-02-01,0,1,0\n\
         Q,quota,2017-03-01,1,3,0.3333333333333333\n\
         '=S,snow,2017-01-01,1,4,0.25\n\
         '=S,snow,2017-02-01,0,1,0\n\
         '=S,snow,2017-03-01,0,3,0\n"
    );
}

#[test]
fn several_queries_are_drawn_a_row_each_per_period_in_their_colours() {
    let a = desk();
    let args = [
        "timeline", "quota", "snow", "--label", "Q", "--label", "Snow", "--by", "month",
    ];
    let text = a.stdout(&args);
    assert!(!text.contains('\x1b'), "{text}");
    let lines: Vec<&str> = text.lines().collect();
    // A legend line per query, then a row per query per period, labels aligned.
    assert!(
        lines[1].starts_with("██ Q: 3 dated articles, 1 undated"),
        "{text}"
    );
    assert!(lines[2].starts_with("██ Snow: 1 dated article"), "{text}");
    assert!(lines[3].starts_with("2017-01  Q     █"), "{text}");
    assert!(lines[3].ends_with("50.0%  (2 of 4)"), "{text}");
    assert!(lines[4].starts_with("         Snow  █"), "{text}");
    assert!(lines[4].ends_with("25.0%  (1 of 4)"), "{text}");
    assert!(lines[5].starts_with("2017-02  Q "), "{text}");
    assert_eq!(lines.len(), 10, "{text}");
    let coloured = a.coloured_stdout(&args);
    assert!(
        coloured.contains("\x1b[36m██\x1b[0m \x1b[36mQ"),
        "{coloured}"
    );
    assert!(
        coloured.contains("\x1b[35m██\x1b[0m \x1b[35mSnow"),
        "{coloured}"
    );
}

#[test]
fn a_label_count_that_does_not_match_is_one_line() {
    let a = desk();
    let out = a
        .run(&["timeline", "quota", "snow", "--label", "Q"])
        .code(2)
        .get_output()
        .clone();
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        err,
        "dateline: 1 label for 2 queries: give one --label per query, in order, or none\n"
    );
}

#[test]
fn a_bad_query_among_several_is_named_and_an_empty_one_is_an_empty_series() {
    let a = desk();
    let out = a
        .run(&["timeline", "quota", "snow AND (", "--json"])
        .code(2)
        .get_output()
        .clone();
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(
        err.starts_with("dateline: query 2 ('snow AND ('): "),
        "{err}"
    );
    let v = a.run_json(&["timeline", "quota", "zebra", "--by", "month", "--json"]);
    assert_eq!(v["series"][1]["total"], 0);
    let zebra = shares(&v["series"][1]);
    assert_eq!(zebra.len(), 3);
    assert!(zebra.iter().all(|p| p.1 == 0), "{zebra:?}");
    // Nothing found anywhere is exit 1, as for one query.
    a.run(&["timeline", "zebra", "yak"]).code(1);
}

#[test]
fn split_by_author_gives_a_series_per_top_author_and_the_rest_as_other() {
    let a = desk();
    let v = a.run_json(&[
        "timeline", "quota", "--split", "author", "--top", "1", "--by", "month", "--json",
    ]);
    assert_eq!(v["split"], "author");
    let series = v["series"].as_array().unwrap();
    let labels: Vec<&str> = series
        .iter()
        .map(|s| s["label"].as_str().unwrap())
        .collect();
    // Each author has two quota stories: the tie goes to the first name, and the rest
    // (Bob Roe's, one undated) are "other".
    assert_eq!(labels, ["Ann Lee", "other"]);
    assert_eq!(series[0]["query"], "quota");
    // Each series' `all` is what that author (or the rest) wrote in the period.
    assert_eq!(
        shares(&series[0]),
        [
            row("2017-01-01", 1, 2, 0.5),
            row("2017-02-01", 0, 1, 0.0),
            row("2017-03-01", 1, 3, 1.0 / 3.0),
        ]
    );
    assert_eq!(series[1]["total"], 2);
    assert_eq!(series[1]["undated"], 1);
    assert_eq!(shares(&series[1])[0], row("2017-01-01", 1, 2, 0.5));
    // Enough values for every match: no "other".
    let v = a.run_json(&["timeline", "quota", "--split", "author", "--json"]);
    let labels: Vec<&str> = v["series"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["Ann Lee", "Bob Roe"]);
}

#[test]
fn an_unknown_split_is_one_line_listing_the_choices() {
    let a = desk();
    let out = a
        .run(&["timeline", "quota", "--split", "outlet"])
        .code(2)
        .get_output()
        .clone();
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        err,
        "dateline: invalid --split 'outlet': use source, place, author or collection\n"
    );
}

#[test]
fn all_follows_articles_removed_from_the_index() {
    let a = desk();
    std::fs::remove_file(a.articles().join("c.txt")).unwrap();
    a.reindex_json(&[]);
    let v = timeline_json(&a, "quota", &["--by", "month"]);
    assert_eq!(shares(&v)[0], row("2017-01-01", 2, 3, 2.0 / 3.0));
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
