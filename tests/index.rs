//! End-to-end tests of `dateline index`: summaries, skipped files, remembered folders.

mod common;

use common::Archive;

#[test]
fn summary_counts_and_problems() {
    let a = Archive::new();
    a.article("a.txt", "First", "Ann Lee", "17 March 2017", "Body one.");
    a.article("b.txt", "Second", "", "2017-03-18", "Body two.");
    a.write("photo.jpg", [0xFFu8, 0xD8, 0xFF, 0xE0]);
    a.write("empty.txt", "");
    a.write(
        "bad.jsonl",
        "{\"title\": \"Good\", \"body\": \"fine\"}\nnot json\n",
    );
    a.write(".DS_Store", [0u8, 1, 2]);
    let s = a.index_json(&[]);
    assert_eq!(s["indexed"], 3, "{s}");
    assert_eq!(s["added"], 3, "{s}");
    let problems = s["problems"].as_array().unwrap();
    let reason_for = |name: &str| {
        problems
            .iter()
            .find(|p| p["path"].as_str().unwrap().ends_with(name))
            .unwrap_or_else(|| panic!("no problem reported for {name}: {s}"))
            .clone()
    };
    assert_eq!(reason_for("photo.jpg")["kind"], "skipped");
    assert_eq!(reason_for("empty.txt")["kind"], "skipped");
    assert_eq!(reason_for(".DS_Store")["kind"], "skipped");
    let bad = reason_for("bad.jsonl");
    assert_eq!(bad["line"], 2);
    assert_eq!(s["skipped"].as_u64().unwrap(), 4);
    assert!(s["elapsed_ms"].is_u64());
}

#[test]
fn a_collections_readme_is_skipped_with_the_reason_not_indexed_as_an_article() {
    let a = Archive::new();
    a.article(
        "tech/001.txt",
        "Chips sell well",
        "",
        "",
        "Chip makers sold more chips.",
    );
    a.write(
        "README.TXT",
        "Consists of 2225 documents from the BBC news website.\n\nNatural Classes: 5\n",
    );
    let s = a.index_json(&[]);
    assert_eq!(s["indexed"], 1, "{s}");
    let problem = s["problems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["path"].as_str().unwrap().ends_with("README.TXT"))
        .unwrap_or_else(|| panic!("README.TXT not reported: {s}"))
        .clone();
    assert_eq!(problem["kind"], "skipped");
    assert!(
        problem["reason"]
            .as_str()
            .unwrap()
            .contains("not an article"),
        "{problem}"
    );
    assert!(a.titles("documents", &[]).is_empty());
}

#[test]
fn human_summary_is_one_line_on_stdout_and_the_problems_go_to_stderr() {
    let a = Archive::new();
    a.article("a.txt", "First", "", "17 March 2017", "Body one.");
    a.write("notes.pdf", "%PDF-1.4");
    let (text, problems) = a.index_output(&[]);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1, "{text}");
    assert!(lines[0].starts_with("indexed 1 "), "{text}");
    assert!(
        problems.starts_with("skipped: ") && problems.contains("notes.pdf"),
        "{problems}"
    );
}

#[test]
fn a_bare_index_run_rereads_the_remembered_folders() {
    let a = Archive::new();
    a.article("a.txt", "First", "", "17 March 2017", "alpha");
    a.index_json(&[]);
    a.article("b.txt", "Second", "", "18 March 2017", "beta");
    let s = a.reindex_json(&[]);
    assert_eq!(s["added"], 1, "{s}");
    assert_eq!(s["unchanged"], 1, "{s}");
    assert_eq!(a.search("beta", &[])["total_hits"], 1);
}

#[test]
fn rebuild_starts_from_empty() {
    let a = Archive::new();
    a.article("a.txt", "First", "", "17 March 2017", "alpha");
    a.index_json(&[]);
    let s = a.reindex_json(&["--rebuild"]);
    assert_eq!(s["added"], 1, "{s}");
    assert_eq!(s["unchanged"], 0, "{s}");
    assert_eq!(s["articles"], 1, "{s}");
}

