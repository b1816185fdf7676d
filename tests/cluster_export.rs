//! End-to-end tests of `dateline export --to quickwit|opensearch`: every exported row checked
//! against the engine configs shipped in `deploy/` (read here, field by field), the same
//! articles as the local index, the same ids from folders and from the index, split files
//! that break only between documents, a quiet end on a closed pipe, and hostile text kept
//! as data.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::Stdio;

use common::Archive;
use serde_json::Value;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn formats_fixtures() -> PathBuf {
    repo().join("tests/fixtures/formats")
}

/// Field name → type, as the shipped Quickwit config declares them; also checks the
/// settings the export relies on.
fn quickwit_fields() -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(repo().join("deploy/quickwit/dateline-news.yaml")).unwrap();
    let config: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text).unwrap();
    // Written `version: 0.8`, as Quickwit's own examples write it.
    let version = &config["version"];
    assert!(
        version.as_f64() == Some(0.8) || version.as_str() == Some("0.8"),
        "{version:?}"
    );
    assert_eq!(config["index_id"].as_str(), Some("dateline-news"));
    let mapping = &config["doc_mapping"];
    assert_eq!(mapping["mode"].as_str(), Some("strict"));
    assert_eq!(mapping["timestamp_field"].as_str(), Some("date"));
    let mut fields = BTreeMap::new();
    for f in mapping["field_mappings"].as_sequence().unwrap() {
        let name = f["name"].as_str().unwrap().to_string();
        let kind = f["type"].as_str().unwrap().to_string();
        match name.as_str() {
            "title" | "body" => {
                assert_eq!(f["tokenizer"].as_str(), Some("en_stem"), "{name}");
                assert_eq!(f["record"].as_str(), Some("position"), "{name}");
                assert_eq!(f["fieldnorms"].as_bool(), Some(true), "{name}");
            }
            "authors" | "place" | "source" | "collection" => {
                assert_eq!(f["tokenizer"].as_str(), Some("raw"), "{name}");
                assert_eq!(f["fast"].as_bool(), Some(true), "{name}");
            }
            "date" => {
                let formats = f["input_formats"].as_sequence().unwrap();
                assert!(formats.iter().any(|v| v.as_str() == Some("rfc3339")));
                assert_eq!(f["fast"].as_bool(), Some(true));
            }
            _ => {}
        }
        assert!(fields.insert(name, kind).is_none(), "a field listed twice");
    }
    let search = &config["search_settings"]["default_search_fields"];
    assert_eq!(
        search.as_sequence().unwrap().len(),
        2,
        "default_search_fields: {search:?}"
    );
    fields
}

/// Field name → type, as the shipped OpenSearch mapping declares them (`keyword` sub-fields
/// checked for the facets).
fn opensearch_fields() -> BTreeMap<String, String> {
    let text =
        std::fs::read_to_string(repo().join("deploy/opensearch/dateline-news.json")).unwrap();
    let config: Value = serde_json::from_str(&text).unwrap();
    let analyzers = config["settings"]["analysis"]["analyzer"]
        .as_object()
        .unwrap();
    let mappings = &config["mappings"];
    assert_eq!(mappings["dynamic"], "strict");
    let mut fields = BTreeMap::new();
    for (name, f) in mappings["properties"].as_object().unwrap() {
        let kind = f["type"].as_str().unwrap().to_string();
        if let Some(analyzer) = f["analyzer"].as_str() {
            assert!(analyzers.contains_key(analyzer), "{name}: {analyzer}");
        }
        match name.as_str() {
            "title" | "body" => assert_eq!(f["analyzer"], "dateline_english", "{name}"),
            "authors" | "place" | "source" | "collection" => {
                assert_eq!(f["fields"]["keyword"]["type"], "keyword", "{name}")
            }
            _ => {}
        }
        fields.insert(name.clone(), kind);
    }
    fields
}

/// Why `row` would not load into an engine with these fields (`None`: it would). Every
/// field the config names must be in the row, and nothing else (strict mapping); each
/// value must be null or of the declared type.
fn row_problem(row: &Value, fields: &BTreeMap<String, String>) -> Option<String> {
    let obj = row.as_object()?;
    let keys: BTreeSet<&str> = obj.keys().map(String::as_str).collect();
    let declared: BTreeSet<&str> = fields.keys().map(String::as_str).collect();
    if keys != declared {
        return Some(format!("fields {keys:?} against the config's {declared:?}"));
    }
    for (name, value) in obj {
        if value.is_null() {
            continue;
        }
        let kind = fields[name].as_str();
        let strings = |v: &Value| v.as_array().is_some_and(|a| a.iter().all(Value::is_string));
        let ok = match kind {
            // OpenSearch: any field may hold an array of values of its type.
            "text" if is_opensearch(fields) => value.is_string() || strings(value),
            "text" | "keyword" => value.is_string(),
            "array<text>" => strings(value),
            "u64" => value.is_u64(),
            "long" => value.is_i64(),
            "datetime" | "date" => value.as_str().is_some_and(is_rfc3339),
            _ => false,
        };
        if !ok {
            return Some(format!("{name}: {value} is not a {kind}"));
        }
    }
    None
}

