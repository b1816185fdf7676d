//! `dateline serve`'s page in a real headless Chromium (Debian's `chromium` and
//! `chromium-driver`), driven over WebDriver: what a reader types, clicks and sees.
//!
//! Every test here needs Debian's `chromium` and `chromium-driver`, so each is `#[ignore]`d
//! with that reason: `cargo test` never reports them passed without running them, and
//! `.ci/run` installs both and runs them with `--include-ignored`. Run them by hand with
//! `cargo test --test serve_browser -- --include-ignored`.

mod browser;
mod common;

use browser::{Browser, Server};
use common::Archive;
use serde_json::json;

/// Enter, as WebDriver spells the key.
const ENTER: &str = "\u{E007}";

/// The cocoa archive served, and a browser (with JavaScript on or off) to look at it.
fn cocoa_session(javascript: bool) -> (Archive, Server, Browser) {
    browser::require();
    let archive = cocoa_archive();
    let server = Server::start(&archive.index());
    let browser = Browser::start_with(javascript);
    (archive, server, browser)
}

/// Five cocoa stories from three authors, four places and two sources, over four years (the
/// first alone in 2015, so that its timeline period, whatever the period, holds it alone),
/// and one coffee story that a cocoa search must not show.
fn cocoa_archive() -> Archive {
    let archive = Archive::new();
    let records = [
        json!({"title": "Cocoa prices climb in Abidjan", "authors": ["Jo Park"],
               "date": "2015-03-10", "place": "Abidjan", "source": "Reuters",
               "body": "Cocoa prices climbed for a third session as rains delayed the main crop \
                        in Ivory Coast, exporters said on Tuesday."}),
        json!({"title": "Ghana cocoa harvest beats forecasts", "authors": ["Ama Mensah"],
               "date": "2017-01-05", "place": "Accra", "source": "Reuters",
               "body": "Ghana's cocoa board raised its estimate of the harvest after farmers \
                        in the western region reported heavy pods and little disease."}),
        json!({"title": "Cocoa grinders expect weaker demand", "authors": ["Jo Park"],
               "date": "2017-01-20", "place": "London", "source": "Bloomberg",
               "body": "European grinders of cocoa beans expect chocolate sales to slow this \
                        quarter, an industry association told members at a meeting."}),
        json!({"title": "Cocoa futures slip in London trading", "authors": ["Lena Fischer"],
               "date": "2017-06-02", "place": "London", "source": "Reuters",
               "body": "Cocoa futures fell in London as funds sold contracts ahead of a \
                        holiday weekend; sugar and coffee were little changed."}),
        json!({"title": "Chocolate makers buy more cocoa", "authors": ["Ama Mensah", "Jo Park"],
               "date": "2018-02-14", "place": "Zurich", "source": "Bloomberg",
               "body": "Swiss chocolate makers bought more cocoa butter for Valentine's Day \
                        orders, traders in Zurich said, lifting premiums for a week."}),
        json!({"title": "Coffee exports fall in Brazil", "authors": ["Rui Costa"],
               "date": "2017-03-01", "place": "Santos", "source": "Reuters",
               "body": "Brazilian coffee exports fell in February as shippers waited for \
                        better prices at the port of Santos."}),
    ];
    let lines: Vec<String> = records.iter().map(|r| r.to_string()).collect();
    archive.write("wire.jsonl", lines.join("\n") + "\n");
    archive.index_json(&[]);
    archive
}

/// The titles of the hits on the page, in order.
fn hit_titles(b: &Browser) -> Vec<String> {
    b.find_all("#results li.hit a.title")
        .iter()
        .map(|a| a.text())
        .collect()
}

/// Searches for `query` from the front page by typing it and pressing Enter.
fn search_by_typing(b: &Browser, server: &Server, query: &str) {
    b.goto(&server.url);
    let before = b.url();
    b.find("#q").send_keys(&format!("{query}{ENTER}"));
    b.wait_for_navigation(&before);
    b.find("#results li.hit");
}

#[test]
#[ignore = "needs Debian's chromium and chromium-driver; .ci/run installs them and runs it"]
fn typing_a_query_and_pressing_enter_shows_highlighted_results() {
    let (_archive, server, b) = cocoa_session(true);
    search_by_typing(&b, &server, "cocoa");

    assert!(
        b.url().contains("q=cocoa"),
        "the query is in the URL: {}",
        b.url()
    );
    assert_eq!(
        b.find("#q").prop("value"),
        "cocoa",
        "the box keeps the query"
    );
    let titles = hit_titles(&b);
    assert_eq!(titles.len(), 5, "the five cocoa stories: {titles:?}");
    assert!(
        !titles.iter().any(|t| t.contains("Coffee exports")),
        "{titles:?}"
    );
    for hit in b.find_all("#results li.hit") {
        let marks: Vec<String> = hit
            .find_all("a.title mark, p.snippet mark")
            .iter()
            .map(|m| m.text().to_lowercase())
            .collect();
        assert!(!marks.is_empty(), "every hit highlights the query word");
        assert!(marks.iter().all(|m| m == "cocoa"), "{marks:?}");
        assert!(
            !hit.find_all("p.snippet mark").is_empty(),
            "the snippet highlights it too"
        );
    }
}

#[test]
#[ignore = "needs Debian's chromium and chromium-driver; .ci/run installs them and runs it"]
fn clicking_a_facet_value_narrows_the_results_to_it() {
    let (_archive, server, b) = cocoa_session(true);
    search_by_typing(&b, &server, "cocoa");
    assert_eq!(hit_titles(&b).len(), 5);
    assert!(b.find_all("a.remove-filter").is_empty(), "no filter yet");

    let values = b.find_all("#facets section.facet[data-field=authors] a.facet-value");
    let jo = values
        .iter()
        .find(|a| a.text().starts_with("Jo Park"))
        .expect("Jo Park among the author facets");
    assert_eq!(
        jo.find_all("span.count")
            .first()
            .map(|c| c.text())
            .as_deref(),
        Some("3"),
        "her count"
    );
    let before = b.url();
    jo.click();
    b.wait_for_navigation(&before);
    b.find("#results li.hit");

    let mut titles = hit_titles(&b);
    titles.sort();
    assert_eq!(
        titles,
        [
            "Chocolate makers buy more cocoa",
            "Cocoa grinders expect weaker demand",
            "Cocoa prices climb in Abidjan",
        ]
    );
    for authors in b.find_all("#results li.hit .authors") {
        assert!(authors.text().contains("Jo Park"), "{}", authors.text());
    }
    let remove = b.find("a.remove-filter");
    assert!(remove.text().contains("Jo Park"), "{}", remove.text());
    assert_eq!(b.find("#q").prop("value"), "cocoa", "the query stays");
}

