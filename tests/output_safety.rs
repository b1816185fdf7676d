//! What dateline prints can never act on a terminal or a spreadsheet, its exit codes tell
//! scripts what happened (as grep's and ripgrep's do), and odd terminal widths or snippet
//! lengths draw sensibly. Each test runs the binary, piped.

mod common;

use std::io::Read;
use std::process::Stdio;

use common::Archive;

/// Characters a terminal acts on rather than shows, as the hostile articles below use them.
const HOSTILE: [char; 6] = ['\x1b', '\x07', '\u{9b}', '\u{202e}', '\u{2066}', '\x08'];

fn assert_harmless(text: &str) {
    for c in HOSTILE {
        assert!(!text.contains(c), "raw {c:?} in output:\n{text:?}");
    }
}

/// A JSON Lines article whose title, author and body carry escapes (the OSC title change,
/// BEL, a C1 CSI, bidi overrides and isolates, a backspace), in a file whose name has one.
fn hostile_archive() -> Archive {
    let a = Archive::new();
    let record = serde_json::json!({
        "title": "Evil \u{1b}]0;PWNED\u{7} \u{9b}2J \u{202e}txt.exe quota",
        "authors": ["Ann \u{1b}[31mLee\u{8}\u{8}"],
        "date": "2017-03-17",
        "body": "Gold quota news \u{1b}[2J cleared \u{2066}hidden\u{2069} text about the quota.",
    });
    a.write("feed\u{1b}[2J.jsonl", format!("{record}\n"));
    a.article(
        "plain.txt",
        "Cocoa quota talks",
        "Jo Park",
        "18 March 2017",
        "The cocoa quota talks went on. Gold quota news from the mines.",
    );
    a.index_json(&[]);
    a
}

#[test]
fn search_results_show_terminal_controls_escaped() {
    let a = hostile_archive();
    let text = a.stdout(&["search", "quota"]);
    assert_harmless(&text);
    assert!(
        text.contains(r"Evil \x1b]0;PWNED\x07 \x9b2J \u{202e}txt.exe"),
        "{text}"
    );
    assert!(text.contains(r"Ann \x1b[31mLee\x08\x08"), "{text}");
    assert!(text.contains(r"feed\x1b[2J.jsonl:1"), "{text}");
    assert!(text.contains(r"\u{2066}hidden\u{2069}"), "{text}");
}

#[test]
fn json_keeps_the_text_as_it_is_escaped_as_json() {
    let a = hostile_archive();
    let json = a.search("evil", &[]);
    let hit = &json["hits"][0];
    assert_eq!(
        hit["title"],
        "Evil \u{1b}]0;PWNED\u{7} \u{9b}2J \u{202e}txt.exe quota"
    );
    assert_eq!(hit["authors"][0], "Ann \u{1b}[31mLee\u{8}\u{8}");
    let raw = a
        .run(&["search", "evil", "--json"])
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(!raw.contains(&0x1b), "JSON escapes control characters");
}

/// Our own colour codes still colour; the article's never reach the terminal.
#[test]
fn forced_colour_keeps_our_escapes_and_no_others() {
    let a = hostile_archive();
    let text = a.coloured_stdout(&["search", "quota"]);
    assert!(text.contains("\x1b[1;31mquota\x1b[0m"), "{text:?}");
    let mut rest = text.clone();
    for ours in ["\x1b[1;31m", "\x1b[1m", "\x1b[2m", "\x1b[0m"] {
        rest = rest.replace(ours, "");
    }
    assert_harmless(&rest);
    // NO_COLOR still wins over CLICOLOR_FORCE.
    let plain = a
        .cmd()
        .env("CLICOLOR_FORCE", "1")
        .args(["search", "quota", "--index"])
        .arg(a.index())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(!plain.contains(&0x1b));
}

#[test]
fn similar_shows_terminal_controls_escaped() {
    let a = hostile_archive();
    let path = a.articles().join("plain.txt");
    let text = a.stdout(&["similar", path.to_str().unwrap()]);
    assert!(text.contains(r"\x1b]0;PWNED"), "{text}");
    assert_harmless(&text);
}

