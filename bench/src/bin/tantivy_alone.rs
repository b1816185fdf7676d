//! "Tantivy alone": the minimal program on tantivy that dateline's speed is measured against
//! (issue 27). It indexes the seed's .txt articles and answers a top-10 search with snippets
//! as one process, doing nothing dateline's features would add, so that the archive harness's
//! ratios say what those features cost.
//!
//! `tantivy_alone build CORPUS INDEX`: walks the `.txt` files in one thread, reads each with
//! the harness's own reading of the layout ([`parse_txt`]), indexes title, authors, body
//! (`en_stem`, positions, stored), the path (stored) and the day (`YYYYMMDD`, fast, for
//! ranges and newest-first) with 2 writer threads and a 200 MB budget, and commits once.
//! Prints the number of articles.
//!
//! `tantivy_alone search INDEX QUERY [--newest]`: parses QUERY with tantivy's query parser
//! over title (boosted 2×), authors and body, every word required as in dateline's default
//! (a day range is written `day:[19870301 TO 19870331]`), takes the top 10 by score (or by
//! day, newest first) and the count, reads their stored fields and makes a 150-character
//! snippet of the body. Prints them as JSON.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use dateline_bench::parse_txt;
use serde_json::{json, Value};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::QueryParser;
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value as _, FAST, INDEXED,
    STORED, STRING,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, Index, IndexWriter, Order, Searcher, TantivyDocument};

/// The fields, looked up once by name.
struct Fields {
    title: Field,
    authors: Field,
    body: Field,
    path: Field,
    day: Field,
}

fn schema() -> Schema {
    let text = TextOptions::default().set_stored().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("en_stem")
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let mut b = Schema::builder();
    b.add_text_field("title", text.clone());
    b.add_text_field("authors", text.clone());
    b.add_text_field("body", text);
    b.add_text_field("path", STRING | STORED);
    b.add_u64_field("day", INDEXED | STORED | FAST);
    b.build()
}

fn fields(schema: &Schema) -> Result<Fields> {
    Ok(Fields {
        title: schema.get_field("title")?,
        authors: schema.get_field("authors")?,
        body: schema.get_field("body")?,
        path: schema.get_field("path")?,
        day: schema.get_field("day")?,
    })
}

/// Every `.txt` file under `dir`, skipping hidden names, in one thread.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let entry = entry?;
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        let kind = entry.file_type()?;
        if kind.is_dir() {
            walk(&path, out)?;
        } else if kind.is_file() && path.extension().is_some_and(|e| e == "txt") {
            out.push(path);
        }
    }
    Ok(())
}

fn build(corpus: &Path, index_dir: &Path) -> Result<()> {
    fs::create_dir_all(index_dir)?;
    let schema = schema();
    let f = fields(&schema)?;
    let index = Index::create_in_dir(index_dir, schema)
        .with_context(|| format!("{} must be an empty folder", index_dir.display()))?;
    let mut writer: IndexWriter = index.writer_with_num_threads(2, 200_000_000)?;
    let mut files = Vec::new();
    walk(corpus, &mut files)?;
    let mut articles = 0u64;
    for path in &files {
        let bytes = fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        let p = parse_txt(&String::from_utf8_lossy(&bytes));
        let mut doc = TantivyDocument::default();
        doc.add_text(f.title, &p.title);
        for a in &p.authors {
            doc.add_text(f.authors, a);
        }
        doc.add_text(f.body, &p.body);
        doc.add_text(f.path, path.to_string_lossy());
        if let Some(day) = p.date.and_then(|d| d.replace('-', "").parse::<u64>().ok()) {
            doc.add_u64(f.day, day);
        }
        writer.add_document(doc)?;
        articles += 1;
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    println!("{articles}");
    Ok(())
}

fn search(index_dir: &Path, query: &str, newest: bool) -> Result<()> {
    let index = Index::open_in_dir(index_dir)
        .with_context(|| format!("no index at {}; run `build` first", index_dir.display()))?;
    let f = fields(&index.schema())?;
    let searcher: Searcher = index.reader()?.searcher();
    let mut parser = QueryParser::for_index(&index, vec![f.title, f.authors, f.body]);
    parser.set_field_boost(f.title, 2.0);
    parser.set_conjunction_by_default();
    let query = parser.parse_query(query)?;
    let (top, count): (Vec<DocAddress>, usize) = if newest {
        let c = TopDocs::with_limit(10).order_by_fast_field::<u64>("day", Order::Desc);
        let (top, n) = searcher.search(&query, &(c, Count))?;
        (top.into_iter().map(|(_, a)| a).collect(), n)
    } else {
        let (top, n) =
            searcher.search(&query, &(TopDocs::with_limit(10).order_by_score(), Count))?;
        (top.into_iter().map(|(_, a)| a).collect(), n)
    };
    let mut snippets = SnippetGenerator::create(&searcher, &*query, f.body)?;
    snippets.set_max_num_chars(150);
    let mut hits = Vec::with_capacity(top.len());
    for address in top {
        let doc: TantivyDocument = searcher.doc(address)?;
        let text = |field: Field| doc.get_first(field).and_then(|v| v.as_str()).unwrap_or("");
        hits.push(json!({
            "title": text(f.title),
            "authors": doc.get_all(f.authors).filter_map(|v| v.as_str()).collect::<Vec<_>>(),
            "day": doc.get_first(f.day).and_then(|v| v.as_u64()),
            "path": text(f.path),
            "snippet": snippets.snippet_from_doc(&doc).to_html(),
        }));
    }
    let out = json!({"total": count, "hits": Value::Array(hits)});
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{out}")?;
    Ok(())
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: tantivy_alone build CORPUS INDEX | search INDEX QUERY [--newest]";
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["build", corpus, index] => build(Path::new(corpus), Path::new(index)),
        ["search", index, query] => search(Path::new(index), query, false),
        ["search", index, query, "--newest"] => search(Path::new(index), query, true),
        _ => bail!("{usage}"),
    }
}
