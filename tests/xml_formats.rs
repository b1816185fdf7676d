//! The news XML reader (`article::xml`) on fixtures shaped like the real corpora (NYT NITF,
//! RCV1, AFP's NewsML 1.2, IPTC's NewsML-G2, WordPress RSS, Atom): every field exact, as
//! `tests/fixtures/formats/EXPECTED.md` states it; and on broken and hostile XML: whole
//! articles before a break kept, a reason for every problem, never a panic or a hang.
//!
//! These call the reader directly, so every field of a parse can be checked.

use std::path::Path;
use std::time::{Duration, Instant};

use chrono::NaiveDateTime;
use dateline::article::xml;
use dateline::article::{Article, ArticleDate, FileParse, Record, Severity};
use proptest::prelude::*;

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/formats")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A date as stated, `2018-10-21T13:05:00` (with a time) or `1987-01-02` (a day).
fn date(s: &str) -> Option<ArticleDate> {
    let (datetime, has_time) = match NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S") {
        Ok(dt) => (dt, true),
        Err(_) => (
            chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap(),
            false,
        ),
    };
    Some(ArticleDate { datetime, has_time })
}

fn strings(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// The records of a file that reads without any problem.
fn clean(name: &str) -> Vec<Record> {
    let parse = xml::parse(&fixture(name));
    assert!(parse.problems.is_empty(), "{name}: {:#?}", parse.problems);
    parse.records
}

fn the_article(name: &str) -> Article {
    let records = clean(name);
    assert_eq!(records.len(), 1, "{name}");
    assert_eq!(
        records[0].record, None,
        "a one-article file has no record number"
    );
    records[0].article.clone()
}

#[test]
fn nyt_nitf_fields_are_exact() {
    let a = the_article("nyt_nitf.xml");
    assert_eq!(
        a.title,
        "Harbor Commission Approves Plan to Dredge Ship Channel"
    );
    assert_eq!(a.authors, strings(&["John Doe", "Jane Roe"]));
    assert_eq!(a.date, date("1987-01-02"));
    assert_eq!(a.place.as_deref(), Some("WASHINGTON"));
    // The publication (`pubdata/@name`): the article's source unless a dateline names one.
    assert_eq!(a.publication.as_deref(), Some("The New York Times"));
    assert_eq!(a.source, None);
    assert_eq!(
        a.url.as_deref(),
        Some("http://query.nytimes.com/gst/fullpage.html?res=9B0DEFD61F3AF931A35752C0A961948260")
    );
    let body = [
        "The Federal Harbor Commission voted today to approve a $40 million plan to deepen the main ship channel, ending a two-year dispute between shipping companies and fishermen.",
        "The vote was 4 to 1. The commission's chairman, Margaret O'Neill, said the work would begin in the spring and take about 18 months. \"The channel has not been deepened since 1962, and the ships have grown,\" she said.",
        "Fishermen's groups said the dredging would disturb oyster beds along the southern edge of the channel. A spokesman for the Atlantic Watermen's Association, Peter Kowalczyk, said the group would ask a Federal court to delay the work & review the environmental study.",
        "Shipping companies welcomed the decision. They have said that vessels drawing more than 38 feet must now wait for high tide, costing <$10,000> or more for each delay.",
    ];
    assert_eq!(a.body, body.join("\n\n"));
}

#[test]
fn nitf_upper_case_bylines_and_dates_without_pubdata() {
    let nitf = r#"<?xml version="1.0"?>
<nitf><head>
  <meta name="publication_day_of_month" content="9"/><meta name="publication_month" content="3"/>
  <meta name="publication_year" content="1991"/>
</head><body><body.head>
  <hedline><hl1>Title</hl1></hedline>
  <byline class="print_byline">By MARY O'BRIEN-SMITH and PIETER VAN DER BERG</byline>
</body.head><body.content><block class="lead_paragraph"><p>Lead.</p></block>
<block class="full_text"><p>Lead.</p><p>More &eacute;t&eacute; &undeclared; text.</p></block></body.content></body></nitf>"#;
    let parse = xml::parse(nitf.as_bytes());
    let a = &parse.records[0].article;
    assert_eq!(
        a.authors,
        strings(&["Mary O'Brien-Smith", "Pieter van der Berg"])
    );
    assert_eq!(a.date, date("1991-03-09"));
    assert_eq!(a.body, "Lead.\n\nMore été text.");
    assert_eq!(
        parse.problems[0].reason,
        "undefined entities left out of the text: &undeclared; (entities a DTD declares are \
         never expanded)"
    );
}

/// An NITF byline as the NYT and AP write them: the writers only, their affiliation or
/// job title kept as the source it names (issue 29).
fn nitf_with_byline(byline: &str) -> Article {
    let nitf = format!(
        r#"<nitf><head><pubdata date.publication="19910309T000000" name="The Paper"/></head>
<body><body.head><hedline><hl1>Title</hl1></hedline>{byline}</body.head>
<body.content><block class="full_text"><p>Text.</p></block></body.content></body></nitf>"#
    );
    xml::parse(nitf.as_bytes()).records[0].article.clone()
}

#[test]
fn nitf_bylines_name_people_and_keep_the_affiliation_as_the_source() {
    let a = nitf_with_byline(
        r#"<byline class="print_byline">By JO WINTERBOTTOM, Special to the New York Times</byline>"#,
    );
    assert_eq!(a.authors, strings(&["Jo Winterbottom"]));
    assert_eq!(a.source.as_deref(), Some("The New York Times"));
    let a = nitf_with_byline(
        "<byline>By JANE DOE and JOHN ROE<byttl>Associated Press Writer</byttl></byline>",
    );
    assert_eq!(a.authors, strings(&["Jane Doe", "John Roe"]));
    assert_eq!(a.source.as_deref(), Some("AP"));
    let a = nitf_with_byline("<byline>By JANE DOE, Ap Auto Writer</byline>");
    assert_eq!(a.authors, strings(&["Jane Doe"]));
    assert_eq!(a.source.as_deref(), Some("AP"));
    let a = nitf_with_byline("<byline>By JANE DOE, Staff Writer</byline>");
    assert_eq!(a.authors, strings(&["Jane Doe"]));
    assert_eq!(a.source, None);
}

#[test]
fn rcv1_newsitem_in_latin1_fields_are_exact() {
    let a = the_article("rcv1_newsitem_latin1.xml");
    assert_eq!(
        a.title,
        "São Paulo bourse climbs as Câmara approves pension reform."
    );
    assert_eq!(a.authors, strings(&["Ana Luísa Peña"]));
    assert_eq!(a.date, date("1996-08-21"));
    assert_eq!(a.place.as_deref(), Some("SAO PAULO"));
    assert_eq!(a.source.as_deref(), Some("Reuters"));
    let body = [
        "Brazilian shares closed higher on Wednesday after the Câmara dos Deputados approved the first reading of the government's pension reform, traders said.",
        "The Bovespa index rose 2.1 percent to 71,480 points in brisk trading of 612 million reais. \"The market was waiting for this vote,\" said José Araújo, a trader at Banco Económico in São Paulo.",
        "Telebrás preferred shares, the most traded issue, gained 3.4 percent. Analysts at Standard & Poor's said the reform could save the treasury about 1.5 percent of gross domestic product a year.",
        "-- São Paulo newsroom, +55 11 232 4411",
    ];
    assert_eq!(a.body, body.join("\n\n"));
}

#[test]
fn newsml1_envelope_gives_its_text_items() {
    let records = clean("newsml1_envelope_latin1.xml");
    let got: Vec<_> = records.iter().map(|r| r.record).collect();
    assert_eq!(
        got,
        [Some(1), Some(3)],
        "the photo item (2) is not an article"
    );

    let a = &records[0].article;
    assert_eq!(a.title, "Lyon opens tram line to the airport a year early");
    assert_eq!(a.authors, strings(&["Hélène Marchand"]));
    assert_eq!(a.date, date("2023-09-15T09:45:12"));
    assert_eq!(a.place.as_deref(), Some("LYON"));
    assert_eq!(a.publication.as_deref(), Some("AFP"), "the item's provider");
    assert_eq!(a.source, None);
    let body = [
        "Lyon opened its new tram line to Saint-Exupéry airport on Friday, a year ahead of schedule, the city's transport authority said.",
        "The line, which cost 310 million euros, links the Part-Dieu station to the airport in 25 minutes, against 40 minutes by bus. \"Nobody believed we would finish early,\" said the authority's director, Rémi Vasseur.",
        "Trams will run every ten minutes from 5 a.m. to midnight; a single ticket costs 2 euros & 10 cents.",
    ];
    assert_eq!(a.body, body.join("\n\n"));

    let a = &records[1].article;
    assert_eq!(a.title, "Airport passengers welcome the tram");
    assert_eq!(a.authors, strings(&["Paul Girard", "Inès Roussel"]));
    assert_eq!(a.date, date("2023-09-15T10:10:10"));
    assert_eq!(a.place.as_deref(), Some("Colombier-Saugnieu"));
    assert_eq!(a.source, None);
    assert_eq!(
        a.body,
        "Travellers at Saint-Exupéry said the tram would save them the price of a taxi.\n\n\"It is cheaper and it does not get stuck in traffic,\" said one."
    );
}

#[test]
fn g2_news_item_fields_are_exact() {
    let a = the_article("g2_newsitem.xml");
    assert_eq!(
        a.title,
        "Berlin commuters stranded as transit workers strike"
    );
    assert_eq!(a.authors, strings(&["Meredith Jameson", "Klaus Weber"]));
    assert_eq!(
        a.date,
        date("2018-10-21T13:05:00"),
        "contentCreated, offset dropped"
    );
    assert_eq!(a.place.as_deref(), Some("Berlin"));
    let body = [
        "Buses and U-Bahn trains stood still across Berlin on Sunday as transit workers walked out in a dispute over pay, leaving hundreds of thousands of commuters to find other ways to work.",
        "The strike, called by the Verdi union, began at 3 a.m. and was due to end at midnight. Only the S-Bahn suburban trains, run by a different company, were operating.",
        "“We regret the disruption, but our members have waited two years for a fair offer,” said Jana Schröder, the union’s chief negotiator. Talks are due to resume on Tuesday.",
        "The transit company BVG called the walkout “disproportionate” and said its offer of 4.5 percent over two years remained on the table.",
    ];
    assert_eq!(a.body, body.join("\n\n"));
    assert!(!a.body.contains("Corrects spelling"), "edNote is not body");
}

#[test]
fn g2_news_message_gives_one_record_per_text_item() {
    let records = clean("g2_newsmessage.xml");
    // Items are numbered by position in the itemSet: 1 is the package, 4 the picture.
    let got: Vec<_> = records.iter().map(|r| r.record).collect();
    assert_eq!(got, [Some(2), Some(3)]);

    let a = &records[0].article;
    assert_eq!(a.title, "River Ouse flood warning issued for York");
    assert_eq!(a.authors, strings(&["Priya Natarajan"]));
    assert_eq!(a.date, date("2019-03-04T09:30:00"), "firstCreated");
    assert_eq!(a.place.as_deref(), Some("York"));
    assert_eq!(
        a.publication.as_deref(),
        Some("York Press Agency"),
        "provider/name"
    );
    assert_eq!(
        a.body,
        "The Environment Agency issued a flood warning for the River Ouse in York on Monday after two days of heavy rain across North Yorkshire.\n\nThe river was expected to peak at 4.2 metres above its normal level late on Tuesday. Residents of riverside streets were told to move valuables upstairs."
    );

    let a = &records[1].article;
    assert_eq!(a.title, "Skeldergate Bridge closed to traffic");
    assert_eq!(a.authors, strings(&["Tom Hale", "Priya Natarajan"]));
    assert_eq!(a.date, date("2019-03-04T11:02:00"));
    assert_eq!(a.place, None);
    assert_eq!(
        a.publication.as_deref(),
        Some("York Evening Post"),
        "provider/@literal"
    );
    assert_eq!(
        a.body,
        "Skeldergate Bridge in York was closed to traffic on Monday as a precaution, the city council said.\n\nPedestrians can still use the bridge. Buses are being diverted via Ouse Bridge."
    );
}

#[test]
fn a_g2_picture_on_its_own_is_skipped_with_a_reason() {
    let picture = r#"<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="p1">
  <itemMeta><itemClass qcode="ninat:picture"/></itemMeta>
  <contentMeta><headline>A photo</headline></contentMeta>
  <contentSet><remoteContent href="http://x.example/a.jpg" contenttype="image/jpeg"/></contentSet>
</newsItem>"#;
    let parse = xml::parse(picture.as_bytes());
    assert!(parse.records.is_empty());
    assert_eq!(parse.problems.len(), 1);
    assert_eq!(
        parse.problems[0].reason,
        "a NewsML-G2 picture item, not an article"
    );
    // IPTC's placeholder items (`.....`-only or comment-only content) have no text.
    let placeholder = r#"<newsItem guid="N1"><itemMeta><itemClass qcode="ninat:text"/></itemMeta>
<contentSet><inlineXML contenttype="application/nitf+xml"><!-- the story --></inlineXML></contentSet></newsItem>"#;
    let parse = xml::parse(placeholder.as_bytes());
    assert!(parse.records.is_empty());
    assert_eq!(parse.problems[0].reason, "NewsML-G2 text item with no text");
}

#[test]
fn rss2_items_are_exact() {
    let records = clean("rss2.xml");
    assert_eq!(records.len(), 2);

    let r = &records[0];
    assert_eq!(r.record, Some(1));
    let a = &r.article;
    assert_eq!(a.title, "Library reopens after ‘long, dusty’ renovation");
    assert_eq!(
        a.publication.as_deref(),
        Some("Valley Courier — Local News"),
        "the channel's title"
    );
    assert_eq!(
        a.url.as_deref(),
        Some("https://valleycourier.example/2024/06/12/library-reopens/")
    );
    assert_eq!(a.authors, strings(&["Rosa Delgado"]));
    assert_eq!(a.date, date("2024-06-12T14:30:00"));
    // Left to the indexer, which reads the dateline at the start of the body.
    assert_eq!(a.place, None);
    let body = [
        "MILLBROOK — The Main Street library opened its doors again on Wednesday after an 18-month renovation that added a children’s wing and a rooftop reading garden.",
        "“It was a long, dusty year,” said head librarian Owen Pryce, 58. “But the building will serve the town for another century.”",
        "The $4.2 million project was paid for by a county bond and private donations.",
    ];
    assert_eq!(a.body, body.join("\n\n"));

    let r = &records[1];
    assert_eq!(r.record, Some(2));
    let a = &r.article;
    assert_eq!(a.title, "Council delays vote on parking meters");
    assert_eq!(
        a.url.as_deref(),
        Some("https://valleycourier.example/2024/06/11/parking-meters/")
    );
    assert_eq!(a.authors, strings(&["Sam Whitaker", "Rosa Delgado"]));
    assert_eq!(
        a.date,
        date("2024-06-11T21:15:00"),
        "EDT: the stated time is kept"
    );
    assert_eq!(
        a.body,
        "The town council on Tuesday postponed a vote on installing parking meters on Main Street until July, after merchants asked for more time to study the plan.\n\nMeters would cost $1 an hour."
    );
}

#[test]
fn atom_entries_are_exact() {
    let records = clean("atom.xml");
    assert_eq!(records.len(), 2);

    let a = &records[0].article;
    assert_eq!(records[0].record, Some(1));
    assert_eq!(a.title, "Ferry fares rise 10 percent in April");
    assert_eq!(
        a.publication.as_deref(),
        Some("Harbor News"),
        "the feed's title"
    );
    assert_eq!(
        a.url.as_deref(),
        Some("https://harbornews.example/2024/03/01/ferry-fares")
    );
    assert_eq!(a.authors, strings(&["Lena Fischer", "Marcus Bell"]));
    assert_eq!(
        a.date,
        date("2024-03-01T09:30:00"),
        "published, not updated"
    );
    assert_eq!(
        a.body,
        "PORT ELLIS — Island ferry fares will rise 10 percent on April 1, the harbor authority said on Friday, citing higher fuel costs.\n\nA round trip for a car and driver will cost $46, up from $42. Foot passengers will pay $9."
    );

    let a = &records[1].article;
    assert_eq!(records[1].record, Some(2));
    assert_eq!(a.title, "Lighthouse keeper's cottage to become museum");
    assert_eq!(
        a.url.as_deref(),
        Some("https://harbornews.example/2024/02/28/lighthouse-museum")
    );
    assert_eq!(
        a.authors,
        strings(&["Harbor News Staff"]),
        "the feed's author"
    );
    assert_eq!(a.date, date("2024-02-28T16:00:00"), "updated: no published");
    assert_eq!(
        a.body,
        "The town has bought the former lighthouse keeper's cottage on Gull Point and plans to open it as a museum next summer.\n\nThe cottage, built in 1871, was last lived in by a keeper in 1959."
    );
}

#[test]
fn rss1_rdf_feeds_are_read_too() {
    let rdf = r#"<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://x.example/"><title>X</title></channel>
  <item rdf:about="https://x.example/1"><title>One</title><link>https://x.example/1</link>
    <dc:date>2020-05-01T08:00:00+01:00</dc:date><dc:creator>Ann Lee</dc:creator>
    <description>First story.</description></item>
</rdf:RDF>"#;
    let parse = xml::parse(rdf.as_bytes());
    assert!(parse.problems.is_empty(), "{:?}", parse.problems);
    let a = &parse.records[0].article;
    assert_eq!(
        (a.title.as_str(), a.body.as_str(), a.url.as_deref()),
        ("One", "First story.", Some("https://x.example/1"))
    );
    assert_eq!(a.date, date("2020-05-01T08:00:00"));
    assert_eq!(a.authors, strings(&["Ann Lee"]));
}

#[test]
fn xml_that_is_not_news_is_skipped_saying_what_it_is() {
    let pom = r#"<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
<groupId>org.example</groupId><artifactId>news</artifactId></project>"#;
    let svg =
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><title>Logo</title></svg>"#;
    let sitemap = r#"<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://x.example/</loc></url></urlset>"#;
    for (xml, reason) in [
        (
            pom,
            "not a news format: root element <project> (a Maven POM)",
        ),
        (svg, "not a news format: root element <svg> (an SVG image)"),
        (
            sitemap,
            "not a news format: root element <urlset> (a sitemap)",
        ),
    ] {
        let parse = xml::parse(xml.as_bytes());
        assert!(parse.records.is_empty());
        assert_eq!(parse.problems.len(), 1);
        assert_eq!(parse.problems[0].severity, Severity::Skipped);
        assert_eq!(parse.problems[0].reason, reason);
    }
}

#[test]
fn a_feed_cut_short_keeps_its_whole_items_and_says_where_it_broke() {
    let rss = String::from_utf8(fixture("rss2.xml")).unwrap();
    let cut = rss.find("<pubDate>Tue").unwrap();
    let parse = xml::parse(&rss.as_bytes()[..cut]);
    assert_eq!(parse.records.len(), 1);
    assert_eq!(
        parse.records[0].article.title,
        "Library reopens after ‘long, dusty’ renovation"
    );
    assert_eq!(parse.problems.len(), 1, "{:?}", parse.problems);
    let p = &parse.problems[0];
    assert_eq!((p.record, p.severity), (Some(2), Severity::Skipped));
    assert_eq!(
        p.reason,
        "malformed XML: the file ends inside <item> (cut short?); the article before it was kept"
    );

    // A mismatched end tag in the second entry: the line is named, the first entry kept.
    let atom = String::from_utf8(fixture("atom.xml")).unwrap();
    let broken = atom.replace(
        "<updated>2024-02-28T16:00:00Z</updated>",
        "<updated>2024-02-28T16:00:00Z</published>",
    );
    let parse = xml::parse(broken.as_bytes());
    assert_eq!(parse.records.len(), 1);
    let p = &parse.problems[0];
    assert_eq!(p.record, Some(2));
    assert!(
        p.reason.starts_with("malformed XML at line 24, column "),
        "{}",
        p.reason
    );
    assert!(
        p.reason.ends_with("; the article before it was kept"),
        "{}",
        p.reason
    );
}

#[test]
fn a_single_article_cut_short_is_skipped_with_the_reason() {
    let nitf = fixture("nyt_nitf.xml");
    for cut in [nitf.len() / 2, nitf.len() - 8] {
        let parse = xml::parse(&nitf[..cut]);
        assert!(parse.records.is_empty());
        assert_eq!(parse.problems.len(), 1);
        assert_eq!(parse.problems[0].record, None);
        let reason = &parse.problems[0].reason;
        assert!(reason.starts_with("malformed XML"), "{reason}");
        assert!(reason.contains("(cut short?)"), "{reason}");
    }
}

#[test]
fn hostile_xml_is_refused_quickly_and_in_bounded_memory() {
    let started = Instant::now();
    // Entity expansion ("billion laughs"): declared entities are never expanded.
    let mut laughs =
        String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE rss [\n<!ENTITY l0 \"lol\">\n");
    for i in 1..10 {
        let prev = format!("&l{};", i - 1).repeat(10);
        laughs.push_str(&format!("<!ENTITY l{i} \"{prev}\">\n"));
    }
    laughs.push_str(
        "]>\n<rss><item><title>Laughs &l9;</title><pubDate>1 May 2020</pubDate></item></rss>",
    );
    let parse = xml::parse(laughs.as_bytes());
    assert_eq!(parse.records[0].article.title, "Laughs");

    // Nesting a million deep.
    let deep = format!("<rss>{}", "<item>".repeat(1_000_000));
    let parse = xml::parse(deep.as_bytes());
    assert!(parse.records.is_empty());
    assert!(
        parse.problems[0].reason.contains("nested more than"),
        "{:?}",
        parse.problems
    );

    // An item made of a million empty elements, then a good one.
    let wide = format!(
        "<rss><item>{}</item><item><title>ok</title><pubDate>1 May 2020</pubDate></item></rss>",
        "<x/>".repeat(1_000_000)
    );
    let parse = xml::parse(wide.as_bytes());
    assert_eq!(parse.records.len(), 1);
    assert_eq!(parse.records[0].record, Some(2));
    assert_eq!(parse.problems[0].record, Some(1));
    assert!(parse.problems[0].reason.contains("elements in one <item>"));
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "took {:?}",
        started.elapsed()
    );
}