#[test]
fn symlink_loops_do_not_hang_and_linked_folders_are_read() {
    let a = Archive::new();
    a.article("a/one.txt", "One", "", "17 March 2017", "alpha");
    let outside = a.root().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("two.txt"), "Two\n17 March 2017\n\nbeta\n").unwrap();
    std::os::unix::fs::symlink(a.articles(), a.articles().join("a/loop")).unwrap();
    std::os::unix::fs::symlink(&outside, a.articles().join("linked")).unwrap();
    std::os::unix::fs::symlink(a.articles().join("a"), a.articles().join("again")).unwrap();
    let s = a.index_json(&[]);
    assert_eq!(s["indexed"], 2, "{s}");
    let reasons: Vec<&str> = s["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["reason"].as_str().unwrap())
        .collect();
    assert!(reasons.iter().any(|r| r.contains("loop")), "{s}");
    assert!(reasons.iter().any(|r| r.contains("already read")), "{s}");
    assert_eq!(a.search("beta", &[])["total_hits"], 1);
    assert_eq!(a.search("alpha", &[])["total_hits"], 1);
}

#[test]
fn messy_files_are_read_right_or_reported() {
    let a = Archive::new();
    // Windows-1252: curly quotes and a pound sign.
    a.write(
        "cp1252.txt",
        b"\x93Quoted\x94 budget\r\n17 March 2017\r\n\r\nIt costs \xa35m.\r\n".as_slice(),
    );
    // UTF-16 with a BOM.
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in "Wide title\n2017-03-18\n\nwide body\n".encode_utf16() {
        utf16.extend_from_slice(&unit.to_le_bytes());
    }
    a.write("utf16.txt", utf16);
    // A PNG named .txt.
    a.write("image.txt", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".as_slice());
    // No date line.
    a.write(
        "undated.txt",
        "Undated story\n\nSome text about undated things.\n",
    );
    let s = a.index_json(&[]);
    assert_eq!(s["indexed"], 3, "{s}");
    let problem = |name: &str| {
        s["problems"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["path"].as_str().unwrap().ends_with(name))
            .cloned()
            .unwrap_or_else(|| panic!("nothing reported for {name}: {s}"))
    };
    assert_eq!(problem("image.txt")["kind"], "skipped");
    assert!(problem("image.txt")["reason"]
        .as_str()
        .unwrap()
        .contains("PNG"));
    assert_eq!(problem("undated.txt")["kind"], "warning");

    let hit = &a.search("budget", &[])["hits"][0];
    assert_eq!(hit["title"], "\u{201c}Quoted\u{201d} budget");
    assert!(hit["snippet"].as_str().unwrap().contains("£5m"), "{hit}");
    assert_eq!(a.search("wide", &[])["hits"][0]["date"], "2017-03-18");
    // Undated articles: found without a date filter, never with one.
    assert_eq!(a.search("undated", &[])["total_hits"], 1);
    assert_eq!(
        a.search("undated date:[1900 TO 2100]", &[])["total_hits"],
        0
    );
    assert_eq!(
        a.search("undated", &["--from", "1900-01-01"])["total_hits"],
        0
    );
}

#[test]
fn a_ten_megabyte_article_is_indexed_whole() {
    let a = Archive::new();
    let mut body = String::with_capacity(10 << 20);
    while body.len() < 10 << 20 {
        body.push_str("Filler words about the market and prices went on all day long.\n\n");
    }
    body.push_str("The last paragraph names zanzibar.\n");
    a.write("big.txt", format!("Big story\n17 March 2017\n\n{body}"));
    let s = a.index_json(&[]);
    assert_eq!(s["indexed"], 1, "{s}");
    assert_eq!(a.search("zanzibar", &[])["total_hits"], 1);
}

/// A JSON Lines file over a megabyte is read in pieces: every line is indexed once, under
/// its own line number, and problems keep theirs.
#[test]
fn large_jsonl_file_is_read_in_pieces() {
    let a = Archive::new();
    let n = 6000;
    let filler = "more words about grain and shipping markets ".repeat(4);
    let mut text = String::new();
    for i in 1..=n {
        if i == 4321 {
            text.push_str("not json\n");
            continue;
        }
        text.push_str(&format!(
            "{{\"title\": \"Story {i}\", \"date\": \"2017-03-18\", \"body\": \"uniq{i} {filler}\"}}\n"
        ));
    }
    assert!(text.len() > 1 << 20, "{} bytes", text.len());
    a.write("big.jsonl", &text);
    let s = a.index_json(&[]);
    assert_eq!(s["indexed"], n - 1, "{s}");
    let problems = s["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1, "{s}");
    assert_eq!(problems[0]["line"], 4321);
    for i in [1, 2500, 4320, 4322, n] {
        let r = a.search(&format!("uniq{i}"), &[]);
        assert_eq!(r["total_hits"], 1, "uniq{i}: {r}");
        assert_eq!(r["hits"][0]["line"], i, "uniq{i}: {r}");
    }
    // Unchanged: not read again; touched: replaced, still once each.
    assert_eq!(a.reindex_json(&[])["unchanged"], 1);
    a.write("big.jsonl", &text);
    let s = a.reindex_json(&[]);
    assert_eq!(s["articles"], n - 1, "{s}");
}

/// Writes a text article at `folder/name` under the archive's root (beside `articles/`).
fn story(a: &Archive, folder: &str, name: &str, title: &str, date: &str, body: &str) {
    let dir = a.root().join(folder);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(name), format!("{title}\n{date}\n\n{body}\n")).unwrap();
}

/// `dateline index ARGS... --index IDX` in the archive's root; its summary.
fn index_in_root(a: &Archive, args: &[&str]) -> serde_json::Value {
    let out = a
        .cmd()
        .args(["index", "--json", "--index"])
        .arg(a.index())
        .args(args)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).unwrap()
}

