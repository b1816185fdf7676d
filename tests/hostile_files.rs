//! End-to-end tests of reading hostile article files: huge, sparse and binary files, long
//! bodies at search time, damaged encodings and JSON, and datelines with odd spaces.

mod common;

use std::time::Duration;

use common::Archive;
use serde_json::Value;

/// The problems an index run reported for the file named `name`.
fn problems_of<'a>(summary: &'a Value, name: &str) -> Vec<&'a Value> {
    summary["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .filter(|p| p["path"].as_str().unwrap_or_default().ends_with(name))
        .collect()
}

/// One skip reported for `name` (at `line`), returning its reason.
fn skip_reason(summary: &Value, name: &str, line: Option<u64>) -> String {
    let problems = problems_of(summary, name);
    assert_eq!(problems.len(), 1, "{summary:#}");
    let p = problems[0];
    assert_eq!(p["kind"], "skipped", "{p}");
    assert_eq!(p["line"].as_u64(), line, "{p}");
    p["reason"].as_str().unwrap().to_string()
}

/// A body of about `bytes` bytes of plain words.
fn filler(bytes: usize) -> String {
    let words = ["market ", "prices ", "rose ", "traders ", "said "];
    words.iter().cycle().take(bytes / 6).copied().collect()
}

/// Runs `dateline index --json ARGS...` on the archive with a generous bound that catches a
/// hang, and returns the summary.
fn index_within(a: &Archive, extra: &[&str], secs: u64) -> Value {
    let out = a
        .cmd()
        .args(["index", "--json", "--index"])
        .arg(a.index())
        .arg(a.articles())
        .args(extra)
        .timeout(Duration::from_secs(secs))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).expect("index --json prints JSON")
}

#[test]
fn a_text_file_over_the_article_cap_is_skipped_unread_and_reported() {
    let a = Archive::new();
    a.article(
        "small.txt",
        "Small",
        "",
        "17 March 2017",
        "Cocoa prices rose.",
    );
    a.article(
        "big.txt",
        "Big",
        "",
        "17 March 2017",
        &format!("Cocoa {}", filler(2 << 20)),
    );
    let s = a.index_json(&["--max-article-mb", "1"]);
    assert_eq!(s["indexed"], 1, "{s:#}");
    assert_eq!(s["skipped"], 1, "{s:#}");
    assert_eq!(
        skip_reason(&s, "big.txt", None),
        "larger than --max-article-mb 1 (3 MB): raise the cap to index it"
    );
    assert_eq!(a.titles("cocoa", &[]), ["Small"]);
    // With the cap raised, as the reason says, it is indexed.
    let s = a.index_json(&["--max-article-mb", "4"]);
    assert_eq!(s["indexed"], 1, "{s:#}");
    assert!(problems_of(&s, "big.txt").is_empty(), "{s:#}");
    let mut titles = a.titles("cocoa", &[]);
    titles.sort();
    assert_eq!(titles, ["Big", "Small"]);
}

#[test]
fn the_article_cap_must_be_at_least_one_mb() {
    let a = Archive::new();
    a.article("one.txt", "One", "", "17 March 2017", "Body.");
    a.cmd()
        .args(["index", "--max-article-mb", "0", "--index"])
        .arg(a.index())
        .arg(a.articles())
        .assert()
        .failure()
        .stderr(predicates::str::contains(
            "invalid value '0' for '--max-article-mb <MB>'",
        ));
}

#[test]
fn a_jsonl_record_over_the_cap_is_skipped_and_the_others_are_indexed() {
    let a = Archive::new();
    let record = |title: &str, body: &str| {
        serde_json::json!({"title": title, "date": "2017-03-18", "body": body}).to_string()
    };
    let file = [
        record("First", "zanzibar one"),
        record("Huge", &format!("zanzibar {}", filler(2 << 20))),
        record("Third", "zanzibar three"),
    ]
    .join("\n");
    a.write("feed.jsonl", file);
    let s = a.index_json(&["--max-article-mb", "1"]);
    assert_eq!(s["indexed"], 2, "{s:#}");
    let reason = skip_reason(&s, "feed.jsonl", Some(2));
    assert!(
        reason.starts_with("larger than --max-article-mb 1 (") && reason.contains("raise the cap"),
        "{reason}"
    );
    let r = a.search("zanzibar", &["--sort", "oldest"]);
    let mut got: Vec<(String, u64)> = r["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["title"].as_str().unwrap().into(),
                h["line"].as_u64().unwrap(),
            )
        })
        .collect();
    got.sort();
    assert_eq!(got, [("First".into(), 1), ("Third".into(), 3)]);
}

