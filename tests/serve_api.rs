//! End-to-end tests of `dateline serve`: the real binary on port 0, real HTTP requests.
//! Every endpoint, every error status, the caps, escaping of a hostile article, reload after
//! a new commit, and graceful shutdown on SIGINT.

mod common;

use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::TcpStream;
use std::process::{Child, ChildStderr, Command, Stdio};
use std::time::{Duration, Instant};

use common::Archive;
use serde_json::Value;

/// A running `dateline serve`, killed when dropped.
struct Server {
    child: Child,
    url: String,
    stderr: Option<ChildStderr>,
    agent: ureq::Agent,
}

struct Reply {
    status: u16,
    content_type: String,
    headers: Vec<(String, String)>,
    body: String,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

impl Server {
    fn start(a: &Archive, extra: &[&str]) -> Server {
        Server::spawn(
            a,
            Command::new(assert_cmd::cargo::cargo_bin("dateline")),
            extra,
        )
    }

    /// Started under `ulimit -n open_files`, as a shell would start it.
    #[cfg(unix)]
    fn start_with_open_files(a: &Archive, open_files: u32, extra: &[&str]) -> Server {
        let mut sh = Command::new("sh");
        sh.args([
            "-c",
            &format!("ulimit -n {open_files} && exec \"$0\" \"$@\""),
        ])
        .arg(assert_cmd::cargo::cargo_bin("dateline"));
        Server::spawn(a, sh, extra)
    }

    fn spawn(a: &Archive, mut command: Command, extra: &[&str]) -> Server {
        let mut child = command
            .current_dir(a.root())
            .env("NO_COLOR", "1")
            .args(["serve", "--addr", "127.0.0.1:0", "--index"])
            .arg(a.index())
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("starts dateline serve");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        if line.is_empty() {
            let mut err = String::new();
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut err)
                .unwrap();
            panic!("serve printed no URL; stderr: {err}");
        }
        let url = line.trim().trim_end_matches('/').to_string();
        assert!(url.starts_with("http://127.0.0.1:"), "{url}");
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into();
        Server {
            stderr: child.stderr.take(),
            child,
            url,
            agent,
        }
    }

