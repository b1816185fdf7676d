//! End-to-end tests of article ids kept as numbers (schema 10 on): the id shown is the same
//! 11-character string as before, `show`/`similar` find it, and an index whose ids are text
//! (schema 9) asks for a rebuild.

mod common;

use std::path::Path;

use common::Archive;
use dateline::schema::ids::path_id;
use dateline::schema::{self, article_id};
use predicates::prelude::*;
use serde_json::Value;

const GOLD: &str = r#"{"title": "Gold mine strike ends", "date": "2017-03-18", "body": "Miners returned to the gold mine on Monday after a strike."}"#;
const COPPER: &str = r#"{"title": "Copper price rises", "date": "2017-03-19", "body": "Copper rose on strike fears at the mine."}"#;

/// A text article and a JSON Lines file with gold on line 1 and copper on line 3, indexed.
fn archive() -> Archive {
    let a = Archive::new();
    a.article(
        "thaad.txt",
        "THAAD deployment begins in South Korea",
        "",
        "17 March 2017",
        "SEOUL (Reuters) - The first parts of the THAAD system arrived at the mine site.",
    );
    a.write("wire.jsonl", format!("{GOLD}\n\n{COPPER}\n"));
    a.index_json(&[]);
    a
}

/// The path id dateline gives a file of the archive (its absolute, resolved path).
fn file_id(a: &Archive, name: &str) -> u64 {
    path_id(&a.articles().join(name).canonicalize().unwrap())
}

fn first_id(a: &Archive, query: &str) -> String {
    let r = a.search(query, &[]);
    r["hits"][0]["id"]
        .as_str()
        .expect("hits carry an id")
        .to_string()
}

fn show_json(a: &Archive, target: &str) -> Value {
    let out = a
        .run(&["show", target, "--json"])
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).expect("show --json prints JSON")
}

/// The id contract: 11 base62 characters of the hash of where the article is, the string
/// schema 9 stored as text, so ids copied before the change still name the same articles.
#[test]
fn the_id_shown_is_the_base62_hash_of_where_the_article_is() {
    let a = archive();
    let thaad = first_id(&a, "thaad");
    assert_eq!(
        thaad,
        article_id(file_id(&a, "thaad.txt"), None, None, None)
    );
    let copper = first_id(&a, "copper");
    assert_eq!(
        copper,
        article_id(file_id(&a, "wire.jsonl"), None, Some(3), None)
    );
    for id in [&thaad, &copper] {
        assert_eq!(id.len(), 11, "{id}");
        assert!(id.bytes().all(|b| b.is_ascii_alphanumeric()), "{id}");
        assert!(schema::parse_id(id).is_some(), "{id}");
    }
}

/// Every place that prints an id prints the same string, and `show` finds it.
#[test]
fn every_output_prints_the_same_id_and_show_finds_it() {
    let a = archive();
    let id = first_id(&a, "gold");
    let row = a.stdout(&["search", "gold", "--format", "jsonl"]);
    let row: Value = serde_json::from_str(row.lines().next().unwrap()).unwrap();
    assert_eq!(row["id"], id.as_str());
    let csv = a.stdout(&["search", "gold", "--format", "csv"]);
    assert!(
        // The id, the collection, then partial and missing: columns are only added at the end.
        csv.lines()
            .nth(1)
            .unwrap()
            .ends_with(&format!(",{id},articles,false,")),
        "{csv}"
    );
    let human = a.stdout(&["search", "gold"]);
    assert!(
        human.contains(&format!("wire.jsonl:1 · id {id}")),
        "{human}"
    );
    let shown = show_json(&a, &id);
    assert_eq!(shown["title"], "Gold mine strike ends");
    assert_eq!(shown["id"], id.as_str());
    assert_eq!(show_json(&a, "articles/wire.jsonl:1")["id"], id.as_str());
    let text = a.stdout(&["show", &id]);
    assert!(text.contains(&format!("· id {id}")), "{text}");
    // `similar` starts from the id and shows the others' ids as search does.
    let similar = a.run_json(&["similar", &id, "--json"]);
    let hits = similar["hits"].as_array().unwrap();
    assert!(!hits.is_empty(), "{similar}");
    for hit in hits {
        assert_ne!(hit["id"], id.as_str());
        let title = hit["title"].as_str().unwrap();
        let word = title.split_whitespace().next().unwrap().to_lowercase();
        assert_eq!(hit["id"], first_id(&a, &format!("title:{word}")).as_str());
    }
}