/// A sparse file of 1 TiB: all NUL bytes, taking no disk space. Reading it whole would need
/// a terabyte of memory, so it must be refused from its first block.
fn sparse(a: &Archive, name: &str) {
    a.write(name, "");
    let f = std::fs::OpenOptions::new()
        .write(true)
        .open(a.articles().join(name))
        .unwrap();
    f.set_len(1 << 40).unwrap();
}

#[test]
fn huge_sparse_files_are_refused_from_their_first_bytes() {
    let a = Archive::new();
    a.article(
        "real.txt",
        "Real",
        "",
        "17 March 2017",
        "Cocoa prices rose.",
    );
    sparse(&a, "sparse.jsonl");
    sparse(&a, "sparse.txt");
    // The cap raised past the .txt file's size, so that only its bytes can refuse it.
    let s = index_within(&a, &["--max-article-mb", "2000000"], 120);
    assert_eq!(s["indexed"], 1, "{s:#}");
    for name in ["sparse.jsonl", "sparse.txt"] {
        assert_eq!(
            skip_reason(&s, name, None),
            "binary file, not text (NUL bytes)"
        );
    }
}

#[test]
fn a_binary_file_renamed_txt_over_the_cap_is_refused_before_reading() {
    let a = Archive::new();
    a.article(
        "real.txt",
        "Real",
        "",
        "17 March 2017",
        "Cocoa prices rose.",
    );
    sparse(&a, "sparse.txt");
    let s = index_within(&a, &[], 120);
    assert_eq!(s["indexed"], 1, "{s:#}");
    assert_eq!(
        skip_reason(&s, "sparse.txt", None),
        "larger than --max-article-mb 64 (1048576 MB): raise the cap to index it"
    );
}

#[test]
fn snippets_of_a_long_article_come_from_its_start_only() {
    let a = Archive::new();
    // The match at the end lies far past the snippet window: the article is found (the
    // index has all of it) but its snippet is the article's lead, with nothing to mark.
    a.article(
        "long.txt",
        "Long report",
        "",
        "17 March 2017",
        &format!("Opening words of the report. {} zanzibar", filler(1 << 20)),
    );
    a.index_json(&[]);
    let r = a.search("zanzibar", &[]);
    assert_eq!(r["total_hits"], 1, "{r:#}");
    let snippet = r["hits"][0]["snippet"].as_str().unwrap();
    assert!(
        snippet.starts_with("Opening words of the report."),
        "{snippet}"
    );
    assert!(!snippet.contains("<b>"), "{snippet}");
    assert!(snippet.len() < 1000, "{snippet}");
    // A match in the window is highlighted as usual.
    let r = a.search("opening", &[]);
    let snippet = r["hits"][0]["snippet"].as_str().unwrap();
    assert!(snippet.starts_with("<b>Opening</b> words"), "{snippet}");
}

#[test]
fn one_bad_byte_does_not_garble_a_utf8_file() {
    let a = Archive::new();
    // One accented letter and one stray byte, as the tester's file had.
    a.write(
        "mixed.txt",
        b"Mixed \xC3\xA9 title\n17 March 2017\n\nSociety news, one bad byte: \xFF.\n",
    );
    // A file that really is Latin-1 is still read as such.
    a.write(
        "latin1.txt",
        b"Caf\xE9 prices\n17 March 2017\n\nA coffee costs \xA33 in the caf\xE9.\n",
    );
    let s = a.index_json(&[]);
    assert_eq!(s["indexed"], 2, "{s:#}");
    let warnings = problems_of(&s, "mixed.txt");
    assert_eq!(warnings.len(), 1, "{s:#}");
    assert_eq!(warnings[0]["kind"], "warning");
    assert!(
        warnings[0]["reason"].as_str().unwrap().contains("1 byte"),
        "{s:#}"
    );
    assert!(problems_of(&s, "latin1.txt").is_empty(), "{s:#}");
    assert_eq!(a.titles("mixed", &[]), ["Mixed \u{e9} title"]);
    // Only the bad byte was read as Windows-1252.
    let r = a.search("society", &[]);
    let snippet = r["hits"][0]["snippet"].as_str().unwrap();
    assert!(snippet.ends_with("one bad byte: \u{ff}."), "{snippet}");
    assert_eq!(a.titles("café", &[]), ["Caf\u{e9} prices"]);
    assert_eq!(a.titles("coffee", &[]), ["Caf\u{e9} prices"]);
}