    fn get(&self, path: &str) -> Reply {
        let mut res = self
            .agent
            .get(format!("{}{path}", self.url))
            .call()
            .unwrap_or_else(|e| panic!("GET {path}: {e}"));
        let headers: Vec<(String, String)> = res
            .headers()
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or_default().to_string()))
            .collect();
        let content_type = res
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        Reply {
            status: res.status().as_u16(),
            content_type,
            headers,
            body: res
                .body_mut()
                .with_config()
                .limit(64 << 20)
                .read_to_string()
                .unwrap(),
        }
    }

    /// `IP:PORT`, to connect to.
    fn addr(&self) -> &str {
        self.url.trim_start_matches("http://")
    }

    /// GET that must answer 200 with JSON.
    fn json(&self, path: &str) -> Value {
        let r = self.get(path);
        assert_eq!(r.status, 200, "{path}: {}", r.body);
        assert!(r.content_type.starts_with("application/json"), "{path}");
        r.json()
    }

    /// GET that must answer 200 with HTML.
    fn page(&self, path: &str) -> String {
        let r = self.get(path);
        assert_eq!(r.status, 200, "{path}: {}", r.body);
        assert!(r.content_type.starts_with("text/html"), "{path}");
        r.body
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Percent-encodes a query parameter's value.
fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

const HOSTILE_TITLE: &str = "Gas <script>alert(1)</script> \"onerror=alert(2) </textarea>";
const HOSTILE_BODY: &str = "LONDON (Reuters) - Gas <img src=x onerror=alert(3)> traders \
     said \"onerror=alert(4) and </textarea><script>alert(5)</script> were seen.";

/// Wire stories over several months, by several authors and places, with one copy.
fn wire() -> Archive {
    let a = Archive::new();
    let places = ["LONDON (Reuters)", "TOKYO (Kyodo)", "NEW YORK (Reuters)"];
    let authors = ["Ann Lee", "Bob Stone", "Cy Young"];
    for i in 0..24 {
        let month = ["January", "February", "March", "April"][i % 4];
        a.article(
            &format!("wire/{i:02}.txt"),
            &format!("Oil prices story {i}"),
            authors[i % 3],
            &format!("{} {month} 1987", 1 + i % 27),
            &format!(
                "{} - Crude oil prices moved in session {i} as traders weighed supply. \
                 Analysts expect quotas to hold number{i}.",
                places[i % 3]
            ),
        );
    }
    let copy = "WASHINGTON (Reuters) - The cocoa council met today and agreed a new buffer \
                stock price for cocoa beans, delegates said after a long session of talks.";
    a.article(
        "cocoa/a.txt",
        "Cocoa council agrees price",
        "Dee Ray",
        "2 March 1987",
        copy,
    );
    a.article(
        "cocoa/b.txt",
        "Cocoa pact agreed",
        "Dee Ray",
        "3 March 1987",
        copy,
    );
    a.article(
        "hostile.txt",
        HOSTILE_TITLE,
        "Eve <b>Bad</b>",
        "5 March 1987",
        HOSTILE_BODY,
    );
    a.index_json(&[]);
    a
}

/// A JSON object without the fields that differ from run to run.
fn steady(mut v: Value) -> Value {
    if let Some(o) = v.as_object_mut() {
        o.remove("elapsed_ms");
    }
    v
}

fn first_id(s: &Server, q: &str) -> String {
    s.json(&format!("/api/search?q={}", enc(q)))["hits"][0]["id"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn prints_its_url_and_answers_healthz_with_safety_headers() {
    let a = wire();
    let s = Server::start(&a, &[]);
    let r = s.get("/healthz");
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["articles"], 27);
    for path in ["/healthz", "/", "/api/search?q=oil", "/nowhere"] {
        let r = s.get(path);
        let csp = r.header("content-security-policy").unwrap_or_default();
        assert!(csp.contains("script-src 'self'"), "{path}: {csp}");
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
        assert_eq!(
            r.header("x-content-type-options"),
            Some("nosniff"),
            "{path}"
        );
    }
    let js = s.get("/static/app.js");
    assert_eq!(js.status, 200);
    assert!(js.content_type.starts_with("text/javascript"));
    assert!(js.body.contains("focus"));
    assert!(s
        .get("/static/app.css")
        .content_type
        .starts_with("text/css"));
}

#[test]
fn api_search_returns_the_cli_json_object() {
    let a = wire();
    let s = Server::start(&a, &[]);
    let cases: [(&str, &[&str]); 4] = [
        ("q=oil+prices", &[]),
        (
            "q=oil&limit=5&offset=5&sort=newest&facets&timeline",
            &[
                "--limit",
                "5",
                "--offset",
                "5",
                "--sort",
                "newest",
                "--facets",
                "--timeline",
            ],
        ),
        (
            "q=crude&author=Ann+Lee&author=Bob+Stone&from=1987-02&to=1987-03&place=london",
            &[
                "--author",
                "Ann Lee",
                "--author",
                "Bob Stone",
                "--from",
                "1987-02",
                "--to",
                "1987-03",
                "--place",
                "london",
            ],
        ),
        (
            "q=cocoa&all_copies=true&snippet_chars=0",
            &["--all-copies", "--snippet-chars", "0"],
        ),
    ];
    for (params, flags) in cases {
        let api = s.json(&format!("/api/search?{params}"));
        let q = params
            .split('&')
            .next()
            .unwrap()
            .trim_start_matches("q=")
            .replace('+', " ");
        let cli = a.search(&q, flags);
        assert!(cli["total_hits"].as_u64().unwrap() > 0, "{params}");
        assert_eq!(steady(api), steady(cli), "{params}");
    }
}

#[test]
fn repeated_searches_give_the_same_answers_with_or_without_the_answer_cache() {
    let a = wire();
    let cached = Server::start(&a, &[]);
    let uncached = Server::start(&a, &["--cache-mb", "0"]);
    for params in [
        "q=oil+prices&facets&timeline",
        "q=oil&limit=5&offset=5&sort=newest",
        "q=oil&limit=5&offset=0&sort=newest",
        "q=cocoa&snippet_chars=0",
    ] {
        let url = format!("/api/search?{params}");
        let first = steady(cached.json(&url));
        assert!(first["total_hits"].as_u64().unwrap() > 0, "{params}");
        // The second is answered from the cache: the same object, and a page of its own.
        assert_eq!(steady(cached.json(&url)), first, "{params}");
        assert_eq!(steady(uncached.json(&url)), first, "{params}");
    }
    // Pages show their time, so compare their results only.
    let results = |body: String| {
        let start = body.find("<ol id=\"results\"").expect("a results list");
        let end = start + body[start..].find("</ol>").unwrap();
        body[start..end].to_string()
    };
    let page = results(cached.get("/?q=oil&page=2").body);
    assert_eq!(results(cached.get("/?q=oil&page=2").body), page);
    assert_eq!(results(uncached.get("/?q=oil&page=2").body), page);
    assert_ne!(results(cached.get("/?q=oil").body), page);
}

#[test]
fn api_timeline_facets_article_and_similar_return_the_cli_objects() {
    let a = wire();
    let s = Server::start(&a, &[]);
    let r = s.get("/api/timeline?q=oil&by=month&from=1987-01");
    // Byte for byte, keys in the CLI's order too.
    let cli = a.stdout(&[
        "timeline", "oil", "--by", "month", "--from", "1987-01", "--json",
    ]);
    let without_ms = |s: &str| s[..s.find("\"elapsed_ms\"").unwrap()].to_string();
    assert_eq!(without_ms(&r.body), without_ms(&cli));
    let t = r.json();
    assert_eq!(t["by"], "month");
    assert_eq!(
        steady(t),
        steady(a.run_json(&["timeline", "oil", "--by", "month", "--from", "1987-01", "--json"]))
    );
    let f = s.json("/api/facets?q=oil&limit=2");
    assert_eq!(f["facets"]["authors"].as_array().unwrap().len(), 2);
    assert_eq!(f, a.run_json(&["facets", "oil", "--limit", "2", "--json"]));

    let id = first_id(&s, "cocoa council");
    let shown = s.json(&format!("/api/article/{id}"));
    assert_eq!(shown["id"], id.as_str());
    assert_eq!(shown, a.run_json(&["show", &id, "--json"]));
    let marked = s.json(&format!("/api/article/{id}?q=cocoa"));
    assert!(marked["body_html"]
        .as_str()
        .unwrap()
        .contains("<b>cocoa</b>"));
    assert_eq!(
        marked,
        a.run_json(&["show", &id, "--json", "--highlight", "cocoa"])
    );
    let id = first_id(&s, "session 3");
    let similar = s.json(&format!("/api/similar/{id}?limit=3"));
    assert!(!similar["hits"].as_array().unwrap().is_empty());
    assert_eq!(
        steady(similar),
        steady(a.run_json(&["similar", &id, "--limit", "3", "--json"]))
    );
}

#[test]
fn api_timeline_and_facets_take_repeated_q_and_label_as_the_cli_takes_several_queries() {
    let a = wire();
    let s = Server::start(&a, &[]);
    let r = s.get("/api/timeline?q=oil&q=cocoa&label=Oil&label=Cocoa&by=month&author=Dee+Ray");
    // Byte for byte, keys in the CLI's order too.
    let cli = a.stdout(&[
        "timeline", "oil", "cocoa", "--label", "Oil", "--label", "Cocoa", "--by", "month",
        "--author", "Dee Ray", "--json",
    ]);
    let without_ms = |s: &str| s[..s.find("\"elapsed_ms\"").unwrap()].to_string();
    assert_eq!(without_ms(&r.body), without_ms(&cli));
    let t = r.json();
    assert_eq!(t["series"][1]["label"], "Cocoa");
    assert_eq!(t["series"][1]["total"], 2);
    // Dee Ray wrote the two cocoa stories and nothing else: all her March is cocoa.
    let march = &t["series"][1]["periods"][0];
    assert_eq!(
        (&march["count"], &march["all"], &march["share"]),
        (&2.into(), &2.into(), &1.0.into())
    );
    // A blank q (an empty box of a form) is left out with its label; one q keeps its shape.
    let one = s.json("/api/timeline?q=oil&label=Oil&q=&label=&by=month");
    assert_eq!(one["query"], "oil");
    assert!(one["periods"][0]["share"].is_number());
    let f = s.get("/api/facets?q=oil&q=cocoa&limit=2");
    assert_eq!(f.status, 200, "{}", f.body);
    assert_eq!(
        f.body.trim_end(),
        a.stdout(&["facets", "oil", "cocoa", "--limit", "2", "--json"])
            .trim_end()
    );
    assert_eq!(f.json()["series"][0]["label"], "oil");
    let split = s.json("/api/timeline?q=oil&split=place&top=2");
    assert_eq!(split["split"], "place");
    assert_eq!(split["series"].as_array().unwrap().len(), 3);
    for (path, status, fix) in [
        (
            "/api/timeline?q=oil&q=cocoa&label=Oil",
            400,
            "1 label for 2 queries: give one label per q",
        ),
        ("/api/facets?q=oil&q=%28cocoa", 400, "query 2 ('(cocoa'): "),
        (
            "/api/timeline?q=oil&q=cocoa&split=place",
            400,
            "split takes one q",
        ),
        (
            "/api/timeline?q=oil&split=outlet",
            400,
            "source, place, author or collection",
        ),
        ("/api/timeline?q=oil&split=place&top=0", 400, "give 1 to 50"),
    ] {
        let r = s.get(path);
        assert_eq!(r.status, status, "{path}: {}", r.body);
        let message = r.json()["error"].as_str().unwrap_or_default().to_string();
        assert!(message.contains(fix), "{path}: {message}");
    }
}

#[test]
fn export_streams_every_match_as_the_cli_writes_it() {
    let a = wire();
    let s = Server::start(&a, &[]);
    for format in ["csv", "jsonl"] {
        let r = s.get(&format!("/api/export?format={format}&q=oil&sort=oldest"));
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(r
            .header("content-disposition")
            .unwrap()
            .contains("attachment"));
        let cli = a.stdout(&["search", "oil", "--sort", "oldest", "--format", format]);
        assert_eq!(r.body, cli, "{format}");
        // Every match, not one page.
        assert!(r.body.lines().count() >= 24, "{format}");
    }
    assert!(s
        .get("/api/export?format=csv&q=oil")
        .content_type
        .starts_with("text/csv"));
}

#[test]
fn export_names_the_file_after_the_query() {
    let a = wire();
    let s = Server::start(&a, &[]);
    for (query, name) in [
        ("q=crude+oil&format=csv", "dateline-crude-oil.csv"),
        (
            "q=title%3A%22Oil+%C3%9Cber%22&format=jsonl",
            "dateline-title-oil-über.jsonl",
        ),
        ("q=*&format=ris", "dateline-all.ris"),
    ] {
        let r = s.get(&format!("/api/export?{query}"));
        assert_eq!(r.status, 200, "{}", r.body);
        let disposition = r.header("content-disposition").unwrap();
        let ascii: String = name
            .chars()
            .map(|c| if c.is_ascii() { c } else { '_' })
            .collect();
        assert!(
            disposition.contains(&format!("filename=\"{ascii}\"")),
            "{disposition}"
        );
        let encoded: String = form_urlencoded::byte_serialize(name.as_bytes()).collect();
        assert!(
            disposition.contains(&format!("filename*=UTF-8''{encoded}")),
            "{disposition}"
        );
    }
}

#[test]
fn export_with_bom_starts_the_csv_with_a_byte_order_mark() {
    let a = wire();
    let s = Server::start(&a, &[]);
    let plain = s.get("/api/export?format=csv&q=oil").body;
    let r = s.get("/api/export?format=csv&q=oil&bom=1");
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body, format!("\u{feff}{plain}"));
    assert_eq!(
        r.body,
        a.stdout(&["search", "oil", "--format", "csv", "--bom"])
    );
    let r = s.get("/api/export?format=jsonl&q=oil&bom=1");
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.json()["error"]
        .as_str()
        .unwrap()
        .contains("export as csv"));
    // The results page offers it beside the plain CSV.
    let page = s.page("/?q=crude+oil");
    let link = "<a id=\"export-csv-excel\" href=\"/api/export?format=csv&amp;q=crude+oil&amp;bom=1\" download>CSV for Excel</a>";
    assert!(page.contains(link), "{page}");
}