#[test]
fn facets_show_terminal_controls_escaped() {
    let a = hostile_archive();
    let text = a.stdout(&["facets", "quota"]);
    assert!(text.contains(r"Ann \x1b[31mLee"), "{text}");
    assert_harmless(&text);
    let text = a.stdout(&["search", "quota", "--facets"]);
    assert!(text.contains(r"Ann \x1b[31mLee"), "{text}");
    assert_harmless(&text);
}

#[test]
fn timeline_label_shows_the_query_escaped() {
    let a = hostile_archive();
    // OR: the escapes make words no article has, and a query counts every word it requires.
    let text = a.stdout(&["timeline", "quota OR \u{1b}7\u{7}\u{9b}2J\u{202e}"]);
    assert!(text.contains(r"quota OR \x1b7\x07\x9b2J\u{202e}"), "{text}");
    assert_harmless(&text);
    let text = a.stdout(&["search", "quota", "--timeline"]);
    assert_harmless(&text);
}

#[test]
fn index_summary_shows_file_names_and_reasons_escaped() {
    let a = Archive::new();
    // Skipped (binary), and indexed with a warning (no date), both with escapes in the name.
    a.write(
        "bin\u{1b}]0;PWNED\u{7}.txt",
        b"\x01\x02\x03\x04text\x05\x06\x07\x08",
    );
    a.write("undated\u{9b}2J\u{202e}.txt", "Title\n\nBody text.\n");
    let (summary, text) = a.index_output(&[]);
    assert_harmless(&summary);
    assert!(
        text.contains(r"skipped: articles/bin\x1b]0;PWNED\x07.txt: binary"),
        "{text}"
    );
    assert!(
        text.contains(r"warning: articles/undated\x9b2J\u{202e}.txt: no date"),
        "{text}"
    );
    assert_harmless(&text);
}

#[test]
fn error_messages_show_paths_and_queries_escaped() {
    let a = hostile_archive();
    let out = a
        .cmd()
        .args(["search", "quota", "--index", "nowhere\u{1b}]0;PWNED\u{7}"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.starts_with("dateline: "), "{err}");
    assert!(err.contains(r"nowhere\x1b]0;PWNED\x07"), "{err}");
    assert_harmless(&err);
    let out = a
        .cmd()
        .args(["similar", "gone\u{9b}2J.txt", "--index"])
        .arg(a.index())
        .assert()
        .code(2)
        .get_output()
        .clone();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains(r"gone\x9b2J.txt"), "{err}");
    assert_harmless(&err);
    // A query that cannot be parsed is quoted in the error.
    let out = a
        .run(&["search", "quota \u{1b}]0;PWNED\u{7}"])
        .code(2)
        .get_output()
        .clone();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains(r"quota \x1b]0;PWNED\x07"), "{err}");
    assert_harmless(&err);
}