#[test]
#[ignore = "needs Debian's chromium and chromium-driver; .ci/run installs them and runs it"]
fn removing_a_facet_filter_brings_the_other_results_back() {
    let (_archive, server, b) = cocoa_session(true);
    b.goto(&server.at("?q=cocoa&source=Bloomberg"));
    b.find("#results li.hit");
    assert_eq!(hit_titles(&b).len(), 2, "two Bloomberg cocoa stories");

    let before = b.url();
    b.find("a.remove-filter").click();
    b.wait_for_navigation(&before);
    b.find("#results li.hit");
    assert_eq!(hit_titles(&b).len(), 5);
    assert!(b.find_all("a.remove-filter").is_empty());
    assert!(!b.url().contains("source="), "{}", b.url());
}

#[test]
#[ignore = "needs Debian's chromium and chromium-driver; .ci/run installs them and runs it"]
fn clicking_a_timeline_bar_narrows_the_date_range_to_its_period() {
    let (_archive, server, b) = cocoa_session(true);
    search_by_typing(&b, &server, "cocoa");
    let bars = b.find_all("svg#timeline a.bar");
    assert!(bars.len() >= 2, "a bar per period: {}", bars.len());
    assert!(
        !bars[0].find_all("rect").is_empty() && !bars[0].find_all("title").is_empty(),
        "each bar has its rect and a tooltip"
    );

    let before = b.url();
    bars[0].click();
    b.wait_for_navigation(&before);
    b.find("#results li.hit");

    let url = b.url();
    assert!(
        url.contains("from=") && url.contains("to="),
        "the range is in the URL: {url}"
    );
    let from = b.find("input[name=from]").prop("value");
    let to = b.find("input[name=to]").prop("value");
    assert!(
        !from.is_empty() && from <= to,
        "the date fields show the range: {from}..{to}"
    );
    assert!(
        from.as_str() <= "2015-03-10" && to.as_str() >= "2015-03-10" && to.as_str() < "2017-01-05",
        "the first period holds the 2015 story alone: {from}..{to}"
    );
    assert_eq!(hit_titles(&b), ["Cocoa prices climb in Abidjan"]);
    assert_eq!(b.find("#q").prop("value"), "cocoa");
}

#[test]
#[ignore = "needs Debian's chromium and chromium-driver; .ci/run installs them and runs it"]
fn opening_an_article_and_going_back_shows_the_same_results() {
    let (_archive, server, b) = cocoa_session(true);
    search_by_typing(&b, &server, "cocoa");
    let results_url = b.url();
    let titles = hit_titles(&b);

    let link = b.find("#results li.hit a.title");
    let title = link.text();
    assert!(
        link.prop("href").contains("/article/"),
        "{}",
        link.prop("href")
    );
    link.click();
    b.wait_for_navigation(&results_url);
    b.find("article#article");
    assert_eq!(b.text("article#article h1"), title);
    let body_marks: Vec<String> = b
        .find_all("article#article div.body mark")
        .iter()
        .map(|m| m.text().to_lowercase())
        .collect();
    assert!(
        !body_marks.is_empty() && body_marks.iter().all(|m| m == "cocoa"),
        "the query word is highlighted in the text: {body_marks:?}"
    );
    assert!(!b.find_all("dl.meta").is_empty(), "the metadata");

    let article_url = b.url();
    b.back();
    b.wait_for_navigation(&article_url);
    b.find("#results li.hit");
    assert_eq!(b.url(), results_url);
    assert_eq!(b.find("#q").prop("value"), "cocoa");
    assert_eq!(hit_titles(&b), titles);
}

#[test]
#[ignore = "needs Debian's chromium and chromium-driver; .ci/run installs them and runs it"]
fn copy_citation_copies_outlet_headline_byline_date_and_link() {
    let (_archive, server, b) = cocoa_session(true);
    search_by_typing(&b, &server, "grinders");
    let results_url = b.url();
    b.find("#results li.hit a.title").click();
    b.wait_for_navigation(&results_url);
    let id = b.text("article#article code.id");
    let origin = server.url.trim_end_matches('/');
    // The link is made absolute, to the address the reader reached the page by.
    assert_eq!(b.text("#citation-link"), format!("{origin}/article/{id}"));
    assert_eq!(
        b.text("#citation"),
        format!(
            "Bloomberg. “Cocoa grinders expect weaker demand”. Jo Park. 20 January 2017. {origin}/article/{id}"
        )
    );
    let button = b.find("#copy-citation");
    assert_eq!(button.text(), "Copy citation", "shown once the script runs");
    button.click();
    b.wait_until("the copy is confirmed", |b| {
        b.text("#copy-status") == "Copied"
    });
    assert!(!b.text("dd.from").starts_with('/'), "no server path");
}

#[test]
#[ignore = "needs Debian's chromium and chromium-driver; .ci/run installs them and runs it"]
fn a_hostile_article_shows_as_text_and_runs_nothing() {
    browser::require();
    let archive = Archive::new();
    let title = r#"Hostile <script>window.__pwned=1</script> "onerror= headline"#;
    let body = r#"Hostile text <img src=x onerror="window.__pwned=1"> then </textarea> and <script>window.__pwned=1</script> and "onerror=alert(1) end."#;
    let record = json!({"title": title, "authors": ["<b onmouseover=\"window.__pwned=1\">Mallory</b>"],
                        "date": "2017-05-01", "place": "<img src=x onerror=\"window.__pwned=1\">",
                        "source": "</textarea><script>window.__pwned=1</script>", "body": body});
    archive.write("hostile.jsonl", format!("{record}\n"));
    archive.index_json(&[]);
    let server = Server::start(&archive.index());
    let b = Browser::start();

    let not_pwned = |b: &Browser, page: &str| {
        assert_eq!(
            b.exec("return typeof window.__pwned;", json!([])),
            json!("undefined"),
            "a script ran on the {page}"
        );
        assert_eq!(
            b.exec(
                "return document.querySelectorAll('img[src=x], b[onmouseover], textarea').length;",
                json!([])
            ),
            json!(0),
            "article text became markup on the {page}"
        );
        assert_eq!(
            b.exec(
                "return [...document.scripts].filter(s => s.text.includes('__pwned')).length;",
                json!([])
            ),
            json!(0),
            "article text became a script on the {page}"
        );
    };

    search_by_typing(&b, &server, "hostile");
    let shown = b.find("#results li.hit a.title").text();
    assert!(
        shown.contains("<script>window.__pwned=1</script>") && shown.contains("\"onerror="),
        "the title shows as text: {shown:?}"
    );
    let page = b.text("body");
    assert!(page.contains("Mallory"), "the author shows: {page}");
    not_pwned(&b, "results page");

    let before = b.url();
    b.find("#results li.hit a.title").click();
    b.wait_for_navigation(&before);
    b.find("article#article");
    assert_eq!(b.text("article#article h1"), title);
    let text = b.text("article#article div.body");
    for literal in [
        r#"<img src=x onerror="window.__pwned=1">"#,
        "</textarea>",
        "<script>window.__pwned=1</script>",
        r#""onerror=alert(1)"#,
    ] {
        assert!(
            text.contains(literal),
            "{literal} shows as text in {text:?}"
        );
    }
    not_pwned(&b, "article page");
}