#[test]
fn export_writes_citations_with_their_media_types() {
    let a = wire();
    let s = Server::start(&a, &[]);
    for (format, kind, name) in [
        (
            "ris",
            "application/x-research-info-systems",
            "dateline-oil.ris",
        ),
        (
            "csljson",
            "application/vnd.citationstyles.csl+json",
            "dateline-oil.json",
        ),
    ] {
        let r = s.get(&format!("/api/export?format={format}&q=oil&sort=oldest"));
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.content_type, kind);
        assert!(r.header("content-disposition").unwrap().contains(name));
        let cli = a.stdout(&["search", "oil", "--sort", "oldest", "--format", format]);
        assert_eq!(r.body, cli, "{format}");
        let r = s.get(&format!("/api/export?format={format}&q=oil&partial=1"));
        assert_eq!(r.status, 400, "{}", r.body);
        assert!(r.json()["error"].as_str().unwrap().contains("csv or jsonl"));
    }
    // The results page links them beside the other exports.
    let page = s.page("/?q=crude+oil&sort=oldest");
    for link in [
        "<a id=\"export-ris\" href=\"/api/export?format=ris&amp;q=crude+oil&amp;sort=oldest\" download>RIS</a>",
        "<a id=\"export-csljson\" href=\"/api/export?format=csljson&amp;q=crude+oil&amp;sort=oldest\" download>CSL-JSON</a>",
    ] {
        assert!(page.contains(link), "{link}");
    }
}

#[test]
fn export_takes_kwic_counts_and_a_sample_as_the_cli_does() {
    let a = wire();
    let s = Server::start(&a, &[]);
    let path = format!(
        "/api/export?format=csv&q=oil&kwic&count={}&count={}&sample=5&seed=11",
        enc("crude=crude oil"),
        enc("q=\"expect quotas\""),
    );
    let r = s.get(&path);
    assert_eq!(r.status, 200, "{}", r.body);
    let cli = a.stdout(&[
        "search",
        "oil",
        "--format",
        "csv",
        "--kwic",
        "--count",
        "crude=crude oil",
        "--count",
        "q=\"expect quotas\"",
        "--sample",
        "5",
        "--seed",
        "11",
    ]);
    assert_eq!(r.body, cli);
    assert!(
        cli.lines()
            .next()
            .unwrap()
            .ends_with(",kwic,count:crude,count:q"),
        "{cli}"
    );
    assert_eq!(cli.lines().count(), 6, "{cli}");
}

#[test]
fn export_refuses_bad_counts_and_samples_before_the_body_starts() {
    let a = wire();
    let s = Server::start(&a, &[]);
    let eleven: String = (0..11)
        .map(|i| format!("count=c{i}%3Doil"))
        .collect::<Vec<_>>()
        .join("&");
    for (query, fix) in [
        ("count=oil", "LABEL=QUERY"),
        ("count=c%3Doil&count=c%3Dgas", "given twice"),
        ("count=c%3D%22oil", "count 'c'"),
        ("sample=3", "seed"),
        ("seed=3", "sample"),
        ("sample=0&seed=3", "sample"),
        ("sample=3&seed=3&partial", "partial"),
        (&eleven, "at most 10"),
    ] {
        let r = s.get(&format!("/api/export?format=csv&q=oil&{query}"));
        assert_eq!(r.status, 400, "{query}: {}", r.body);
        let message = r.json()["error"].as_str().unwrap_or_default().to_string();
        assert!(message.contains(fix), "{query}: {message}");
        assert!(!message.contains('\n'), "{query}: one line");
    }
}

#[test]
fn api_answers_name_an_article_by_the_same_fields() {
    // As every CLI output does (tests/search.rs): search and similar hits, the article, and
    // the export's rows, each with the place and source of its dateline.
    let a = wire();
    let s = Server::start(&a, &[]);
    let search = s.json("/api/search?q=cocoa&limit=1");
    let hit = search["hits"][0].clone();
    let id = hit["id"].as_str().unwrap();
    let export = s.get("/api/export?format=jsonl&q=cocoa");
    let row: Value = serde_json::from_str(export.body.lines().next().unwrap()).unwrap();
    let answers = [
        ("/api/search hit", hit.clone()),
        ("/api/article", s.json(&format!("/api/article/{id}"))),
        ("/api/export row", row),
        (
            "/api/similar hit",
            s.json(&format!("/api/similar/{}", first_id(&s, "story 3")))["hits"][0].clone(),
        ),
    ];
    for (name, article) in &answers {
        for field in [
            "id", "title", "authors", "date", "place", "source", "url", "path", "member", "line",
            "record",
        ] {
            assert!(
                article.get(field).is_some(),
                "{name} has no {field}: {article}"
            );
        }
    }
    assert_eq!(hit["place"], "WASHINGTON", "{hit}");
    assert_eq!(hit["source"], "Reuters", "{hit}");
}

#[test]
fn bad_requests_are_json_errors_with_400_or_404() {
    let a = wire();
    let s = Server::start(&a, &[]);
    let cases = [
        ("/api/search", 400, "q="),
        ("/api/search?q=", 400, "q="),
        ("/api/search?q=oil&from=March", 400, "YYYY"),
        ("/api/search?q=oil&from=1988&to=1987", 400, "swap"),
        (
            "/api/search?q=cocoa+date:%5B1987-04+TO+1987-03%5D",
            400,
            "date",
        ),
        ("/api/search?q=oil+w%2F0+prices", 400, "w/0"),
        ("/api/search?q=oil&sort=best", 400, "newest"),
        ("/api/search?q=oil&limit=ten", 400, "whole number"),
        ("/api/search?q=oil&offset=-1", 400, "whole number"),
        ("/api/search?q=oil&facets=maybe", 400, "facets=true"),
        ("/api/timeline?q=oil&by=fortnight", 400, "month"),
        ("/api/timeline", 400, "q="),
        ("/api/facets?q=oil&limit=1000", 400, "100"),
        ("/api/export?q=oil", 400, "format=csv"),
        ("/api/export?q=oil&format=xlsx", 400, "format=csv"),
        ("/api/article/AAAAAAAAAAA", 404, "id"),
        ("/api/article/..%2F..%2Fetc%2Fpasswd", 404, "id"),
        ("/api/article/wire%2F00.txt", 404, "id"),
        ("/api/similar/AAAAAAAAAAA", 404, "id"),
        ("/api/nothing", 404, "/api/search"),
    ];
    for (path, status, fix) in cases {
        let r = s.get(path);
        assert_eq!(r.status, status, "{path}: {}", r.body);
        assert!(r.content_type.starts_with("application/json"), "{path}");
        let message = r.json()["error"].as_str().unwrap_or_default().to_string();
        assert!(message.contains(fix), "{path}: {message}");
        assert!(!message.contains('\n'), "{path}: one line");
    }
}

#[test]
fn caps_on_limit_offset_and_query_length() {
    let a = wire();
    let s = Server::start(&a, &[]);
    assert_eq!(
        s.json("/api/search?q=oil&limit=100")["hits"]
            .as_array()
            .unwrap()
            .len(),
        24
    );
    assert_eq!(s.get("/api/search?q=oil&limit=101").status, 400);
    assert_eq!(
        s.json("/api/search?q=oil&offset=10000")["hits"],
        serde_json::json!([])
    );
    let r = s.get("/api/search?q=oil&offset=10001");
    assert_eq!(r.status, 400);
    assert!(r.json()["error"].as_str().unwrap().contains("10000"));
    // The one limit the CLI takes too (tests/hostile_queries.rs).
    let long = "oil ".repeat(500);
    assert_eq!(long.len(), 2000);
    assert_eq!(s.get(&format!("/api/search?q={}", enc(&long))).status, 200);
    let r = s.get(&format!("/api/search?q={}x", enc(&long)));
    assert_eq!(r.status, 400);
    assert!(r.json()["error"].as_str().unwrap().contains("2000"));
    // The page takes the same caps.
    assert_eq!(s.get(&format!("/?q={}x", enc(&long))).status, 400);
    assert_eq!(s.get("/?q=oil&page=1002").status, 400);
}