const FIXTURES: &[(&str, usize)] = &[
    ("nyt_nitf.xml", 1),
    ("rcv1_newsitem_latin1.xml", 1),
    ("newsml1_envelope_latin1.xml", 2),
    ("g2_newsitem.xml", 1),
    ("g2_newsmessage.xml", 2),
    ("rss2.xml", 2),
    ("atom.xml", 2),
];

/// What every parse must satisfy, whatever the input: nothing read means a reason given,
/// and every problem has words in it.
fn well_behaved(parse: &FileParse, most: usize) -> Result<(), TestCaseError> {
    prop_assert!(
        parse.records.len() <= most,
        "{} records",
        parse.records.len()
    );
    if parse.records.is_empty() {
        prop_assert!(
            parse
                .problems
                .iter()
                .any(|p| p.severity == Severity::Skipped),
            "nothing read and no reason: {:?}",
            parse.problems
        );
    }
    for p in &parse.problems {
        prop_assert!(p.reason.split_whitespace().count() >= 2, "{:?}", p);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn never_panics_on_arbitrary_bytes(
        prefix in prop_oneof![
            Just(&b""[..]),
            Just(&b"<?xml version=\"1.0\" encoding=\"iso-8859-1\"?>"[..]),
            Just(&b"<rss><channel><item>"[..]),
            Just(&b"<feed><entry>"[..]),
            Just(&b"<newsMessage><itemSet><newsItem>"[..]),
            Just(&b"<nitf><body><body.content>"[..]),
            Just(&b"\xEF\xBB\xBF"[..]),
            Just(&b"\xFF\xFE"[..]),
        ],
        bytes in proptest::collection::vec(
            prop_oneof![any::<u8>(), Just(b'<'), Just(b'>'), Just(b'&'), Just(b';'), Just(b'/')],
            0..2048,
        ),
    ) {
        let bytes = [prefix, &bytes].concat();
        well_behaved(&xml::parse(&bytes), usize::MAX)?;
    }

    #[test]
    fn never_panics_on_mutated_fixtures(
        which in 0..FIXTURES.len(),
        cut in any::<prop::sample::Index>(),
        edits in proptest::collection::vec(
            (any::<prop::sample::Index>(), prop_oneof![
                Just(&b"<"[..]), Just(&b">"[..]), Just(&b"&"[..]), Just(&b"</p>"[..]),
                Just(&b"<item>"[..]), Just(&b"]]>"[..]), Just(&b"\xFF"[..]), Just(&b""[..]),
                Just(&b"&#xD800;"[..]), Just(&b"<![CDATA["[..]), Just(&b"\""[..]),
            ]),
            0..4,
        ),
        truncate in any::<bool>(),
    ) {
        let (name, count) = FIXTURES[which];
        let mut bytes = fixture(name);
        for (at, insert) in edits {
            let at = at.index(bytes.len() + 1);
            bytes.splice(at..at, insert.iter().copied());
        }
        if truncate {
            bytes.truncate(cut.index(bytes.len() + 1));
        }
        // An inserted `<item>` can make one more item out of the text; never more.
        well_behaved(&xml::parse(&bytes), count + 4)?;
    }
}

/// Prints how fast the reader goes on each fixture kind (no assertion: a measuring tool).
/// `cargo test --test xml_formats throughput -- --ignored --nocapture`; debug builds are
/// far slower than release, so compare figures only with the same profile.
#[test]
#[ignore = "measurement, not a test: prints MB/s"]
fn throughput() {
    for (name, _) in FIXTURES {
        let bytes = fixture(name);
        // A big feed is one file of many items; the single-article kinds are many files.
        let (input, files): (Vec<u8>, usize) = match *name {
            "rss2.xml" | "atom.xml" => {
                let text = String::from_utf8(bytes).unwrap();
                let (unit, close) = if *name == "rss2.xml" {
                    ("item", "</channel>")
                } else {
                    ("entry", "</feed>")
                };
                let start = text.find(&format!("<{unit}>")).unwrap();
                let end = text.rfind(&format!("</{unit}>")).unwrap() + unit.len() + 3;
                let items = text[start..end].repeat(5_000);
                let big = format!(
                    "{}{items}{}",
                    &text[..start],
                    &text[text.rfind(close).unwrap()..]
                );
                (big.into_bytes(), 1)
            }
            _ => (bytes, 2_000),
        };
        let started = Instant::now();
        let mut records = 0;
        for _ in 0..files {
            records += xml::parse(&input).records.len();
        }
        let secs = started.elapsed().as_secs_f64();
        let mb = (input.len() * files) as f64 / 1e6;
        eprintln!(
            "{name:30} {mb:7.1} MB {records:6} articles {secs:6.2} s {:6.1} MB/s",
            mb / secs
        );
    }
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let peak = status
        .lines()
        .find(|l| l.starts_with("VmHWM"))
        .unwrap_or("VmHWM: ?");
    eprintln!(
        "peak RSS of the test process: {}",
        peak.trim_start_matches("VmHWM:").trim()
    );
}