fn is_opensearch(fields: &BTreeMap<String, String>) -> bool {
    fields.values().any(|t| t == "keyword")
}

fn is_rfc3339(s: &str) -> bool {
    chrono::DateTime::parse_from_rfc3339(s).is_ok()
}

/// An archive of several kinds of article: text with a byline and dateline, JSON Lines
/// with url/place/source and without a date, and an article with no body.
fn mixed() -> Archive {
    let a = Archive::new();
    a.article(
        "coffee.txt",
        "Coffee prices climb",
        "Ann Lee, Bob Stone",
        "17 March 2017",
        "SAO PAULO (Reuters) - Coffee prices rose again on Friday.",
    );
    a.article(
        "cocoa.txt",
        "Cocoa talks",
        "",
        "1987-03-02",
        "Cocoa talks resumed.",
    );
    a.write(
        "feed.jsonl",
        concat!(
            r#"{"title": "Gold mine strike ends", "authors": ["Jo Park"], "date": "2017-03-18T09:30:00", "body": "Miners return."}"#,
            "\n",
            r#"{"title": "Copper rises", "body": "Copper rose.", "url": "https://example.com/copper", "place": "Lusaka", "source": "Mining Weekly"}"#,
            "\n",
            r#"{"title": "Headline only", "body": ""}"#,
            "\n"
        ),
    );
    a
}

/// `dateline export ARGS...` (from the archive's folder): standard output, checked to
/// have succeeded.
fn export(a: &Archive, args: &[&str]) -> String {
    let out = a.cmd().arg("export").args(args).assert().success();
    String::from_utf8(out.get_output().stdout.clone()).unwrap()
}

fn export_dir(a: &Archive, engine: &str) -> String {
    let articles = a.articles();
    export(a, &["--to", engine, articles.to_str().unwrap()])
}

fn export_index(a: &Archive, engine: &str) -> String {
    let index = a.index();
    export(a, &["--to", engine, "--index", index.to_str().unwrap()])
}

fn rows(ndjson: &str) -> Vec<Value> {
    ndjson
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect()
}

/// The documents of an OpenSearch export, each checked against its action line.
fn bulk_docs(ndjson: &str) -> Vec<Value> {
    let lines = rows(ndjson);
    assert_eq!(lines.len() % 2, 0, "action and document pairs");
    lines
        .chunks(2)
        .map(|pair| {
            let action = pair[0].as_object().unwrap();
            assert_eq!(action.len(), 1, "{action:?}");
            let target = action["index"].as_object().unwrap();
            assert_eq!(target.len(), 2, "{target:?}");
            assert_eq!(target["_index"], "dateline-news");
            assert_eq!(target["_id"], pair[1]["id"]);
            pair[1].clone()
        })
        .collect()
}

#[test]
fn every_quickwit_row_fits_the_shipped_config() {
    let fields = quickwit_fields();
    let a = mixed();
    let docs = rows(&export_dir(&a, "quickwit"));
    assert_eq!(docs.len(), 5);
    let formats = rows(&export(
        &a,
        &["--to", "quickwit", formats_fixtures().to_str().unwrap()],
    ));
    assert!(formats.len() > 20, "{}", formats.len());
    for row in docs.iter().chain(&formats) {
        assert_eq!(row_problem(row, &fields), None, "{row}");
    }
    // Every kind of value is exercised: a date, an array of authors, numbers and nulls.
    assert!(docs.iter().any(|d| d["line"].is_u64()));
    assert!(formats.iter().any(|d| d["record"].is_u64()));
    assert!(formats.iter().any(|d| d["member"].is_string()));
    assert!(docs.iter().any(|d| d["date"].is_null()));
}

#[test]
fn every_opensearch_pair_fits_the_shipped_mapping() {
    let fields = opensearch_fields();
    let a = mixed();
    let docs = bulk_docs(&export_dir(&a, "opensearch"));
    assert_eq!(docs.len(), 5);
    let formats = bulk_docs(&export(
        &a,
        &["--to", "opensearch", formats_fixtures().to_str().unwrap()],
    ));
    for row in docs.iter().chain(&formats) {
        assert_eq!(row_problem(row, &fields), None, "{row}");
    }
}

