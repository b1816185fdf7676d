use super::*;
use proptest::prelude::*;

fn fixture(name: &str) -> Vec<u8> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/formats/");
    std::fs::read(format!("{path}{name}")).unwrap()
}

/// Paragraphs of plain words, enough to be an article.
fn paragraphs() -> String {
    (1..=4)
        .map(|i| {
            format!(
                "<p>Paragraph {i} tells what the council decided on Tuesday evening after a long \
                 debate about the budget, the roads and the new library in the town centre.</p>"
            )
        })
        .collect()
}

fn article(head: &str) -> Article {
    let html = format!(
        "<html><head>{head}</head><body><article>{}</article></body></html>",
        paragraphs()
    );
    let parse = parse(html.as_bytes(), None);
    assert_eq!(parse.records.len(), 1, "{:?}", parse.problems);
    parse.records[0].article.clone()
}

#[test]
fn deep_nesting_neither_crashes_nor_hangs() {
    let depth = 200_000;
    let html = format!(
        "{}{}{}",
        "<div>".repeat(depth),
        paragraphs(),
        "</div>".repeat(depth)
    );
    let _ = parse(html.as_bytes(), None);
    let html = format!("{}{}", "<b><i>".repeat(depth), paragraphs());
    let _ = parse(html.as_bytes(), None);
}

#[test]
fn letters_count_letters_and_digits_of_every_script() {
    assert_eq!(letters("Zürich, 2024 — 東京!"), 12);
    assert_eq!(letters(" .,;-\u{a0}"), 0);
}

#[test]
fn nesting_is_estimated_from_tags() {
    assert_eq!(
        nesting("<div><p>a<p>b<ul><li>x<li>y</ul></div><img src=x><br/>"),
        2
    );
    assert_eq!(
        nesting("<script>if (a<b) { '<div>' }</script><!-- <div><div> --><span>x</span>"),
        1
    );
    assert_eq!(nesting(&"<b><i>".repeat(10)), 20);
    // An end tag in capitals closes a script; an unclosed script or comment runs to the end.
    assert_eq!(
        nesting("<SCRIPT>x = '<div><div>';</SCRIPT ><div><div>y</div></div>"),
        2
    );
    assert_eq!(nesting("<div><script>'<div><div><div>'"), 1);
    assert_eq!(nesting("<div><!-- <div><div> -"), 1);
}

#[test]
fn the_fixture_page_reads_as_expected() {
    let parse = parse(&fixture("news_page.html"), None);
    assert!(parse.problems.is_empty(), "{:?}", parse.problems);
    let a = &parse.records[0].article;
    assert_eq!(a.title, "Orchard growers count losses after late frost");
    assert_eq!(a.authors, ["Hannah Okafor", "Diego Ramírez"]);
    let date = a.date.unwrap();
    assert_eq!(date.datetime.to_string(), "2023-05-02 06:00:00");
    assert!(date.has_time);
    assert_eq!(
        a.url.as_deref(),
        Some("https://riversidegazette.example/news/2023/05/02/orchard-frost")
    );
    // og:site_name (the JSON-LD publisher is a reference to another node).
    assert_eq!(a.publication.as_deref(), Some("The Riverside Gazette"));
    assert_eq!(a.source, None);
    assert_eq!(a.place.as_deref(), Some("WENATCHEE, Wash."));
    let paragraphs: Vec<&str> = a.body.split("\n\n").collect();
    assert_eq!(paragraphs.len(), 5, "{}", a.body);
    assert!(paragraphs[0].starts_with("WENATCHEE, Wash. — A hard frost"));
    assert_eq!(
        paragraphs[4],
        "Apples are the county's largest crop, worth about $600 million a year."
    );
    for chrome in [
        "cookies",
        "Share on",
        "comments",
        "Related",
        "newsletter",
        "orchardguy77",
        "Most read",
        "Prices at the store",
        "Photo",
    ] {
        assert!(!a.body.contains(chrome), "{chrome:?} in {}", a.body);
    }
}

#[test]
fn json_ld_authors_come_as_strings_objects_arrays_and_references() {
    let ld = |json: &str| {
        article(&format!(
            r#"<script type="application/ld+json">{json}</script>"#
        ))
    };
    let a = ld(
        r#"{"@type": "NewsArticle", "headline": "Budget passes", "author": "Jo Park",
        "datePublished": "2021-04-05T07:08:09+02:00", "publisher": {"@type": "Organization", "name": "The Daily"}}"#,
    );
    assert_eq!(
        (a.title.as_str(), a.authors.as_slice()),
        ("Budget passes", &["Jo Park".to_string()][..])
    );
    assert_eq!(a.date.unwrap().datetime.to_string(), "2021-04-05 07:08:09");
    assert_eq!(a.publication.as_deref(), Some("The Daily"));
    let a = ld(
        r##"[{"@type": "WebSite", "name": "x"}, {"@type": ["ReportageNewsArticle"], "headline": "H",
        "author": [{"@type": "Person", "name": "Ann Lee"}, {"@id": "#p2"}, "By Bo Chen"]},
        {"@id": "#p2", "@type": "Person", "name": "Cy Dunn"}]"##,
    );
    assert_eq!(a.authors, ["Ann Lee", "Cy Dunn", "Bo Chen"]);
    let a = ld(
        r#"{"@context": "https://schema.org", "@graph": [{"@type": "WebPage"},
        {"@type": "OpinionNewsArticle", "headline": "Op &amp; Ed", "author": {"name": "Jo Park and Al Roe"}}]}"#,
    );
    assert_eq!(a.title, "Op & Ed");
    assert_eq!(a.authors, ["Jo Park", "Al Roe"]);
    // Broken JSON-LD is passed over for the next source.
    let a = article(
        r#"<script type="application/ld+json">{"@type": "NewsArticle", </script>
        <meta name="author" content="Mia Wong"><meta property="og:title" content="From OG">"#,
    );
    assert_eq!(
        (a.title.as_str(), a.authors.as_slice()),
        ("From OG", &["Mia Wong".to_string()][..])
    );
}

#[test]
fn meta_tags_microdata_and_the_page_itself_fill_what_json_ld_leaves() {
    let a = article(
        r#"<meta name="byl" content="By SAM LEE and KIM HO"><meta name="author" content="https://x.example/sam">
        <meta property="article:published_time" content="2019-11-19T13:16+0000">
        <meta property="og:site_name" content="Courier"><title>Budget passes - Courier</title>"#,
    );
    assert_eq!(a.title, "Budget passes");
    assert_eq!(a.authors, ["Sam Lee", "Kim Ho"]);
    assert_eq!(a.date.unwrap().datetime.to_string(), "2019-11-19 13:16:00");
    // Microdata, then a visible time and byline.
    let html = format!(
        r#"<html><head><title>Roads | Town Paper</title></head><body><article>
        <h1>Roads</h1><span itemprop="author" itemscope><span itemprop="name">Lu Diaz</span></span>
        <time datetime="2020-02-03">Feb 3</time>{}</article></body></html>"#,
        paragraphs()
    );
    let a = &parse(html.as_bytes(), Some("https://town.example/roads")).records[0].article;
    assert_eq!(a.title, "Roads");
    assert_eq!(a.authors, ["Lu Diaz"]);
    let date = a.date.unwrap();
    assert_eq!(
        (date.datetime.to_string().as_str(), date.has_time),
        ("2020-02-03 00:00:00", false)
    );
    assert_eq!(a.url.as_deref(), Some("https://town.example/roads"));
    let html = format!(
        r#"<html><body><article><p class="byline">By Ray Okoro</p>{}</article></body></html>"#,
        paragraphs()
    );
    let a = &parse(html.as_bytes(), None).records[0].article;
    assert_eq!(a.authors, ["Ray Okoro"]);
    assert!(a.body.starts_with("Paragraph 1"), "{}", a.body);
}