#[test]
fn hostile_article_text_is_escaped_on_pages_and_kept_as_text_in_json() {
    let a = wire();
    let s = Server::start(&a, &[]);
    let hostile_bits = [
        "<script>",
        "</textarea>",
        "\"onerror=",
        "<img",
        "<b>Bad</b>",
    ];
    let page = s.page("/?q=traders+onerror+textarea+alert");
    assert!(page.contains("data-id="), "the hostile article is listed");
    let id = first_id(&s, "traders onerror");
    let article = s.page(&format!("/article/{id}?q=traders"));
    for html in [&page, &article] {
        for bit in hostile_bits {
            assert!(!html.contains(bit), "{bit} reached the page raw");
        }
        assert!(html.contains("&lt;script&gt;"));
        // Our own markup around it is intact: the only script is the page's file.
        assert_eq!(html.matches("<script").count(), 1);
        assert!(html.contains("<script src=\"/static/app.js\""));
    }
    assert!(article.contains("&lt;/textarea&gt;&lt;script&gt;alert(5)"));
    assert!(article.contains("<mark>traders</mark>"));
    // JSON keeps the text as it is, and its HTML forms escaped.
    let hit = &s.json("/api/search?q=traders+onerror")["hits"][0];
    assert_eq!(hit["title"], HOSTILE_TITLE);
    let title_html = hit["title_html"].as_str().unwrap();
    assert!(title_html.contains("&lt;script&gt;") && !title_html.contains("<script"));
    let shown = s.json(&format!("/api/article/{id}?q=traders"));
    assert!(shown["body"]
        .as_str()
        .unwrap()
        .contains("</textarea><script>alert(5)"));
    let body_html = shown["body_html"].as_str().unwrap();
    assert!(!body_html.contains("<script") && !body_html.contains("<img"));
}

/// The attribute value of the first `attr="..."` after `marker` in `html`.
fn attr_after<'h>(html: &'h str, marker: &str, attr: &str) -> &'h str {
    let at = html.find(marker).unwrap_or_else(|| panic!("no {marker}"));
    let rest = &html[at..];
    let start = rest.find(&format!("{attr}=\"")).unwrap() + attr.len() + 2;
    let end = start + rest[start..].find('"').unwrap();
    &rest[start..end]
}

/// An href as the page writes it, ready to request.
fn unescape(href: &str) -> String {
    href.replace("&amp;", "&")
}

#[test]
fn search_page_has_results_facets_timeline_pages_and_exports() {
    let a = wire();
    let s = Server::start(&a, &[]);
    let landing = s.page("/");
    for part in [
        "<form id=\"search\" action=\"/\" method=\"get\"",
        "<label for=\"q\">",
        "<input id=\"q\" name=\"q\" type=\"search\"",
    ] {
        assert!(landing.contains(part), "{part}");
    }
    let page = s.page("/?q=crude+oil");
    for part in [
        "<p id=\"summary\">24 articles",
        "name=\"from\" type=\"date\"",
        "name=\"to\" type=\"date\"",
        "<select id=\"sort\" name=\"sort\">",
        "<ol id=\"results\"",
        "<li class=\"hit\" data-id=\"",
        "<a class=\"title\" href=\"/article/",
        "<mark>Oil</mark>",
        "<p class=\"snippet\">",
        "<span class=\"date\">1987-",
        "<span class=\"authors\">",
        "<span class=\"place\">",
        "<span class=\"source\">",
        "<code class=\"id\">",
        "<nav class=\"pages\"",
        "rel=\"next\"",
        "<aside id=\"facets\"",
        "<section class=\"facet\" data-field=\"authors\"",
        "<section class=\"facet\" data-field=\"places\"",
        "<section class=\"facet\" data-field=\"sources\"",
        "<svg id=\"timeline\" role=\"img\"",
        "<a class=\"bar\" href=\"/?q=crude+oil&amp;from=1987-",
        "<a id=\"export-csv\" href=\"/api/export?format=csv&amp;q=crude+oil",
        "<a id=\"export-jsonl\" href=\"/api/export?format=jsonl&amp;q=crude+oil",
    ] {
        assert!(page.contains(part), "{part} missing: {page}");
    }
    assert!(!page.contains("rel=\"prev\""));
    // Page 2 leads back.
    let next = unescape(attr_after(&page, "rel=\"next\"", "href"));
    let page2 = s.page(&next);
    assert!(page2.contains("rel=\"prev\"") && page2.contains("start=\"11\""));

    // A facet narrows the search, and its remove link widens it again.
    let facet = unescape(attr_after(&page, "data-field=\"authors\"", "href"));
    assert!(facet.contains("author="), "{facet}");
    let narrowed = s.page(&facet);
    assert!(
        narrowed.contains("<p id=\"summary\">8 articles"),
        "{narrowed}"
    );
    assert!(narrowed.contains("<input type=\"hidden\" name=\"author\""));
    let remove = unescape(attr_after(&narrowed, "class=\"remove-filter\"", "href"));
    assert!(s.page(&remove).contains("<p id=\"summary\">24 articles"));

    // A bar narrows the dates to its period.
    let bar = unescape(attr_after(&page, "class=\"bar\"", "href"));
    let in_period = s.page(&bar);
    assert!(in_period.contains("class=\"remove-filter\""));
    assert!(!in_period.contains("<p id=\"summary\">24 articles"));

    // Copies fold under the earliest, with a count.
    let cocoa = s.page("/?q=cocoa");
    assert!(
        cocoa.contains("<span class=\"copies\">+1 copy</span>"),
        "{cocoa}"
    );
    // Sorted pages keep their order in every link.
    assert!(s
        .page("/?q=oil&sort=oldest")
        .contains("<option value=\"oldest\" selected>"));
}

#[test]
fn a_search_with_no_matches_shows_no_empty_facet_boxes() {
    let a = wire();
    let s = Server::start(&a, &[]);
    let page = s.page("/?q=zanzibar");
    assert!(page.contains("Nothing matches"), "{page}");
    assert!(!page.contains("None named"), "{page}");
    assert!(!page.contains("<aside id=\"facets\""), "{page}");
    // A search with matches keeps its boxes.
    assert!(s.page("/?q=oil").contains("<aside id=\"facets\""));
}

#[test]
fn the_desk_draws_each_query_and_its_panels_download_as_guarded_csv() {
    let a = wire();
    let s = Server::start(&a, &[]);
    // One click from a search: its query and filters come along, a row waits for the next.
    let page = s.page("/?q=crude+oil&author=Ann+Lee");
    let href = unescape(attr_after(&page, "id=\"compare\"", "href"));
    assert_eq!(
        href,
        "/compare?q=crude+oil&label=&scale=share&author=Ann+Lee&add=1"
    );
    let desk = s.page(&href);
    assert_eq!(desk.matches("<li class=\"query-row c").count(), 2);

    let state = "q=oil&label=Oil&q=cocoa&label=%3Dcmd()&scale=count&by=month";
    let desk = s.page(&format!("/compare?{state}"));
    for part in [
        "<form id=\"desk\" action=\"/compare\" method=\"get\">",
        "<strong class=\"name\">Oil</strong>",
        "<strong class=\"name\">=cmd()</strong>",
        "<rect class=\"fill c0\"",
        "<rect class=\"fill c1\"",
        "<div class=\"facet-col\" data-i=\"1\"><h4><span class=\"swatch c1\"",
        "data-terms=\"/api/terms?q=cocoa&amp;limit=15\"",
        "id=\"csv-timeline\" href=\"/compare/timeline.csv?",
    ] {
        assert!(desk.contains(part), "{part}");
    }

    let csv = s.get(&format!("/compare/timeline.csv?{state}"));
    assert_eq!(csv.status, 200, "{}", csv.body);
    assert!(csv.content_type.starts_with("text/csv"));
    assert!(csv
        .header("content-disposition")
        .unwrap_or_default()
        .starts_with("attachment"));
    let rows: Vec<&str> = csv.body.lines().collect();
    assert_eq!(rows[0], "label,query,by,start,count,all,share");
    assert!(
        rows.contains(&"Oil,oil,month,1987-01-01,6,6,1"),
        "{}",
        csv.body
    );
    // A label a spreadsheet would run is written as text.
    assert!(
        rows.iter()
            .any(|r| r.starts_with("'=cmd(),cocoa,month,1987-03-01,2,")),
        "{}",
        csv.body
    );
    let facets = s.get(&format!("/compare/facets.csv?{state}"));
    assert_eq!(facets.status, 200, "{}", facets.body);
    assert!(facets.body.starts_with("label,query,facet,value,count\n"));
    assert!(
        facets.body.contains("\n'=cmd(),cocoa,authors,Dee Ray,2\n"),
        "{}",
        facets.body
    );
    assert!(
        facets.body.contains("\nOil,oil,authors,Ann Lee,8\n"),
        "{}",
        facets.body
    );

    // Distinctive words against the other queries' matches: /api/terms' versus.
    let desk = s.page(&format!("/compare?{state}&against=others"));
    assert!(
        desk.contains("data-terms=\"/api/terms?q=oil&amp;versus=%28cocoa%29&amp;limit=15\""),
        "{desk}"
    );
    let words = s.get(&format!("/compare/words.csv?{state}&against=others"));
    assert_eq!(words.status, 200, "{}", words.body);
    assert!(words.body.contains("\nOil,oil,frequent,"), "{}", words.body);

    // The articles with only some of the words come after a divider, as on the search page.
    let desk = s.page("/compare?q=oil+prices&q=cocoa+prices&hits=1");
    assert!(
        desk.contains(
            "<strong>cocoa prices</strong>: 1 story with all the words, 24 more with some"
        ),
        "{desk}"
    );
    assert!(desk.contains("<li class=\"partial-divider\""), "{desk}");
}

