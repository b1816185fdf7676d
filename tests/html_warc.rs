//! The HTML page and WARC readers on the format fixtures (tests/fixtures/formats, see
//! EXPECTED.md there), and on damaged and arbitrary input, called through the library so
//! every field of a parse can be checked.

use std::io::Read;

use dateline::article::{html, warc, FileParse, Severity};
use proptest::prelude::*;

fn fixture(name: &str) -> Vec<u8> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/formats/");
    std::fs::read(format!("{path}{name}")).expect("fixture")
}

fn read_warc(input: &mut dyn Read) -> FileParse {
    let mut sink = FileParse::default();
    warc::read(input, &mut sink);
    sink
}

#[test]
fn html_page_fixture_gives_its_article_without_boilerplate() {
    let parse = html::parse(
        &fixture("news_page.html"),
        Some("https://elsewhere.example/x"),
    );
    assert!(parse.problems.is_empty(), "{:?}", parse.problems);
    let a = &parse.records[0].article;
    assert_eq!(a.title, "Orchard growers count losses after late frost");
    assert_eq!(a.authors, ["Hannah Okafor", "Diego Ramírez"]);
    assert_eq!(
        a.url.as_deref(),
        Some("https://riversidegazette.example/news/2023/05/02/orchard-frost"),
        "the canonical link wins over the url given"
    );
    assert_eq!(a.body.split("\n\n").count(), 5);
    assert!(!a.body.contains("We use cookies"));
}

#[test]
fn a_pages_byline_names_people_not_their_roles() {
    let page = |byline: &str| {
        let html = format!(
            "<html><head><title>Title</title><meta name=\"author\" content=\"{byline}\"></head>\
             <body><article><h1>Title</h1><p>{}</p></article></body></html>",
            "The council voted on Tuesday to close the old bridge to traffic. ".repeat(6)
        );
        html::parse(html.as_bytes(), None).records[0]
            .article
            .authors
            .clone()
    };
    assert_eq!(
        page("JO WINTERBOTTOM, Special to the New York Times"),
        ["Jo Winterbottom"]
    );
    assert_eq!(page("Jane Doe Staff Writer"), ["Jane Doe"]);
}

#[test]
fn a_ticker_in_a_headline_is_text_not_a_tag() {
    let title = "UAL <UAL> UNIT ATTACKED ON MINORITY HIRING";
    let html = format!(
        "<html><head><script type=\"application/ld+json\">{{\"@type\":\"NewsArticle\",\
         \"headline\":\"{title}\"}}</script></head><body><article><h1>UAL &lt;UAL&gt; UNIT \
         ATTACKED ON MINORITY HIRING</h1><p>{}</p></article></body></html>",
        "The council voted on Tuesday to close the old bridge to traffic. ".repeat(6)
    );
    let parse = html::parse(html.as_bytes(), None);
    assert_eq!(parse.records[0].article.title, title);
    let marked = html.replace(title, "A <em>big</em> day");
    assert_eq!(
        html::parse(marked.as_bytes(), None).records[0]
            .article
            .title,
        "A big day"
    );
}

/// The date read from a page built of `head` and `shown` (before the article), fetched from
/// `url`, as `2019-11-19T21:30` or `2019-11-19` (a day only).
fn page_date(head: &str, shown: &str, url: Option<&str>) -> Option<String> {
    let html = format!(
        "<html><head><title>Title</title>{head}</head><body>{shown}<article><h1>Title</h1>\
         <p>{}</p></article></body></html>",
        "The council voted on Tuesday to close the old bridge to traffic. ".repeat(6)
    );
    let date = html::parse(html.as_bytes(), url).records[0].article.date?;
    Some(if date.has_time {
        date.datetime.format("%Y-%m-%dT%H:%M").to_string()
    } else {
        date.datetime.format("%Y-%m-%d").to_string()
    })
}

#[test]
fn a_date_the_page_only_shows_is_read() {
    let shown = r#"<div class="article-date">Published 19 November 2019, 10:04 GMT</div>"#;
    assert_eq!(
        page_date("", shown, None).as_deref(),
        Some("2019-11-19T10:04")
    );
    let shown = r#"<p class="meta">By Jane Doe | Tue, 19 Nov 2019</p>"#;
    assert_eq!(page_date("", shown, None).as_deref(), Some("2019-11-19"));
}

#[test]
fn a_date_in_the_pages_address_is_read_when_it_states_none_elsewhere() {
    let url = Some("https://example.com/news/2019/11/19/bridge");
    assert_eq!(page_date("", "", url).as_deref(), Some("2019-11-19"));
    let canonical = r#"<link rel="canonical" href="https://example.com/bridge-20191119/">"#;
    assert_eq!(
        page_date(canonical, "", None).as_deref(),
        Some("2019-11-19")
    );
    let meta = r#"<meta property="article:published_time" content="2019-11-18T08:00:00">"#;
    assert_eq!(
        page_date(meta, "", url).as_deref(),
        Some("2019-11-18T08:00")
    );
}

