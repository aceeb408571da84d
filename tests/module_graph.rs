//! The core's files import each other in one direction only: no file reaches, through
//! any chain of `use crate::…`, `super::…` or inline `crate::…` paths, a file that
//! reaches it back (ARCHITECTURE.md, "Dependencies point one way"). Test modules are
//! left out: a test may use any part of the crate.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every file of the core library, keyed by its module path (`["store", "functions"]`).
fn library_files(root: &Path) -> BTreeMap<Vec<String>, PathBuf> {
    let mut files = BTreeMap::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let relative = path.strip_prefix(root).unwrap();
            if relative.starts_with("bin") {
                continue; // the CLI is a user of the library, not part of it
            }
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let mut module: Vec<String> =
                    relative.with_extension("").iter().map(|p| p.to_string_lossy().into_owned()).collect();
                if module.last().is_some_and(|last| last == "mod" || last == "lib") {
                    module.pop();
                }
                files.insert(module, path);
            }
        }
    }
    files
}

/// The source without its test modules (everything from the first `#[cfg(test)]`).
fn non_test_source(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    match text.find("#[cfg(test)]") {
        Some(at) => text[..at].to_string(),
        None => text,
    }
    .lines()
    .filter(|line| !line.trim_start().starts_with("//"))
    .collect::<Vec<_>>()
    .join("\n")
}

/// `a::{b, c::{d, e}}` → `a::b`, `a::c::d`, `a::c::e`.
fn expand_braces(path: &str) -> Vec<String> {
    let Some(open) = path.find('{') else { return vec![path.to_string()] };
    let close = path.rfind('}').unwrap_or(path.len());
    let (prefix, inner) = (&path[..open], &path[open + 1..close]);
    let mut items = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(&inner[start..]);
    items
        .into_iter()
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .flat_map(|item| expand_braces(&format!("{prefix}{item}")))
        .collect()
}

/// The module paths a file refers to, made absolute from the file's own module.
fn referenced_paths(source: &str, module: &[String]) -> Vec<Vec<String>> {
    let mut paths = Vec::new();
    // `use` statements (braces expanded), then inline `crate::…`/`super::…` paths.
    let mut rest = source;
    while let Some(at) = rest.find("use ") {
        let boundary = at == 0 || !rest.as_bytes()[at - 1].is_ascii_alphanumeric() && rest.as_bytes()[at - 1] != b'_';
        let end = rest[at..].find(';').map_or(rest.len(), |e| at + e);
        if boundary {
            let statement: String = rest[at + 4..end].split_whitespace().collect();
            paths.extend(expand_braces(&statement));
        }
        rest = &rest[end.min(rest.len())..];
        if rest.is_empty() {
            break;
        }
        rest = &rest[1..];
    }
    for keyword in ["crate::", "super::"] {
        let mut search = source;
        while let Some(at) = search.find(keyword) {
            let tail = &search[at..];
            let length =
                tail.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':')).unwrap_or(tail.len());
            paths.push(tail[..length].to_string());
            search = &search[at + keyword.len()..];
        }
    }
    paths
        .into_iter()
        .filter_map(|path| {
            let segments: Vec<&str> = path.split("::").map(|s| s.split(" as ").next().unwrap_or(s)).collect();
            let mut absolute: Vec<String> = match segments.first() {
                Some(&"crate") => Vec::new(),
                Some(&"super") => module[..module.len().saturating_sub(1)].to_vec(),
                Some(&"self") => module.to_vec(),
                _ => return None, // another crate, or a local item
            };
            for segment in &segments[1..] {
                match *segment {
                    "super" => {
                        absolute.pop();
                    }
                    "" | "*" => {}
                    other => absolute.push(other.to_string()),
                }
            }
            Some(absolute)
        })
        .collect()
}

/// The file a path lands in: the longest prefix of it that is a module file.
fn resolve<'a>(path: &[String], files: &'a BTreeMap<Vec<String>, PathBuf>) -> Option<&'a Vec<String>> {
    (0..=path.len()).rev().find_map(|n| files.get_key_value(&path[..n]).map(|(key, _)| key))
}

fn import_graph(root: &Path) -> BTreeMap<Vec<String>, BTreeSet<Vec<String>>> {
    let files = library_files(root);
    let mut graph = BTreeMap::new();
    for (module, path) in &files {
        let source = non_test_source(path);
        let targets: BTreeSet<Vec<String>> = referenced_paths(&source, module)
            .iter()
            .filter_map(|p| resolve(p, &files).cloned())
            .filter(|target| target != module)
            .collect();
        graph.insert(module.clone(), targets);
    }
    graph
}

/// A cycle in the graph, as the chain of modules that forms it, if there is one.
fn find_cycle(graph: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>) -> Option<Vec<String>> {
    fn visit(
        node: &Vec<String>,
        graph: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        stack: &mut Vec<Vec<String>>,
        done: &mut BTreeSet<Vec<String>>,
    ) -> Option<Vec<String>> {
        if let Some(at) = stack.iter().position(|n| n == node) {
            let mut cycle: Vec<String> = stack[at..].iter().map(|m| format!("crate::{}", m.join("::"))).collect();
            cycle.push(format!("crate::{}", node.join("::")));
            return Some(cycle);
        }
        if !done.insert(node.clone()) {
            return None;
        }
        stack.push(node.clone());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, stack, done) {
                return Some(cycle);
            }
        }
        stack.pop();
        None
    }
    let mut done = BTreeSet::new();
    graph.keys().find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}

#[test]
fn the_core_has_no_import_circles() {
    let graph = import_graph(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    assert!(graph.len() > 15, "the core's files were found: {:?}", graph.keys().collect::<Vec<_>>());
    // The graph is really read: the session reaches profiles, the store its tables' types.
    let edge = |from: &[&str], to: &[&str]| {
        let (from, to): (Vec<String>, Vec<String>) =
            (from.iter().map(|s| s.to_string()).collect(), to.iter().map(|s| s.to_string()).collect());
        graph[&from].contains(&to)
    };
    assert!(edge(&["session"], &["profiles"]));
    assert!(edge(&["store", "functions"], &["functions", "types"]));
    if let Some(cycle) = find_cycle(&graph) {
        panic!("import circle: {}", cycle.join(" -> "));
    }
}

#[test]
fn a_circle_is_found_when_there_is_one() {
    let dir = std::env::temp_dir().join(format!("ldeck-module-graph-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("a")).unwrap();
    std::fs::write(dir.join("lib.rs"), "pub mod a;\npub mod b;\n").unwrap();
    std::fs::write(dir.join("a/mod.rs"), "pub mod inner;\n").unwrap();
    std::fs::write(dir.join("a/inner.rs"), "use crate::{b::{Thing, other}, Error};\npub struct Inner;\n").unwrap();
    std::fs::write(dir.join("b.rs"), "pub fn f() -> super::a::inner::Inner { todo!() }\n").unwrap();

    let cycle = find_cycle(&import_graph(&dir));

    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(cycle.unwrap(), ["crate::a::inner", "crate::b", "crate::a::inner"]);
}