#[test]
fn titles_lose_the_site_name_and_prefer_a_matching_h1() {
    let site = |t: &str, s: Option<&str>, u: Option<&str>| meta::strip_site_for_test(t, s, u);
    assert_eq!(site("Fares rise | Harbor News", None, None), "Fares rise");
    assert_eq!(
        site("Fares rise - Harbor News", Some("Harbor News"), None),
        "Fares rise"
    );
    assert_eq!(
        site(
            "Fares rise — Lakeside Daily",
            None,
            Some("https://lakesidedaily.example/x")
        ),
        "Fares rise"
    );
    assert_eq!(
        site("Spider-Man - a review", None, None),
        "Spider-Man - a review"
    );
    assert_eq!(
        site("Bears win | Sport | The Paper", None, None),
        "Bears win"
    );
    let a =
        article(r#"<meta property="og:title" content="Fares rise 10 percent in April, and more">"#);
    assert_eq!(a.title, "Fares rise 10 percent in April, and more");
}

/// A page without metadata or `h1`: `title` in its `<title>`, `shown` above `paragraphs()`.
fn old_page(title: &str, shown: &str) -> Article {
    let html = format!(
        "<html><head><title>{title}</title></head><body><table><tr><td>\
         <a href=/>Home</a> <a href=/business>Business</a></td><td>{shown}{}</td></tr>\
         </table></body></html>",
        paragraphs()
    );
    let parse = parse(html.as_bytes(), None);
    assert_eq!(parse.records.len(), 1, "{:?}", parse.problems);
    parse.records[0].article.clone()
}

#[test]
fn a_title_of_segments_gives_the_one_the_page_shows_as_its_headline() {
    let shown = "<font size=4><b>Bridge to close for a year</b></font><br>";
    let a = old_page("NEWS | Business | Bridge to close for a year", shown);
    assert_eq!(a.title, "Bridge to close for a year");
    // Segments of the headline itself, and a day after it.
    let shown = "<h2 class=headline>Lords wrong on bridge - mayor</h2>";
    let a = old_page(
        "Site.com - Lords wrong on bridge - mayor - Mar. 2, 2003",
        shown,
    );
    assert_eq!(a.title, "Lords wrong on bridge - mayor");
    // A section label shown in bold is no headline.
    let a = old_page("The Town Paper | Business", "<b>Business</b>");
    assert_ne!(a.title, "Business");
}

#[test]
fn a_ticker_that_spells_an_element_stays_in_the_title() {
    // `<S>` is Sears' ticker, not a strikethrough: it is never closed.
    let headline = "TANDON &lt;TCOR&gt; SAYS SEARS &lt;S&gt; STILL CUSTOMER";
    let a = old_page(
        &format!("ExampleTimes.com - {headline} - Mar. 24, 1987"),
        &format!("<h2 class=headline>{headline}</h2>"),
    );
    assert_eq!(a.title, "TANDON <TCOR> SAYS SEARS <S> STILL CUSTOMER");
    // Markup escaped into the metadata is still markup.
    let a = article(
        r#"<meta property="og:title" content="&lt;em&gt;Fares&lt;/em&gt; rise 10 percent&lt;br/&gt;">"#,
    );
    assert_eq!(a.title, "Fares rise 10 percent");
}

#[test]
fn a_table_cell_of_links_beside_a_short_story_is_left_out() {
    let html = "<html><head><title>Load factor falls</title></head><body><div id=story>\
         <h2>Load factor falls</h2><p>APPLETON, March 9 - Air Wis Services Inc said February \
         load factor fell to 42.9 pct from 44.2 pct a year before.</p>\
         <table align=right class=storybox><tr><td><b>RELATED</b><br>\
         <a href=/a>Markets steady as talks resume</a><br>\
         <a href=/b>Oil prices ease in Asian trade</a></td></tr></table>\
         <p>The company said revenue passenger miles rose 2.1 pct to 22.2 mln.</p>\
         <table><tr><td><a href=/seat>Koos i-Size</a></td><td>good, 2.1</td></tr></table>\
         </div></body></html>";
    let parse = parse(html.as_bytes(), None);
    let body = &parse.records[0].article.body;
    assert!(!body.contains("RELATED"), "{body}");
    assert!(!body.contains("Markets steady"), "{body}");
    // A cell of one link is a table's entry, not a box of links.
    assert!(body.contains("Koos i-Size"), "{body}");
}

#[test]
fn a_title_segment_the_page_names_as_its_owner_is_not_the_headline() {
    // The site's name is longer than the headline; only the copyright line says whose it is.
    let shown = "<font size=5><b>The Greenfield County Gazette</b></font><br>\
                 <b>Bridge shut</b><br><small>&copy; 2004 The Greenfield County Gazette</small>";
    let a = old_page("The Greenfield County Gazette | Bridge shut", shown);
    assert_eq!(a.title, "Bridge shut");
}

#[test]
fn a_by_line_the_page_shows_names_the_authors() {
    let shown = "<font size=2><b>By Jane Doe and Jo Bloggs, Business Correspondent</b></font>";
    let a = old_page("Bridge to close", shown);
    assert_eq!(a.authors, ["Jane Doe", "Jo Bloggs"]);
    let a = old_page(
        "Bridge to close",
        "<div><b>By</b> <a href=/jo>Jo Bloggs</a></div>",
    );
    assert_eq!(a.authors, ["Jo Bloggs"]);
    let a = old_page(
        "Bridge to close",
        "<b>By the end of the year, it will close</b>",
    );
    assert!(a.authors.is_empty(), "{:?}", a.authors);
}

#[test]
fn a_byline_set_across_elements_names_its_people_only() {
    // "By" in an element of its own, right against the name.
    let a = old_page("Bridge to close", "<div><span>By</span>Travis Haney</div>");
    assert_eq!(a.authors, ["Travis Haney"]);
    let byline = |shown: &str| {
        let html = format!(
            "<html><head><title>Bridge to close</title></head><body>{shown}<article>{}\
             </article></body></html>",
            paragraphs()
        );
        parse(html.as_bytes(), None).records[0].article.clone()
    };
    let a = byline("<span class=byline><span>By: </span><span class=fn>Drew Dietsch</span></span>");
    assert_eq!(a.authors, ["Drew Dietsch"]);
    // The author's link, not the profile links and role around it.
    let a = byline(
        "<span class=\"author vcard\"><a href=/author/ah rel=author>Andrew Husband</a><a \
         href=https://twitter.com/ah><i>Twitter</i></a></span><span class=author-title>News \
         &amp; Culture Writer</span>",
    );
    assert_eq!(a.authors, ["Andrew Husband"]);
    // Two names in one microdata author.
    let a = byline(
        "<div itemprop=author itemscope itemtype=http://schema.org/Person><span \
         itemprop=name>Paul Wiseman</span><span itemprop=name>Fatima Hussein, The Associated \
         Press</span></div>",
    );
    assert_eq!(a.authors, ["Paul Wiseman", "Fatima Hussein"]);
    // A name that starts with "By".
    let a = byline("<span class=byline>Byron Smith</span>");
    assert_eq!(a.authors, ["Byron Smith"]);
}

#[test]
fn the_publisher_named_as_author_gives_way_to_the_person() {
    let a = article(
        "<meta name=author content=\"Condé Nast\"><meta name=copyright content=\"Copyright \
         (c) Condé Nast 2022\"><meta property=article:author content=\"Larry Fitzmaurice\">",
    );
    assert_eq!(a.authors, ["Larry Fitzmaurice"]);
    let a = article(
        "<meta name=author content=\"ABC News\"><meta property=og:site_name content=\"ABC \
         News\"><meta name=parsely-author content=\"Josh Haskell\">",
    );
    assert_eq!(a.authors, ["Josh Haskell"]);
    let a = article("<meta name=author content=\"mediagene Inc.\">");
    assert!(a.authors.is_empty(), "{:?}", a.authors);
    // A blogger's notice holds their own name, and nobody else is named.
    let a = article(
        "<meta name=author content=\"Jane Doe\"><meta name=copyright content=\"© 2020 Jane \
         Doe\">",
    );
    assert_eq!(a.authors, ["Jane Doe"]);
}

#[test]
fn a_labelled_date_line_the_page_shows_dates_the_article() {
    let shown = "<font size=1>Last Updated: Sunday, 1 August, 2004, 08:54 GMT</font>";
    let a = old_page("Bridge to close", shown);
    let date = a.date.expect("a date");
    assert_eq!(date.datetime.to_string(), "2004-08-01 08:54:00");
    assert!(date.has_time);
    let a = old_page(
        "Bridge to close",
        "<font size=1>Sunday, 1 August, 2004</font>",
    );
    assert!(a.date.is_none(), "an unlabelled date may be any day's");
}

#[test]
fn the_body_does_not_start_with_the_headline_byline_or_date_line() {
    // A short story is read from its `article`, headline and byline included; a wire story
    // can repeat its headline as its first line, which is the story's.
    for (headline, story) in [
        (
            "&lt;TRIDEL INC&gt; YEAR NET",
            "TORONTO, March 18 - Shr 1.05 dlrs vs 51 cts",
        ),
        ("LME COPPER AFT 2ND RING", "LME COPPER AFT 2ND RING"),
    ] {
        let html = format!(
            "<html><head><title>{headline} | Example News</title>\
             <meta property=\"og:title\" content=\"{headline}\"></head><body><main><article>\
             <div class=section-label>Business</div><div class=date>7 April 1987</div>\
             <h1>{headline}</h1><p class=byline>By Anna Schmidt, Staff Writer</p>\
             <div class=article-body><p>{story}</p><p>Net 8,500,000 vs 4,100,000</p></div>\
             </article></main></body></html>"
        );
        let parse = parse(html.as_bytes(), None);
        let body = &parse.records[0].article.body;
        let story = story.replace("&lt;", "<").replace("&gt;", ">");
        assert_eq!(*body, format!("{story}\n\nNet 8,500,000 vs 4,100,000"));
    }
    // Without a byline or date line after it, the headline repeated is the story's first
    // line.
    let html = format!(
        "<html><head><title>NY COMEX ALUMINUM OPG</title></head><body><main><article>\
         <h1>NY COMEX ALUMINUM OPG</h1><p class=byline>By Anna Schmidt, Staff Writer</p>\
         <div><p>NY COMEX ALUMINUM OPG</p>{}</div></article></main></body></html>",
        paragraphs()
    );
    let body = &parse(html.as_bytes(), None).records[0].article.body;
    assert!(
        body.starts_with("NY COMEX ALUMINUM OPG\n\nParagraph 1"),
        "{body}"
    );
    let shown = "<font size=1>Last Updated: Sunday, 1 August, 2004, 08:54 GMT</font><br>\
                 <font size=4><b>Bridge to close for a year</b></font><br>\
                 <font size=2><b>By Jane Doe, Business Correspondent</b></font><br>";
    let a = old_page("NEWS | Business | Bridge to close for a year", shown);
    assert!(a.body.starts_with("Paragraph 1"), "{}", a.body);
    // A byline of two names and a role is longer than a short "By" line.
    let shown = shown.replace("Jane Doe", "Pieter van der Berg and Jane Doe");
    let a = old_page("NEWS | Business | Bridge to close for a year", &shown);
    assert!(a.body.starts_with("Paragraph 1"), "{}", a.body);
}

#[test]
fn pages_without_article_text_are_skipped_with_a_reason() {
    let links: String = (0..60)
        .map(|i| {
            format!("<li><a href=/s{i}>Story number {i} about the town council budget</a></li>")
        })
        .collect();
    let index = format!("<html><body><nav>Home</nav><ul>{links}</ul></body></html>");
    let login = "<html><body><h1>Sign in</h1><form><input name=u><input type=password>\
                 <button>Log in</button></form><p>Forgot your password?</p></body></html>";
    for page in [index.as_str(), login, "", "<html></html>", "   "] {
        let parse = parse(page.as_bytes(), None);
        assert!(parse.records.is_empty(), "{page:.60}: {:?}", parse.records);
        assert_eq!(parse.problems.len(), 1);
        assert_eq!(parse.problems[0].severity, Severity::Skipped);
        assert!(
            parse.problems[0].reason.starts_with("no article text"),
            "{:?}",
            parse.problems
        );
    }
    let parse = parse(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", None);
    assert!(
        parse.problems[0].reason.contains("PNG"),
        "{:?}",
        parse.problems
    );
}

/// A news site's page around `story` (HTML paragraphs): navigation, breadcrumbs, a share
/// bar, related links, a newsletter box, comments, a most-read list and a footer.
fn news_page(story: &str) -> String {
    let sections: String = [
        "World", "Business", "Markets", "Politics", "Science", "Health", "Opinion", "Sport",
    ]
    .iter()
    .map(|s| format!("<li><a href=/{s}>{s}</a></li>"))
    .collect();
    let stories = |n: usize| -> String {
        (0..n)
            .map(|i| {
                format!(
                    "<li><a href=/news/{i}>Grain exporters weigh new shipping rules for the \
                     coming harvest season number {i}</a></li>"
                )
            })
            .collect()
    };
    format!(
        "<html><head><title>Cocoa grindings rise | The Ledger</title></head><body>\
         <header><a href=/>The Ledger</a><nav><ul>{sections}</ul></nav>\
         <a href=/subscribe>Subscribe</a> <a href=/login>Sign in</a></header>\
         <main><article class=story><nav class=breadcrumbs><a href=/>Home</a> › \
         <a href=/business>Business</a></nav><h1>Cocoa grindings rise</h1>\
         <div class=byline>By <a href=/staff/jo>Jo Bloggs</a></div>\
         <time datetime=2023-05-02>May 2, 2023</time><div class=share-bar>\
         <a href=#>Share on Facebook</a> <a href=#>Post</a> <a href=#>LinkedIn</a> \
         <a href=#>Email this story</a> <span>3 comments</span></div>\
         <div class=article-body>{story}<aside class=related><h4>Related coverage</h4>\
         <ul>{}</ul></aside></div><div class=tags>Tags: <a href=/tag/business>Business</a>, \
         <a href=/tag/reuters>Reuters</a></div></article><section class=comments>\
         <h3>2 Comments</h3><div class=comment><span>Ken W</span><p>Prices at the pump will \
         tell us soon enough.</p></div></section><section class=most-read><h3>Most read</h3>\
         <ol>{}</ol></section></main><footer><nav><a href=/about>About us</a> | \
         <a href=/contact>Contact</a> | <a href=/privacy>Privacy policy</a></nav>\
         <p>© 2023 The Ledger. All rights reserved.</p></footer></body></html>",
        stories(3),
        stories(5)
    )
}

#[test]
fn a_one_line_story_on_an_article_page_is_kept() {
    let story = "<p>Shr 12 cts vs 10 cts. Net 1.2 mln vs 1.0 mln. Reuter</p>";
    let parse = parse(news_page(story).as_bytes(), None);
    assert_eq!(parse.records.len(), 1, "{:?}", parse.problems);
    assert_eq!(
        parse.records[0].article.body,
        "Shr 12 cts vs 10 cts. Net 1.2 mln vs 1.0 mln. Reuter"
    );
}

#[test]
fn a_table_layout_page_loses_its_menu_section_label_and_date_line() {
    let page = b"<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01 Transitional//EN\">\
        <html><head><meta http-equiv=Content-Type content=\"text/html; charset=windows-1252\">\
        <title>BBC NEWS | Sport | Wenger hails \x93fantastic\x94 win</title></head><body>\
        <table><tr><td><font size=1>Home News UK World Business Politics Tech Science Health \
        Sport</font></td></tr><tr><td><font size=2><b>Sport</b><br>Friday 10 Dec 2004, \
        14:03 GMT<br><br>Arsenal manager Arsene Wenger hailed a \x93fantastic\x94 display \
        after his side beat the league leaders at home on Thursday night.<br><br>\
        The Frenchman said his players had answered their critics with a performance full of \
        pace and invention, and that the title race was far from over.<br><br>\
        Image 1 of 23<br><br>Photo: Jo Bloggs/Getty Images<br><br>\
        He added that the squad would rest before the next match on Sunday.</font>\
        </td></tr></table></body></html>";
    let parse = parse(page, None);
    assert_eq!(parse.records.len(), 1, "{:?}", parse.problems);
    let body = &parse.records[0].article.body;
    assert!(
        body.starts_with("Arsenal manager Arsene Wenger hailed a \u{201C}fantastic"),
        "{body}"
    );
    assert!(body.ends_with("next match on Sunday."), "{body}");
    for furniture in ["Image 1 of 23", "Getty Images", "GMT"] {
        assert!(!body.contains(furniture), "{furniture} in {body}");
    }
}

#[test]
fn a_table_cell_of_short_links_is_a_menu_not_the_story() {
    let menu: String = [
        "Home", "News", "UK", "World", "Business", "Politics", "Tech",
    ]
    .iter()
    .map(|s| format!("<a href=/{s}>{s}</a><br>"))
    .collect();
    let html = format!(
        "<html><head><title>Bridge to close</title></head><body><table><tr>\
         <td width=110><font size=1>{menu}</font></td><td><font size=2>{}</font></td>\
         </tr></table></body></html>",
        paragraphs()
    );
    let body = &parse(html.as_bytes(), None).records[0].article.body;
    assert!(body.starts_with("Paragraph 1"), "{body}");
    // Links in the story's own text are not a menu.
    let linked = "<p>The <a href=/a>council</a> met the <a href=/b>mayor</a>, the \
                  <a href=/c>police</a>, the <a href=/d>fire service</a> and the \
                  <a href=/e>library board</a> on Tuesday evening to talk about the budget.</p>";
    let html = format!(
        "<html><head><title>Bridge</title></head><body><div>{linked}{}</div></body></html>",
        paragraphs()
    );
    let body = &parse(html.as_bytes(), None).records[0].article.body;
    assert!(body.starts_with("The council met the mayor"), "{body}");
}

/// Paragraphs shaped as a real page's (its words replaced by words of the same length; its
/// punctuation kept): readability scores their commas and lengths.
const SHAPED: [&str; 8] = [
        "mayor to the town the budget to government the council budget, to the the mayor? to council town the mayor committee town budget the to mayor council to government the committee to mayor to town the town redevelopment to mayor mayor to the mayor. the town council mayor to the to mayor town budget mayor town.",
        "the government the budget minister council council the budget minister. to town minister committee budget a mayor-council mayor minister budget town town government council town the the committee the committee council the town mayor budget to the town town.",
        "a mayor the mayor to town councillors: budget the government to minister mayor to councillors a mayor-council mayor minister town budget the committee the to town a mayor mayor? the budget to town government to. mayor budget the the mayor budget to budget mayor council to the mayor the budget council'a to council the government committee. a town town to a the mayor budget to to town to budget to mayor to town council a mayor town to council budget mayor a the to a minister to budget committee councillors.",
        "to town to the government the council town budget to mayor to a mayor town. a mayor town to the town the town-town council to mayor budget, to to mayor town mayor to committee the councillors town town budget mayor.",
        "town to the committee town committee mayor. mayor committee town to budget council council to the to mayor budget mayor - to town'a the a government mayor to the council town'a town town town town to town to the, to the minister mayor to budget the town town to town the. council, the government the budget budget to mayor the mayor to town to town council to minister the council town'to a minister. the government council'a 'town' mayor - to budget 'budget' to mayor the mayor councillors budget to council town the mayor government.",
        "a mayor the government mayor to council government the the mayor budget the mayor to town the minister. the committee to the mayor the the to town budget the mayor to town budget. council, a to town town budget to the budget to mayor town, to council the government the the budget to minister the the to to town mayor.",
        "a to mayor town the government budget town to town mayor the mayor to town a administration town to budget committee! town committee budget the the the mayor the budget the town the to town to mayor the budget to town budget the mayor mayor government, the committee the to the minister the! to budget town town council to the mayor council council council neighbourhood town town the government budget'a town to town the a mayor town.",
        "budget a budget town mayor committee, a town to minister town to minister. town government town mayor town town the council budget, to town council the minister the minister redevelopment council the budget council. town mayor the, town the the town town the to the, town the government council to minister town the government the the the mayor town town committee. the minister to minister budget budget mayor to committee-budget redevelopment, town town the mayor to the to.",
];

#[test]
fn paragraphs_in_a_font_element_are_all_kept() {
    // The parser moves the last unclosed `<P>` out of the `font` when it closes.
    let paragraphs: String = SHAPED.iter().map(|p| format!("<P>{p}\n")).collect();
    let menu: String = [
        "Home", "News", "UK", "World", "Business", "Politics", "Tech",
    ]
    .iter()
    .map(|s| format!("<A HREF=/{s}>{s}</A><BR>"))
    .collect();
    let html = format!(
        "<HTML><HEAD><TITLE>NEWS | Bridge to close</TITLE></HEAD><BODY><TABLE><TR>\
         <TD WIDTH=110><FONT SIZE=1>{menu}</FONT></TD><TD WIDTH=10>&nbsp;</TD><TD>\
         <FONT SIZE=1>Last Updated: Wednesday, 16 March, 2005, 10:12 GMT</FONT><BR>\
         <FONT SIZE=4><B>Bridge to close</B></FONT><BR>\
         <FONT SIZE=2><B>By Jane Doe, Correspondent</B></FONT><BR>\
         <FONT SIZE=2>\n{paragraphs}</FONT>\n<BR><TABLE><TR><TD><FONT SIZE=1>\
         <A HREF=/email>E-mail this to a friend</A> | <A HREF=/print>Printable version</A>\
         </FONT></TD></TR></TABLE></TD></TR></TABLE></BODY></HTML>"
    );
    let body = &parse(html.as_bytes(), None).records[0].article.body;
    assert_eq!(body.split("\n\n").count(), SHAPED.len(), "{body}");
    assert!(body.ends_with(SHAPED[SHAPED.len() - 1]), "{body}");
}

#[test]
fn encodings_bom_utf8_transport_meta_then_windows_1252() {
    let latin1 = b"<p>caf\xe9</p>";
    assert_eq!(decode(latin1, None).0, "<p>café</p>");
    assert_eq!(
        decode(b"\xEF\xBB\xBF<p>caf\xC3\xA9</p>", Some("iso-8859-1")).0,
        "<p>café</p>"
    );
    assert_eq!(
        decode("<p>café</p>".as_bytes(), Some("iso-8859-1")).0,
        "<p>café</p>"
    );
    let koi8 = b"<meta charset=\"koi8-r\"><p>\xf0\xd2\xc9\xd7\xc5\xd4</p>";
    assert_eq!(
        decode(koi8, None).0,
        "<meta charset=\"koi8-r\"><p>Привет</p>"
    );
    let equiv = b"<meta http-equiv=Content-Type content='text/html; charset=windows-1251'>\xcf";
    assert!(decode(equiv, None).0.ends_with('П'));
    assert!(decode(koi8, Some("windows-1251")).0.ends_with("</p>"));
    let (text, warning) = decode(b"<meta charset=utf-8><p>caf\xe9</p>", None);
    assert!(text.contains('\u{FFFD}'));
    assert!(warning.unwrap().contains("UTF-8"));
    let (_, warning) = decode(b"<meta charset=utf-16><p>caf\xe9</p>", None);
    assert!(warning.is_some(), "utf-16 in ASCII markup means UTF-8");
}

#[test]
fn fragments_keep_paragraphs_and_drop_captions_shares_and_scripts() {
    let html = "<p><strong>MILLBROOK</strong> &mdash; The library opened.</p>\n\
        <p>&#8220;It was long,&#8221; said Owen.</p><script>alert(1)</script>\
        <figure><img src=x><figcaption>The garden (Photo)</figcaption></figure>\
        <p>The $4.2 million &lt;project&gt;.</p>\
        <div class=\"sharedaddy\"><h3>Share this:</h3><ul><li>Facebook</li></ul></div>";
    assert_eq!(
        fragment_text(html).unwrap(),
        "MILLBROOK — The library opened.\n\n“It was long,” said Owen.\n\nThe $4.2 million <project>."
    );
    assert_eq!(
        fragment_text("Fares &amp; <b>fees</b>").unwrap(),
        "Fares & fees"
    );
    assert_eq!(fragment_text("").unwrap(), "");
    let deep = "<div>".repeat(MAX_NESTING + 1);
    assert_eq!(
        fragment_text(&deep).unwrap_err(),
        "elements nested more than 400 deep"
    );
}

#[test]
fn tidy_collapses_spaces_and_blank_lines() {
    assert_eq!(tidy("  a \t b \n\n\n\n c\nd  \n\n"), "a b\n\nc\nd");
    assert_eq!(tidy("\u{a0}x\u{a0}\u{a0}y"), "x y");
}

#[test]
fn a_large_flat_page_is_read_in_bounded_time() {
    let started = std::time::Instant::now();
    let html = format!(
        "<html><body><article>{}</article></body></html>",
        paragraphs().repeat(3000)
    );
    let parse = parse(html.as_bytes(), None);
    assert_eq!(parse.records.len(), 1);
    assert!(
        started.elapsed().as_secs() < 60,
        "took {:?}",
        started.elapsed()
    );
}

fn tag_soup() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("<p>".to_string()),
        Just("</p>".to_string()),
        Just("<div class=byline>By Jo Park</div>".to_string()),
        Just("<article>".to_string()),
        Just("</article>".to_string()),
        Just(
            "<script type=application/ld+json>{\"@type\":\"NewsArticle\",\"author\":[".to_string()
        ),
        Just("</script>".to_string()),
        Just("<meta charset=koi8-r>".to_string()),
        Just("<time datetime=\"2020-13-45T99:99\">".to_string()),
        Just("<h1>Head | Site".to_string()),
        Just("&amp;&#xD800;&#0;&bogus;".to_string()),
        Just("<!--".to_string()),
        Just("<table><tr><td>".to_string()),
        "[a-zA-Z ]{0,40}",
        any::<String>(),
    ];
    proptest::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let parse = parse(&bytes, Some("https://x.example/"));
        prop_assert!(parse.records.len() + parse.problems.len() >= 1);
        if parse.records.is_empty() {
            prop_assert!(parse.problems.iter().any(|p| p.severity == Severity::Skipped));
        }
        let _ = fragment_text(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn never_panics_on_tag_soup(html in tag_soup()) {
        let parse = parse(html.as_bytes(), None);
        for record in &parse.records {
            prop_assert!(record.article.body.split_whitespace().count() > 0);
            prop_assert!(!record.article.body.contains("\n\n\n"));
        }
        let text = fragment_text(&html).unwrap_or_default();
        prop_assert!(!text.contains("\n\n\n"));
        let _ = date(&html);
    }
}

/// A page whose story ends in a block shown only once the reader clicks "read more", with
/// the publisher's `articleBody` given as `ld` in its JSON-LD.
fn split_story(ld: &str) -> String {
    let first = paragraphs();
    let links: String = (1..=12)
        .map(|i| format!("<li><a href=\"/s/{i}\">Another story number {i}</a></li>"))
        .collect();
    format!(
        "<html><head><script type=\"application/ld+json\">{{\"@type\": \"NewsArticle\", \
         \"articleBody\": {ld}}}</script></head><body><div id=\"story\">{first}</div>\
         <div class=\"x\"><ul>{links}</ul></div><div class=\"more\" style=\"display:none\"><p>The harbour master said the new \
         quay would open in the spring, once the divers had finished their survey of the \
         old piles.</p></div></body></html>"
    )
}

#[test]
fn the_publishers_article_body_is_taken_when_the_page_shows_it() {
    let plain = |s: &str| {
        let doc = dom_query::Document::fragment(s);
        doc.text().to_string()
    };
    let ld = format!(
        "{} The harbour master said the new quay would open in the spring, once the divers \
         had finished their survey of the old piles.",
        plain(&paragraphs())
    );
    let html = split_story(&serde_json::to_string(&ld).unwrap());
    let parse = parse(html.as_bytes(), None);
    let body = &parse.records[0].article.body;
    assert!(body.contains("Paragraph 4 tells"), "{body}");
    assert!(body.contains("The harbour master said"), "{body}");
    assert!(!body.contains("Another story"), "{body}");
}

#[test]
fn an_article_body_the_page_does_not_show_is_not_taken() {
    let ld = format!(
        "{} Shares in the company rose sharply after the announcement of a merger with its \
         largest rival. Analysts said the deal would close by the end of the year.",
        "Paragraph 1 tells what the council decided on Tuesday evening after a long debate \
         about the budget, the roads and the new library in the town centre."
    );
    let long_stale = ld.repeat(8);
    let html = split_story(&serde_json::to_string(&long_stale).unwrap());
    let parse = parse(html.as_bytes(), None);
    let body = &parse.records[0].article.body;
    assert!(!body.contains("Shares in the company"), "{body}");
    assert!(body.contains("Paragraph 4 tells"), "{body}");
}

#[test]
fn readabilitys_block_much_shorter_than_the_marked_article_gives_way_to_it() {
    let more: String = (5..=9)
        .map(|i| {
            format!(
                "<p>Paragraph {i} says the mayor will put the plan to a vote next month, after \
                 the public meetings in each of the town's four districts.</p>"
            )
        })
        .collect();
    let html = format!(
        "<html><body><nav><a href=\"/\">Home</a></nav><article><div class=\"story\">{}</div>\
         <div class=\"extra\">{more}</div></article></body></html>",
        paragraphs()
    );
    let parse = parse(html.as_bytes(), None);
    let body = &parse.records[0].article.body;
    assert!(body.contains("Paragraph 1 tells"), "{body}");
    assert!(body.contains("Paragraph 9 says"), "{body}");
    assert!(!body.contains("Home"), "{body}");
}

#[test]
fn a_page_written_decomposed_is_read_composed() {
    let html = "<html><head><title>Kindersitze gepru\u{308}ft</title></head><body><article>\
        <p>Besonders bei Babyschalen sollte gepru\u{308}ft werden, ob die Gurtla\u{308}nge im \
        Fahrzeug ausreicht, um den Sitz sicher anschnallen zu ko\u{308}nnen.</p></article>\
        </body></html>";
    let parse = parse(html.as_bytes(), None);
    let article = &parse.records[0].article;
    assert_eq!(article.title, "Kindersitze gepr\u{fc}ft");
    assert!(
        article
            .body
            .contains("sollte gepr\u{fc}ft werden, ob die Gurtl\u{e4}nge"),
        "{}",
        article.body
    );
}

#[test]
fn a_dialog_over_the_page_is_left_out() {
    let html = format!(
        "<html><head><title>T</title></head><body>\
         <div role=\"dialog\" aria-label=\"Privacy\"><h2>Customize your cookie settings</h2>\
         <p>{consent}</p></div>\
         <div aria-modal=\"true\"><p>Promo may be used only once in stores or online.</p></div>\
         <article><p>{story}</p><p>{story}</p></article></body></html>",
        consent = "Cookies are small data files that allow a website to collect and store data. "
            .repeat(4),
        story =
            "The council voted on Tuesday to keep the library open through the winter. ".repeat(3),
    );
    let body = page_body(&html);
    assert!(body.contains("The council voted"), "{body}");
    assert!(
        !body.contains("Cookies") && !body.contains("Promo"),
        "{body}"
    );
}

#[test]
fn a_story_opened_in_a_dialog_is_read_all_the_same() {
    let html = format!(
        "<html><head><title>T</title></head><body>\
         <div role=\"dialog\" aria-modal=\"true\"><h1>Library stays open</h1><p>{story}</p>\
         <p>{story}</p></div></body></html>",
        story =
            "The council voted on Tuesday to keep the library open through the winter. ".repeat(3),
    );
    assert!(page_body(&html).contains("The council voted"));
}

/// The body of a page whose `article` holds `inner`, or the reason it has none.
fn body_of(inner: &str) -> String {
    page_body(&format!(
        "<html><head><title>T</title></head><body><article>{inner}</article></body></html>"
    ))
}

/// The body of an article whose paragraphs hold `line` as a paragraph of its own in the
/// middle.
fn body_with_line(line: &str) -> String {
    body_of(&format!("{}<p>{line}</p>{}", paragraphs(), paragraphs()))
}

/// The body of the one article `html` is read as.
fn page_body(html: &str) -> String {
    let parse = parse(html.as_bytes(), None);
    assert_eq!(parse.records.len(), 1, "{:?}", parse.problems);
    parse.records[0].article.body.clone()
}

#[test]
fn headings_that_introduce_nothing_are_dropped() {
    let body = body_of(&format!(
        "{}<h2>Weiterführende Links</h2><h2>Anhänge</h2><h2>The vote</h2>{}\
         <h3>You might also like:</h3>",
        paragraphs(),
        paragraphs()
    ));
    assert!(!body.contains("Weiterführende"), "{body}");
    assert!(!body.contains("Anhänge"), "{body}");
    assert!(!body.contains("You might"), "{body}");
    // A heading followed by text stays; so do headings that read as sentences and long runs
    // of headings (a listicle whose pictures are gone).
    assert!(body.contains("The vote"), "{body}");
    let body = body_of(&format!(
        "{}<h2>1. Ann</h2><h2>2. Bea</h2><h2>3. Cid</h2><h2>4. Dee</h2>{}\
         <h4>The council met again on Friday and voted the budget through.</h4>",
        paragraphs(),
        paragraphs()
    ));
    for kept in ["1. Ann", "3. Cid", "4. Dee", "voted the budget through"] {
        assert!(body.contains(kept), "{kept}: {body}");
    }
}

#[test]
fn date_and_copyright_lines_are_dropped_wherever_they_stand() {
    let body = body_of(&format!(
        "{}<p>PUBLISHED: 10:48, Tue, Nov 19, 2019</p><p>Updated 5:27 am CST, Wednesday, \
         November 20, 2019</p><p>Aktualisiert: 11.04.2020, 10:27</p>{}\
         <p>© Jo Bloggs | Press Office</p><p>Stand: 05. Februar 2020</p>\
         <p>Copyright © 2019 The Ledger. All rights reserved.</p>",
        paragraphs(),
        paragraphs()
    ));
    for gone in ["PUBLISHED", "CST", "Aktualisiert", "©", "Stand:"] {
        assert!(!body.contains(gone), "{gone}: {body}");
    }
    // A sentence that gives a date is text.
    let body = body_of(&format!(
        "{}<p>The vote is on May 2, 2023.</p><p>24 ships</p>",
        paragraphs()
    ));
    assert!(body.contains("The vote is on May 2, 2023."), "{body}");
    assert!(body.contains("24 ships"), "{body}");
}

#[test]
fn a_long_copyright_notice_under_the_story_is_dropped() {
    let body = body_of(&format!(
        "{}<p class=copyright>Copyright 1987 Example Times. All rights reserved. This material \
         may not be published, broadcast, rewritten, or redistributed.</p>",
        paragraphs()
    ));
    assert!(!body.contains("redistributed"), "{body}");
    assert!(body.contains("Paragraph 4"), "{body}");
}

#[test]
fn an_author_box_leaves_the_body_but_names_the_author() {
    let html = format!(
        "<html><head><title>T</title></head><body><article>\
         <div class=byline>By Jo Bloggs</div>{}<div class=author-box><p>Jo Bloggs is a \
         reporter on the business desk who covers markets, trade and shipping for the paper.\
         </p></div></article></body></html>",
        paragraphs()
    );
    let parse = parse(html.as_bytes(), None);
    let a = &parse.records[0].article;
    assert_eq!(a.authors, ["Jo Bloggs"]);
    assert!(!a.body.contains("business desk"), "{}", a.body);
    assert!(a.body.contains("Paragraph 4"), "{}", a.body);
}

#[test]
fn furniture_named_in_the_middle_of_a_class_is_furniture() {
    let body = body_of(&format!(
        "{}<p class=entry-share-note>Pass this story on to a friend who lives in the town \
         or works at the library.</p>{}",
        paragraphs(),
        paragraphs()
    ));
    assert!(!body.contains("Pass this story on"), "{body}");
    assert!(body.contains("Paragraph 4"), "{body}");
}

#[test]
fn post_metadata_and_news_letter_boxes_are_furniture() {
    let body = body_of(&format!(
        "{}<p class=\"postmetadata alt\">Der Beitrag wurde am Mittwoch veröffentlicht und ist \
         unter Verkostungen abgelegt.</p><div class=news-letter-section><p>Liebe Leserinnen, \
         wir haben viele spannende Themen für euch in unserem wöchentlichen Brief.</p></div>{}",
        paragraphs(),
        paragraphs()
    ));
    for gone in ["Der Beitrag wurde", "spannende Themen"] {
        assert!(!body.contains(gone), "{gone}: {body}");
    }
}

#[test]
fn filing_and_source_lines_are_dropped() {
    let body = body_of(&format!(
        "<p>Kategorie: News</p>{}<p>Quelle: Deutscher Jagdverband (DJV)</p>\
         <p>Źródło: ISBnews</p><p>Tags:</p>",
        paragraphs()
    ));
    for gone in ["Kategorie", "Quelle", "Źródło", "Tags"] {
        assert!(!body.contains(gone), "{gone}: {body}");
    }
    // A sentence that starts like a label is text.
    let body = body_of(&format!(
        "{}<p>Source: a council member who asked not to be named said the vote had been \
         delayed twice already because the budget figures did not add up.</p>",
        paragraphs()
    ));
    assert!(body.contains("did not add up"), "{body}");
}

#[test]
fn rating_login_and_call_to_action_boxes_are_furniture() {
    let body = body_of(&format!(
        "{}<div class=recipe-rating>Sterne anklicken zum Bewerten</div>\
         <div class=article-cta><p>We want to hear what you think about this article.</p></div>\
         <div id=login-box><p>Sie sind aktuell nicht eingeloggt.</p></div>",
        paragraphs()
    ));
    for gone in ["Sterne", "hear what you think", "eingeloggt"] {
        assert!(!body.contains(gone), "{gone}: {body}");
    }
    assert!(body.contains("Paragraph 4"), "{body}");
}

#[test]
fn an_article_in_an_element_named_as_furniture_is_kept_unless_it_names_comments() {
    let long = |who: &str, i: usize| {
        format!(
            "<p>{who} {i} said the council had argued about the budget for most of the \
             evening, that the roads would be mended before winter, that the new library in \
             the town centre would open in the spring, and that the cost of all of it would \
             be known by the end of the month.</p>"
        )
    };
    let story: String = (1..=3).map(|i| long("The mayor", i)).collect();
    let comments: String = (1..=2).map(|i| long("Reader", i)).collect();
    // The rest of the page outweighs the story, so its size alone does not save it.
    let list: String = (0..80)
        .map(|i| format!("<li>Opening hours of the office number {i}</li>"))
        .collect();
    let html = format!(
        "<html><head><title>T</title></head><body><div class=\"post-content\" \
         id=\"share-btn\">{story}</div><div class=\"comments-area\">{comments}</div>\
         <div><ul>{list}</ul></div></body></html>"
    );
    let body = page_body(&html);
    assert!(body.contains("The mayor 1 said"), "{body}");
    assert!(body.contains("The mayor 3 said"), "{body}");
    assert!(!body.contains("Reader 1 said"), "{body}");
}

#[test]
fn an_article_element_named_like_a_sidebar_is_still_the_article() {
    let disclosure = "<div class=\"disclosure\"><p>We may be compensated when you click on a \
         link, when an application is approved, or when an account is opened from one of our \
         advertising partners. Terms apply to the offers below. See our policy for more about \
         our partners, how we make money, and our rating methodology. Opinions and \
         recommendations are ours alone, and the offers shown do not include every company \
         or every offer on the market today, nor do we review them all.</p></div>";
    // Twice: more text outside the article than readability needs to settle for it.
    let html = format!(
        "<html><head><title>T</title></head><body>{disclosure}{disclosure}<article \
         class=\"template template-with-sidebar\"><div>{}</div></article></body></html>",
        paragraphs()
    );
    let body = page_body(&html);
    assert!(body.contains("Paragraph 1 tells"), "{body}");
    assert!(body.contains("Paragraph 4 tells"), "{body}");
}

#[test]
fn ruby_readings_are_left_out_of_the_text() {
    let p =
        "<p><ruby>子<rt>こ</rt></ruby>どもへの<ruby>虐待<rp>(</rp><rt>ぎゃくたい</rt><rp>)</rp>\
             </ruby>をなくすための<ruby>法律<rt>ほうりつ</rt></ruby>ができました。</p>";
    let html = format!(
        "<html><body><article>{}{p}</article></body></html>",
        paragraphs()
    );
    let parse = parse(html.as_bytes(), None);
    let body = &parse.records[0].article.body;
    assert!(
        body.contains("子どもへの虐待をなくすための法律ができました。"),
        "{body}"
    );
}

#[test]
fn the_densest_block_is_the_prose_not_a_list_of_names_or_of_teasers() {
    let names: String = (0..60)
        .map(|i| format!("<p><strong>Jo Name{i}</strong> <span>University {i}</span></p>"))
        .collect();
    let teasers: String = (0..20)
        .map(|i| {
            format!(
                "<div><h3><a href=/t/{i}>Grain exporters weigh new shipping rules {i}</a></h3>\
                 <p>Read more.</p></div>"
            )
        })
        .collect();
    let html = format!(
        "<html><body><div class=a>{teasers}</div><div class=b>{}</div>\
         <div class=c>{names}</div></body></html>",
        paragraphs()
    );
    let doc = dom_query::Document::from(html.as_str());
    let block = blocks::densest(&doc).unwrap_or_default();
    assert!(block.starts_with("Paragraph 1 tells"), "{block}");
    assert!(block.contains("Paragraph 4 tells"), "{block}");
    assert!(
        !block.contains("Name1") && !block.contains("Grain"),
        "{block}"
    );
}

#[test]
fn the_densest_block_is_found_inside_a_page_wrapper_named_for_its_layout() {
    let comments: String = (0..12)
        .map(|i| {
            format!(
                "<p>Reader {i} writes that the council should have voted on the budget a year \
                 ago, and that the library can wait for better times.</p>"
            )
        })
        .collect();
    let html = format!(
        "<html><body><div class=\"wrapper-boxed header-style-header-2\">\
         <div class=\"entry\">{}</div><div class=\"comment-list\">{comments}</div></div>\
         <div class=\"note\"><p>This page was printed from the town's website, where the \
         minutes of every meeting are kept for ten years.</p></div></body></html>",
        paragraphs()
    );
    let doc = dom_query::Document::from(html.as_str());
    let block = blocks::densest(&doc).unwrap_or_default();
    assert!(block.starts_with("Paragraph 1 tells"), "{block}");
    assert!(block.contains("Paragraph 4 tells"), "{block}");
    // Readers' comments stay out however the page is read.
    assert!(!block.contains("Reader"), "{block}");
}

#[test]
fn readabilitys_part_of_the_article_widens_to_the_prose_before_it_in_a_block_holding_it() {
    let all = tidy(&dom_query::Document::from(paragraphs().as_str()).formatted_text());
    let last = all.split("\n\n").last().unwrap_or_default().to_string();
    assert_eq!(blocks::better(last.clone(), Some(all.clone())), all);
    // Only paragraphs of prose are taken from the wider block: not its links, nor a teaser's
    // blurb cut short.
    let links: String = (0..30).map(|i| format!("More news {i}\n\n")).collect();
    let teaser = "The mayor spoke about the roads and the budget of the town for the coming year, \
                  and about the library that ...";
    let cluttered = format!("{links}{teaser}\n\n{all}");
    assert_eq!(blocks::better(last.clone(), Some(cluttered)), all);
    // A block that does not hold readability's text is another block, not a wider one.
    let elsewhere = all.replace("Paragraph 4", "Section 4");
    assert_eq!(blocks::better(last.clone(), Some(elsewhere)), last);
}

#[test]
fn what_follows_readabilitys_text_in_the_wider_block_is_left_out() {
    let all = tidy(&dom_query::Document::from(paragraphs().as_str()).formatted_text());
    let first = all.split("\n\n").next().unwrap_or_default().to_string();
    assert_eq!(blocks::better(first.clone(), Some(all)), first);
}

/// `n` paragraphs of the council story as text, a blank line apart.
fn council_text(n: usize) -> String {
    (1..=n)
        .map(|i| {
            format!(
                "Paragraph {i} tells what the council decided on Tuesday evening after a long \
                 debate about the budget, the roads and the new library in the town centre."
            )
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

#[test]
fn a_fragment_readability_chose_widens_to_the_whole_block_holding_it() {
    // One paragraph of eight (one post of a thread, a product's summary line): the block
    // around it is the text, to its end.
    let all = council_text(8);
    let first = all.split("\n\n").next().unwrap_or_default().to_string();
    assert_eq!(blocks::better(first, Some(all.clone())), all);
}

#[test]
fn short_sentences_between_the_wider_blocks_paragraphs_are_kept_with_them() {
    // A recipe's steps, long ones and shorter ones in turn; readability kept only the intro.
    let steps = "In a large bowl, stir together the bread flour, the rye flour, the salt and \
                 the seeds.\n\nAdd the starter to the flours; a level muffin scoop of it is \
                 just the right amount.";
    let ours = format!(
        "{}\n\n{steps}\n\n{}\n\nMore recipes\n\nBake the bread for an hour or so, until \
         the loaf sounds hollow when tapped.",
        council_text(4),
        council_text(2).replace("Paragraph", "Step")
    );
    let first = ours.split("\n\n").next().unwrap_or_default().to_string();
    let body = blocks::better(first, Some(ours));
    assert!(body.contains(&format!("\n\n{steps}\n\nStep 1")), "{body}");
    // Not a short line after the last paragraph, nor one beside a label.
    assert!(!body.contains("More recipes"), "{body}");
    assert!(!body.contains("Bake the bread"), "{body}");
}

#[test]
fn a_fragment_readability_chose_elsewhere_gives_way_to_the_prose_block() {
    let ours = council_text(8);
    let label = "Members only: sign in to read the minutes of the meeting.".to_string();
    assert_eq!(blocks::better(label.clone(), Some(ours.clone())), ours);
    // Not for a block of little prose, which is no surer an article than the fragment.
    let short = council_text(2);
    assert_eq!(blocks::better(label.clone(), Some(short)), label);
}

#[test]
fn labels_readability_kept_that_the_densest_block_left_out_are_dropped() {
    // Readability's block took in a subtitle above the story, a views counter and a category
    // line inside it, and a closing note; the densest block is the story's paragraphs.
    let ours = council_text(3);
    let paragraphs: Vec<&str> = ours.split("\n\n").collect();
    let theirs = format!(
        "The town's budget, line by line\n\n{}\n\nViews: 23\n\n{}\n\nCategory : Town news\n\n\
         {}\n\nThis report first appeared in the Gazette.",
        paragraphs[0], paragraphs[1], paragraphs[2]
    );
    let body = blocks::better(theirs, Some(ours.clone()));
    assert!(!body.contains("Views: 23"), "{body}");
    assert!(!body.contains("Category"), "{body}");
    // The subtitle above the shared text and a whole sentence stay, as does every paragraph.
    assert!(
        body.starts_with("The town's budget, line by line"),
        "{body}"
    );
    assert!(
        body.ends_with("This report first appeared in the Gazette."),
        "{body}"
    );
    for paragraph in paragraphs {
        assert!(body.contains(paragraph), "{body}");
    }
}

#[test]
fn a_text_of_thousands_of_short_lines_is_held_against_the_densest_block_in_bounded_work() {
    // A list of 5,000 entries readability kept, the densest block holding them all but one:
    // past a bound on the lines looked up, the list stays as readability gave it.
    let entries: Vec<String> = (0..5000)
        .map(|i| format!("Entry {i} of the list"))
        .collect();
    let theirs = format!("{}\n\n{}", council_text(2), entries.join("\n"));
    let ours = format!("{}\n\n{}", council_text(2), entries[1..].join("\n"));
    assert_eq!(blocks::better(theirs.clone(), Some(ours)), theirs);
    // The widening looks up thousands of identical lines, each found thousands of times,
    // as one line.
    let same = vec!["A line the page repeats, again and again."; 5000].join("\n");
    let wider = format!("{}\n\n{same}", council_text(8));
    let widened = blocks::better(format!("{}\n\n{same}", council_text(2)), Some(wider));
    assert!(widened.contains("Paragraph 8 tells"), "{}", &widened[..400]);
}

#[test]
fn a_comment_in_a_code_sample_is_read_as_the_text_it_is() {
    // A highlighter names a code comment `token comment`: inside `code` no name marks the
    // page's furniture, as readability.js judges it.
    let html = format!(
        "<html><body><div class=\"post\">{}<pre><code>let x = 1;\n\
         <span class=\"token comment\">// keep the cache warm between requests</span>\n\
         </code></pre></div></body></html>",
        paragraphs()
    );
    let doc = dom_query::Document::from(html.as_str());
    let ours = blocks::densest(&doc).unwrap_or_default();
    assert!(ours.contains("keep the cache warm"), "{ours}");
    assert!(ours.contains("Paragraph 4 tells"), "{ours}");
}

#[test]
fn the_standfirst_the_page_describes_itself_with_is_kept_above_the_article() {
    let lead = "The council will vote on the new budget next month, after a year of debate \
                about the roads and the library.";
    let html = format!(
        "<html><head><meta name=\"description\" content=\"{lead}\"></head><body>\
         <nav><a href=\"/\">Home</a></nav><div class=\"hero\"><div>\
         <p class=\"standfirst\"><strong>{lead}</strong></p></div></div>\
         <main><div><div class=\"story\">{}</div></div></main><footer><p>{lead}</p></footer>\
         </body></html>",
        paragraphs()
    );
    let parse = parse(html.as_bytes(), None);
    let body = &parse.records[0].article.body;
    assert!(body.contains(lead), "{body}");
    assert!(body.contains("Paragraph 4 tells"), "{body}");
    assert_eq!(body.matches("The council will vote").count(), 1, "{body}");
}

/// The standfirst of the council story the lead tests read.
const LEAD: &str = "The council will vote on the new budget next month, after a year of debate \
                    about the roads and the library.";

/// The body of a page whose description is `description`, with `header` above a story that
/// opens with `opening` and goes on with [`paragraphs`].
fn described_page_body(description: &str, header: &str, opening: &str) -> String {
    page_body(&format!(
        "<html><head><meta name=\"description\" content=\"{description}\"></head><body>\
         {header}<main><div><div class=\"story\">{opening}{}</div></div></main></body></html>",
        paragraphs()
    ))
}

/// A description no element of the page shows: the standfirst is looked for under the
/// headline instead.
const ELSEWHERE: &str =
    "Budget news from the town hall, every week, from our reporters at the council.";

#[test]
fn a_standfirst_set_in_a_div_under_the_headline_is_kept_above_the_article() {
    let body = described_page_body(
        LEAD,
        &format!("<header><h1>Budget vote</h1><div class=\"dek\">{LEAD}</div></header>"),
        "",
    );
    assert!(body.starts_with(LEAD), "{body}");
    assert!(body.contains("Paragraph 4 tells"), "{body}");
}

#[test]
fn a_byline_set_in_the_standfirsts_element_stays_out_of_the_body() {
    let body = described_page_body(
        LEAD,
        &format!(
            "<header><h1>Budget vote</h1><div class=\"dek\"><span>{LEAD}</span><br><br>\
             <span>By Reuters</span></div></header>"
        ),
        "",
    );
    assert!(body.starts_with(LEAD), "{body}");
    assert!(!body.contains("By Reuters"), "{body}");
}

#[test]
fn a_byline_opening_the_story_goes_when_the_standfirst_is_put_above_it() {
    let body = described_page_body(
        LEAD,
        &format!("<header><h1>Budget vote</h1><p class=\"dek\">{LEAD}</p></header>"),
        "<p>By Reuters</p>",
    );
    assert!(body.starts_with(LEAD), "{body}");
    assert!(!body.contains("By Reuters"), "{body}");
}

#[test]
fn a_standfirst_in_a_paragraph_of_a_header_div_comes_without_the_headers_label() {
    let body = described_page_body(
        LEAD,
        &format!(
            "<div class=\"row\"><span><div class=\"intro\"><h2>Votes at the town hall</h2>\
             <p>{LEAD}</p></div></span></div>"
        ),
        "",
    );
    assert!(body.starts_with(LEAD), "{body}");
    assert!(!body.contains("Votes at the town hall"), "{body}");
}

#[test]
fn the_sentence_under_the_headline_is_the_standfirst_when_no_description_shows() {
    let dek = "The roads, the library and the school all wait on a vote the council put off \
               twice.";
    let body = described_page_body(
        ELSEWHERE,
        &format!("<header><h1>Budget vote</h1><p class=\"subtitle\">{dek}</p></header>"),
        "",
    );
    assert!(body.starts_with(dek), "{body}");
}

#[test]
fn a_standfirst_named_as_one_is_kept_though_it_ends_without_a_full_stop() {
    let dek = "Maximize the flavor of your coffee or tea with precision";
    let body = described_page_body(
        ELSEWHERE,
        &format!("<header><h1>Budget vote</h1><p class=\"heading__subtitle\">{dek}</p></header>"),
        "",
    );
    assert!(body.starts_with(dek), "{body}");
}

#[test]
fn names_set_in_the_standfirsts_place_are_no_standfirst() {
    let names = "Ellen Lindell, VMD, DACVB; Monique Feyrecilde, BA, LVT, VTS (Behavior)";
    let body = described_page_body(
        ELSEWHERE,
        &format!(
            "<header><h1>Budget vote</h1><div class=\"header__subtitle\">{names}</div></header>"
        ),
        "",
    );
    assert!(!body.contains("Lindell"), "{body}");
    assert!(body.starts_with("Paragraph 1 tells"), "{body}");
}

#[test]
fn a_sites_tagline_under_its_name_is_no_standfirst() {
    let tagline = "Thoughts and comments on the news of the information society";
    let body = described_page_body(
        ELSEWHERE,
        &format!(
            "<header><h1>The Ledger</h1><h2 class=\"site-description\">{tagline}</h2></header>"
        ),
        "",
    );
    assert!(!body.contains(tagline), "{body}");
}

#[test]
fn a_linked_teaser_under_the_headline_is_no_standfirst() {
    let html = format!(
        "<html><head></head><body>\
         <header><h1>Budget vote</h1><p><a href=\"/other\">Read also: the mayor answers \
         his critics on the roads and the library.</a></p></header>\
         <main><div><div class=\"story\">{}</div></div></main></body></html>",
        paragraphs()
    );
    let body = &parse(html.as_bytes(), None).records[0].article.body;
    assert!(!body.contains("Read also"), "{body}");
    assert!(body.starts_with("Paragraph 1 tells"), "{body}");
}

#[test]
fn a_description_shown_only_in_the_footer_is_not_a_standfirst() {
    let about = "The Ledger is the town's own newspaper since 1888, with news, sport and \
                 weather for the valley.";
    let html = format!(
        "<html><head><meta name=\"description\" content=\"{about}\"></head><body>\
         <div class=\"story\">{}</div><footer><p>{about}</p></footer></body></html>",
        paragraphs()
    );
    let parse = parse(html.as_bytes(), None);
    let body = &parse.records[0].article.body;
    assert!(!body.contains("since 1888"), "{body}");
}

#[test]
fn an_article_wrapped_whole_in_an_aside_or_a_noscript_is_still_read() {
    for wrapper in ["aside", "noscript"] {
        let html = format!(
            "<html><body><nav><a href=\"/\">Home</a></nav><{wrapper}><div class=\"story\">\
             <h1>Council votes</h1>{}</div></{wrapper}></body></html>",
            paragraphs()
        );
        let parse = parse(html.as_bytes(), None);
        assert_eq!(parse.records.len(), 1, "{wrapper}: {:?}", parse.problems);
        let body = &parse.records[0].article.body;
        assert!(body.contains("Paragraph 1 tells"), "{wrapper}: {body}");
        assert!(body.contains("Paragraph 4 tells"), "{wrapper}: {body}");
    }
}

#[test]
fn label_lines_after_the_last_sentence_are_dropped() {
    let body = body_of(&format!(
        "{}<div>Mehr zum Thema</div><div>Seite teilen</div>",
        paragraphs()
    ));
    assert!(
        body.ends_with("the new library in the town centre."),
        "{body}"
    );
    // A list the story ends with stays: one that a line ending in a colon introduces, one of
    // more lines than a few labels, one inside the paragraph it ends, and a closing line
    // that is a sentence.
    for (tail, last) in [
        ("<p>What to bring:</p><p>Boots</p><p>A map</p>", "A map"),
        ("<p>Ann</p><p>Bea</p><p>Cid</p><p>Dee</p>", "Dee"),
        (
            "<p>The box says what is in it.<br>Colour: green<br>Weight: 2 kg</p>",
            "Weight: 2 kg",
        ),
        (
            "<p>Twitter seemed a bit confused by the campaign</p>",
            "confused by the campaign",
        ),
    ] {
        let body = body_of(&format!("{}{tail}", paragraphs()));
        assert!(body.ends_with(last), "{tail}: {body}");
    }
}

#[test]
fn an_article_streamed_by_react_in_a_hidden_div_is_read() {
    // React's streaming server rendering sends the article in a hidden `div` a script moves
    // into place; a hidden dialog stays out.
    let html = format!(
        "<html><head><title>T</title></head><body><nav><a href=/>Home</a></nav>\
         <template id=\"B:0\"></template><div hidden id=\"S:0\"><main><article>{}</article>\
         </main></div><div hidden><p>Your session has expired, so the page will now reload \
         and ask you to sign in again before you can read on.</p></div></body></html>",
        paragraphs()
    );
    let body = page_body(&html);
    assert!(body.contains("Paragraph 1 tells"), "{body}");
    assert!(body.contains("Paragraph 4 tells"), "{body}");
    assert!(!body.contains("session has expired"), "{body}");
}

#[test]
fn advertisement_read_on_and_related_story_labels_are_dropped_anywhere() {
    let body = body_of(&format!(
        "<p>Paragraph 0 opens it.</p><p>Advertisement - Continue Reading Below</p>{}\
         <p>Read more</p><h3>Das könnte Sie auch interessieren:</h3>\
         <p>Paragraph 5 ends it.</p>",
        paragraphs()
    ));
    assert!(!body.contains("Continue Reading"), "{body}");
    assert!(!body.contains("Read more"), "{body}");
    assert!(!body.contains("interessieren"), "{body}");
    assert!(body.contains("Paragraph 5 ends it."), "{body}");
}

#[test]
fn labels_of_controls_are_dropped_anywhere() {
    let body = body_of(&format!(
        "<p>Paragraph 0 opens it.</p><h2>Table of Contents</h2>{}<p>Loading...</p>\
         <p>Show more</p><p>Paragraph 5 ends it.</p>",
        paragraphs()
    ));
    for label in ["Table of Contents", "Loading", "Show more"] {
        assert!(!body.contains(label), "{label}: {body}");
    }
    assert!(body.contains("Paragraph 5 ends it."), "{body}");
}

#[test]
fn calls_to_subscribe_or_follow_are_dropped_and_sentences_about_them_kept() {
    let body = body_of(&format!(
        "<p>Subscribe to the Morning Review newsletter</p>{}<p>Follow us on Twitter \
         @dailypaper!</p><p>Melde dich zum Newsletter an</p><p>Paragraph 5 ends it.</p>",
        paragraphs()
    ));
    assert!(!body.contains("Subscribe"), "{body}");
    assert!(!body.contains("Follow us"), "{body}");
    assert!(!body.contains("Melde dich"), "{body}");
    assert!(body.contains("Paragraph 1 tells"), "{body}");
    // Stars around a call are not words of it.
    let body = body_of(&format!(
        "{}<p>*** Follow me on Instagram, YouTube, X (Twitter) or Facebook for a daily moment \
         of travel inspiration ***</p>",
        paragraphs()
    ));
    assert!(!body.contains("Follow me"), "{body}");
    // A sentence about subscribers, a long one that starts with a call, and a how-to's
    // step are the article's.
    for line in [
        "Subscribers to the service rose by a third in the year to March, the company said.",
        "Subscribe to the idea that councils should run buses, the minister told a meeting of \
         mayors in the town hall on Friday, and fares would fall.",
        "Join the two boards with glue.",
    ] {
        let body = body_of(&format!("{}<p>{line}</p>", paragraphs()));
        assert!(body.contains(line), "{line}: {body}");
    }
}

#[test]
fn notices_to_the_reader_are_dropped_and_sentences_and_code_about_them_kept() {
    let body = body_of(&format!(
        "<p>To view the full story, please subscribe to The Daily Paper.</p>{}<p>Sie sind \
         aktuell nicht eingeloggt.</p><p>If you enjoyed reading this post, would you consider \
         supporting our work?</p><p>Wir respektieren deine Privatsphäre und laden Twitter \
         nicht ohne dein Einverständnis.</p><p>Want more from The Daily Paper? Sign up for our \
         newsletter and shop smarter.</p><p>Catch up on our coverage, and follow us on \
         Facebook and Instagram to stay up to date.</p><p>Dann abonnieren Sie unseren \
         Newsletter!</p><p>You must log in to answer this question.</p><p>Add as a preferred \
         source on Google</p><p>Paragraph 5 ends it.</p>",
        paragraphs()
    ));
    for notice in [
        "full story",
        "eingeloggt",
        "enjoyed",
        "Privatsphäre",
        "Want more",
        "Catch up",
        "abonnieren",
        "must log in",
        "preferred source",
    ] {
        assert!(!body.contains(notice), "{notice}: {body}");
    }
    assert!(body.contains("Paragraph 5 ends it."), "{body}");
    // A paragraph that mentions the words at length, and a program's message, are the
    // article's.
    for line in [
        "The council said that the new rules apply to everyone who is already a subscriber to \
         the town's water service, and that bills would rise by a tenth from April, after a \
         vote on Tuesday evening in the town hall.",
        "return 'You are not logged in';",
        "If you enjoyed the first film, the sequel will not disappoint.",
        "Die Demonstration war nicht angemeldet, sagte die Polizei.",
        "The guide asked the walkers to follow us on the path to the old mill.",
    ] {
        let body = body_of(&format!(
            "{}<p>{line}</p><p>Paragraph 5 ends it.</p>",
            paragraphs()
        ));
        assert!(body.contains(line), "{line}: {body}");
    }
}

#[test]
fn an_address_to_write_to_is_the_storys_not_a_teaser() {
    let body = body_of(&format!(
        "{}<p>Write to <a href=\"mailto:council.desk@example.org\">\
         council.desk@example.org</a></p>{}\
         <p><a href=\"mailto:?subject=Budget%20vote\">Send it on to a neighbour</a></p>{}\
         <p><a href=\"/story-2\">Another story to read</a></p>",
        paragraphs(),
        paragraphs(),
        paragraphs()
    ));
    assert!(body.contains("council.desk@example.org"), "{body}");
    assert!(!body.contains("Another story"), "{body}");
    // A share button that opens the reader's mail is a link away all the same.
    assert!(!body.contains("Send it on"), "{body}");
}

#[test]
fn a_labelled_box_of_links_goes_label_and_all() {
    let teasers: String = (1..=3)
        .map(|i| format!("<li><a href=\"/story-{i}\">Another story number {i} to read</a></li>"))
        .collect();
    let p: Vec<String> = (1..=4)
        .map(|i| {
            format!(
                "<p>Paragraph {i} tells what the council decided on Tuesday evening after a \
                 long debate about the budget, the roads and the new library.</p>"
            )
        })
        .collect();
    let body = body_of(&format!(
        "{}{}<div class=box-x><p>Related Coverage</p><ul>{teasers}</ul></div>{}\
         <p><strong>Lesen Sie auch:</strong></p><ul>{teasers}</ul>{}",
        p[0], p[1], p[2], p[3]
    ));
    assert!(!body.contains("Related Coverage"), "{body}");
    assert!(!body.contains("Lesen Sie auch"), "{body}");
    assert!(!body.contains("Another story"), "{body}");
    assert!(
        body.contains("Paragraph 3") && body.contains("Paragraph 4"),
        "{body}"
    );
    // A sentence whose names are links is text, not a box.
    let body = body_of(&format!(
        "{}<ul><li><a href=\"/a\">Ann Lee</a> played six games, ahead of <a href=\"/b\">Bea \
         Cole</a>.</li></ul>{}",
        p[0], p[1]
    ));
    assert!(body.contains("played six games"), "{body}");
}

#[test]
fn photo_credits_after_a_caption_or_on_their_own_line_are_dropped() {
    let body = body_of(&format!(
        "{}<p>Marco Odermatt, Ski-Star aus der Schweiz. © AFP / MARCO BERTORELLO</p>\
         <p>Lee Elder sprach Tiger Woods Mut zu. | © Augusta National/Getty Images</p>\
         <p>DCV / Oppitz</p><p>Judy Eddy/WENN.com</p><p>AC/DC</p>{}",
        paragraphs(),
        paragraphs()
    ));
    assert!(body.contains("aus der Schweiz."), "{body}");
    assert!(body.contains("Mut zu."), "{body}");
    for gone in ["BERTORELLO", "Getty", "Oppitz", "WENN"] {
        assert!(!body.contains(gone), "{gone}: {body}");
    }
    assert!(body.contains("AC/DC"), "{body}");
}

#[test]
fn a_credit_naming_who_made_or_lent_the_picture_is_dropped() {
    let body = body_of(&format!(
        "<p>Illustration by Mike Nudelman</p>{}<p>Courtesy G4</p><p>Photo courtesy of the \
         family</p><p>Courtesy calls went out to every shop on the high street. The owners \
         said they had not been asked before.</p>{}",
        paragraphs(),
        paragraphs()
    ));
    for gone in ["Nudelman", "G4", "the family"] {
        assert!(!body.contains(gone), "{gone}: {body}");
    }
    assert!(body.contains("Courtesy calls went out"), "{body}");
}

#[test]
fn a_caption_that_repeats_its_image_alt_text_is_dropped() {
    let body = body_of(&format!(
        "{}<div class=pic><a href=/big.jpg><img src=/a.jpg alt=\"Chestnut groves grew from \
         orchards that were also grazed.\"></a></div><div class=legend><div>Chestnut groves \
         grew from orchards that were also grazed.<br>Photo © Peter Steiger</div></div>\
         <h2>Where the orchards were grazed</h2>\
         <div><img src=/b.jpg alt=\"Where the orchards were grazed\"></div>{}",
        paragraphs(),
        paragraphs()
    ));
    assert!(!body.contains("Chestnut groves"), "{body}");
    assert!(!body.contains("Steiger"), "{body}");
    // A heading the writer reused as the alt text of the picture under it is the story's.
    assert!(body.contains("Where the orchards were grazed"), "{body}");
}

#[test]
fn a_caption_a_lightbox_declares_is_dropped() {
    let body = body_of(&format!(
        "{}<div class=gallery-item><a class=btn href=/big.jpg data-description=\"A small round \
         notch for the camera in the display.\"><img src=/small.jpg></a><strong>A small round \
         notch for the camera in the display.</strong></div>{}",
        paragraphs(),
        paragraphs()
    ));
    assert!(!body.contains("round notch"), "{body}");
}

#[test]
fn a_caption_framed_alone_with_its_image_is_dropped() {
    let body = body_of(&format!(
        "{}<div class=imginline><img src=/map.png><span>Abbildung: Farblich codierte \
         Schneehöhen für das Mattertal</span></div>{}",
        paragraphs(),
        paragraphs()
    ));
    assert!(!body.contains("Abbildung"), "{body}");
    // A short story set beside its picture is the story.
    let story = "The ferry to the island will run twice a day from Monday, the harbour \
                 office said, after repairs to the pier were finished early.";
    let body = page_body(&format!(
        "<html><head><title>Ferry</title></head><body><article><div><img src=/f.jpg>\
         <div><p>{story}</p></div></div></article></body></html>"
    ));
    assert!(body.contains("repairs to the pier"), "{body}");
}

#[test]
fn a_page_of_thousands_of_pictures_keeps_its_story() {
    // Every picture captioned with its alt text, all in one column: the caption search is
    // bounded, and the story around them is read.
    let pictures = "<img src=/p.jpg alt=\"The pier at dawn, seen from the ferry\">\
                    <span>The pier at dawn, seen from the ferry</span>"
        .repeat(5_000);
    let body = body_of(&format!(
        "{}<div>{pictures}</div>{}",
        paragraphs(),
        paragraphs()
    ));
    assert!(
        body.contains("Paragraph 4"),
        "{}",
        &body[..body.len().min(500)]
    );
}

#[test]
fn a_block_that_is_all_link_boxes_is_left_whole() {
    let sections: String = (1..=8)
        .map(|i| {
            format!(
                "<div><p>Section {i} of the guide to the town</p><ul>\
                 <li><a href=\"/{i}/a\">Town hall</a></li><li><a href=\"/{i}/b\">Library</a></li>\
                 </ul></div>"
            )
        })
        .collect();
    let body = body_of(&format!("<p>The guide.</p>{sections}"));
    assert!(body.contains("Section 8 of the guide"), "{body}");
}

#[test]
fn a_date_line_in_another_language_does_not_start_the_body() {
    for line in [
        "segunda-feira, 22 de janeiro de 2018 às 0:13",
        "Freitag, 3. März 2023, 14:05 Uhr",
        "mercredi 8 février 2023",
        "3 de mayo de 2022",
        "Šodien, 17:40",
        "Heute, 08:15 Uhr",
        "الأحد، 04 آب/اغسطس 2013، آخر تحديث 02:21 (GMT+0400)",
    ] {
        let html = format!(
            "<html><body><article><p>{line}</p>{}</article></body></html>",
            paragraphs()
        );
        let body = &parse(html.as_bytes(), None).records[0].article.body;
        assert!(body.starts_with("Paragraph 1 tells"), "{line}: {body}");
    }
}

#[test]
fn the_text_a_video_shows_where_it_cannot_play_is_dropped() {
    let body = body_of(&format!(
        "{}<video controls poster=/p.jpg><source src=/v.mp4 type=video/mp4>Your browser \
         does not support the video tag.</video><audio src=/a.mp3><p>Sorry, your browser \
         doesn't support embedded audio.</p></audio>{}",
        paragraphs(),
        paragraphs()
    ));
    assert!(!body.contains("browser"), "{body}");
    assert!(body.contains("Paragraph 1 tells"), "{body}");
}

#[test]
fn a_line_giving_the_reading_time_is_dropped() {
    for line in [
        "5 min read",
        "Reading time: 4 minutes",
        "Lesezeit von ca. 3 Minuten",
        "3 Min. Lesezeit",
        "Tempo di lettura: 3 minuti",
        "12 May 2023 · 6-minute read",
        "Temps de lecture : 2 min",
    ] {
        let body = &body_with_line(line);
        assert!(!body.contains(line), "{line}: {body}");
    }
    // A sentence that mentions reading for minutes is the story's.
    for line in [
        "Read it in 5 minutes flat.",
        "Reading 20 minutes a day helps.",
    ] {
        let body = &body_with_line(line);
        assert!(body.contains(line), "{line}: {body}");
    }
}

#[test]
fn a_teaser_link_set_as_a_quote_is_dropped_and_a_quote_with_links_kept() {
    let teaser = "<blockquote><b>PUEDES VER: </b><a href=\"/sociedad/sunedu\">¿Qué es la Sunedu, \
                  cómo está conformada y para qué sirve?</a></blockquote>";
    let note = "<blockquote class=note>The <a href=\"a.html\">autoindex module</a>, the \
                <a href=\"r.html\">random index module</a> and the <a href=\"d.html\">dav \
                module</a> currently ignore this directive.</blockquote>";
    let quote = "<blockquote>We will not raise the tax this year, the mayor told the council.\
                 </blockquote>";
    let body = body_of(&format!(
        "{}{teaser}{note}{quote}{}",
        paragraphs(),
        paragraphs()
    ));
    assert!(!body.contains("PUEDES VER"), "{body}");
    assert!(!body.contains("Sunedu"), "{body}");
    assert!(body.contains("currently ignore this directive"), "{body}");
    assert!(body.contains("We will not raise the tax"), "{body}");
    assert!(body.contains("Paragraph 1 tells"), "{body}");
}

#[test]
fn a_disclosure_of_paid_links_is_dropped() {
    for line in [
        "This post may contain affiliate links. Read more in my disclosure policy.",
        "Disclosure: Class Central is learner-supported. When you buy through links on our \
         site, we may earn an affiliate commission.",
        "As an Amazon Associate I earn from qualifying purchases.",
        "Purchases made through our links may earn us a commission.",
        "Advertising disclosure: We may receive compensation for some of the links in our \
         stories.",
        "Die mit Sternchen (*) gekennzeichneten Links sind sogenannte Affiliate-Links. Wenn du \
         darüber einkaufst, bekommen wir eine Provision.",
    ] {
        let body = &body_with_line(line);
        assert!(!body.contains(line), "{line}: {body}");
        assert!(body.contains("Paragraph 1 tells"), "{body}");
    }
    // The story's own sentences about commissions and affiliate links stay.
    for line in [
        "Streamers earn a commission when viewers buy games through affiliate links.",
        "I use this castile soap, in case you were wondering (both are affiliate links).",
        "\u{201c}We earn a commission on every sale,\u{201d} said the owner of the shop.",
        "The broker offers the funds commission-free to its own customers.",
        "An Amazon associate said the tax credit covers qualifying purchases of heat pumps.",
        "ProPublica is a reader-supported newsroom.",
        "We make provision for late payments in the budget, the treasurer wrote.",
        "We will be the commission's eyes and ears in the town, the new members said.",
    ] {
        let body = &body_with_line(line);
        assert!(body.contains(line), "{line}: {body}");
    }
}

#[test]
fn a_standfirst_given_whole_only_by_og_description_is_found() {
    let short = "The council will vote on the new budget next month, after a long year of \
                 debate.";
    let lead = "The council will vote on the new budget next month, after a long year of \
                debate. The roads, the library and the school all wait on it, and so do the shops.";
    let html = format!(
        "<html><head><meta name=\"description\" content=\"{short}\">\
         <meta property=\"og:description\" content=\"{lead}\"></head><body>\
         <header><h1>Budget vote</h1><div class=\"lead\"><p>{lead}</p></div></header>\
         <main><div><div class=\"story\">{}</div></div></main></body></html>",
        paragraphs()
    );
    let doc = dom_query::Document::from(html.as_str());
    assert_eq!(blocks::lead(&doc).as_deref(), Some(lead));
}

#[test]
fn a_lead_the_text_holds_most_of_adds_only_the_prose_above_it() {
    let text = council_text(4);
    // A page that gives its whole post as its description shows it under its title and date:
    // that "lead" is the post, and the text is not read twice.
    let whole = format!("Budget vote\n\n31 May, 2023\n\n{text}");
    assert_eq!(blocks::with_lead(text.clone(), Some(whole)), text);
    // A summary whose last paragraphs open the story: only the summary's own prose comes.
    let summary = "SUMMARY:\n\nSetting the right budget can make or break a town, and this one \
                   has been argued over for a year.";
    let paragraphs: Vec<&str> = text.split("\n\n").collect();
    let lead = format!("{summary}\n\n{}\n\n{}", paragraphs[0], paragraphs[1]);
    let body = blocks::with_lead(text.clone(), Some(lead));
    assert_eq!(
        body,
        format!(
            "Setting the right budget can make or break a town, and this one has been argued \
             over for a year.\n\n{text}"
        )
    );
}

#[test]
fn a_passage_the_page_sets_twice_is_read_once() {
    let story: String = (1..=10)
        .map(|i| {
            format!(
                "<p>Paragraph {i} tells what the council decided on Tuesday evening after a long \
                 debate about the budget and the roads.</p>"
            )
        })
        .collect();
    // The whole story again, as a page sets it a second time for small screens.
    let body = body_of(&format!("{story}<div class=\"mobile\">{story}</div>"));
    assert_eq!(body.matches("Paragraph 3 tells").count(), 1, "{body}");
    assert!(body.contains("Paragraph 10 tells"), "{body}");
    // A card set twice in a row.
    let card = "<p>Increasing attendance and awareness of a world-class space museum in a small \
                town.</p>";
    let body = body_of(&format!("{story}{card}{card}"));
    assert_eq!(body.matches("Increasing attendance").count(), 1, "{body}");
}

#[test]
fn a_code_sample_set_line_by_line_with_breaks_keeps_its_lines_apart() {
    let body = body_of(&format!(
        "{}<pre>#!/usr/bin/env python3<br><br>import subprocess<br>import time</pre>{}",
        paragraphs(),
        paragraphs()
    ));
    assert!(
        body.contains("#!/usr/bin/env python3\n\nimport subprocess\nimport time"),
        "{body}"
    );
}

#[test]
fn paragraphs_a_story_repeats_on_their_own_stay() {
    // A meal plan: the same dish and portions on two days, a day's other meals between.
    let dish = "<p>Asian Chicken Zoodles: one cup of zucchini noodles, four ounces of cooked \
                chicken, and a spoon of sauce.</p><p>Portion containers: one green, one red, one \
                yellow and one teaspoon of oil, as every day.</p>";
    let day = |n: usize| {
        format!(
            "<h3>Day {n}</h3><p>Breakfast on day {n} is oats with berries, a scoop of the shake \
             and a glass of almond milk.</p>{dish}"
        )
    };
    let body = body_of(&format!("{}{}{}", day(1), day(2), day(3)));
    assert_eq!(body.matches("Asian Chicken Zoodles").count(), 3, "{body}");
    assert_eq!(body.matches("Portion containers").count(), 3, "{body}");
}

#[test]
fn a_sign_up_form_is_not_taken_for_the_article() {
    let fields: String = [
        "Your e-mail address (required)",
        "First name",
        "Last name",
        "Postcode (required)",
        "Country (required)",
        "Receive the monthly letter and the calls to action, two or three mails a month",
        "Receive local news of the events organised by the group nearest to me",
        "Take part in the life of my local committee and meet the members near me",
    ]
    .iter()
    .map(|l| format!("<div><label>{l}</label><input type=text></div>"))
    .collect();
    let body = page_body(&format!(
        "<html><body><div id=page><article><h1>Airport sale</h1><div class=chapo><p>The \
         spokeswoman was the guest of the morning show to talk about the referendum that \
         could stop the sale of the airports.</p></div></article>\
         <div class=dialog><div><form method=post>{fields}\
         <p>By filling in this form you join our mailing list, and you can leave it at any \
         time from the link at the end of every mail.</p></form></div></div></div></body></html>"
    ));
    assert!(body.contains("the guest of the morning show"), "{body}");
    assert!(!body.contains("Postcode"), "{body}");
}

#[test]
fn a_gallery_told_in_its_captions_keeps_them() {
    let slides: String = (1..=12)
        .map(|i| {
            format!(
                "<figure class=slide><h2>{i}. Costume number {i}</h2><img src=c{i}.jpg>\
                 <figcaption class=slide-caption><p>What you need: a bowler hat, a white \
                 shirt and a pair of braces turn costume {i} into the character from the \
                 film.</p></figcaption></figure>"
            )
        })
        .collect();
    let body = page_body(&format!(
        "<html><body><article><p>Cheap and easy costumes are all that matter this year, and \
         these ideas take minutes.</p>{slides}</article></body></html>"
    ));
    assert!(body.contains("turn costume 7 into"), "{body}");
}

#[test]
fn a_table_of_names_does_not_stand_for_the_story_around_it() {
    let rows: String = (1..=365)
        .map(|i| {
            format!(
                "<tr> <td>Constituency {i} North</td> <td>Member Name{i}</td> \
                 <td>member.name{i}.mp@parliament.uk</td> </tr>"
            )
        })
        .collect();
    let prose: String = (1..=6)
        .map(|i| {
            format!(
                "<p>Paragraph {i} of the story: chefs and charities urge the minister to block \
                 imports of lower-standard food under the new trade deals.</p>"
            )
        })
        .collect();
    let body = page_body(&format!(
        "<html><body><div itemprop=articleBody>{prose}<div class=news><table>\
         <caption>Members and their e-mail addresses</caption><tbody>{rows}</tbody></table>\
         </div><p>After the table, the story goes on: the vote is expected within the next \
         fortnight, and the letter asks for a binding promise.</p>{prose}</div></body></html>"
    ));
    assert!(
        body.contains("After the table, the story goes on"),
        "{body}"
    );
}

#[test]
fn errors_the_sites_php_printed_are_dropped() {
    let body = body_of(&format!(
        "{}<br /><b>Warning</b>:  Creating default object from empty value in \
         <b>/www/htdocs/w0094d70/wp-includes/classes.php</b> on line <b>407</b><br />{}\
         <p>Warning: the road is closed on line 4 of the tram network until Friday.</p>",
        paragraphs(),
        paragraphs()
    ));
    assert!(!body.contains("Creating default object"), "{body}");
    assert!(body.contains("the road is closed on line 4"), "{body}");
}

#[test]
fn a_long_text_without_sentences_is_a_listing_and_prose_in_any_script_is_not() {
    let table: String = (1..=60)
        .map(|i| format!("Constituency {i} North Member Name{i} member.name{i}.mp@parliament.uk "))
        .collect();
    assert!(extract::is_listing(&table));
    let english =
        "The council met on Tuesday. It voted for the new library! Was it wise? ".repeat(30);
    assert!(!extract::is_listing(&english));
    let japanese =
        "政府は火曜日に新しい図書館の建設を決めた。市民の多くが賛成している。".repeat(40);
    assert!(!extract::is_listing(&japanese));
    let one_line_each = "A sentence of the story that ends as sentences do.\n".repeat(40);
    assert!(!extract::is_listing(&one_line_each));
}

#[test]
fn a_feed_of_other_stories_after_the_article_is_left_out_and_a_gallery_kept() {
    // Each card: a kicker, a headline linking to another story, a one-line blurb.
    let card = |i: usize, wrapper: &str| {
        format!(
            "<{wrapper} class=\"col\"><div class=\"kicker\">KICKER NUMBER {i}</div>\
             <h2><a href=\"https://example.org/story-{i}\">The headline of other story {i}</a>\
             </h2><p>Blurb {i} sums up another story in one sentence that the feed links to.</p>\
             </{wrapper}>"
        )
    };
    let feed: String = (1..=4).map(|i| card(i, "div")).collect();
    let body = body_of(&format!("{}<div class=\"grid\">{feed}</div>", paragraphs()));
    assert!(body.contains("Paragraph 4 tells"), "{body}");
    assert!(!body.contains("Blurb 2 sums up"), "{body}");
    assert!(!body.contains("KICKER NUMBER 3"), "{body}");
    // The same shape as a gallery's slides (`figure`s) is the article's own text.
    let slides: String = (1..=4).map(|i| card(i, "figure")).collect();
    let body = body_of(&format!(
        "{}<div class=\"grid\">{slides}</div>",
        paragraphs()
    ));
    assert!(body.contains("Blurb 2 sums up"), "{body}");
}

#[test]
fn a_short_story_is_read_from_its_article_not_from_the_cookie_banner() {
    let parse = parse(&fixture("short_story_page.html"), None);
    assert_eq!(parse.records.len(), 1, "{:?}", parse.problems);
    let body = &parse.records[0].article.body;
    assert!(body.ends_with("Harbour Mills expects flat net."), "{body}");
    for furniture in ["cookies", "Priya", "Most read"] {
        assert!(!body.contains(furniture), "{furniture}: {body}");
    }
}

#[test]
fn an_intro_set_apart_above_the_chosen_block_is_put_back_above_it() {
    // The block readability chose began at the reviews; the intro stood in its own
    // container between the headline and them, with a box of links in between.
    let para = |what: &str| {
        format!(
            "{what}: we bought and rode fifteen scooters through a wet winter, and we measured \
             their range, their brakes and how well they fold away."
        )
    };
    let doc = dom_query::Document::from(format!(
        "<html><body><p>{}</p><h1>The best scooters</h1><div class=lede><p>{}</p><p>{}</p></div>\
         <div class=quick><a href=#r1><p>{}</p></a></div><div class=reviews><p>{}</p><p>{}</p>\
         </div><footer><p>{}</p></footer></body></html>",
        para("Above"),
        para("Intro 1"),
        para("Intro 2"),
        para("Card"),
        para("Review 1"),
        para("Review 2"),
        para("Footer"),
    ));
    let intro = blocks::intro(&doc);
    assert_eq!(intro.len(), 4, "{intro:?}");
    let chosen = format!("{}\n\n{}", para("Review 1"), para("Review 2"));
    let text = blocks::with_intro(chosen.clone(), &intro);
    assert_eq!(
        text,
        format!("{}\n\n{}\n\n{chosen}", para("Intro 1"), para("Intro 2"))
    );
    // A text holding none of the page's paragraphs gets nothing added.
    assert_eq!(blocks::with_intro("Other.".into(), &intro), "Other.");
}

#[test]
fn a_class_saying_what_an_element_has_does_not_make_it_furniture() {
    // `has-sharing`: the story's header has share buttons; it is no share bar.
    let body = body_of(&format!(
        "<div class=\"content-header has-sharing\"><p class=\"dek\">Heat pumps are booming, \
         not least because heating with gas and oil has become dear, yet many households \
         will not let go of them.</p><div class=\"share\"><a href=\"#\">Share</a></div></div>{}",
        paragraphs()
    ));
    assert!(body.starts_with("Heat pumps are booming"), "{body}");
    assert!(!body.contains("Share"), "{body}");
}

#[test]
fn a_sentence_with_a_long_link_in_it_is_prose_not_a_teaser() {
    let body = body_of(&format!(
        "{}<p>He takes over from Anna Berg, who combined the role with <a href=\"/x\">her \
         existing duties as the head of the marketing and communications department of the \
         household appliances company</a>.</p><p>Read also: <a href=\"/y\">Council votes to keep the library \
         open through the winter months</a></p>",
        paragraphs()
    ));
    assert!(body.contains("He takes over from Anna Berg"), "{body}");
    assert!(!body.contains("Read also"), "{body}");
}

#[test]
fn readers_comments_under_a_one_line_story_are_left_out() {
    // Without the banner, the comments hold most of the page's text: they are furniture all
    // the same, set beside the story the page marks.
    let page = String::from_utf8(fixture("short_story_page.html")).unwrap();
    let start = page.find("<div class=\"cookie-banner\"").unwrap();
    let end = start + page[start..].find("</div>").unwrap() + "</div>".len();
    let page = format!("{}{}", &page[..start], &page[end..]);
    let parse = parse(page.as_bytes(), None);
    assert_eq!(parse.records.len(), 1, "{:?}", parse.problems);
    assert_eq!(
        parse.records[0].article.body,
        "Harbour Mills expects flat net."
    );
}

#[test]
fn a_thread_named_comments_is_the_text_of_a_page_without_a_story() {
    // A live ticker or a forum thread: no story marked outside it, so its size spares it.
    let posts: String = (1..=3)
        .map(|i| {
            format!(
                "<div class=\"entry\"><p>Post {i}: the council argued about the budget for \
                 most of the evening, and the roads will be mended before winter.</p></div>"
            )
        })
        .collect();
    let body = page_body(&format!(
        "<html><head><title>T</title></head><body><h1>Live: the council meets</h1>\
         <div class=\"live-match-comments\">{posts}</div></body></html>"
    ));
    assert!(body.contains("Post 1:"), "{body}");
    assert!(body.contains("Post 3:"), "{body}");
}

#[test]
fn a_headline_only_item_is_kept_with_its_mark() {
    let page = String::from_utf8(fixture("short_story_page.html")).unwrap();
    let page = page.replace("Harbour Mills expects flat net.", "******");
    let parse = parse(page.as_bytes(), None);
    assert_eq!(parse.records.len(), 1, "{:?}", parse.problems);
    let article = &parse.records[0].article;
    assert_eq!(article.title, "HARBOUR MILLS SEES FLAT FIRST QUARTER");
    assert_eq!(article.body, "******");
}