#[test]
fn the_config_check_refuses_missing_extra_and_mistyped_fields() {
    let a = mixed();
    let row = rows(&export_dir(&a, "quickwit")).remove(0);
    for fields in [quickwit_fields(), opensearch_fields()] {
        assert_eq!(row_problem(&row, &fields), None);
        let mut extra = row.clone();
        extra["summary"] = "x".into();
        assert!(row_problem(&extra, &fields).is_some());
        let mut missing = row.clone();
        missing.as_object_mut().unwrap().remove("body");
        assert!(row_problem(&missing, &fields).is_some());
        let mut bad_date = row.clone();
        bad_date["date"] = "17 March 2017".into();
        assert!(row_problem(&bad_date, &fields).is_some());
        let mut bad_number = row.clone();
        bad_number["line"] = "3".into();
        assert!(row_problem(&bad_number, &fields).is_some());
        // A config without a field the export writes refuses every row.
        let mut fewer = fields.clone();
        fewer.remove("place");
        assert!(row_problem(&row, &fewer).is_some());
    }
}

#[test]
fn the_export_reads_back_as_the_local_index() {
    let a = mixed();
    a.index_json(&[]);
    let docs = rows(&export_index(&a, "quickwit"));
    let hits = a.search("*", &["--all-copies", "--limit", "100"])["hits"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(docs.len(), hits.len());
    assert_eq!(docs.len(), 5);
    for doc in &docs {
        let id = doc["id"].as_str().unwrap();
        let hit = hits.iter().find(|h| h["id"] == id).expect("same ids");
        assert_eq!(doc["title"], hit["title"]);
        assert_eq!(doc["authors"], hit["authors"]);
        let shown: Value = serde_json::from_str(&a.stdout(&["show", id, "--json"])).unwrap();
        for field in [
            "title",
            "authors",
            "place",
            "source",
            "url",
            "member",
            "line",
            "record",
            "collection",
        ] {
            assert_eq!(doc[field], shown[field], "{field} of {id}");
        }
        let day = doc["date"].as_str().map(|d| d[..10].to_string());
        assert_eq!(day.as_deref(), shown["date"].as_str(), "{id}");
        assert_eq!(day.as_deref(), hit["date"].as_str(), "{id}");
        // An article without a body has null, not "".
        match shown["body"].as_str() {
            Some("") | None => assert!(doc["body"].is_null(), "{doc}"),
            Some(body) => assert_eq!(doc["body"], body),
        }
    }
    let coffee = docs
        .iter()
        .find(|d| d["title"] == "Coffee prices climb")
        .unwrap();
    assert_eq!(coffee["place"], "SAO PAULO");
    assert_eq!(coffee["source"], "Reuters");
    assert_eq!(coffee["collection"], "articles");
    assert_eq!(coffee["date"], "2017-03-17T00:00:00Z");
    let gold = docs
        .iter()
        .find(|d| d["title"] == "Gold mine strike ends")
        .unwrap();
    assert_eq!(gold["date"], "2017-03-18T09:30:00Z");
    assert_eq!(gold["line"], 1);
}

#[test]
fn folders_and_index_give_the_same_documents_and_ids() {
    let a = mixed();
    a.index_json(&[]);
    let sorted = |text: String| {
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        lines.sort();
        lines
    };
    let from_dir = sorted(export_dir(&a, "quickwit"));
    let from_index = sorted(export_index(&a, "quickwit"));
    assert_eq!(from_dir.len(), 5);
    assert_eq!(from_dir, from_index);
    // And the same for the formats fixtures (archives, feeds, crawls, XML).
    let b = Archive::new();
    let fixtures = formats_fixtures();
    b.cmd()
        .args(["index", "--index"])
        .arg(b.index())
        .arg(&fixtures)
        .assert()
        .success();
    let from_dir = sorted(export(
        &b,
        &["--to", "opensearch", fixtures.to_str().unwrap()],
    ));
    let from_index = sorted(export(
        &b,
        &["--to", "opensearch", "--index", b.index().to_str().unwrap()],
    ));
    assert!(from_dir.len() > 40);
    assert_eq!(from_dir, from_index);
}

#[test]
fn export_again_gives_the_same_ids() {
    let a = mixed();
    let ids = |text: String| {
        rows(&text)
            .iter()
            .map(|r| r["id"].clone())
            .collect::<Vec<_>>()
    };
    let first = ids(export_dir(&a, "quickwit"));
    a.article("later.txt", "A later story", "", "2017-04-01", "More news.");
    let second = ids(export_dir(&a, "quickwit"));
    assert_eq!(second.len(), first.len() + 1);
    for id in &first {
        assert!(second.contains(id), "{id}");
    }
}

/// Files written to `out`, sorted, and what else is in the folder.
fn files_in(out: &Path) -> (Vec<PathBuf>, Vec<String>) {
    let mut files = Vec::new();
    let mut others = Vec::new();
    for entry in std::fs::read_dir(out).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name.starts_with("dateline-news-") && name.ends_with(".ndjson") {
            files.push(path);
        } else {
            others.push(name);
        }
    }
    files.sort();
    (files, others)
}