#[test]
fn a_time_in_utc_is_written_in_the_zone_the_page_gives() {
    let head = r#"<script type="application/ld+json">{"@type":"NewsArticle",
        "datePublished":"2019-11-20T02:30:00Z"}</script>
        <meta property="article:published_time" content="2019-11-19T21:30:00-05:00">"#;
    assert_eq!(
        page_date(head, "", None).as_deref(),
        Some("2019-11-19T21:30")
    );
}

#[test]
fn a_web_page_typed_json_ld_dates_the_article() {
    let head = r#"<script type="application/ld+json">{"@graph":[{"@type":"WebPage",
        "datePublished":"2018-04-18T14:39:09+02:00"}]}</script>"#;
    assert_eq!(
        page_date(head, "", None).as_deref(),
        Some("2018-04-18T14:39")
    );
}

fn check_crawl(got: &FileParse) {
    assert!(got.problems.is_empty(), "{:?}", got.problems);
    assert_eq!(got.records.len(), 1);
    assert_eq!(
        got.passed_over, 7,
        "warcinfo, 3 requests, metadata, 404, 301"
    );
    let record = &got.records[0];
    assert_eq!(record.record, Some(3));
    let a = &record.article;
    assert_eq!(a.title, "Café owners fight sidewalk fee");
    assert_eq!(a.authors, ["Marie Lefèvre"]);
    assert_eq!(
        a.url.as_deref(),
        Some("https://lakesidedaily.example/city/2023/06/04/cafe-sidewalk-fee")
    );
    assert_eq!(
        a.date.unwrap().datetime.to_string(),
        "2023-06-04 08:15:00",
        "the page's date, not the crawl's"
    );
    let paragraphs: Vec<&str> = a.body.split("\n\n").collect();
    assert_eq!(paragraphs.len(), 3, "{}", a.body);
    assert!(paragraphs[0].starts_with("Owners of cafés on the lakefront"));
    assert!(paragraphs[1].contains("« It will close small places », said René Blanc"));
}

#[test]
fn warc_fixture_gives_the_one_200_html_response() {
    check_crawl(&read_warc(&mut &fixture("crawl.warc")[..]));
}

#[test]
fn warc_gz_with_a_member_per_record_reads_as_the_plain_file() {
    let gz = fixture("crawl.warc.gz");
    check_crawl(&read_warc(&mut flate2::read::MultiGzDecoder::new(&gz[..])));
}

#[test]
fn a_truncated_warc_keeps_what_came_before_and_says_where_it_was_cut() {
    let whole = fixture("crawl.warc");
    let page_end = {
        // The end of the 200 response's block: where record 4 starts, less the blank line
        // that ends record 3.
        let starts = whole
            .windows(8)
            .enumerate()
            .filter(|(_, w)| w == b"WARC/1.0");
        starts.map(|(at, _)| at).nth(3).expect("record 4") - 4
    };
    for cut in 0..whole.len() {
        let got = read_warc(&mut &whole[..cut]);
        let after_page = cut >= page_end;
        assert_eq!(got.records.len(), usize::from(after_page), "cut at {cut}");
        for problem in &got.problems {
            assert_eq!(problem.severity, Severity::Skipped);
            assert!(problem.record.is_some(), "cut at {cut}: {problem:?}");
            assert!(
                problem.reason.contains("cut short")
                    || problem.reason.contains("ends inside the headers")
                    || problem.reason.starts_with("not a WARC file"),
                "cut at {cut}: {problem:?}"
            );
        }
        assert!(got.problems.len() <= 1, "cut at {cut}");
    }
}

#[test]
fn a_warc_whose_length_lies_is_reported() {
    let whole = String::from_utf8_lossy(&fixture("crawl.warc")).into_owned();
    // The warcinfo record says 522 bytes; claim fewer, and the next record is misframed.
    let lying = whole.replacen("Content-Length: 522", "Content-Length: 400", 1);
    let got = read_warc(&mut lying.as_bytes());
    assert!(got.records.is_empty());
    assert_eq!(got.problems.len(), 1);
    assert!(
        got.problems[0]
            .reason
            .contains("longer than its Content-Length"),
        "{:?}",
        got.problems
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn warc_reader_never_panics_on_arbitrary_bytes(
        prefix in prop_oneof![Just(&b""[..]), Just(&b"WARC/1.0\r\n"[..]), Just(&b"WARC/1.1\r\nWARC-Type: response\r\nContent-Type: application/http\r\nContent-Length: 40\r\n\r\nHTTP/1.1 200 OK\r\n"[..])],
        bytes in proptest::collection::vec(any::<u8>(), 0..1024),
    ) {
        let input = [prefix, &bytes].concat();
        let got = read_warc(&mut &input[..]);
        // The reader ends, and says why when it stopped early.
        prop_assert!(got.problems.len() as u64 <= got.passed_over + got.records.len() as u64 + 2);
    }

    #[test]
    fn warc_reader_never_panics_on_damaged_fixture(
        cut in 0usize..6671,
        flips in proptest::collection::vec((0usize..6671, any::<u8>()), 0..8),
    ) {
        let mut bytes = fixture("crawl.warc");
        for (at, byte) in flips {
            if at < bytes.len() {
                bytes[at] = byte;
            }
        }
        bytes.truncate(cut);
        let got = read_warc(&mut &bytes[..]);
        prop_assert!(got.records.len() <= 1);
    }
}