/// The lookup sees only live documents: a file changed in place keeps its id, and `show`
/// finds the new version, not the deleted old one, in whichever segment it lies.
#[test]
fn a_changed_file_keeps_its_id_and_show_finds_the_new_text() {
    let a = archive();
    let id = first_id(&a, "thaad");
    a.article(
        "thaad.txt",
        "THAAD deployment completed",
        "",
        "18 March 2017",
        "SEOUL (Reuters) - The last parts of the system arrived.",
    );
    a.article("later.txt", "Later story", "", "19 March 2017", "Nothing.");
    let s = a.reindex_json(&[]);
    assert_eq!(
        (s["updated"].as_u64(), s["added"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(first_id(&a, "thaad"), id);
    assert_eq!(show_json(&a, &id)["title"], "THAAD deployment completed");
}

/// Ids that are base62 but name nothing: unknown, or past 64 bits (`LygHa16AHYG` is
/// 2^64), are "not found" with the fix, never an error about the number.
#[test]
fn ids_that_name_nothing_are_not_found() {
    let a = archive();
    for id in ["00000000000", "LygHa16AHYG", "zzzzzzzzzzz"] {
        a.run(&["show", id])
            .code(1)
            .stderr(predicate::str::contains(format!(
                "no article has the id {id}"
            )));
    }
}

/// An index of schema 9 (ids stored and indexed as text), as the previous dateline wrote
/// it: the current schema with `id` a raw text field, and one article.
fn write_schema_9_index(a: &Archive) {
    use tantivy::schema::{IndexRecordOption, TextFieldIndexing, TextOptions};
    let (current, _) = schema::build_schema();
    let mut b = tantivy::schema::Schema::builder();
    for (_, entry) in current.fields() {
        if entry.name() != schema::ID {
            b.add_field(entry.clone());
        }
    }
    let id = b.add_text_field(
        schema::ID,
        TextOptions::default()
            .set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer("raw")
                    .set_index_option(IndexRecordOption::Basic),
            )
            .set_stored(),
    );
    let old = b.build();
    std::fs::create_dir_all(a.index()).unwrap();
    let index = tantivy::Index::create_in_dir(a.index(), old.clone()).unwrap();
    schema::prepare(&index);
    let mut writer: tantivy::IndexWriter = index.writer(15_000_000).unwrap();
    let field = |name: &str| old.get_field(name).unwrap();
    let mut doc = tantivy::TantivyDocument::default();
    doc.add_text(
        field(schema::TITLE),
        "THAAD deployment begins in South Korea",
    );
    doc.add_text(field(schema::BODY), "apples");
    doc.add_text(id, article_id(file_id(a, "thaad.txt"), None, None, None));
    writer.add_document(doc).unwrap();
    let roots = [a.articles().canonicalize().unwrap()];
    let mut commit = writer.prepare_commit().unwrap();
    commit.set_payload(&serde_json::json!({"dateline_schema": 9, "roots": roots}).to_string());
    commit.commit().unwrap();
}

#[test]
fn an_index_with_text_ids_asks_for_a_rebuild_and_rebuilds() {
    let a = Archive::new();
    a.article("thaad.txt", "THAAD", "", "17 March 2017", "apples");
    write_schema_9_index(&a);
    let idx = a.index();
    for args in [
        &["search", "apples"][..],
        &["index"][..],
        &["show", "articles/thaad.txt"][..],
    ] {
        let out = a
            .cmd()
            .args(args)
            .arg("--index")
            .arg(&idx)
            .assert()
            .failure();
        let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
        assert!(
            err.contains("incompatible version of dateline"),
            "{args:?}: {err}"
        );
        assert!(err.contains("dateline index --rebuild"), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
    let s = a.index_json(&["--rebuild"]);
    assert_eq!(s["added"], 1, "{s}");
    let id = first_id(&a, "apples");
    assert_eq!(id, article_id(file_id(&a, "thaad.txt"), None, None, None));
    assert_eq!(show_json(&a, &id)["title"], "THAAD");
    assert!(Path::new(&idx).join("meta.json").is_file());
}