/// Rows of `search QUERY --format csv` with `extra` flags, as cells.
fn csv_rows(a: &Archive, query: &str, extra: &[&str]) -> Vec<Vec<String>> {
    let mut args = vec!["search", query, "--format", "csv"];
    args.extend_from_slice(extra);
    let out = a.run(&args).success().get_output().stdout.clone();
    csv::ReaderBuilder::new()
        .from_reader(out.as_slice())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

fn formula_archive() -> Archive {
    let a = Archive::new();
    let lines = [
        r#"{"title": "=HYPERLINK(\"http://evil.example\",\"click\")", "authors": ["@SUM(A1)"], "date": "2017-03-17", "body": "cocoa"}"#,
        r#"{"title": "+1+cmd|' /C calc'!A0", "authors": ["-2+3"], "date": "2017-03-18", "body": "cocoa"}"#,
        "{\"title\": \"\\tTabbed =1\", \"authors\": [\"\\rCR\"], \"date\": \"2017-03-19\", \"body\": \"cocoa\"}",
        r#"{"title": "Cocoa prices rise 5% - traders", "authors": ["Jo Park"], "date": "2017-03-20", "body": "cocoa"}"#,
    ];
    a.write("feed.jsonl", lines.join("\n") + "\n");
    a.index_json(&[]);
    a
}

#[test]
fn csv_cells_a_spreadsheet_would_run_get_a_quote() {
    let a = formula_archive();
    let rows = csv_rows(&a, "cocoa", &["--sort", "oldest"]);
    let cells: Vec<(&str, &str)> = rows.iter().map(|r| (&*r[0], &*r[1])).collect();
    assert_eq!(
        cells,
        [
            (
                "'=HYPERLINK(\"http://evil.example\",\"click\")",
                "'@SUM(A1)"
            ),
            ("'+1+cmd|' /C calc'!A0", "'-2+3"),
            // Titles and names are trimmed when read, so a tab or CR never leads here.
            ("Tabbed =1", "CR"),
            ("Cocoa prices rise 5% - traders", "Jo Park"),
        ]
    );
    // Numbers stay numbers.
    assert!(rows.iter().all(|r| r[7].parse::<f32>().is_ok()), "{rows:?}");
}

#[test]
fn csv_raw_writes_cells_as_they_are() {
    let a = formula_archive();
    let rows = csv_rows(&a, "cocoa", &["--sort", "oldest", "--csv-raw"]);
    assert_eq!(rows[0][0], "=HYPERLINK(\"http://evil.example\",\"click\")");
    assert_eq!(rows[1][1], "-2+3");
    // --csv-raw means nothing without --format.
    a.run(&["search", "cocoa", "--csv-raw"]).code(2);
}

fn small_archive() -> Archive {
    let a = Archive::new();
    a.article(
        "a.txt",
        "Cocoa quota talks",
        "Jo Park",
        "17 March 2017",
        "The cocoa quota talks went on.",
    );
    a.article(
        "b.txt",
        "Cocoa quota talks resume",
        "Jo Park",
        "18 March 2017",
        "The cocoa quota talks went on again today.",
    );
    a.index_json(&[]);
    a
}

#[test]
fn exit_code_is_0_with_results_and_1_without() {
    let a = small_archive();
    for cmd in [
        &["search", "cocoa"][..],
        &["search", "cocoa", "--json"],
        &["search", "cocoa", "--format", "csv"],
        &["search", "cocoa", "--format", "jsonl"],
        &["facets", "cocoa"],
        &["timeline", "cocoa"],
        &["timeline", "cocoa", "--csv"],
    ] {
        a.run(cmd).code(0);
    }
    for cmd in [
        &["search", "zebra"][..],
        &["search", "zebra", "--json"],
        &["search", "zebra", "--format", "csv"],
        &["search", "zebra", "--format", "jsonl"],
        &["facets", "zebra"],
        &["facets", "zebra", "--json"],
        &["timeline", "zebra"],
        &["timeline", "zebra", "--json"],
    ] {
        let out = a.run(cmd).code(1).get_output().clone();
        assert!(out.stderr.is_empty(), "{cmd:?}: nothing found is no error");
    }
    let path = a.articles().join("a.txt");
    a.run(&["similar", path.to_str().unwrap()]).code(0);
}

#[test]
fn similar_with_nothing_alike_exits_1() {
    let a = Archive::new();
    a.article("a.txt", "Cocoa", "", "17 March 2017", "cocoa beans");
    a.index_json(&[]);
    let path = a.articles().join("a.txt");
    a.run(&["similar", path.to_str().unwrap()]).code(1);
}

#[test]
fn errors_exit_2_with_one_line() {
    let a = small_archive();
    for cmd in [
        &["search", "cocoa", "--from", "March"][..],
        &["timeline", "cocoa", "--by", "fortnight"],
        &["similar", "nowhere.txt"],
    ] {
        let out = a.run(cmd).code(2).get_output().clone();
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.starts_with("dateline: "), "{cmd:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{cmd:?}: {err}");
    }
    a.cmd().args(["man", "nothing"]).assert().code(2);
    // A usage error, as clap reports it.
    a.cmd().args(["search", "--bogus", "x"]).assert().code(2);
}