/// The collection of the one article `query` finds.
fn collection_of(a: &Archive, query: &str) -> serde_json::Value {
    let r = a.search(query, &[]);
    assert_eq!(r["total_hits"], 1, "{r}");
    r["hits"][0]["collection"].clone()
}

#[test]
fn each_folder_is_a_collection_named_after_it() {
    let a = Archive::new();
    story(&a, "bbc", "a.txt", "Alpha", "17 March 2017", "apples");
    story(
        &a,
        "reuters21578",
        "b.txt",
        "Beta",
        "18 March 2017",
        "bananas",
    );
    index_in_root(&a, &["bbc", "./reuters21578/"]);
    assert_eq!(collection_of(&a, "apples"), "bbc");
    assert_eq!(collection_of(&a, "bananas"), "reuters21578");
}

#[test]
fn collection_names_the_folders_of_its_run_and_a_bare_run_keeps_it() {
    let a = Archive::new();
    story(&a, "bbc", "a.txt", "Alpha", "17 March 2017", "apples");
    story(&a, "wire", "b.txt", "Beta", "18 March 2017", "bananas");
    index_in_root(&a, &["--collection", "BBC News", "bbc"]);
    index_in_root(&a, &["wire"]);
    assert_eq!(collection_of(&a, "apples"), "BBC News");
    assert_eq!(collection_of(&a, "bananas"), "wire");
    // A new article in a remembered folder gets the folder's name, on a bare run too.
    story(&a, "bbc", "c.txt", "Gamma", "19 March 2017", "cherries");
    index_in_root(&a, &[]);
    assert_eq!(collection_of(&a, "cherries"), "BBC News");
    // Named again without --collection: it keeps its name.
    index_in_root(&a, &["bbc"]);
    assert_eq!(collection_of(&a, "apples"), "BBC News");
}

#[test]
fn renaming_a_folders_collection_relabels_its_articles() {
    let a = Archive::new();
    story(&a, "bbc", "a.txt", "Alpha", "17 March 2017", "apples");
    story(&a, "wire", "b.txt", "Beta", "18 March 2017", "bananas");
    index_in_root(&a, &["bbc", "wire"]);
    let s = index_in_root(&a, &["--collection", "BBC", "bbc"]);
    assert_eq!(s["articles"], 2, "{s}");
    assert_eq!(collection_of(&a, "apples"), "BBC");
    assert_eq!(collection_of(&a, "bananas"), "wire");
    // Relabelled once: the next run reads nothing again.
    let s = index_in_root(&a, &[]);
    assert_eq!(s["unchanged"], 2, "{s}");
    assert_eq!(s["indexed"], 0, "{s}");
}