#[test]
#[ignore = "needs Debian's chromium and chromium-driver; .ci/run installs them and runs it"]
fn slash_focuses_the_search_box() {
    let (_archive, server, b) = cocoa_session(true);
    b.goto(&server.at("?q=cocoa"));
    b.find("#results li.hit");
    b.exec(
        "document.activeElement && document.activeElement.blur(); document.body.focus();",
        json!([]),
    );
    assert_ne!(
        b.exec(
            "return document.activeElement && document.activeElement.id;",
            json!([])
        ),
        json!("q")
    );
    b.press("/");
    b.wait_until("the search box to take the focus", |b| {
        b.exec(
            "return document.activeElement && document.activeElement.id;",
            json!([]),
        ) == json!("q")
    });
    let value = b.find("#q").prop("value");
    assert!(
        !value.contains('/'),
        "the slash is not typed into the box: {value:?}"
    );
    b.press("x");
    let value = b.find("#q").prop("value");
    assert!(value.ends_with('x'), "typing goes to the box: {value:?}");
}

#[test]
#[ignore = "needs Debian's chromium and chromium-driver; .ci/run installs them and runs it"]
fn at_phone_width_the_results_page_does_not_scroll_sideways() {
    let (_archive, server, b) = cocoa_session(true);
    b.cdp(
        "Emulation.setDeviceMetricsOverride",
        json!({"width": 375, "height": 740, "deviceScaleFactor": 2, "mobile": true}),
    );
    for page in ["?q=cocoa", "?q=cocoa&author=Jo+Park"] {
        b.goto(&server.at(page));
        b.find("#results li.hit");
        b.find("svg#timeline");
        let widths = b.exec(
            "return [window.innerWidth, document.documentElement.scrollWidth, \
                     document.body.scrollWidth];",
            json!([]),
        );
        // A mobile browser widens the layout to fit content that overflows (and lays a page
        // without a viewport meta tag out at 980 px), so either shows as innerWidth > 375.
        assert!(
            widths[0] == json!(375)
                && widths[1].as_i64() <= Some(375)
                && widths[2].as_i64() <= Some(375),
            "{page} is wider than a 375 px phone: [innerWidth, html, body scrollWidth] = {widths}"
        );
    }
    // The article page too.
    let href = b.find("#results li.hit a.title").prop("href");
    b.goto(&href);
    b.find("article#article");
    let widths = b.exec(
        "return [window.innerWidth, document.documentElement.scrollWidth];",
        json!([]),
    );
    assert!(
        widths[0] == json!(375) && widths[1].as_i64() <= Some(375),
        "the article page is wider than a 375 px phone: {widths}"
    );
}

#[test]
#[ignore = "needs Debian's chromium and chromium-driver; .ci/run installs them and runs it"]
fn with_javascript_off_the_search_form_still_works() {
    let (_archive, server, b) = cocoa_session(false);
    search_by_typing(&b, &server, "cocoa");
    // The page's script is really off: "/" does not reach the search box.
    b.exec(
        "document.activeElement && document.activeElement.blur();",
        json!([]),
    );
    b.press("/");
    assert_ne!(
        b.exec(
            "return document.activeElement && document.activeElement.id;",
            json!([])
        ),
        json!("q"),
        "JavaScript is still on"
    );
    assert_eq!(hit_titles(&b).len(), 5);
    assert!(!b.find_all("#results li.hit a.title mark").is_empty());
}

#[test]
#[ignore = "needs Debian's chromium and chromium-driver; .ci/run installs them and runs it"]
fn the_keyboard_reaches_the_search_box_the_hits_and_the_facets() {
    let (_archive, server, b) = cocoa_session(true);
    b.goto(&server.at("?q=cocoa"));
    b.find("#results li.hit");
    let mut reached = Vec::new();
    // Enough presses to pass every tab stop (the timeline bars are many of them): the
    // test is that each is reached, not how soon.
    for _ in 0..80 {
        b.press("\u{E004}"); // Tab
        let what = b.exec(
            "const e = document.activeElement; if (!e || e === document.body) return ''; \
             return e.id === 'q' ? '#q' : e.matches('#results a.title') ? 'title' \
             : e.matches('#facets a.facet-value') ? 'facet' : e.tagName;",
            json!([]),
        );
        reached.push(what.as_str().unwrap_or_default().to_string());
    }
    for wanted in ["#q", "title", "facet"] {
        assert!(
            reached.iter().any(|r| r == wanted),
            "Tab never reaches {wanted}: {reached:?}"
        );
    }
}

/// What has the keyboard's focus: `skip`, `#q`, `title` (a hit's), `bar` (the timeline's),
/// `facet`, or the element's tag.
fn focused(b: &Browser) -> String {
    b.exec(
        "const e = document.activeElement; if (!e || e === document.body) return ''; \
         return e.matches('a.skip') ? 'skip' : e.id === 'q' ? '#q' \
         : e.matches('#results a.title') ? 'title' : e.matches('#timeline a') ? 'bar' \
         : e.matches('#facets a.facet-value') ? 'facet' : e.tagName;",
        json!([]),
    )
    .as_str()
    .unwrap_or_default()
    .to_string()
}

#[test]
#[ignore = "needs Debian's chromium and chromium-driver; .ci/run installs them and runs it"]
fn the_first_tab_reaches_a_skip_link_to_the_results() {
    let (_archive, server, b) = cocoa_session(true);
    b.goto(&server.at("?q=cocoa"));
    b.find("#results li.hit");
    b.press("\u{E004}"); // Tab
    assert_eq!(focused(&b), "skip", "the first Tab");
    assert!(b.find("a.skip").text().contains("results"));
    b.press(ENTER);
    b.press("\u{E004}");
    assert_eq!(
        focused(&b),
        "title",
        "Tab after the skip link: the first hit"
    );
    assert_eq!(
        b.exec("return document.activeElement.textContent", json!([])),
        json!(hit_titles(&b)[0])
    );
}

#[test]
#[ignore = "needs Debian's chromium and chromium-driver; .ci/run installs them and runs it"]
fn tab_reaches_the_hits_before_the_timelines_bars() {
    let (_archive, server, b) = cocoa_session(true);
    b.goto(&server.at("?q=cocoa"));
    b.find("#timeline a.bar");
    let mut reached = Vec::new();
    for _ in 0..40 {
        b.press("\u{E004}"); // Tab
        reached.push(focused(&b));
        if reached.last().is_some_and(|r| r == "title") {
            break;
        }
    }
    assert_eq!(
        reached.last().map(String::as_str),
        Some("title"),
        "{reached:?}"
    );
    assert!(
        !reached.iter().any(|r| r == "bar"),
        "no bar before the first hit: {reached:?}"
    );
    // The chart is still drawn above the hits.
    let above = b.exec(
        "return document.getElementById('timeline').getBoundingClientRect().top \
         < document.querySelector('#results').getBoundingClientRect().top",
        json!([]),
    );
    assert_eq!(above, json!(true));
}