#[test]
fn split_files_break_between_documents_and_add_up_to_the_whole() {
    let a = Archive::new();
    // About 3.5 MB of articles of 100 KB each.
    for i in 0..35 {
        a.article(
            &format!("a{i:02}.txt"),
            &format!("Story {i}"),
            "",
            "2017-03-01",
            &format!("Word{i} ").repeat(14_000),
        );
    }
    a.index_json(&[]);
    let index = a.index();
    let out = a.root().join("export");
    for engine in ["opensearch", "quickwit"] {
        let whole = export(&a, &["--to", engine, "--index", index.to_str().unwrap()]);
        let _ = std::fs::remove_dir_all(&out);
        a.cmd()
            .args(["export", "--to", engine, "--split-mb", "1", "--index"])
            .arg(&index)
            .arg("--out")
            .arg(&out)
            .assert()
            .success()
            .stdout("");
        let (files, others) = files_in(&out);
        assert!(others.is_empty(), "{others:?}");
        assert!(files.len() >= 4, "{files:?}");
        assert!(files[0].ends_with("dateline-news-00001.ndjson"));
        let mut joined = String::new();
        for f in &files {
            let text = std::fs::read_to_string(f).unwrap();
            assert!(text.len() <= 1 << 20, "{f:?}: {}", text.len());
            assert!(text.ends_with('\n'));
            if engine == "opensearch" {
                // Each file is a whole _bulk request: pairs only.
                assert_eq!(bulk_docs(&text).len() * 2, text.lines().count());
            }
            joined.push_str(&text);
        }
        assert_eq!(joined, whole, "{engine}");
    }
    // A second export into the same folder is refused: stale files would load twice.
    a.cmd()
        .args(["export", "--to", "quickwit", "--index"])
        .arg(&index)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "remove its dateline-news-*.ndjson",
        ));
}

#[test]
fn default_split_is_ten_mb_and_split_needs_out() {
    let a = mixed();
    let out = a.root().join("export");
    a.cmd()
        .args(["export", "--to", "opensearch", "--out"])
        .arg(&out)
        .arg(a.articles())
        .assert()
        .success()
        .stdout("")
        .stderr(predicates::str::contains(
            "exported 5 articles from 3 files",
        ));
    let (files, _) = files_in(&out);
    assert_eq!(files.len(), 1);
    a.cmd()
        .args(["export", "--to", "opensearch", "--split-mb", "5"])
        .arg(a.articles())
        .assert()
        .code(2);
    let help = a.cmd().args(["export", "--help"]).assert().success();
    let help = String::from_utf8(help.get_output().stdout.clone()).unwrap();
    assert!(help.contains("10 MB"), "{help}");
}

#[test]
fn a_closed_pipe_ends_the_export_cleanly() {
    let a = Archive::new();
    let mut lines = String::new();
    for i in 0..20_000 {
        lines.push_str(&format!(
            "{{\"title\": \"Story {i}\", \"body\": \"{}\"}}\n",
            "words ".repeat(50)
        ));
    }
    a.write("many.jsonl", lines);
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("dateline"))
        .args(["export", "--to", "quickwit"])
        .arg(a.articles())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    // The reader is gone (as `| head -1`).
    let out = child.wait_with_output().unwrap();
    assert!(first.contains("\"Story 0\""), "{first}");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!stderr.contains("dateline:"), "{stderr}");
}

#[test]
fn hostile_text_stays_data() {
    let a = Archive::new();
    let title =
        "Quote \" back\\slash\nnew line\r\u{1b}[31mred\u{7}\u{0} sep\u{2028}para\u{2029} <script>";
    let record = serde_json::json!({"title": title, "authors": ["O\"Brien\n"], "body": "Line one.\u{2028}Line two."});
    a.write("hostile.jsonl", format!("{record}\n"));
    for engine in ["quickwit", "opensearch"] {
        let text = export_dir(&a, engine);
        // One line per document (two for a pair), whatever the text holds; no raw control
        // character or line separator anywhere.
        assert_eq!(
            text.lines().count(),
            if engine == "quickwit" { 1 } else { 2 }
        );
        assert!(
            !text.contains('\u{2028}') && !text.contains('\u{2029}'),
            "{text}"
        );
        assert!(
            !text.chars().any(|c| c.is_control() && c != '\n'),
            "{text:?}"
        );
        let doc = rows(&text).pop().unwrap();
        // Titles are read as the index reads them: control characters as the readers leave them.
        a.index_json(&[]);
        let hit = &a.search("*", &[])["hits"][0];
        assert_eq!(doc["title"], hit["title"], "{engine}");
        assert!(doc["title"].as_str().unwrap().contains("sep\u{2028}para"));
        assert!(doc["title"]
            .as_str()
            .unwrap()
            .contains("Quote \" back\\slash"));
        assert_eq!(doc["authors"], hit["authors"]);
        assert!(doc["body"].as_str().unwrap().contains('\u{2028}'));
    }
}