#[test]
#[ignore = "needs the BBC corpus in ../shared/corpora"]
fn bbc_latin1_article_still_decodes_right() {
    let bbc = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora/bbc");
    assert!(bbc.is_dir(), "no BBC corpus at {}", bbc.display());
    let a = Archive::new();
    a.write("199.txt", std::fs::read(bbc.join("sport/199.txt")).unwrap());
    a.index_json(&[]);
    let r = a.search("signing", &[]);
    let snippet = r["hits"][0]["snippet"].as_str().unwrap();
    assert!(snippet.contains("\u{a3}15.8m"), "{snippet}");
}

#[test]
fn the_sample_articles_dateline_after_a_no_break_space_is_read() {
    let a = Archive::new();
    let sample = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/corpus/000_5ce300c1a8ebbb27.txt"
    );
    let bytes = std::fs::read(sample).unwrap();
    // The premise: a no-break space follows TOKYO in the file itself.
    assert!(String::from_utf8_lossy(&bytes).contains("TOKYO\u{a0}(The Japan News/ANN) - "));
    a.write("000_5ce300c1a8ebbb27.txt", bytes);
    a.index_json(&[]);
    assert_eq!(
        a.titles("place:tokyo", &[]),
        ["Japan, U.S. agree to closely coordinate on N. Korea policy"]
    );
    assert_eq!(
        a.titles("thaad", &["--source", "the japan news/ann"]).len(),
        1
    );
    let r = a.search("thaad", &["--facets"]);
    let f = &r["facets"];
    assert_eq!(f["places"][0]["value"], "TOKYO", "{f:#}");
    assert_eq!(f["places"][0]["count"], 1, "{f:#}");
    assert_eq!(f["sources"][0]["value"], "The Japan News/ANN", "{f:#}");
}

#[test]
fn a_jsonl_line_with_a_lone_surrogate_escape_is_read_with_a_replacement_character() {
    let a = Archive::new();
    a.write(
        "feed.jsonl",
        concat!(
            r#"{"title": "Broken \ud800 surrogate", "date": "2017-03-18", "body": "Zanzibar cloves."}"#,
            "\n",
            r#"{"title": "Fine", "date": "2017-03-18", "body": "Zanzibar spice."}"#,
            "\n",
        ),
    );
    let s = a.index_json(&[]);
    assert_eq!(s["indexed"], 2, "{s:#}");
    assert_eq!(s["skipped"], 0, "{s:#}");
    assert_eq!(a.titles("cloves", &[]), ["Broken \u{fffd} surrogate"]);
    let warnings = problems_of(&s, "feed.jsonl");
    assert_eq!(warnings.len(), 1, "{s:#}");
    assert_eq!(warnings[0]["line"], 1);
    assert_eq!(warnings[0]["kind"], "warning");
}

/// A saved page whose JSON-LD `NewsArticle` has `ld` as its fields (after `@type`), with a
/// few paragraphs of text.
fn ld_page(ld: &str) -> String {
    let para = "<p>Growers in the valley counted their losses on Tuesday after a late frost \
                killed most of the blossom on the apple and pear trees in the orchards.</p>";
    format!(
        "<html><head><title>Page</title><script type=\"application/ld+json\">\
         {{\"@type\": \"NewsArticle\", {ld}}}</script></head>\
         <body><article>{}</article></body></html>",
        para.repeat(4)
    )
}