/// Twelve cocoa stories with no words in common but "cocoa": none is a copy of another.
fn twelve_stories() -> Archive {
    let words: Vec<String> = (0..60)
        .map(|i| format!("w{i}x{}", i * 7919 % 1000))
        .collect();
    let archive = Archive::new();
    let lines: Vec<String> = (0..12)
        .map(|i| {
            json!({"title": format!("Cocoa story {i}"), "date": format!("2017-02-{:02}", i + 1),
                   "body": format!("Cocoa {}.", words[i * 5..i * 5 + 5].join(" "))})
            .to_string()
        })
        .collect();
    archive.write("page.jsonl", lines.join("\n") + "\n");
    archive.index_json(&[]);
    archive
}

#[test]
#[ignore = "needs Debian's chromium and chromium-driver; .ci/run installs them and runs it"]
fn the_page_numbers_lead_to_their_pages() {
    browser::require();
    let archive = twelve_stories();
    let server = Server::start(&archive.index());
    let b = Browser::start();
    b.goto(&server.at("?q=cocoa"));
    b.find("#results li.hit");
    let first = hit_titles(&b);
    let numbers: Vec<String> = b
        .find_all("nav.pages .page-number")
        .iter()
        .map(|a| a.text())
        .collect();
    assert_eq!(numbers, ["1", "2"], "a number per page");
    assert_eq!(
        b.find("nav.pages [aria-current=page]").text(),
        "1",
        "the page shown is marked, not linked"
    );
    let before = b.url();
    b.find("nav.pages a.page-number[href*='page=2']").click();
    b.wait_for_navigation(&before);
    b.find("#results li.hit");
    let second = hit_titles(&b);
    assert_eq!(second.len(), 2, "{second:?}");
    assert!(second.iter().all(|t| !first.contains(t)));
    assert_eq!(b.find("nav.pages [aria-current=page]").text(), "2");
}

#[test]
#[ignore = "needs Debian's chromium and chromium-driver; .ci/run installs them and runs it"]
fn choosing_a_page_size_shows_that_many_hits() {
    browser::require();
    let archive = twelve_stories();
    let server = Server::start(&archive.index());
    for javascript in [true, false] {
        let b = Browser::start_with(javascript);
        b.goto(&server.at("?q=cocoa"));
        b.find("#results li.hit");
        assert_eq!(hit_titles(&b).len(), 10, "ten by default");
        let before = b.url();
        b.find("#per-page option[value='25']").click();
        if !javascript {
            b.find("#search button[type=submit]").click();
        }
        b.wait_for_navigation(&before);
        b.find("#results li.hit");
        assert_eq!(
            hit_titles(&b).len(),
            12,
            "all twelve on one page (JavaScript {javascript})"
        );
        assert!(b.url().contains("per_page=25"), "{}", b.url());
        assert!(b.find_all("nav.pages a[rel=next]").is_empty(), "one page");
        assert_eq!(
            b.find("#per-page").prop("value"),
            "25",
            "the choice is kept"
        );
        // The next page keeps the size.
        b.goto(&server.at("?q=cocoa&per_page=10"));
        b.find("#results li.hit");
        let next = b.find("nav.pages a[rel=next]").prop("href");
        assert!(!next.contains("per_page"), "ten is the default: {next}");
        b.goto(&server.at("?q=cocoa&per_page=25&sort=oldest"));
        assert_eq!(hit_titles(&b).len(), 12);
    }
}

#[test]
#[ignore = "needs Debian's chromium and chromium-driver; .ci/run installs them and runs it"]
fn submitting_the_form_puts_no_empty_parameters_in_the_url() {
    browser::require();
    let archive = cocoa_archive();
    let server = Server::start(&archive.index());
    for javascript in [true, false] {
        let b = Browser::start_with(javascript);
        search_by_typing(&b, &server, "cocoa");
        let url = b.url();
        assert!(url.ends_with("/?q=cocoa"), "JavaScript {javascript}: {url}");
        assert_eq!(hit_titles(&b).len(), 5);
        // A date and a sort order set are kept, the rest left out.
        b.find("#sort option[value='oldest']").click();
        if !javascript {
            b.find("#search button[type=submit]").click();
        }
        b.wait_until("the sorted page", |b| b.url().contains("sort=oldest"));
        b.find("#results li.hit");
        let url = b.url();
        assert!(
            url.ends_with("/?q=cocoa&sort=oldest"),
            "JavaScript {javascript}: {url}"
        );
        // An old shared address with empty fields still works, and is tidied.
        b.goto(&server.at("?q=cocoa&from=&to=&sort=relevance"));
        b.find("#results li.hit");
        assert!(b.url().ends_with("/?q=cocoa"), "{}", b.url());
    }
}

#[test]
#[ignore = "needs Debian's chromium and chromium-driver; .ci/run installs them and runs it"]
fn each_hits_similar_link_lists_articles_like_it() {
    let (_archive, server, b) = cocoa_session(true);
    b.goto(&server.at("?q=cocoa"));
    b.find("#results li.hit");
    let hits = b.find_all("#results li.hit");
    assert_eq!(hits.len(), 5);
    for hit in &hits {
        assert_eq!(
            hit.find_all("a.similar").len(),
            1,
            "one similar link per hit"
        );
    }
    let title = hit_titles(&b)[0].clone();
    let before = b.url();
    hits[0].find_all("a.similar")[0].click();
    b.wait_for_navigation(&before);
    b.find("#similar li");
    assert_eq!(b.text("#article h1"), title, "the hit's own article");
    let similar: Vec<String> = b
        .find_all("#similar li a")
        .iter()
        .map(|a| a.text())
        .collect();
    assert!(
        !similar.is_empty() && !similar.contains(&title),
        "{similar:?}"
    );
    assert!(b.url().contains("#similar"), "{}", b.url());
}

#[test]
#[ignore = "needs Debian's chromium and chromium-driver; .ci/run installs them and runs it"]
fn a_search_with_no_matches_shows_no_empty_facet_boxes() {
    let (_archive, server, b) = cocoa_session(true);
    b.goto(&server.at("?q=cocoa+date:1990"));
    b.find("#summary");
    assert!(
        b.text("main").contains("Nothing matches"),
        "{}",
        b.text("main")
    );
    assert!(b.find_all("#facets section.facet").is_empty());
    assert!(b.find_all("#results li.hit").is_empty());
    // With matches, the boxes are back.
    b.goto(&server.at("?q=cocoa"));
    b.find("#results li.hit");
    assert!(!b.find_all("#facets section.facet").is_empty());
}