#[test]
fn problems_are_reported_with_path_and_reason_and_counted() {
    let a = mixed();
    a.write(
        "broken.jsonl",
        "{\"title\": \"ok\", \"body\": \"fine\"}\n{not json\n",
    );
    a.write("binary.txt", [0u8, 159, 146, 150, 0, 0, 1, 2].repeat(100));
    a.write("notes.md", "not an article");
    let out = a
        .cmd()
        .args(["export", "--to", "quickwit"])
        .arg(a.articles())
        .assert()
        .success();
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert_eq!(rows(&stdout).len(), 6);
    assert!(
        stderr.contains("skipped: articles/broken.jsonl:2: "),
        "{stderr}"
    );
    assert!(
        stderr.contains("skipped: articles/binary.txt: "),
        "{stderr}"
    );
    assert!(
        stderr.contains("skipped: articles/notes.md: not an article file"),
        "{stderr}"
    );
    assert!(
        stderr.contains("exported 6 articles from 5 files; 3 skipped, 3 warnings"),
        "{stderr}"
    );
}

#[test]
fn an_archive_with_nothing_to_export_exits_1() {
    let a = Archive::new();
    a.write("notes.md", "not an article");
    a.cmd()
        .args(["export", "--to", "quickwit"])
        .arg(a.articles())
        .assert()
        .code(1)
        .stdout("");
}

/// The elements every `xmlpipe2` document must have, as the shipped table config declares
/// them (`xmlpipe_field_string`, `xmlpipe_attr_*`), with their kinds.
fn manticore_fields() -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(repo().join("deploy/manticore/agent.conf.in")).unwrap();
    let mut fields = BTreeMap::new();
    for line in text.lines() {
        let Some((key, value)) = line.trim().split_once('=') else {
            continue;
        };
        let key = key.trim();
        if let Some(kind) = key.strip_prefix("xmlpipe_") {
            if kind.starts_with("field") || kind.starts_with("attr") {
                let name = value.trim().to_string();
                assert!(fields.insert(name, kind.to_string()).is_none());
            }
        }
    }
    assert!(text.contains("morphology = libstemmer_en"));
    fields
}

/// A `news_K.xml` shard as (document id, element -> text), read with a real XML parser.
fn xmlpipe_docs(path: &Path) -> Vec<(u64, BTreeMap<String, String>)> {
    use quick_xml::events::Event;
    let text = std::fs::read_to_string(path).unwrap();
    let mut reader = quick_xml::Reader::from_str(&text);
    let mut docs = Vec::new();
    let mut current: Option<(u64, BTreeMap<String, String>)> = None;
    let mut element: Option<String> = None;
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) => {
                let qname = e.name();
                let name: String = AsRef::<str>::as_ref(&qname).to_string();
                if name == "sphinx:document" {
                    let id = e.try_get_attribute("id").unwrap().expect("an id");
                    let id: &str = id.value.as_ref();
                    let id = id.parse().expect("a number");
                    current = Some((id, BTreeMap::new()));
                } else if name != "sphinx:docset" {
                    let (_, doc) = current.as_mut().expect("inside a document");
                    assert!(doc.insert(name.clone(), String::new()).is_none(), "{name}");
                    element = Some(name);
                }
            }
            Event::Text(t) => {
                if let (Some(name), Some((_, doc))) = (&element, current.as_mut()) {
                    doc.get_mut(name).unwrap().push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                if let (Some(name), Some((_, doc))) = (&element, current.as_mut()) {
                    let c =
                        quick_xml::escape::resolve_predefined_entity(&r).expect("&amp; &lt; &gt;");
                    doc.get_mut(name).unwrap().push_str(c);
                }
            }
            Event::End(e) => {
                let qname = e.name();
                if AsRef::<str>::as_ref(&qname) == "sphinx:document" {
                    docs.push(current.take().unwrap());
                }
                element = None;
            }
            Event::Eof => break,
            _ => {}
        }
    }
    docs
}