#[test]
fn the_desk_says_what_a_date_filter_leaves_out_and_offers_the_undated_only() {
    let a = Archive::new();
    let lines = [
        serde_json::json!({"title": "Cocoa climbs", "date": "2017-03-01", "body": "Cocoa prices climbed."}),
        serde_json::json!({"title": "Cocoa slips", "date": "2017-06-01", "body": "Cocoa prices slipped."}),
        serde_json::json!({"title": "Cocoa, some day", "body": "Cocoa growers met, no one says when."}),
    ];
    let text: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    a.write("wire.jsonl", text.join("\n") + "\n");
    a.index_json(&[]);
    let s = Server::start(&a, &[]);
    let desk = s.page("/compare?q=cocoa&q=coffee&from=2017-01-01&to=2017-12-31");
    assert!(
        desk.contains("1 matching article has no date and is left out by the date filter"),
        "{desk}"
    );
    let href = unescape(attr_after(&desk, "id=\"undated-left-out\"", "href"));
    assert_eq!(
        href,
        "/compare?q=cocoa&label=&q=coffee&label=&scale=share&undated=1"
    );
    let undated = s.page(&href);
    assert!(
        undated.contains(
            "<input id=\"undated\" name=\"undated\" type=\"checkbox\" value=\"1\" checked>"
        ),
        "the box is ticked"
    );
    assert!(undated.contains("Undated only: these articles have no place over time"));
    assert!(undated.contains("</mark>, some day</a>"), "{undated}");
    assert!(!undated.contains(" climbs</a>"));
}

#[test]
fn the_desk_refuses_a_sixth_query_and_a_bad_scale_with_the_fix() {
    let a = wire();
    let s = Server::start(&a, &[]);
    let six = (0..6)
        .map(|i| format!("q=w{i}"))
        .collect::<Vec<_>>()
        .join("&");
    let r = s.get(&format!("/compare?{six}"));
    assert_eq!(r.status, 400);
    assert!(
        r.body
            .contains("6 queries: compare at most 5 at once; remove one"),
        "{}",
        r.body
    );
    assert!(
        r.body.contains("value=\"w4\""),
        "the queries stay in the form"
    );
    let r = s.get("/compare/timeline.csv?q=oil&scale=log");
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["error"], "invalid scale 'log': use share or count");
    let r = s.get("/compare/facets.csv");
    assert_eq!(r.status, 400);
}

#[test]
fn search_page_and_api_show_the_suggestions_results_when_nothing_is_found() {
    let a = Archive::new();
    for i in 0..3 {
        a.article(
            &format!("c{i}.txt"),
            &format!("Cocoa prices {i}"),
            "",
            "2017-03-01",
            "Cocoa rose in London.",
        );
    }
    a.index_json(&[]);
    let s = Server::start(&a, &[]);
    let page = s.page("/?q=cocao");
    assert!(
        page.contains("No results for cocao; showing results for "),
        "{page}"
    );
    let href = unescape(attr_after(&page, "id=\"suggestion\"", "href"));
    assert_eq!(href, "/?q=cocoa");
    let api = s.json("/api/search?q=cocao");
    assert_eq!(api["showing_suggestion"], true, "{api}");
    assert_eq!(api["suggestion"], "cocoa", "{api}");
    assert!(api["total_hits"].as_u64().is_some_and(|n| n >= 3), "{api}");
}

#[test]
fn search_page_suggests_and_reports_bad_queries_with_400() {
    let a = wire();
    let s = Server::start(&a, &[]);
    let page = s.page("/?q=cocao");
    let href = unescape(attr_after(&page, "id=\"suggestion\"", "href"));
    assert_eq!(href, "/?q=cocoa");
    let r = s.get("/?q=cocoa+date:%5B1987-04+TO+1987-03%5D");
    assert_eq!(r.status, 400);
    assert!(r.content_type.starts_with("text/html"));
    assert!(r.body.contains("<p class=\"error\""), "{}", r.body);
    // The form keeps the query for fixing.
    assert!(r.body.contains("value=\"cocoa date:[1987-04 TO 1987-03]\""));
    let r = s.get("/?q=oil&from=March");
    assert_eq!(r.status, 400);
    assert!(r.body.contains("<p class=\"error\"") && r.body.contains("value=\"oil\""));
    let r = s.get("/no/such/page");
    assert_eq!(r.status, 404);
    assert!(r.content_type.starts_with("text/html"));
}

#[test]
fn article_page_shows_text_metadata_copies_and_similar_articles() {
    let a = wire();
    let s = Server::start(&a, &[]);
    let page = s.page("/?q=cocoa+council");
    let href = unescape(attr_after(&page, "class=\"title\"", "href"));
    assert!(
        href.starts_with("/article/") && href.contains("?q=cocoa+council"),
        "{href}"
    );
    let article = s.page(&href);
    for part in [
        "<article id=\"article\">",
        "<h1>",
        "<dl class=\"meta\">",
        "<div class=\"body\"><p>",
        "<mark>cocoa</mark>",
        "Dee Ray",
        "WASHINGTON",
        "<section id=\"copies\">",
        "<section id=\"similar\">",
    ] {
        assert!(article.contains(part), "{part} missing");
    }
    let back = unescape(attr_after(&article, "id=\"back\"", "href"));
    assert_eq!(back, "/?q=cocoa+council");
    // The copy is listed, and links to its own page.
    let copies =
        &article[article.find("id=\"copies\"").unwrap()..article.find("id=\"similar\"").unwrap()];
    let copy = unescape(attr_after(copies, "<li", "href"));
    assert!(copy.starts_with("/article/"));
    assert!(s.page(&copy).contains("Cocoa"));
    let similar = &article[article.find("id=\"similar\"").unwrap()..];
    assert!(similar.contains("href=\"/article/"));
    let r = s.get("/article/AAAAAAAAAAA");
    assert_eq!(r.status, 404);
    assert!(r.content_type.starts_with("text/html"));
    assert_eq!(s.get("/article/..%2Fetc%2Fpasswd").status, 404);
}

#[test]
fn start_page_names_its_collections_their_dates_and_an_example_from_them() {
    let a = wire();
    let bbc = a.root().join("bbc/tech");
    std::fs::create_dir_all(&bbc).unwrap();
    std::fs::write(
        bbc.join("001.txt"),
        "Chips sell well\n\nChip makers sold more chips.\n",
    )
    .unwrap();
    a.cmd()
        .args(["index", "--index"])
        .arg(a.index())
        .arg(a.articles())
        .arg(a.root().join("bbc"))
        .assert()
        .success();
    let s = Server::start(&a, &[]);
    let page = s.page("/");
    let list = between(&page, "<ul id=\"collections\"", "</ul>");
    assert!(
        list.contains(">articles</a>: 27 articles, <span class=\"dates\">1 January 1987 to 24 April 1987</span>"),
        "{list}"
    );
    assert!(list.contains(">bbc</a>: 1 article, undated"), "{list}");
    assert!(list.contains("href=\"/?q=&amp;collection=bbc\""), "{list}");
    // The placeholder is a query this archive answers: words of its newest article's title.
    let placeholder = unescape(attr_after(&page, "id=\"q\"", "placeholder"));
    assert_eq!(placeholder, "e.g. prices story");
    assert!(!a.titles("prices story", &[]).is_empty());
}

#[test]
fn port_listens_on_the_loopback_address() {
    let a = Archive::new();
    a.article(
        "a.txt",
        "Gold mine strike ends",
        "Jo Park",
        "17 March 2017",
        "Miners went back.",
    );
    a.index_json(&[]);
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("dateline"))
        .args(["serve", "--port", "0", "--index"])
        .arg(a.index())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(line.starts_with("http://127.0.0.1:"), "{line}");
    assert!(!line.starts_with("http://127.0.0.1:0/"), "{line}");
    a.run(&["serve", "--port", "8000", "--addr", "127.0.0.1:9000"])
        .code(2)
        .stderr(predicates::str::contains("--port"));
}