#[test]
fn a_page_listing_twenty_thousand_json_ld_authors_keeps_a_bounded_list_and_its_headline() {
    // Names of letters only (a name with digits is refused): Aab Aab, Aab Aac, ...
    let letters = |mut n: usize| -> String {
        let mut s = String::from("A");
        for _ in 0..3 {
            s.push((b'a' + (n % 26) as u8) as char);
            n /= 26;
        }
        s
    };
    let authors: Vec<String> = (0..20_000)
        .map(|i| format!(r#"{{"name": "{} {}"}}"#, letters(i / 17_576), letters(i)))
        .collect();
    let a = Archive::new();
    a.write(
        "crowd.html",
        ld_page(&format!(
            r#""author": [{}], "headline": "Frost hits the orchards", "datePublished": "2023-05-02""#,
            authors.join(", ")
        )),
    );
    let s = a.index_json(&[]);
    assert_eq!(s["indexed"], 1, "{s:#}");
    let hit = &a.search("blossom", &[])["hits"][0];
    // The keys after the list are still read.
    assert_eq!(hit["title"], "Frost hits the orchards", "{hit:#}");
    assert_eq!(hit["date"], "2023-05-02", "{hit:#}");
    let got = hit["authors"].as_array().unwrap();
    assert_eq!(got.len(), 50, "{:?}", &got[..3]);
    assert_eq!(got[0], "Aaaa Aaaa");
}

#[test]
fn a_json_ld_headline_with_a_script_in_it_keeps_the_text_after_the_script() {
    let a = Archive::new();
    // Written as it is, `</script>` and all: the HTML parser ends the block there.
    a.write(
        "headline.html",
        ld_page(r#""headline": "<script>alert(1)</script>lynxld""#),
    );
    a.index_json(&[]);
    assert_eq!(a.titles("blossom", &[]), ["lynxld"]);
}

#[test]
fn a_page_saved_with_its_utf8_decoded_twice_is_read_as_it_was_written() {
    // A crawler read the page's UTF-8 as Latin-1 and saved that as UTF-8 again: each curly
    // quote became three characters, two of them control characters.
    let twice = |s: &str| -> String { s.bytes().map(char::from).collect() };
    let story = "The mayor said the council won\u{2019}t raise the caf\u{e9} tax this year, \
                 whatever the budget\u{2019}s gap, and that the library stays open on Sundays.";
    let page = format!(
        "<html><head><meta charset=\"utf-8\"><title>{}</title></head><body><article>\
         <h1>{}</h1><p>{}</p><p>{}</p></article></body></html>",
        twice("Caf\u{e9} tax stays"),
        twice("Caf\u{e9} tax stays"),
        twice(story),
        twice(story).replace("mayor", "treasurer")
    );
    let a = Archive::new();
    a.write("twice.html", page);
    a.index_json(&[]);
    assert_eq!(a.titles("won\u{2019}t", &[]), ["Caf\u{e9} tax stays"]);
    let r = a.search("library", &[]);
    let snippet = r["hits"][0]["snippet"].as_str().unwrap();
    assert!(!snippet.contains('\u{80}'), "{snippet}");
}

/// A feed of `items` (title, date, description as written), wrapped as RSS 2.0.
fn rss(items: &[(&str, &str)]) -> String {
    let mut feed = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss><channel>\n");
    for (title, description) in items {
        feed.push_str(&format!(
            "<item><title>{title}</title><pubDate>Tue, 11 Jun 2024 21:15:00 EDT</pubDate>\
             <description>{description}</description></item>\n"
        ));
    }
    feed.push_str("</channel></rss>\n");
    feed
}

#[test]
fn html_in_a_feed_item_nested_too_deep_is_refused_like_a_page() {
    let a = Archive::new();
    let deep = format!(
        "<![CDATA[{}walrus deep{}]]>",
        "<div>".repeat(10_000),
        "</div>".repeat(10_000)
    );
    a.write(
        "feed.rss",
        rss(&[("Deep", &deep), ("Tiny", "<![CDATA[<p>walrus tiny</p>]]>")]),
    );
    let s = index_within(&a, &[], 600);
    assert_eq!(s["indexed"], 1, "{s:#}");
    let problems = problems_of(&s, "feed.rss");
    assert_eq!(problems.len(), 1, "{s:#}");
    assert_eq!(problems[0]["record"], 1, "{s:#}");
    assert_eq!(problems[0]["kind"], "skipped", "{s:#}");
    assert_eq!(
        problems[0]["reason"],
        "its HTML has elements nested more than 400 deep: a damaged or hostile item, not read"
    );
    assert_eq!(a.titles("walrus", &[]), ["Tiny"]);
}

#[test]
fn a_feed_over_the_article_cap_loses_only_its_items_over_the_cap() {
    let a = Archive::new();
    // One text of 3 MB, and one CDATA section of 3 MB: each an item over the cap.
    let huge_text = format!("zebra {}", filler(3 << 20));
    let huge_cdata = format!("<![CDATA[<p>zebra {}</p>]]>", filler(3 << 20));
    a.write(
        "feed.rss",
        rss(&[
            ("Huge", &huge_text),
            ("Tiny", "zebra tiny"),
            ("Huger", &huge_cdata),
            ("Last", "zebra last"),
        ]),
    );
    let s = a.index_json(&["--max-article-mb", "1"]);
    assert_eq!(s["indexed"], 2, "{s:#}");
    let problems = problems_of(&s, "feed.rss");
    let got: Vec<(u64, &str, &str)> = problems
        .iter()
        .map(|p| {
            (
                p["record"].as_u64().unwrap(),
                p["kind"].as_str().unwrap(),
                p["reason"].as_str().unwrap(),
            )
        })
        .collect();
    let reason = "larger than --max-article-mb 1 (4 MB): raise the cap to index it";
    assert_eq!(got, [(1, "skipped", reason), (3, "skipped", reason)]);
    let mut titles = a.titles("zebra", &[]);
    titles.sort();
    assert_eq!(titles, ["Last", "Tiny"]);
}

#[test]
fn xml_nested_too_deep_is_reported_where_it_goes_too_deep() {
    let a = Archive::new();
    a.write(
        "deep.xml",
        format!("<?xml version=\"1.0\"?>\n<rss>\n{}", "<a>".repeat(100_000)),
    );
    let s = a.index_json(&[]);
    assert_eq!(
        skip_reason(&s, "deep.xml", None),
        "malformed XML at line 3, column 766: elements nested more than 256 deep"
    );
}

#[test]
fn utf32_xml_with_a_bom_is_read() {
    let a = Archive::new();
    let feed = rss(&[("Ostrich café", "The ostrich ran.")]);
    let mut bytes = vec![0xFF, 0xFE, 0, 0];
    bytes.extend(feed.chars().flat_map(|c| u32::from(c).to_le_bytes()));
    a.write("feed32.xml", bytes);
    let s = a.index_json(&[]);
    assert_eq!(s["indexed"], 1, "{s:#}");
    assert!(problems_of(&s, "feed32.xml").is_empty(), "{s:#}");
    assert_eq!(a.titles("ostrich", &[]), ["Ostrich café"]);
}

#[test]
fn xml_declared_utf8_with_invalid_bytes_is_read_with_a_warning() {
    let a = Archive::new();
    let mut feed = rss(&[("Caf\u{1}", "The heron flew.")]).into_bytes();
    // The title's last letter is `é` in Latin-1: not UTF-8, as the declaration says.
    let at = feed.iter().position(|&b| b == 1).unwrap();
    feed[at] = 0xE9;
    a.write("latin.xml", feed);
    let s = a.index_json(&[]);
    assert_eq!(s["indexed"], 1, "{s:#}");
    let problems = problems_of(&s, "latin.xml");
    assert_eq!(problems.len(), 1, "{s:#}");
    assert_eq!(problems[0]["kind"], "warning");
    assert_eq!(
        problems[0]["reason"],
        "text is UTF-8 except for 1 byte; read it as Windows-1252"
    );
    assert_eq!(a.titles("heron", &[]), ["Café"]);
}

#[test]
fn undefined_entities_are_left_out_of_titles_with_a_warning() {
    let a = Archive::new();
    a.write(
        "lol.xml",
        format!(
            "<?xml version=\"1.0\"?>\n<!DOCTYPE rss [<!ENTITY lol9 \"lol\">]>\n{}",
            rss(&[("Gold &lol9; rush", "The gold rush.")])
                .split_once('\n')
                .unwrap()
                .1
        ),
    );
    let s = a.index_json(&[]);
    assert_eq!(s["indexed"], 1, "{s:#}");
    let problems = problems_of(&s, "lol.xml");
    assert_eq!(problems.len(), 1, "{s:#}");
    assert_eq!(problems[0]["kind"], "warning");
    assert_eq!(
        problems[0]["reason"],
        "undefined entities left out of the text: &lol9; (entities a DTD declares are never \
         expanded)"
    );
    assert_eq!(a.titles("gold", &[]), ["Gold rush"]);
}