#[test]
fn collection_without_a_folder_is_refused_with_the_fix() {
    let a = Archive::new();
    a.article("a.txt", "Alpha", "", "17 March 2017", "apples");
    a.index_json(&[]);
    let out = a.run(&["index", "--collection", "x"]).failure().code(2);
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(err.contains("--collection NAME FOLDER"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

/// An index written before articles had a collection (schema 12: the same fields but the
/// two collection fields) is refused in one line that says to rebuild; the rebuild reads
/// its folders again, each named after itself.
#[test]
fn an_index_without_collections_asks_for_a_rebuild() {
    use dateline::schema;
    let a = Archive::new();
    a.article("a.txt", "Alpha", "", "17 March 2017", "apples");
    let (current, _) = schema::build_schema();
    let mut b = tantivy::schema::Schema::builder();
    for (_, entry) in current.fields() {
        if !entry.name().starts_with(schema::COLLECTION) {
            b.add_field(entry.clone());
        }
    }
    std::fs::create_dir_all(a.index()).unwrap();
    let index = tantivy::Index::create_in_dir(a.index(), b.build()).unwrap();
    schema::prepare(&index);
    let mut writer: tantivy::IndexWriter = index.writer(15_000_000).unwrap();
    let roots = [a.articles().canonicalize().unwrap()];
    let mut commit = writer.prepare_commit().unwrap();
    commit.set_payload(&serde_json::json!({"dateline_schema": 12, "roots": roots}).to_string());
    commit.commit().unwrap();
    drop(writer);
    for args in [&["search", "apples"][..], &["index"][..]] {
        let out = a.run(args).failure().code(2);
        let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
        assert!(err.contains("dateline index --rebuild"), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
    let s = a.reindex_json(&["--rebuild"]);
    assert_eq!(s["added"], 1, "{s}");
    assert_eq!(collection_of(&a, "apples"), "articles");
}

#[test]
fn dateline_index_in_the_environment_names_the_index_for_every_command() {
    let a = Archive::new();
    a.article(
        "a.txt",
        "Gold mine strike ends",
        "",
        "2017-03-18",
        "Miners return.",
    );
    let index = a.root().join("elsewhere").join("news-index");
    a.cmd()
        .env("DATELINE_INDEX", &index)
        .args(["index"])
        .arg(a.articles())
        .assert()
        .success();
    assert!(index.join("meta.json").exists());
    // From another folder, with no --index: the environment's index, not ./index.
    let out = a
        .cmd()
        .current_dir(a.articles())
        .env("DATELINE_INDEX", &index)
        .args(["search", "gold", "--json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["total_hits"], 1, "{v}");
    assert!(!a.articles().join("index").exists());
    // --index still wins.
    a.cmd()
        .env("DATELINE_INDEX", &index)
        .args(["search", "gold", "--index"])
        .arg(a.root().join("none"))
        .assert()
        .code(2);
}

#[test]
fn a_first_index_run_in_an_empty_folder_leaves_no_index_and_says_how_to_name_one() {
    let a = Archive::new();
    let out = a
        .cmd()
        .args(["index"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("dateline index FOLDER"), "{err}");
    assert!(!a.root().join("index").exists(), "an empty index was left");
    // So `serve` and `search` do not open an empty index either.
    a.cmd().args(["search", "gold"]).assert().code(2);
    assert!(!a.root().join("index").exists());
}

#[test]
fn the_human_summary_says_one_article_and_one_warning_in_the_singular() {
    let a = Archive::new();
    a.write("undated.txt", "Gold mine strike ends\n\nMiners return.\n");
    let text = a.index_stdout(&[]);
    assert!(
        text.starts_with("indexed 1 article (1 file added, 0 updated, 0 removed, 0 unchanged); 0 skipped, 1 warning; 1 article in the index;"),
        "{text}"
    );
}

#[test]
fn the_human_summary_writes_thousands_with_separators() {
    let a = Archive::new();
    let lines: String = (0..1000)
        .map(|i| format!("{{\"title\": \"Story {i}\", \"date\": \"2017-03-04\", \"body\": \"Harbor fees {i}.\"}}\n"))
        .collect();
    a.write("many.jsonl", lines);
    let text = a.index_stdout(&[]);
    assert!(
        text.starts_with("indexed 1,000 articles (1 file added"),
        "{text}"
    );
    assert!(text.contains("; 1,000 articles in the index;"), "{text}");
    // And search counts them the same way.
    let out = a.stdout(&["search", "harbor"]);
    assert!(out.contains("1,000 articles (shown 1–10)"), "{out}");
}

#[test]
fn the_readmes_first_screen_says_how_long_the_first_build_takes_and_how_to_run_dateline() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md beside Cargo.toml");
    // What a newcomer reads before scrolling: about the first forty lines.
    let first: String = readme.lines().take(40).collect::<Vec<_>>().join("\n");
    for needed in [
        "cargo run --release",
        "minutes",
        "GB",
        "cargo install --path .",
        "target/release/dateline",
        "DATELINE_INDEX",
    ] {
        assert!(first.contains(needed), "no {needed:?} in:\n{first}");
    }
}