/// An id as `search --json` shows it, back to its number (base62).
fn id_number(id: &str) -> u64 {
    id.bytes().fold(0u64, |n, b| {
        let digit = match b {
            b'0'..=b'9' => b - b'0',
            b'A'..=b'Z' => b - b'A' + 10,
            _ => b - b'a' + 36,
        };
        n * 62 + u64::from(digit)
    })
}

/// `export --to manticore --shards N` of the folders: every shard's documents.
fn manticore_export(
    a: &Archive,
    dirs: &[&Path],
    shards: u32,
) -> Vec<Vec<(u64, BTreeMap<String, String>)>> {
    let out = a.root().join(format!("manticore-{shards}"));
    let shards_arg = shards.to_string();
    let mut args = vec!["--to", "manticore", "--shards", &shards_arg, "--out"];
    args.push(out.to_str().unwrap());
    args.extend(dirs.iter().map(|d| d.to_str().unwrap()));
    export(a, &args);
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    let expected: BTreeSet<String> = (0..shards).map(|k| format!("news_{k}.xml")).collect();
    assert_eq!(
        names.iter().cloned().collect::<BTreeSet<_>>(),
        expected,
        "nothing else"
    );
    (0..shards)
        .map(|k| xmlpipe_docs(&out.join(format!("news_{k}.xml"))))
        .collect()
}

#[test]
fn every_manticore_document_fits_the_shipped_config_and_its_shard() {
    let fields = manticore_fields();
    let a = mixed();
    let fixtures = formats_fixtures();
    let dirs = [a.articles(), fixtures.clone()];
    let dirs: Vec<&Path> = dirs.iter().map(PathBuf::as_path).collect();
    let shards = manticore_export(&a, &dirs, 3);
    let mut quickwit = Vec::new();
    for dir in &dirs {
        quickwit.extend(rows(&export(
            &a,
            &["--to", "quickwit", dir.to_str().unwrap()],
        )));
    }
    let by_id: BTreeMap<String, &Value> = quickwit
        .iter()
        .map(|d| (d["id"].as_str().unwrap().to_string(), d))
        .collect();
    let mut seen = BTreeSet::new();
    for (k, docs) in shards.iter().enumerate() {
        assert!(!docs.is_empty(), "shard {k} is empty");
        for (id, doc) in docs {
            let names: BTreeSet<&String> = doc.keys().collect();
            assert_eq!(names, fields.keys().collect(), "{doc:?}");
            assert_eq!(id % 3, k as u64, "shard of {id}");
            let did = &doc["did"];
            assert_eq!(id_number(did), *id, "{did}");
            assert!(seen.insert(did.clone()), "{did} twice");
            // The same article as the other engines get.
            let row = by_id[did.as_str()];
            let text = |f: &str| row[f].as_str().unwrap_or("").to_string();
            for f in [
                "title",
                "place",
                "source",
                "collection",
                "body",
                "url",
                "path",
            ] {
                assert_eq!(doc[f], text(f), "{f} of {did}");
            }
            let authors: Vec<&str> = row["authors"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap())
                .collect();
            assert_eq!(doc["authors"], authors.join("; "));
            let published = row["date"].as_str().map_or(i64::MIN, |d| {
                chrono::DateTime::parse_from_rfc3339(d).unwrap().timestamp()
            });
            assert_eq!(doc["published"], published.to_string(), "{did}");
        }
    }
    assert_eq!(seen.len(), by_id.len(), "every article once");
    let coffee = shards
        .iter()
        .flatten()
        .find(|(_, d)| d["title"] == "Coffee prices climb")
        .unwrap();
    assert_eq!(coffee.1["published"], "1489708800");
    assert_eq!(coffee.1["authors"], "Ann Lee; Bob Stone");
}

#[test]
fn manticore_text_stays_data_inside_its_element() {
    let a = Archive::new();
    let title = "A </title></sphinx:document><sphinx:document id=\"1\"> & ]]> \u{1b}[31m\u{0}x";
    let record = serde_json::json!({"title": title, "body": "<b>bold</b> &amp;\u{fffe}"});
    a.write("hostile.jsonl", format!("{record}\n"));
    let shards = manticore_export(&a, &[&a.articles()], 1);
    assert_eq!(shards[0].len(), 1);
    let doc = &shards[0][0].1;
    // Characters XML cannot hold become spaces; everything else reads back as it was.
    assert_eq!(doc["title"], title.replace(['\u{1b}', '\u{0}'], " "));
    assert_eq!(doc["body"], "<b>bold</b> &amp; ");
}

