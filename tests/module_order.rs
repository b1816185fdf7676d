//! The modules stack one way: every `crate::X` reference in `src/` (outside comments and
//! literals) is read as an edge from the module it is written in to `X`, and the graph must
//! have no cycle. The search side must never reach the indexing code, nor the reading of
//! folders, and the domain code never reaches the edge: clap, axum and the terminal crates
//! are for the command line, the server and the output alone.
//!
//! `cargo test --test module_order -- --nocapture` prints the modules from the bottom layer up.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

type Graph = BTreeMap<String, BTreeSet<String>>;

/// Rust source with comments removed and string and character literals emptied, so that
/// only code is searched for paths.
fn code_only(src: &str) -> String {
    let b: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < b.len() && b[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < b.len() {
                if b[i] == '/' && b.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if b[i] == '*' && b.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            out.push(' ');
        } else if c == 'r'
            && (i == 0 || !ident(b[i - 1]) || b[i - 1] == 'b')
            && matches!(next, Some('"' | '#'))
        {
            // Raw string: r"…", r#"…"#, br"…".
            let mut j = i + 1;
            let mut hashes = 0;
            while b.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if b.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            while j < b.len() {
                if b[j] == '"' && (1..=hashes).all(|k| b.get(j + k) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            out.push_str("\"\"");
            i = j;
        } else if c == '"' {
            i += 1;
            while i < b.len() && b[i] != '"' {
                i += if b[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            out.push_str("\"\"");
        } else if c == '\'' {
            // A character literal ('x', '\n', '\u{1b}'), or else a lifetime ('a).
            if next == Some('\\') {
                // Past the quote, the backslash and the escaped character.
                i += 3;
                while i < b.len() && b[i] != '\'' {
                    i += 1;
                }
                i += 1;
                out.push_str("' '");
            } else if b.get(i + 2) == Some(&'\'') {
                i += 3;
                out.push_str("' '");
            } else {
                out.push(c);
                i += 1;
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// The first path segment of each item of a use tree's group, `{a, b::c, d::{e, f}}`,
/// starting just after its `{`.
fn group_heads(code: &str) -> Vec<String> {
    let mut heads = Vec::new();
    let mut depth = 0;
    let mut at_item = true;
    let mut word = String::new();
    for c in code.chars() {
        if at_item && (c.is_alphanumeric() || c == '_') {
            word.push(c);
            continue;
        }
        if !word.is_empty() {
            heads.push(std::mem::take(&mut word));
            at_item = false;
        }
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ',' if depth == 0 => at_item = true,
            _ => {}
        }
    }
    heads
}

/// The modules `code` names after `prefix` (`crate::` in the library, `dateline::` in the
/// binary).
fn references(code: &str, prefix: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (at, _) in code.match_indices(prefix) {
        if at > 0 && code[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let rest = code[at + prefix.len()..].trim_start();
        if let Some(group) = rest.strip_prefix('{') {
            out.extend(group_heads(group));
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            out.insert(name);
        }
    }
    out.retain(|m| !m.is_empty() && m != "self");
    out
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Module -> its code, comments and literals left out, over every file in `src/` (a
/// folder is one module).
fn module_code() -> BTreeMap<String, String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut modules = BTreeMap::<String, String>::new();
    for file in files {
        let rel = file.strip_prefix(&src).unwrap();
        let first = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let module = first.trim_end_matches(".rs").to_string();
        if module == "lib" {
            continue;
        }
        let code = code_only(&std::fs::read_to_string(&file).unwrap());
        let all = modules.entry(module).or_default();
        all.push_str(&code);
        all.push('\n');
    }
    modules
}

/// The modules of the binary, not the library.
const BINARY_MODULES: [&str; 3] = ["main", "cli", "commands"];

/// Module -> the modules it uses.
fn module_graph() -> Graph {
    let mut graph = Graph::new();
    for (module, code) in module_code() {
        // The binary's modules (main, cli, commands) reach the library as `dateline::` and
        // each other as `crate::`.
        let mut uses = references(&code, "crate::");
        if BINARY_MODULES.contains(&module.as_str()) {
            uses.extend(references(&code, "dateline::"));
        }
        uses.remove(&module);
        graph.insert(module, uses);
    }
    graph
}

/// The crates of the edge: the command line's (clap), the server's (axum, on tokio), and the
/// terminal's (the spinner, the width, colour, Ctrl-C).
const EDGE_CRATES: [&str; 11] = [
    "clap",
    "clap_complete",
    "clap_mangen",
    "axum",
    "tokio",
    "hyper",
    "indicatif",
    "terminal_size",
    "anstream",
    "anstyle",
    "ctrlc",
];

/// The modules of the edge, allowed those crates: the binary, the command line and its
/// commands, the server, the output, and `answer` (the JSON both the commands and the
/// server print, written by `output`).
const EDGE_MODULES: [&str; 6] = ["main", "cli", "commands", "serve", "output", "answer"];

/// Module -> the edge crates it names (`clap::`, `use axum::{...}`).
fn edge_crates_used() -> Graph {
    let mut graph = Graph::new();
    for (module, code) in module_code() {
        let named = EDGE_CRATES
            .iter()
            .filter(|krate| {
                let path = format!("{krate}::");
                code.match_indices(&path).any(|(at, _)| {
                    // A path's first segment, not `other::clap::`.
                    !code[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == ':')
                })
            })
            .map(|krate| krate.to_string())
            .collect();
        graph.insert(module, named);
    }
    graph
}

/// The modules in layers, bottom first: each module uses only modules of the layers below
/// it. Or, when there is a cycle, the modules on it.
fn layers(graph: &Graph) -> Result<Vec<Vec<String>>, BTreeSet<String>> {
    let mut left: Graph = graph.clone();
    let mut order = Vec::new();
    loop {
        let ready: Vec<String> = left
            .iter()
            .filter(|(_, uses)| uses.iter().all(|u| !left.contains_key(u)))
            .map(|(m, _)| m.clone())
            .collect();
        if ready.is_empty() {
            break;
        }
        for m in &ready {
            left.remove(m);
        }
        order.push(ready);
    }
    if left.is_empty() {
        return Ok(order);
    }
    // Peel off, from the top, the modules that only use the cycle, to name the cycle alone.
    loop {
        let unused: Vec<String> = left
            .keys()
            .filter(|m| !left.values().any(|uses| uses.contains(*m)))
            .cloned()
            .collect();
        if unused.is_empty() {
            return Err(left.into_keys().collect());
        }
        for m in unused {
            left.remove(&m);
        }
    }
}

fn reaches(graph: &Graph, from: &str, to: &str) -> bool {
    let mut seen = BTreeSet::new();
    let mut stack = vec![from.to_string()];
    while let Some(m) = stack.pop() {
        if m == to {
            return true;
        }
        if seen.insert(m.clone()) {
            stack.extend(graph.get(&m).into_iter().flatten().cloned());
        }
    }
    false
}

#[test]
fn modules_stack_without_cycles() {
    let graph = module_graph();
    // The scan must see the edges there are, or an empty graph would pass.
    for (from, to) in [
        ("search", "snippet"),
        ("query", "ranking"),
        ("search", "query"),
        ("indexer", "index_dir"),
        ("indexer", "read"),
        ("cluster", "read"),
        ("index_dir", "schema"),
        ("commands", "cli"),
        ("commands", "indexer"),
    ] {
        assert!(
            graph[from].contains(to),
            "{from} should use {to}: {graph:?}"
        );
    }
    match layers(&graph) {
        Ok(layers) => {
            let layers: Vec<String> = layers.iter().map(|l| l.join(" ")).collect();
            println!("modules, bottom layer first:\n  {}", layers.join("\n  "));
        }
        Err(cycle) => panic!(
            "modules on an import cycle: {cycle:?}; move what one borrows from the other to \
             the module that owns it. Graph: {graph:?}"
        ),
    }
}

#[test]
fn searching_never_reaches_indexing_code() {
    let graph = module_graph();
    for module in [
        "schema",
        "index_dir",
        "ranking",
        "query",
        "topk",
        "facets",
        "suggest",
        "snippet",
        "search",
        "show",
        "similar",
        "terms",
        "remote",
    ] {
        assert!(
            !reaches(&graph, module, "indexer"),
            "{module} reaches indexer: {graph:?}"
        );
        // Reading folders (the walk, the file readers) is for indexing and exporting.
        assert!(
            !reaches(&graph, module, "read"),
            "{module} reaches read: {graph:?}"
        );
    }
    // These also draw and write, through the output side; their counting and collecting
    // must not use the indexer directly.
    for module in ["timeline", "export"] {
        assert!(
            !graph[module].contains("indexer"),
            "{module} uses indexer: {:?}",
            graph[module]
        );
    }
}

#[test]
fn domain_code_never_reaches_the_edge() {
    let graph = module_graph();
    let crates = edge_crates_used();
    // The scan must see the uses there are, or finding none would pass.
    for (module, krate) in [
        ("cli", "clap"),
        ("serve", "axum"),
        ("commands", "indicatif"),
        ("output", "anstream"),
    ] {
        assert!(
            crates[module].contains(krate),
            "{module} should use {krate}: {crates:?}"
        );
    }
    for module in graph.keys() {
        if EDGE_MODULES.contains(&module.as_str()) {
            continue;
        }
        assert!(
            crates[module].is_empty(),
            "{module} uses {:?}: those belong to the edge ({EDGE_MODULES:?}); take what the \
             edge needs through a parameter or a callback instead",
            crates[module]
        );
        for edge in EDGE_MODULES {
            assert!(
                !reaches(&graph, module, edge),
                "{module} reaches {edge}, part of the edge: {graph:?}"
            );
        }
    }
}

#[test]
fn a_cycle_is_found() {
    let graph: Graph = [("a", "b"), ("b", "c"), ("c", "a"), ("d", "a")]
        .into_iter()
        .map(|(m, u)| (m.to_string(), [u.to_string()].into()))
        .collect();
    let mut acyclic = graph.clone();
    acyclic.insert("c".into(), BTreeSet::new());
    assert_eq!(
        layers(&graph).unwrap_err(),
        ["a", "b", "c"].map(String::from).into()
    );
    assert_eq!(
        layers(&acyclic).unwrap(),
        [vec!["c"], vec!["b"], vec!["a"], vec!["d"]]
    );
}

#[test]
fn code_only_skips_comments_and_literals() {
    let code = code_only(
        "use crate::a; // crate::b\n/* crate::c /* nested */ */ let s = \"crate::d\"; \
         let r = r#\"crate::e\"#; let q = '\"'; let e = '\\''; fn f<'x>() {} crate::{g, h::{i, j}, self};",
    );
    assert_eq!(
        references(&code, "crate::"),
        ["a", "g", "h"].map(String::from).into()
    );
}