#[test]
fn index_exits_0_even_with_skipped_files() {
    let a = Archive::new();
    a.article("a.txt", "Cocoa", "", "17 March 2017", "cocoa beans");
    a.write("bad.txt", b"\x01\x02\x03\x04text\x05\x06\x07\x08");
    // Exit code 0 (success), with the skipped file reported.
    assert!(a.index_stdout(&[]).contains("1 skipped"));
}

#[test]
fn exit_codes_are_in_help() {
    let out = Archive::new()
        .cmd()
        .arg("--help")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains("Exit status: 0 if something was found")
            && text.contains("1 if nothing matched")
            && text.contains("2 on an error")
            && text.contains("130"),
        "{text}"
    );
}

/// A reader that stops reading (`| head`) ends the export quietly, with exit code 0.
#[test]
fn closed_pipe_ends_quietly_with_0() {
    let a = Archive::new();
    let lines: Vec<String> = (0..3000)
        .map(|i| {
            format!(
                r#"{{"title": "Cocoa report number {i} with a long title to fill the pipe", "date": "2017-03-17", "body": "cocoa"}}"#
            )
        })
        .collect();
    a.write("feed.jsonl", lines.join("\n"));
    a.index_json(&[]);
    for format in [
        &["--format", "jsonl"][..],
        &["--limit", "3000", "--all-copies"],
    ] {
        // Far more than a pipe holds, so the writer meets the closed pipe.
        let all = a.run(&[&["search", "cocoa"][..], format].concat()).code(0);
        assert!(all.get_output().stdout.len() > 256 * 1024, "{format:?}");
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("dateline"))
            .current_dir(a.root())
            .env("NO_COLOR", "1")
            .args(["search", "cocoa", "--index"])
            .arg(a.index())
            .args(format)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = [0u8; 16];
        child.stdout.take().unwrap().read_exact(&mut first).unwrap();
        // The read end is closed now.
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{format:?}");
        assert!(
            out.stderr.is_empty(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

fn widths_archive() -> Archive {
    let a = Archive::new();
    for (i, month) in ["January", "March", "June", "December"].iter().enumerate() {
        for n in 0..=i {
            a.article(
                &format!("{i}_{n}.txt"),
                "Cocoa quota",
                "",
                &format!("{} {month} 2016", n + 1),
                "cocoa quota",
            );
        }
    }
    a.index_json(&[]);
    a
}

fn with_columns(a: &Archive, columns: &str, args: &[&str]) -> String {
    let out = a
        .cmd()
        .env("COLUMNS", columns)
        .args(args)
        .arg("--index")
        .arg(a.index())
        .assert()
        .code(0)
        .get_output()
        .clone();
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Bars drawn in the chart: the part after the label and the count.
fn bars(chart: &str) -> Vec<usize> {
    chart
        .lines()
        .filter(|l| l.starts_with("2016-"))
        .map(|l| l.chars().filter(|c| "█▏▎▍▌▋▊▉".contains(*c)).count())
        .collect()
}

#[test]
fn tiny_terminal_widths_draw_one_cell_bars() {
    let a = widths_archive();
    let chart = with_columns(&a, "5", &["timeline", "cocoa", "--by", "month"]);
    let bars = bars(&chart);
    assert_eq!(bars.len(), 12, "{chart}");
    // Every month with articles still shows, as one cell.
    assert_eq!(bars.iter().filter(|b| **b == 1).count(), 4, "{chart}");
    assert!(bars.iter().all(|b| *b <= 1), "{chart}");
    for columns in ["0", "1", "5"] {
        let text = with_columns(&a, columns, &["search", "cocoa", "--timeline"]);
        assert!(text.contains("articles, by"), "{text}");
    }
}

#[test]
fn huge_terminal_widths_are_capped() {
    let a = widths_archive();
    for columns in ["100000", "18446744073709551615", "99999999999999999999999"] {
        let chart = with_columns(&a, columns, &["timeline", "cocoa", "--by", "month"]);
        let widest = chart.lines().map(|l| l.chars().count()).max().unwrap();
        assert!(widest <= 1000, "COLUMNS={columns}: a line of {widest}");
        assert!(bars(&chart).iter().any(|b| *b > 100), "{chart}");
        let text = with_columns(&a, columns, &["search", "cocoa", "--timeline"]);
        assert!(text.lines().all(|l| l.chars().count() <= 1000));
    }
}

#[test]
fn snippet_chars_0_shows_no_snippet() {
    let a = small_archive();
    let json = a.search("cocoa", &["--snippet-chars", "0"]);
    for hit in json["hits"].as_array().unwrap() {
        assert_eq!(hit["snippet"], "", "{hit}");
        assert_eq!(hit["fragments"], serde_json::json!([]), "{hit}");
    }
    let text = a.stdout(&["search", "cocoa", "--snippet-chars", "0"]);
    assert!(!text.contains("talks went on"), "{text}");
    // Title, meta line, blank line per hit.
    assert!(text.contains("Cocoa quota talks"), "{text}");
    assert!(text.lines().all(|l| !l.starts_with("     The")), "{text}");
    // A small positive number still gives a (short) snippet.
    let json = a.search("cocoa", &["--snippet-chars", "5"]);
    assert_ne!(json["hits"][0]["snippet"], "");
}

#[test]
fn completions_for_each_shell() {
    let a = Archive::new();
    for (shell, mark) in [
        ("bash", "_dateline()"),
        ("zsh", "#compdef dateline"),
        ("fish", "complete -c dateline"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let out = a
            .cmd()
            .args(["completions", shell])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains(mark), "{shell}: {text}");
        assert!(text.contains("snippet-chars"), "{shell}");
    }
    a.cmd().args(["completions", "tcsh"]).assert().code(2);
}

#[test]
fn man_page_from_the_same_definitions() {
    let a = Archive::new();
    let page = |args: &[&str]| {
        let out = a
            .cmd()
            .args(args)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        String::from_utf8(out).unwrap()
    };
    let main = page(&["man"]);
    assert!(main.contains(".TH dateline 1"), "{main}");
    assert!(main.contains("Exit status"), "{main}");
    for sub in ["index", "search", "timeline", "completions"] {
        assert!(main.contains(&format!("dateline\\-{sub}(1)")), "{main}");
    }
    let search = page(&["man", "search"]);
    assert!(search.contains(".TH dateline-search 1"), "{search}");
    assert!(search.contains(r"\-\-snippet\-chars"), "{search}");
    assert!(search.contains(r"\-\-csv\-raw"), "{search}");
}

/// Ctrl-C during a single `dateline index` run: what was committed is kept, exit code 130.
#[test]
fn index_stopped_by_ctrl_c_exits_130() {
    use std::time::{Duration, Instant};
    let a = Archive::new();
    for i in 0..6000 {
        a.write(
            &format!("{:02}/{i:05}.txt", i % 50),
            format!("Story number {i}\n17 March 2017\n\nuniq{i} common words about markets.\n"),
        );
    }
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("dateline"))
        .current_dir(a.root())
        .args([
            "index",
            "--json",
            "--threads",
            "1",
            "--batch-docs",
            "50",
            "--index",
        ])
        .arg(a.index())
        .arg(a.articles())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait for the first commit, so the run is well under way.
    let deadline = Instant::now() + Duration::from_secs(60);
    while !a.index().join("meta.json").exists()
        || !std::fs::read_to_string(a.index().join("meta.json"))
            .unwrap_or_default()
            .contains("max_doc")
    {
        assert!(Instant::now() < deadline, "no commit");
        assert!(child.try_wait().unwrap().is_none(), "finished too soon");
        std::thread::sleep(Duration::from_millis(10));
    }
    std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{out:?}");
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["interrupted"], true, "{summary}");
    assert!(summary["indexed"].as_u64().unwrap() < 6000, "{summary}");
}