#[test]
fn manticore_needs_out_and_shards_only_go_with_it() {
    let a = mixed();
    let articles = a.articles();
    let dir = articles.to_str().unwrap();
    let out = a
        .cmd()
        .args(["export", "--to", "manticore", dir])
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(
        stderr.contains("--to manticore writes one file per shard: add --out DIR"),
        "{stderr}"
    );
    let outdir = a.root().join("x");
    let outdir = outdir.to_str().unwrap();
    let out = a
        .cmd()
        .args([
            "export", "--to", "quickwit", "--out", outdir, "--shards", "2", dir,
        ])
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(
        stderr.contains("--shards is for --to manticore"),
        "{stderr}"
    );
    // A second export into the same folder is refused rather than mixed with the first.
    a.cmd()
        .args([
            "export",
            "--to",
            "manticore",
            "--out",
            outdir,
            "--shards",
            "2",
            dir,
        ])
        .assert()
        .success();
    let out = a
        .cmd()
        .args(["export", "--to", "manticore", "--out", outdir, dir])
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(
        stderr.contains("already holds an export (news_"),
        "{stderr}"
    );
}

/// A local cluster started by `deploy/manticore/cluster.sh` over an export folder; stopped
/// when dropped. Needs Debian's sphinxsearch (`indexer`, `searchd`) and a MySQL client.
struct Cluster {
    state: PathBuf,
    port: u16,
}

impl Cluster {
    fn start(export: &Path, state: &Path) -> Cluster {
        let script = repo().join("deploy/manticore/cluster.sh");
        let out = std::process::Command::new(&script)
            .arg("start")
            .arg(export)
            .arg(state)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout).to_string();
        assert!(
            out.status.success(),
            "{stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let last = stdout.lines().last().unwrap();
        let port = last
            .strip_prefix("sphinxql://127.0.0.1:")
            .and_then(|rest| rest.strip_suffix("/news"))
            .expect("sphinxql://127.0.0.1:PORT/news last");
        Cluster {
            state: state.to_path_buf(),
            port: port.parse().unwrap(),
        }
    }