#[test]
fn start_page_of_one_article_says_one_article_and_one_day() {
    let a = Archive::new();
    a.article(
        "a.txt",
        "Gold mine strike ends",
        "Jo Park",
        "17 March 2017",
        "Miners went back.",
    );
    a.index_json(&[]);
    let s = Server::start(&a, &[]);
    let page = s.page("/");
    assert!(
        page.contains("<p id=\"summary\">1 article in the archive.</p>"),
        "{page}"
    );
    let list = between(&page, "<ul id=\"collections\"", "</ul>");
    assert!(
        list.contains(": 1 article, <span class=\"dates\">17 March 2017</span>"),
        "{list}"
    );
}

#[test]
fn article_page_gives_its_provenance_without_the_servers_path_and_a_citation() {
    let a = wire();
    let s = Server::start(&a, &[]);
    let page = s.page("/?q=cocoa+council");
    let href = unescape(attr_after(&page, "class=\"title\"", "href"));
    let article = s.page(&href);
    // The file as named within its collection's folder, never where the server keeps it.
    let root = a.articles().display().to_string();
    assert!(!article.contains(&root), "{article}");
    let file = between(&article, "<dd class=\"from\"><code>", "</code>");
    assert!(file == "cocoa/a.txt" || file == "cocoa/b.txt", "{file}");
    assert!(article.contains("<dt>Collection</dt><dd class=\"collection\">articles</dd>"));
    let words: usize = between(&article, "<dd class=\"words\">", "</dd>")
        .parse()
        .unwrap();
    assert!((20..=26).contains(&words), "{words}");
    let id = href
        .trim_start_matches("/article/")
        .split('?')
        .next()
        .unwrap();
    assert!(article.contains(&format!("<code class=\"id\">{id}</code>")));
    // The citation: outlet, headline, byline, date, then the link to this page.
    let citation = between(&article, "<p id=\"citation\">", "</p>");
    assert!(citation.contains("Reuters. “Cocoa"), "{citation}");
    assert!(citation.contains("Dee Ray. 2 March 1987."), "{citation}");
    assert!(
        citation.contains(&format!("<span id=\"citation-link\">/article/{id}</span>")),
        "{citation}"
    );
    assert!(article
        .contains("<button id=\"copy-citation\" type=\"button\" hidden>Copy citation</button>"));
}

/// The text of `page` between the first `start` and the `end` after it.
fn between<'a>(page: &'a str, start: &str, end: &str) -> &'a str {
    let from = page
        .find(start)
        .unwrap_or_else(|| panic!("{start} missing"))
        + start.len();
    let len = page[from..]
        .find(end)
        .unwrap_or_else(|| panic!("{end} missing"));
    &page[from..from + len]
}