#[test]
#[ignore = "needs Debian's chromium and chromium-driver; .ci/run installs them and runs it"]
fn the_excel_csv_link_downloads_a_csv_named_after_the_query_with_a_byte_order_mark() {
    let (_archive, server, b) = cocoa_session(true);
    b.goto(&server.at("?q=cocoa+prices"));
    b.find("#results li.hit");
    let link = b.find("#export-csv-excel");
    assert_eq!(link.text(), "CSV for Excel");
    // What the browser gets when the reader clicks it: the file's name and first bytes.
    let got = b.exec_async(
        "const done = arguments[arguments.length - 1];
         fetch(arguments[0]).then(r => r.arrayBuffer().then(buf => done({
             disposition: r.headers.get('content-disposition'),
             head: Array.from(new Uint8Array(buf).slice(0, 8)),
             text: new TextDecoder().decode(buf)
         })));",
        json!([link.prop("href")]),
    );
    let disposition = got["disposition"].as_str().unwrap();
    assert!(disposition.contains("cocoa-prices"), "{disposition}");
    assert!(disposition.contains(".csv"), "{disposition}");
    let head: Vec<u64> = got["head"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    assert_eq!(&head[..3], &[0xEF, 0xBB, 0xBF], "{head:?}");
    assert!(got["text"]
        .as_str()
        .unwrap()
        .contains("Cocoa prices climb in Abidjan"));
}

#[test]
#[ignore = "needs Debian's chromium and chromium-driver; .ci/run installs them and runs it"]
fn the_start_page_names_its_collections_and_suggests_a_query_the_archive_answers() {
    let (_archive, server, b) = cocoa_session(true);
    b.goto(&server.url);
    assert_eq!(b.text("#summary"), "6 articles in the archive.");
    let collections: Vec<String> = b
        .find_all("#collections li")
        .iter()
        .map(|li| li.text())
        .collect();
    assert_eq!(collections.len(), 1, "{collections:?}");
    assert!(
        collections[0].ends_with("6 articles, 10 March 2015 to 14 February 2018"),
        "{collections:?}"
    );
    let placeholder = b.find("#q").prop("placeholder");
    let example = placeholder
        .strip_prefix("e.g. ")
        .unwrap_or_else(|| panic!("{placeholder}"));
    search_by_typing(&b, &server, example);
    assert!(!hit_titles(&b).is_empty(), "{example}");
}

#[test]
#[ignore = "needs Debian's chromium and chromium-driver; .ci/run installs them and runs it"]
fn the_next_page_link_shows_the_following_hits() {
    browser::require();
    let archive = twelve_stories();
    let server = Server::start(&archive.index());
    let b = Browser::start();
    b.goto(&server.at("?q=cocoa"));
    b.find("#results li.hit");
    let first = hit_titles(&b);
    assert_eq!(first.len(), 10, "a page of ten: {first:?}");
    assert!(
        b.find_all("nav.pages a[rel=prev]").is_empty(),
        "no page before the first"
    );

    let before = b.url();
    b.find("nav.pages a[rel=next]").click();
    b.wait_for_navigation(&before);
    b.find("#results li.hit");
    let second = hit_titles(&b);
    assert_eq!(second.len(), 2, "the last two: {second:?}");
    assert!(
        second.iter().all(|t| !first.contains(t)),
        "{first:?} then {second:?}"
    );
    assert!(
        b.find_all("nav.pages a[rel=next]").is_empty(),
        "no page after the last"
    );
    assert!(!b.find_all("nav.pages a[rel=prev]").is_empty());
    assert_eq!(b.find("#q").prop("value"), "cocoa");
}

/// Writes docs/serve.png, the README's picture of the page: the results for `cocoa` on the
/// Reuters-21578 corpus, with the timeline and the facets, at 1280×1000. Rerun with
/// `cargo test --release --test serve_browser -- --ignored screenshot` (the corpus is read
/// from `../shared/corpora/reuters21578`, or from `$DATELINE_REUTERS`).
#[test]
#[ignore = "needs the Reuters-21578 corpus (../shared) and rewrites docs/serve.png"]
fn screenshot_of_the_reuters_results_page() {
    use base64::Engine as _;
    browser::require();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus = std::env::var_os("DATELINE_REUTERS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| root.join("../shared/corpora/reuters21578"));
    assert!(corpus.is_dir(), "no corpus at {}", corpus.display());
    let archive = Archive::new();
    archive
        .cmd()
        .args(["index", "--index"])
        .arg(archive.index())
        .arg(&corpus)
        .assert()
        .success();
    let server = Server::start(&archive.index());
    let b = Browser::start();
    b.cdp(
        "Emulation.setDeviceMetricsOverride",
        json!({"width": 1280, "height": 1000, "deviceScaleFactor": 1, "mobile": false}),
    );
    b.goto(&server.url);
    let before = b.url();
    b.find("#q").send_keys(&format!("cocoa{ENTER}"));
    b.wait_for_navigation(&before);
    b.find("#results li.hit");
    b.find("svg#timeline a.bar");
    b.find("#facets section.facet a.facet-value");
    // Nothing focused or hovered, as the page first shows.
    b.exec(
        "document.activeElement && document.activeElement.blur();",
        json!([]),
    );
    let png = base64::engine::general_purpose::STANDARD
        .decode(b.screenshot_base64())
        .expect("WebDriver sends base64");
    assert!(png.starts_with(b"\x89PNG"), "a PNG");
    let out = root.join("docs/serve.png");
    std::fs::write(&out, &png).expect("write docs/serve.png");
    eprintln!("wrote {} ({} bytes)", out.display(), png.len());
}

// The research desk (/compare): queries side by side.

/// The desk's state as a reader sees it: each query row's query and label, the legend, the
/// period, which scale is on, the bars' tooltips and the active filters.
fn desk_state(b: &Browser) -> serde_json::Value {
    b.exec(
        "const all = (css, f) => [...document.querySelectorAll(css)].map(f); \
         return { \
           queries: all('#queries li.query-row', li => [li.querySelector('input.q').value, \
                                                        li.querySelector('input.label').value]) \
                      .filter(r => r[0] !== ''), \
           legend: all('#panel-timeline .legend li', li => li.innerText), \
           by: document.getElementById('by').value, \
           scale: all('.scale-toggle a.on', a => a.dataset.scale), \
           bars: all('#desk-timeline rect.fill', r => [r.getAttribute('class'), \
                     r.getAttribute('height'), r.querySelector('title').textContent]), \
           filters: all('.active-filters a', a => a.innerText), \
           hits: all('#panel-hits #results li.hit a.title', a => a.innerText), \
         };",
        json!([]),
    )
}

/// The `height` of every bar of the desk's timeline, by series colour class.
fn bar_heights(b: &Browser, class: &str) -> Vec<f64> {
    b.exec(
        "return [...document.querySelectorAll('#desk-timeline rect.fill.' + arguments[0])] \
           .map(r => Number(r.getAttribute('height')));",
        json!([class]),
    )
    .as_array()
    .expect("a list")
    .iter()
    .map(|v| v.as_f64().unwrap_or(-1.0))
    .collect()
}

#[test]
#[ignore = "needs Debian's chromium and chromium-driver; .ci/run installs them and runs it"]
fn adding_a_second_query_shows_two_coloured_series_with_a_legend() {
    let (_archive, server, b) = cocoa_session(true);
    search_by_typing(&b, &server, "cocoa");
    // One click from a search to the desk, the search's query already in.
    let before = b.url();
    b.find("a#compare").click();
    b.wait_for_navigation(&before);
    b.find("form#desk");
    assert!(b.url().contains("/compare?"), "{}", b.url());
    let rows = b.find_all("#queries li.query-row input.q");
    assert_eq!(rows.len(), 2, "the search's query and a row for the next");
    assert_eq!(rows[0].prop("value"), "cocoa");
    assert_eq!(
        b.exec(
            "return document.activeElement.getAttribute('aria-label');",
            json!([])
        ),
        json!("Query 2"),
        "the cursor waits in the new row"
    );
    b.find("#queries li[data-i='1'] input.q")
        .send_keys("coffee");
    // "+ Add a query" adds a third row in place, without a reload; left empty, it is
    // ignored.
    let url = b.url();
    b.find("#add-query").click();
    assert_eq!(b.find_all("#queries li.query-row").len(), 3);
    assert_eq!(b.url(), url, "no reload");
    b.find("#queries li[data-i='2'] input.q").send_keys(ENTER);
    b.wait_for_navigation(&url);
    b.find("#desk-timeline rect.fill");

    let legend: Vec<String> = b
        .find_all("#panel-timeline .legend li")
        .iter()
        .map(|li| li.text())
        .collect();
    assert_eq!(legend.len(), 2, "{legend:?}");
    assert!(
        legend[0].starts_with("cocoa") && legend[0].contains("5 articles"),
        "{legend:?}"
    );
    assert!(
        legend[1].starts_with("coffee") && legend[1].contains("2 articles"),
        "{legend:?}"
    );
    let colour = |css: &str| {
        b.exec(
            "return getComputedStyle(document.querySelector(arguments[0])).fill;",
            json!([css]),
        )
    };
    let (first, second) = (
        colour("#desk-timeline rect.fill.c0"),
        colour("#desk-timeline rect.fill.c1"),
    );
    assert_ne!(first, second, "each series in its own colour");
    assert_eq!(
        colour("#panel-timeline .legend li[data-i='1'] .swatch")
            .as_str()
            .map(|_| ()),
        Some(()),
    );
    assert_eq!(
        b.exec(
            "return getComputedStyle(document.querySelector('.legend li[data-i=\"1\"] .swatch')).backgroundColor;",
            json!([])
        ),
        second,
        "the legend's swatch is the bars' colour"
    );
    assert!(bar_heights(&b, "c0").iter().any(|h| *h > 0.0));
    assert!(bar_heights(&b, "c1").iter().any(|h| *h > 0.0));
    // Facets side by side: one column per query.
    let columns = b.find_all("#panel-facets section.facet-row[data-field=authors] .facet-col");
    assert_eq!(columns.len(), 2);
    assert!(
        columns[0].text().contains("Jo Park"),
        "{}",
        columns[0].text()
    );
    assert!(
        columns[1].text().contains("Rui Costa"),
        "{}",
        columns[1].text()
    );
}

#[test]
#[ignore = "needs Debian's chromium and chromium-driver; .ci/run installs them and runs it"]
fn the_counts_toggle_changes_the_bars_values() {
    let (_archive, server, b) = cocoa_session(true);
    b.goto(&server.at("compare?q=cocoa&q=coffee&by=year"));
    b.find("#desk-timeline rect.fill");
    let share = desk_state(&b);
    assert_eq!(share["scale"], json!(["share"]), "shares by default");
    let tips: Vec<String> = share["bars"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r[2].as_str().unwrap().to_string())
        .collect();
    assert!(
        tips.iter().any(|t| t.contains('%') && t.contains(" of ")),
        "{tips:?}"
    );

    b.find(".scale-toggle a[data-scale=count]").click();
    b.wait_until("the scale to switch", |b| b.url().contains("scale=count"));
    let count = desk_state(&b);
    assert_eq!(count["scale"], json!(["count"]));
    assert_ne!(count["bars"], share["bars"], "the bars change");
    let cocoa_2017: Vec<String> = count["bars"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r[0] == json!("fill c0"))
        .map(|r| r[2].as_str().unwrap().to_string())
        .filter(|t| t.contains("2017"))
        .collect();
    assert_eq!(
        cocoa_2017,
        ["cocoa · 2017: 3 articles (75.0% of 4)"],
        "three of 2017's four stories are cocoa's"
    );
    // What the script drew in place is what the server draws for that URL.
    let url = b.url();
    b.goto(&url);
    b.find("#desk-timeline rect.fill");
    assert_eq!(desk_state(&b), count, "reloading {url}");
    b.find(".scale-toggle a[data-scale=share]").click();
    b.wait_until("the scale to switch back", |b| {
        b.url().contains("scale=share")
    });
    assert_eq!(desk_state(&b)["bars"], share["bars"]);
}

/// Eight cocoa stories that talk of the ICCO and its buffer stock, and eight on other
/// commodities: the "buffer stock" is among what sets the cocoa stories apart.
fn words_archive() -> Archive {
    let archive = Archive::new();
    let mut lines = Vec::new();
    for i in 0..8 {
        lines.push(json!({"title": format!("Cocoa council meets {i}"), "date": format!("1987-03-{:02}", i + 1),
            "body": format!("The ICCO council discussed the cocoa buffer stock rules; delegates from \
                             Ghana and the Ivory Coast met in London, session {i}.")}).to_string());
        lines.push(json!({"title": format!("Grain shipments {i}"), "date": format!("1987-03-{:02}", i + 1),
            "body": format!("Wheat and maize shipments rose as farmers sold grain to exporters in \
                             Chicago, session {i}; coffee traders watched.")}).to_string());
    }
    archive.write("words.jsonl", lines.join("\n") + "\n");
    archive.index_json(&[]);
    archive
}

#[test]
#[ignore = "needs Debian's chromium and chromium-driver; .ci/run installs them and runs it"]
fn clicking_a_distinctive_word_adds_it_to_its_query() {
    browser::require();
    let archive = words_archive();
    let server = Server::start(&archive.index());
    let b = Browser::start();
    b.goto(&server.at("compare?q=wheat&label=Grain&q=cocoa&label=Cocoa"));
    b.find(".words-col[data-i='1'] .distinctive button.word");
    let terms: Vec<String> = b
        .exec(
            "return [...document.querySelectorAll(\".words-col[data-i='1'] .distinctive button.word\")] \
               .map(w => w.dataset.term.toLowerCase());",
            json!([]),
        )
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap().to_string())
        .collect();
    assert!(
        terms.iter().any(|t| t == "buffer stock"),
        "the buffer stock sets cocoa apart: {terms:?}"
    );
    let buffer_stock = b
        .find_all(".words-col[data-i='1'] .distinctive button.word")
        .into_iter()
        .find(|w| {
            w.prop("textContent")
                .to_lowercase()
                .starts_with("buffer stock")
        })
        .expect("the buffer stock's button");
    let before = b.url();
    buffer_stock.click();
    b.wait_for_navigation(&before);
    b.find("#desk-timeline");
    let state = desk_state(&b);
    assert_eq!(
        state["queries"],
        json!([["wheat", "Grain"], ["cocoa \"buffer stock\"", "Cocoa"]]),
        "the phrase joins the second query, quoted; the first stays"
    );
    assert!(
        b.url().contains("q=cocoa+%22buffer+stock%22"),
        "{}",
        b.url()
    );
}

#[test]
#[ignore = "needs Debian's chromium and chromium-driver; .ci/run installs them and runs it"]
fn the_url_of_a_comparison_reloads_the_same_state() {
    let (_archive, server, b) = cocoa_session(true);
    b.goto(&server.at("compare?q=cocoa"));
    b.find("#desk-timeline rect.fill");
    // Built by hand: a second query with a label, a period, a filter, the counts.
    b.find("#add-query").click();
    b.find("#queries li[data-i='1'] input.q")
        .send_keys("coffee OR chocolate");
    b.find("#queries li[data-i='1'] input.label")
        .send_keys("Coffee & chocolate");
    b.exec("document.getElementById('by').value = 'year';", json!([]));
    let before = b.url();
    b.find("#queries li[data-i='0'] input.label")
        .send_keys(&format!("Cocoa{ENTER}"));
    b.wait_for_navigation(&before);
    let before = b.url();
    b.find_all(
        "#panel-facets section.facet-row[data-field=sources] .facet-col[data-i='0'] a.facet-value",
    )
    .into_iter()
    .find(|a| a.text().starts_with("Reuters"))
    .expect("Reuters among cocoa's sources")
    .click();
    b.wait_for_navigation(&before);
    b.find(".scale-toggle a[data-scale=count]").click();
    b.wait_until("the counts", |b| b.url().contains("scale=count"));
    let state = desk_state(&b);
    assert_eq!(
        state["queries"],
        json!([
            ["cocoa", "Cocoa"],
            ["coffee OR chocolate", "Coffee & chocolate"]
        ])
    );
    assert_eq!(state["by"], json!("year"));
    assert_eq!(state["filters"], json!(["Source: Reuters ×"]));

    // The URL alone, in a fresh browser, gives the same desk.
    let url = b.url();
    drop(b);
    let b = Browser::start();
    b.goto(&url);
    b.find("#desk-timeline rect.fill");
    assert_eq!(desk_state(&b), state, "{url}");
}

#[test]
#[ignore = "needs Debian's chromium and chromium-driver; .ci/run installs them and runs it"]
fn csv_links_download_each_panels_data() {
    let (_archive, server, b) = cocoa_session(true);
    b.goto(&server.at("compare?q=cocoa&label=%3DHYPERLINK(%22x%22)&q=coffee&by=year"));
    b.find("#desk-timeline rect.fill");
    let get = |id: &str| -> String {
        // A download link, not a page to open.
        let href = b.find(&format!("a.csv#{id}[download]")).prop("href");
        let (status, kind, body) = b
            .exec_async(
                "const [href, done] = arguments; fetch(href).then(r => r.text().then(t => \
                 done([r.status, r.headers.get('content-type'), t])));",
                json!([href]),
            )
            .as_array()
            .map(|a| {
                (
                    a[0].clone(),
                    a[1].clone(),
                    a[2].as_str().unwrap_or_default().to_string(),
                )
            })
            .expect("an answer");
        assert_eq!(status, json!(200), "{href}: {body}");
        assert!(
            kind.as_str().unwrap_or_default().starts_with("text/csv"),
            "{href}: {kind}"
        );
        body
    };
    let timeline = get("csv-timeline");
    let lines: Vec<&str> = timeline.lines().collect();
    assert_eq!(lines[0], "label,query,by,start,count,all,share");
    // The label a spreadsheet would run is written as text.
    assert!(
        lines.contains(&"\"'=HYPERLINK(\"\"x\"\")\",cocoa,year,2017-01-01,3,4,0.75"),
        "{timeline}"
    );
    assert!(
        lines.contains(&"coffee,coffee,year,2017-01-01,2,4,0.5"),
        "{timeline}"
    );
    let facets = get("csv-facets");
    assert!(
        facets.starts_with("label,query,facet,value,count\n"),
        "{facets}"
    );
    assert!(
        facets.contains("\"'=HYPERLINK(\"\"x\"\")\",cocoa,authors,Jo Park,3"),
        "{facets}"
    );
    assert!(facets.contains("coffee,coffee,places,Santos,1"), "{facets}");
    let words = get("csv-words");
    assert!(
        words.starts_with("label,query,list,term,count,score,matches,background\n"),
        "{words}"
    );
    // The words the panel shows for cocoa, in its order, are the CSV's.
    b.find(".words-col[data-i='0'] .frequent button.word");
    let shown = b.exec(
        "return [...document.querySelectorAll(\".words-col[data-i='0'] .frequent button.word\")] \
           .map(w => w.dataset.term);",
        json!([]),
    );
    let written: Vec<&str> = words
        .lines()
        .filter_map(|l| l.split_once(",cocoa,frequent,"))
        .map(|(_, rest)| rest.split(',').next().unwrap_or_default())
        .collect();
    assert!(!written.is_empty(), "{words}");
    assert_eq!(shown, json!(written));
}

#[test]
#[ignore = "needs Debian's chromium and chromium-driver; .ci/run installs them and runs it"]
fn with_javascript_off_the_desk_adds_a_query_and_draws_both() {
    let (_archive, server, b) = cocoa_session(false);
    b.goto(&server.at("compare?q=cocoa"));
    b.find("#desk-timeline rect.fill");
    let before = b.url();
    b.find("#add-query").click();
    b.wait_for_navigation(&before);
    let before = b.url();
    b.find("#queries li[data-i='1'] input.q")
        .send_keys(&format!("coffee{ENTER}"));
    b.wait_for_navigation(&before);
    b.find("#desk-timeline rect.fill.c1");
    assert_eq!(b.find_all("#panel-timeline .legend li").len(), 2);
    // The counts are a link away.
    let before = b.url();
    b.find(".scale-toggle a[data-scale=count]").click();
    b.wait_for_navigation(&before);
    assert_eq!(desk_state(&b)["scale"], json!(["count"]));
    assert_eq!(hit_titles(&b).len(), 5, "cocoa's articles");
}

#[test]
#[ignore = "needs Debian's chromium and chromium-driver; .ci/run installs them and runs it"]
fn hostile_labels_queries_and_words_show_as_text_on_the_desk() {
    browser::require();
    let archive = Archive::new();
    let evil = "<img src=x onerror=\"window.__pwned=1\">";
    let lines: Vec<String> = (0..4)
        .map(|i| {
            json!({"title": format!("Story {i} {evil}"), "date": format!("2017-05-0{}", i + 1),
                   "authors": [evil], "body": format!("Cocoa {evil} and <script>window.__pwned=1</script> cocoa.")})
            .to_string()
        })
        .collect();
    archive.write("evil.jsonl", lines.join("\n") + "\n");
    archive.index_json(&[]);
    let server = Server::start(&archive.index());
    let b = Browser::start();
    let label = "<script>window.__pwned=1</script>";
    b.goto(&server.at(&format!(
        "compare?q=cocoa&label={}&q=%22onerror%22&label=",
        label.replace('<', "%3C").replace('>', "%3E").replace('=', "%3D")
    )));
    b.find("#desk-timeline");
    b.wait_until("the words to load", |b| {
        b.find_all(".words .loading").is_empty()
    });
    assert!(
        b.text("#panel-timeline .legend").contains(label),
        "{}",
        b.text("#panel-timeline .legend")
    );
    assert_eq!(
        b.exec("return typeof window.__pwned;", json!([])),
        json!("undefined")
    );
    assert_eq!(
        b.exec(
            "return document.querySelectorAll('img[src=x], main script').length;",
            json!([])
        ),
        json!(0),
        "text became markup"
    );
}

/// Writes docs/desk.png, the README's picture of the research desk: "cocoa" beside
/// "coffee" on the Reuters-21578 corpus, shares over time, their words and facets, at
/// 1280×1300. Rerun with `cargo test --release --test serve_browser -- --ignored
/// screenshot_of_a_two` (the corpus is read as for docs/serve.png).
#[test]
#[ignore = "needs the Reuters-21578 corpus (../shared) and rewrites docs/desk.png"]
fn screenshot_of_a_two_query_comparison_on_reuters() {
    use base64::Engine as _;
    browser::require();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus = std::env::var_os("DATELINE_REUTERS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| root.join("../shared/corpora/reuters21578"));
    assert!(corpus.is_dir(), "no corpus at {}", corpus.display());
    let archive = Archive::new();
    archive
        .cmd()
        .args(["index", "--index"])
        .arg(archive.index())
        .arg(&corpus)
        .assert()
        .success();
    let server = Server::start(&archive.index());
    let b = Browser::start();
    b.cdp(
        "Emulation.setDeviceMetricsOverride",
        json!({"width": 1280, "height": 1300, "deviceScaleFactor": 1, "mobile": false}),
    );
    search_by_typing(&b, &server, "cocoa");
    let before = b.url();
    b.find("a#compare").click();
    b.wait_for_navigation(&before);
    b.find("#queries li[data-i='0'] input.label")
        .send_keys("Cocoa");
    b.find("#queries li[data-i='1'] input.label")
        .send_keys("Coffee");
    let before = b.url();
    b.find("#queries li[data-i='1'] input.q")
        .send_keys(&format!("coffee{ENTER}"));
    b.wait_for_navigation(&before);
    b.find("#desk-timeline rect.fill.c1");
    b.find(".words-col[data-i='1'] button.word");
    b.wait_until("every words column to load", |b| {
        b.find_all(".words .loading").is_empty()
    });
    b.exec(
        "document.activeElement && document.activeElement.blur();",
        json!([]),
    );
    let png = base64::engine::general_purpose::STANDARD
        .decode(b.screenshot_base64())
        .expect("WebDriver sends base64");
    assert!(png.starts_with(b"\x89PNG"), "a PNG");
    let out = root.join("docs/desk.png");
    std::fs::write(&out, &png).expect("write docs/desk.png");
    eprintln!("wrote {} ({} bytes)", out.display(), png.len());
}

#[test]
#[ignore = "needs Debian's chromium and chromium-driver; .ci/run installs them and runs it"]
fn at_phone_width_the_desk_does_not_scroll_sideways() {
    let (_archive, server, b) = cocoa_session(true);
    b.cdp(
        "Emulation.setDeviceMetricsOverride",
        json!({"width": 375, "height": 740, "deviceScaleFactor": 2, "mobile": true}),
    );
    b.goto(&server.at(
        "compare?q=cocoa&label=Cocoa+stories&q=coffee+OR+chocolate&label=Coffee+and+chocolate&add=1",
    ));
    b.find("#desk-timeline rect.fill.c1");
    let widths = b.exec(
        "return [window.innerWidth, document.documentElement.scrollWidth, \
                 document.body.scrollWidth];",
        json!([]),
    );
    assert!(
        widths[0] == json!(375)
            && widths[1].as_i64() <= Some(375)
            && widths[2].as_i64() <= Some(375),
        "the desk is wider than a 375 px phone: [innerWidth, html, body scrollWidth] = {widths}"
    );
}

#[test]
#[ignore = "needs Debian's chromium and chromium-driver; .ci/run installs them and runs it"]
fn a_misspelt_query_that_finds_nothing_shows_the_suggestions_results_saying_so() {
    let (_archive, server, b) = cocoa_session(true);
    search_by_typing(&b, &server, "cocao");
    assert_eq!(
        b.text("#showing-suggestion"),
        "No results for cocao; showing results for cocoa."
    );
    let titles = hit_titles(&b);
    assert_eq!(titles.len(), 5, "the five cocoa stories: {titles:?}");
    // The box keeps what was typed; the link answers the corrected query itself.
    assert_eq!(b.find("#q").prop("value"), "cocao");
    let before = b.url();
    b.find("#suggestion").click();
    b.wait_for_navigation(&before);
    b.find("#results li.hit");
    assert!(b.find_all("#showing-suggestion").is_empty());
    assert_eq!(b.find("#q").prop("value"), "cocoa");
}

#[test]
#[ignore = "needs Debian's chromium and chromium-driver; .ci/run installs them and runs it"]
fn a_hits_other_versions_open_from_its_disclosure() {
    browser::require();
    let archive = Archive::new();
    archive.two_versions_of_one_story();
    archive.index_json(&[]);
    let server = Server::start(&archive.index());
    let b = Browser::start();
    b.goto(&server.at("?q=missile"));
    b.find("#results li.hit");
    assert_eq!(hit_titles(&b).len(), 1, "one story: {:?}", hit_titles(&b));
    let details = b.find("#results details.versions");
    assert_eq!(details.prop("open"), "false", "closed until asked");
    assert_eq!(
        b.find("#results details.versions li a").text(),
        "",
        "a closed disclosure shows no link"
    );
    b.find("#results details.versions summary").click();
    assert_eq!(details.prop("open"), "true");
    assert_eq!(
        b.text("#results details.versions summary"),
        "1 other version"
    );
    let link = b.find("#results details.versions li a");
    let other = link.text();
    assert_ne!(
        other,
        hit_titles(&b)[0],
        "the other version, not the hit itself"
    );
    let before = b.url();
    link.click();
    b.wait_for_navigation(&before);
    assert_eq!(b.text("#article h1"), other);
}