    /// The rows SphinxQL gives for each statement of `sql` (tab-separated, one string a row),
    /// each statement's rows in turn.
    fn query(&self, sql: &str) -> Vec<String> {
        let out = std::process::Command::new("mysql")
            .args(["-h", "127.0.0.1", "-P", &self.port.to_string()])
            .args(["--protocol=tcp", "-N", "-B"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .and_then(|mut child| {
                // Written from a thread: mysql answers while it reads, and a long batch
                // would otherwise fill both pipes and wait forever.
                let mut stdin = child.stdin.take().unwrap();
                let sql = sql.to_string();
                let writer = std::thread::spawn(move || {
                    use std::io::Write;
                    stdin.write_all(sql.as_bytes())
                });
                let out = child.wait_with_output();
                writer.join().unwrap()?;
                out
            })
            .expect("the mysql client (apt-get install mariadb-client)");
        assert!(
            out.status.success(),
            "{sql}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect()
    }

    /// `total_found` of a full-text query on `news`, with `filter` (`AND ...`) if any.
    fn total(&self, matching: &str, filter: &str) -> u64 {
        let rows = self.query(&format!(
            "SELECT id FROM news WHERE MATCH('{matching}') {filter} LIMIT 1; SHOW META;\n"
        ));
        rows.iter()
            .find_map(|r| r.strip_prefix("total_found\t"))
            .expect("total_found")
            .parse()
            .unwrap()
    }

    /// Every document id -> did the cluster holds for `ids`, asked 1,000 at a time by id.
    fn dids_by_id(&self, ids: &[u64]) -> BTreeMap<u64, String> {
        let mut sql = String::new();
        for chunk in ids.chunks(1000) {
            let list: Vec<String> = chunk.iter().map(u64::to_string).collect();
            sql.push_str(&format!(
                "SELECT id, did FROM news WHERE id IN ({}) LIMIT 1000 OPTION max_matches=1000;\n",
                list.join(",")
            ));
        }
        self.query(&sql)
            .iter()
            .map(|row| {
                let (id, did) = row.split_once('\t').unwrap();
                (id.parse().unwrap(), did.to_string())
            })
            .collect()
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = std::process::Command::new(repo().join("deploy/manticore/cluster.sh"))
            .arg("stop")
            .arg(&self.state)
            .status();
    }
}

#[test]
#[ignore = "needs Debian's sphinxsearch (indexer, searchd) and a MySQL client"]
fn a_two_agent_cluster_finds_every_article_by_its_id() {
    let a = mixed();
    let shards = manticore_export(&a, &[&a.articles()], 2);
    let export = a.root().join("manticore-2");
    let cluster = Cluster::start(&export, &a.root().join("state"));
    let ids: Vec<(u64, String)> = shards
        .iter()
        .flatten()
        .map(|(id, d)| (*id, d["did"].clone()))
        .collect();
    assert_eq!(ids.len(), 5);
    let numbers: Vec<u64> = ids.iter().map(|(id, _)| *id).collect();
    let found = cluster.dids_by_id(&numbers);
    assert_eq!(found, ids.into_iter().collect::<BTreeMap<_, _>>());
    // Stemmed and folded as dateline: `prices` finds `price`; `sao paulo` in the place.
    assert_eq!(cluster.total("price", ""), 1);
    assert_eq!(cluster.total("@place \"sao paulo\"", ""), 1);
    assert_eq!(cluster.total("copper | gold", ""), 2);
    // Dates as Unix seconds: 2017 only; an article without a date is never in a range.
    let (from, to) = (1483228800, 1514764800);
    assert_eq!(
        cluster.total("", &format!("AND published >= {from} AND published < {to}")),
        2
    );
    let stopped = cluster.state.clone();
    drop(cluster);
    assert!(
        !stopped.join("head.pid").exists(),
        "stopped by its pid files"
    );
}

/// The Reuters-21578 corpus: `$DATELINE_REUTERS`, else `../shared/corpora/reuters21578`.
fn reuters() -> PathBuf {
    std::env::var_os("DATELINE_REUTERS")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("../shared/corpora/reuters21578"))
}

/// Unix seconds of midnight UTC starting `day` (`YYYY-MM-DD`).
fn midnight(day: &str) -> i64 {
    chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc()
        .timestamp()
}

#[test]
#[ignore = "needs Debian's sphinxsearch, a MySQL client and the Reuters-21578 corpus in ../shared/corpora (or $DATELINE_REUTERS)"]
fn a_reuters_cluster_counts_as_dateline_and_finds_every_article() {
    let a = Archive::new();
    let index = a.index();
    a.cmd()
        .args(["index", "--index"])
        .arg(&index)
        .arg(reuters())
        .assert()
        .success();
    let out = a.root().join("export");
    a.cmd()
        .args(["export", "--to", "manticore", "--shards", "2", "--index"])
        .arg(&index)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let cluster = Cluster::start(&out, &a.root().join("state"));
    let dateline_total = |query: &str, extra: &[&str]| -> u64 {
        // Archive::stdout searches the archive's own index, which is `index`.
        let mut args = vec!["search", query, "--json", "--all-copies", "--limit", "1"];
        args.extend(extra);
        let json: Value = serde_json::from_str(&a.stdout(&args)).unwrap();
        json["total_articles"].as_u64().unwrap()
    };
    // (dateline's query and options, SphinxQL's MATCH and filter): words (every one
    // required), phrases, OR, -, a field, the place, a date range.
    let (april, may) = (midnight("1987-04-01"), midnight("1987-05-01"));
    let april_filter = format!("AND published >= {april} AND published < {may}");
    let cases: Vec<(&str, Vec<&str>, &str, &str)> = vec![
        ("cocoa prices", vec![], "cocoa prices", ""),
        ("oil", vec![], "oil", ""),
        ("interest rates fell", vec![], "interest rates fell", ""),
        ("\"cocoa prices\"", vec![], "\"cocoa prices\"", ""),
        ("\"bank of england\"", vec![], "\"bank of england\"", ""),
        ("cocoa OR coffee", vec![], "cocoa | coffee", ""),
        (
            "wheat OR corn exports",
            vec![],
            "(wheat | corn) exports",
            "",
        ),
        ("cocoa -brazil", vec![], "cocoa -brazil", ""),
        ("oil -opec", vec![], "oil -opec", ""),
        ("title:cocoa", vec![], "@title cocoa", ""),
        (
            "title:oil title:prices",
            vec![],
            "@title oil @title prices",
            "",
        ),
        ("place:tokyo", vec![], "@place tokyo", ""),
        (
            "oil",
            vec!["--from", "1987-04-01", "--to", "1987-04-30"],
            "oil",
            &april_filter,
        ),
    ];
    for (query, extra, matching, filter) in &cases {
        let ours = dateline_total(query, extra);
        let theirs = cluster.total(matching, filter);
        assert!(ours > 0, "{query} finds nothing");
        let diff = ours.abs_diff(theirs) as f64 / ours as f64;
        assert!(
            diff <= 0.02,
            "{query} {extra:?}: dateline {ours}, the cluster {theirs}"
        );
    }
    // Every exported article, by its id.
    let mut exported = BTreeMap::new();
    for k in 0..2 {
        for (id, doc) in xmlpipe_docs(&out.join(format!("news_{k}.xml"))) {
            exported.insert(id, doc["did"].clone());
        }
    }
    assert_eq!(exported.len(), 21_578);
    let ids: Vec<u64> = exported.keys().copied().collect();
    assert_eq!(cluster.dids_by_id(&ids), exported);
}