#[test]
fn new_commits_show_up_without_a_restart() {
    let a = wire();
    let s = Server::start(&a, &[]);
    assert_eq!(s.json("/api/search?q=zeppelin")["total_hits"], 0);
    a.article(
        "late.txt",
        "Zeppelin lands",
        "Ann Lee",
        "9 April 1987",
        "A zeppelin landed.",
    );
    a.index_json(&[]);
    let started = Instant::now();
    loop {
        let found = s.json("/api/search?q=zeppelin")["total_hits"]
            .as_u64()
            .unwrap();
        if found == 1 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "never reloaded"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(s.json("/healthz")["articles"], 28);
}

/// Sends SIGINT and waits (a while, only against hanging) for a clean exit; its stderr.
#[cfg(unix)]
fn stop_with_sigint(s: &mut Server) -> String {
    let killed = Command::new("kill")
        .args(["-INT", &s.child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let started = Instant::now();
    let status = loop {
        if let Some(status) = s.child.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "still running after SIGINT"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
    let mut err = String::new();
    s.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    err
}

#[cfg(unix)]
#[test]
fn sigint_stops_the_server_cleanly() {
    let a = wire();
    let mut s = Server::start(&a, &[]);
    assert_eq!(s.get("/healthz").status, 200);
    let err = stop_with_sigint(&mut s);
    assert!(err.contains("stopped"), "{err}");
}

#[cfg(unix)]
#[test]
fn sigint_stops_the_server_with_a_silent_connection_open() {
    let a = wire();
    // A header timeout far longer than the test: only the stop itself may close it.
    let mut s = Server::start(&a, &["--header-timeout-ms", "600000"]);
    let silent = TcpStream::connect(s.addr()).unwrap();
    assert_eq!(s.get("/healthz").status, 200);
    let err = stop_with_sigint(&mut s);
    assert!(err.contains("stopped"), "{err}");
    drop(silent);
}

#[test]
fn a_network_address_is_served_with_a_warning() {
    let a = wire();
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("dateline"))
        .current_dir(a.root())
        .args(["serve", "--addr", "0.0.0.0:0", "--index"])
        .arg(a.index())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert!(line.starts_with("http://0.0.0.0:"), "{line}");
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut first = String::new();
    err.read_line(&mut first).unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        first.contains("warning") && first.contains("anyone"),
        "{first}"
    );
}

#[test]
fn a_missing_index_or_taken_port_is_one_line_with_the_fix() {
    let a = wire();
    let s = Server::start(&a, &[]);
    let port = s.url.rsplit(':').next().unwrap().to_string();
    let out = a
        .cmd()
        .args(["serve", "--addr", &format!("127.0.0.1:{port}"), "--index"])
        .arg(a.index())
        .timeout(Duration::from_secs(20))
        .assert()
        .code(2)
        .get_output()
        .clone();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--addr"), "{err}");
    assert!(err.contains("another program"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn an_address_not_on_this_machine_is_told_apart_from_a_taken_port() {
    let a = wire();
    // 192.0.2.0/24 is kept for documentation (RFC 5737): no machine has it.
    let out = a
        .cmd()
        .args(["serve", "--addr", "192.0.2.1:8080", "--index"])
        .arg(a.index())
        .timeout(Duration::from_secs(20))
        .assert()
        .code(2)
        .get_output()
        .clone();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not one of this machine's"), "{err}");
    assert!(
        err.contains("--addr 127.0.0.1:PORT") || err.contains("127.0.0.1:PORT"),
        "{err}"
    );
    assert!(!err.contains("another"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

/// Waits for the server to close `stream`: a read gives end of file, or the connection is
/// reset. Writes `trickle` before each read when given, as a slow client sends its header.
/// What the server sent, or None when it is still open after half a minute (a bound that
/// only guards against hanging).
fn closed_by_server(stream: &mut TcpStream, trickle: &[u8]) -> Option<String> {
    stream
        .set_read_timeout(Some(Duration::from_millis(100)))
        .unwrap();
    let started = Instant::now();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    while started.elapsed() < Duration::from_secs(30) {
        if !trickle.is_empty() && stream.write_all(trickle).is_err() {
            return Some(String::from_utf8_lossy(&got).into_owned());
        }
        match stream.read(&mut buf) {
            Ok(0) => return Some(String::from_utf8_lossy(&got).into_owned()),
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(_) => return Some(String::from_utf8_lossy(&got).into_owned()),
        }
    }
    None
}

#[test]
fn a_connection_that_sends_nothing_is_closed() {
    let a = wire();
    let s = Server::start(&a, &["--header-timeout-ms", "200"]);
    let mut silent = TcpStream::connect(s.addr()).unwrap();
    assert!(
        closed_by_server(&mut silent, b"").is_some(),
        "a silent connection stayed open"
    );
    assert_eq!(s.get("/healthz").status, 200);
}

#[test]
fn a_request_header_sent_slowly_is_cut_off() {
    let a = wire();
    let s = Server::start(&a, &["--header-timeout-ms", "300"]);
    let mut slow = TcpStream::connect(s.addr()).unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    // A line of header at a time, never the blank line that ends it.
    let sent = closed_by_server(&mut slow, b"X-Slow: 1\r\n");
    assert!(
        sent.is_some(),
        "a header that never ends kept its connection"
    );
    assert!(!sent.unwrap().contains("200 OK"));
    assert_eq!(s.get("/healthz").status, 200);
}

#[test]
fn a_keep_alive_connection_left_idle_is_closed() {
    let a = wire();
    let s = Server::start(&a, &["--header-timeout-ms", "200"]);
    let mut idle = TcpStream::connect(s.addr()).unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let sent = closed_by_server(&mut idle, b"");
    let sent = sent.expect("a connection idle after its request stayed open");
    assert!(sent.starts_with("HTTP/1.1 200"), "{sent}");
}

#[cfg(unix)]
#[test]
fn idle_connections_past_the_open_file_limit_leave_room_for_a_search() {
    let a = wire();
    // Idle connections are not timed out during the test: only the room kept for new
    // connections lets the search in.
    let s = Server::start_with_open_files(&a, 128, &["--header-timeout-ms", "600000"]);
    let idle: Vec<TcpStream> = (0..300)
        .map(|_| TcpStream::connect(s.addr()).unwrap())
        .collect();
    let r = s.get("/api/search?q=oil");
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["total_hits"], 24);
    drop(idle);
}

#[test]
fn a_query_that_makes_none_is_a_400_at_every_endpoint_that_takes_one() {
    let a = wire();
    let s = Server::start(&a, &[]);
    let id = first_id(&s, "session 3");
    for (path, fix) in [
        ("/api/search?q=oil+title:*".to_string(), "title:oil"),
        ("/api/timeline?q=oil+date:yesterday".to_string(), "YYYY"),
        (format!("/api/facets?q={}oil", "%28".repeat(40)), "levels"),
        (format!("/api/article/{id}?q=oil+IN+%5Ba+b%5D"), "OR"),
        ("/api/export?q=oil~9&format=csv".to_string(), "~1"),
    ] {
        let r = s.get(&path);
        assert_eq!(r.status, 400, "{path}: {}", r.body);
        let message = r.json()["error"].as_str().unwrap_or_default().to_string();
        assert!(message.contains(fix), "{path}: {message}");
    }
}

#[test]
fn similar_and_facets_read_limit_as_search_does() {
    let a = wire();
    let s = Server::start(&a, &[]);
    let id = first_id(&s, "session 3");
    for path in [
        format!("/api/similar/{id}?limit=101"),
        "/api/facets?q=oil&limit=101".to_string(),
    ] {
        let r = s.get(&path);
        assert_eq!(r.status, 400, "{path}");
        let message = r.json()["error"].as_str().unwrap().to_string();
        assert!(message.contains("100"), "{path}: {message}");
        // Neither pages: offset is search's.
        assert!(!message.contains("offset"), "{path}: {message}");
    }
    // 0 is none, as in /api/search.
    let none = serde_json::json!([]);
    assert_eq!(s.json("/api/search?q=oil&limit=0")["hits"], none);
    assert_eq!(s.json(&format!("/api/similar/{id}?limit=0"))["hits"], none);
    let f = s.json("/api/facets?q=oil&limit=0");
    assert_eq!(f["total_hits"], 24);
    for facet in ["authors", "places", "sources"] {
        assert_eq!(f["facets"][facet], none, "{facet}");
    }
}

#[test]
fn a_snippet_across_paragraphs_shows_spaces_not_escaped_line_breaks() {
    let a = Archive::new();
    a.article(
        "a.txt",
        "Cocoa exporters expected to limit sales",
        "Roger May",
        "8 April 1987",
        "The buffer stock aims to keep prices steady.\n\n\"The world's cocoa price\tis dull,\" one delegate said.",
    );
    a.index_json(&[]);
    let s = Server::start(&a, &[]);
    let page = s.page("/?q=prices+cocoa");
    assert!(page.contains("steady. &quot;The world"), "{page}");
    assert!(page.contains("</mark> is dull"), "{page}");
    assert!(!page.contains(r"\n"), "{page}");
    assert!(!page.contains(r"\t"), "{page}");
}

#[test]
fn control_and_bidi_characters_from_articles_are_shown_escaped_on_pages() {
    let a = Archive::new();
    let record = serde_json::json!({
        "title": "Evil\u{0}NUL \u{1b}]0;x\u{7} \u{202e}txt.exe quota",
        "authors": ["Ann \u{1b}[31mLee"],
        "date": "2017-03-17",
        "body": "Gold quota \u{1b}[2J news \u{2066}hidden\u{2069} text.",
    });
    a.write("feed.jsonl", format!("{record}\n"));
    a.index_json(&[]);
    let s = Server::start(&a, &[]);
    let id = first_id(&s, "quota");
    let page = s.page("/?q=quota");
    let article = s.page(&format!("/article/{id}?q=quota"));
    for html in [&page, &article] {
        for c in ['\0', '\x1b', '\x07', '\u{202e}', '\u{2066}', '\u{2069}'] {
            assert!(!html.contains(c), "raw {c:?} on the page:\n{html}");
        }
        assert!(
            html.contains(r"Evil\x00NUL \x1b]0;x\x07 \u{202e}txt.exe"),
            "{html}"
        );
        assert!(html.contains(r"Ann \x1b[31mLee"), "{html}");
    }
    assert!(article.contains(r"\u{2066}hidden\u{2069}"), "{article}");
    assert!(article.contains("<mark>quota</mark>"), "{article}");
    // The JSON API keeps the text as it is.
    assert_eq!(
        s.json("/api/search?q=quota")["hits"][0]["title"],
        record["title"]
    );
}

#[test]
fn api_filters_on_collection_and_undated_and_counts_what_a_date_filter_left_out() {
    let a = Archive::new();
    a.article("a.txt", "Oil dated", "", "2 March 1987", "Oil prices rose.");
    a.article("b.txt", "Oil undated", "", "", "Oil prices fell.");
    a.index_json(&[]);
    let s = Server::start(&a, &[]);
    let r = s.json("/api/search?q=oil&from=1987");
    assert_eq!(r["total_hits"], 1, "{r}");
    assert_eq!(r["undated_left_out"], 1, "{r}");
    assert_eq!(r["hits"][0]["collection"], "articles", "{r}");
    let r = s.json("/api/search?q=oil&undated=1");
    assert_eq!(r["total_hits"], 1, "{r}");
    assert_eq!(r["hits"][0]["title"], "Oil undated", "{r}");
    assert_eq!(
        s.json("/api/search?q=oil&collection=ARTICLES")["total_hits"],
        2
    );
    assert_eq!(s.json("/api/search?q=oil&collection=bbc")["total_hits"], 0);
    let t = s.json("/api/timeline?q=oil&to=1987");
    assert_eq!(t["undated_left_out"], 1, "{t}");
    let f = s.json("/api/facets?q=oil");
    assert_eq!(f["facets"]["collections"][0]["value"], "articles", "{f}");
    assert_eq!(f["facets"]["collections"][0]["count"], 2, "{f}");
    // The page says so too, with a link to the undated ones, and names each hit's collection.
    let page = s.page("/?q=oil&from=1987");
    assert!(
        page.contains("1 matching article has no date and is left out by the date filter"),
        "{page}"
    );
    assert!(page.contains("undated=1"), "{page}");
    assert!(
        page.contains(r#"<span class="collection">articles</span>"#),
        "{page}"
    );
    let page = s.page("/?q=oil&undated=1");
    assert!(
        page.contains("</mark> undated</a>") && !page.contains("</mark> dated</a>"),
        "{page}"
    );
}

#[test]
fn api_terms_returns_the_cli_object() {
    let a = wire();
    let s = Server::start(&a, &[]);
    let r = s.get("/api/terms?q=oil&versus=cocoa&limit=5&from=1987-01");
    assert_eq!(r.status, 200, "{}", r.body);
    // Byte for byte, keys in the CLI's order too.
    let cli = a.stdout(&[
        "terms", "oil", "--versus", "cocoa", "--limit", "5", "--from", "1987-01", "--json",
    ]);
    let without_ms = |s: &str| s[..s.find("\"elapsed_ms\"").unwrap()].to_string();
    assert_eq!(without_ms(&r.body), without_ms(&cli));
    let t = r.json();
    assert_eq!(t["versus"], "cocoa");
    assert_eq!(t["frequent"].as_array().unwrap().len(), 5);
    assert!(!t["distinctive"].as_array().unwrap().is_empty());
}

#[test]
fn api_terms_refuses_a_bad_query_or_limit_with_400() {
    let a = wire();
    let s = Server::start(&a, &[]);
    for (path, fix) in [
        ("/api/terms?q=oil+title:*", "title:oil"),
        ("/api/terms?q=oil&versus=gas+date:yesterday", "YYYY"),
        ("/api/terms", "q=*"),
        ("/api/terms?q=oil&limit=1000", "over the limit"),
    ] {
        let r = s.get(path);
        assert_eq!(r.status, 400, "{path}: {}", r.body);
        let message = r.json()["error"].as_str().unwrap_or_default().to_string();
        assert!(message.contains(fix), "{path}: {message}");
    }
}

#[test]
fn api_counts_the_articles_with_every_word_and_marks_the_rest() {
    let a = wire();
    let s = Server::start(&a, &[]);
    // "cocoa prices": the two cocoa copies have both words (price, stemmed); the 24 oil
    // stories only "prices".
    let r = s.json("/api/search?q=cocoa+prices&limit=5");
    assert_eq!(r["total_articles"], 2, "{r}");
    assert_eq!(r["counts"], "all words");
    assert_eq!(r["partial_hits"], 24, "{r}");
    assert_eq!(r["hits"][0]["partial"], false);
    assert_eq!(r["hits"][1]["partial"], true);
    assert_eq!(r["hits"][1]["missing"], serde_json::json!(["cocoa"]));
    let t = s.json("/api/timeline?q=cocoa+prices&by=month");
    assert_eq!(t["total"], 2, "{t}");
    let f = s.json("/api/facets?q=cocoa+prices");
    assert_eq!(f["total_hits"], 2, "{f}");
    let counted = s.get("/api/export?format=jsonl&q=cocoa+prices");
    assert_eq!(counted.body.lines().count(), 2, "{}", counted.body);
    let all = s.get("/api/export?format=jsonl&q=cocoa+prices&partial=1");
    let cli = a.stdout(&["search", "cocoa prices", "--format", "jsonl", "--partial"]);
    assert_eq!(all.body, cli);
    assert_eq!(all.body.lines().count(), 26);
}

#[test]
fn the_search_pages_timeline_draws_shares_by_default_and_counts_on_request() {
    let a = wire();
    let s = Server::start(&a, &[]);
    let page = s.page("/?q=cocoa");
    assert!(page.contains("share of all articles per "), "{page}");
    // Each bar names both: its articles and their share of every article in the period, in
    // the one word the page counts with.
    assert!(
        page.contains(": 1 article, ") && page.contains("% of "),
        "{page}"
    );
    assert!(
        !page.contains(" matches, ") && !page.contains(" 1 articles"),
        "{page}"
    );
    assert!(page.contains("show counts</a>"), "{page}");
    let counts = s.page("/?q=cocoa&scale=count");
    assert!(counts.contains("matching articles per "), "{counts}");
    assert!(counts.contains("show shares</a>"), "{counts}");
    // The scale rides along with the search, and a bad one is refused with the fix.
    assert!(counts.contains("scale=count"), "{counts}");
    let bad = s.get("/?q=cocoa&scale=loudness");
    assert_eq!(bad.status, 400, "{}", bad.body);
}

/// `GET /feed…` parsed as a feed reader reads it (feed-rs), after checking it is served as
/// Atom and names what RFC 4287 requires of a feed.
fn feed(s: &Server, path: &str) -> (feed_rs::model::Feed, String) {
    let r = s.get(path);
    assert_eq!(r.status, 200, "{path}: {}", r.body);
    assert!(
        r.content_type.starts_with("application/atom+xml"),
        "{path}: {}",
        r.content_type
    );
    for required in ["<id>", "<title>", "<updated>", "rel=\"self\""] {
        assert!(r.body.contains(required), "{required} in {}", r.body);
    }
    let parsed = feed_rs::parser::parse(r.body.as_bytes())
        .unwrap_or_else(|e| panic!("{path}: not a feed ({e}): {}", r.body));
    assert_eq!(parsed.feed_type, feed_rs::model::FeedType::Atom);
    (parsed, r.body)
}

#[test]
fn feed_is_atom_of_the_newest_matches_that_a_reader_opens() {
    let a = wire();
    let s = Server::start(&a, &[]);
    let (f, _) = feed(&s, "/feed?q=oil+prices&author=Ann+Lee");
    // The same search, newest first, as the API lists it.
    let api = s.json("/api/search?q=oil+prices&author=Ann+Lee&sort=newest&limit=100");
    let ids: Vec<&str> = api["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 8);
    let entry_ids: Vec<String> = f.entries.iter().map(|e| e.id.clone()).collect();
    let want: Vec<String> = ids
        .iter()
        .map(|id| format!("urn:dateline:article:{id}"))
        .collect();
    assert_eq!(entry_ids, want);
    let published: Vec<_> = f.entries.iter().map(|e| e.published.unwrap()).collect();
    assert!(published.windows(2).all(|w| w[0] >= w[1]), "{published:?}");
    for (entry, id) in f.entries.iter().zip(&ids) {
        assert!(entry
            .title
            .as_ref()
            .unwrap()
            .content
            .starts_with("Oil prices story"));
        assert!(entry.updated.is_some());
        assert_eq!(entry.authors[0].name.as_deref(), Some("Ann Lee"));
        let link = &entry.links[0].href;
        assert_eq!(link, &format!("{}/article/{id}", s.url));
        assert!(s
            .page(link.trim_start_matches(&s.url))
            .contains("Oil prices story"));
        let summary = &entry.summary.as_ref().unwrap().content;
        assert!(summary.to_lowercase().contains("oil"), "{summary}");
    }
    assert!(f.title.unwrap().content.contains("oil prices"));
    assert!(f.updated.is_some());
    let own = f.links.iter().find(|l| l.rel.as_deref() == Some("self"));
    assert_eq!(
        own.unwrap().href,
        format!("{}/feed?q=oil+prices&author=Ann+Lee", s.url)
    );
    // At most `limit` entries, the newest.
    let (three, _) = feed(&s, "/feed?q=oil+prices&author=Ann+Lee&limit=3");
    let firsts: Vec<String> = three.entries.iter().map(|e| e.id.clone()).collect();
    assert_eq!(firsts, want[..3]);
}

#[test]
fn feed_keeps_hostile_text_as_text() {
    let a = wire();
    let s = Server::start(&a, &[]);
    let (f, xml) = feed(&s, "/feed?q=traders+onerror");
    assert!(!xml.contains("<script") && !xml.contains("<b>"), "{xml}");
    let entry = &f.entries[0];
    assert_eq!(entry.title.as_ref().unwrap().content, HOSTILE_TITLE);
    let api = s.json("/api/search?q=traders+onerror");
    let names: Vec<Option<String>> = entry.authors.iter().map(|p| p.name.clone()).collect();
    let want: Vec<Option<String>> = api["hits"][0]["authors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().map(String::from))
        .collect();
    assert_eq!(names, want);
}

#[test]
fn feed_refuses_a_bad_query_and_a_bad_host() {
    let a = wire();
    let s = Server::start(&a, &[]);
    for path in [
        "/feed",
        "/feed?q=title:(",
        "/feed?q=oil&from=March",
        "/feed?q=oil&limit=1000",
    ] {
        let r = s.get(path);
        assert_eq!(r.status, 400, "{path}: {}", r.body);
        assert!(r.json()["error"].is_string());
    }
    // A Host that could carry markup into the links is refused, not echoed.
    let mut stream = TcpStream::connect(s.addr()).unwrap();
    stream
        .write_all(b"GET /feed?q=oil HTTP/1.1\r\nHost: a\"><x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(!answer.contains("<x"), "{answer}");
}

#[test]
fn results_page_links_its_feed() {
    let a = wire();
    let s = Server::start(&a, &[]);
    let page = s.page("/?q=oil&author=Ann+Lee");
    let head = &page[..page.find("</head>").unwrap()];
    assert!(
        head.contains(r#"<link rel="alternate" type="application/atom+xml""#),
        "{head}"
    );
    let href = unescape(attr_after(&page, "id=\"feed\"", "href"));
    assert_eq!(href, "/feed?q=oil&author=Ann+Lee");
    let (f, _) = feed(&s, &href);
    assert_eq!(f.entries.len(), 8);
}

#[test]
fn a_hit_on_the_page_discloses_its_other_versions_with_links() {
    let a = Archive::new();
    a.two_versions_of_one_story();
    a.index_json(&[]);
    let s = Server::start(&a, &[]);
    let api = s.json("/api/search?q=missile");
    assert_eq!(api["hits"].as_array().unwrap().len(), 1, "{api}");
    let other = api["hits"][0]["versions"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let page = s.page("/?q=missile");
    let versions = between(&page, "<details class=\"versions\">", "</details>");
    assert!(
        versions.contains("<summary>1 other version</summary>"),
        "{page}"
    );
    assert!(
        versions.contains(&format!("href=\"/article/{other}?")),
        "{versions}"
    );
}
