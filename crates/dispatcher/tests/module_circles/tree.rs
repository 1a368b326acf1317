//! Reading a crate's module tree: each module's source (comments and test items left out), its
//! `mod` children, its `pub use` re-exports, and the paths of a `use` tree.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A module's path below the crate root.
pub type Module = Vec<String>;

/// A parsed module: its source without comments and test code, its children, its re-exports.
pub struct Parsed {
    pub text: String,
    pub children: Vec<String>,
    pub reexports: BTreeMap<String, Vec<String>>,
}

pub fn read_tree(file: &Path, dir: &Path, module: Module, modules: &mut BTreeMap<Module, Parsed>) {
    let Ok(source) = std::fs::read_to_string(file) else { return };
    let parsed = parse(&source);
    for (child, path) in child_files(&source, &parsed.children, dir) {
        let child_dir = path.with_extension("");
        let child_dir = if path.ends_with("mod.rs") { path.parent().unwrap_or(dir).to_path_buf() } else { child_dir };
        let mut child_module = module.clone();
        child_module.push(child);
        read_tree(&path, &child_dir, child_module, modules);
    }
    modules.insert(module, parsed);
}

/// Where each child module's file is: `#[path]`, `dir/child.rs` or `dir/child/mod.rs`.
fn child_files(source: &str, children: &[String], dir: &Path) -> Vec<(String, PathBuf)> {
    children
        .iter()
        .map(|child| {
            let declared = source.find(&format!("mod {child};")).unwrap_or(0);
            let above = source[..declared].rsplit_once('\n').map_or("", |(above, _)| above);
            let path = above.lines().last().and_then(|line| {
                let line = line.trim();
                line.strip_prefix("#[path = \"").and_then(|rest| rest.strip_suffix("\"]")).map(|p| dir.join(p))
            });
            let file = dir.join(format!("{child}.rs"));
            let path = path.unwrap_or(if file.exists() { file } else { dir.join(child).join("mod.rs") });
            (child.clone(), path)
        })
        .collect()
}

/// The source without comments and `#[cfg(test)]` items, its `mod` children and re-exports.
fn parse(source: &str) -> Parsed {
    let text: String =
        source.lines().map(|line| comment_start(line).map_or(line, |at| &line[..at])).collect::<Vec<_>>().join("\n");
    let text = without_test_items(&text);
    let mut children = Vec::new();
    let mut reexports = BTreeMap::new();
    for statement in text.split(';') {
        let words: Vec<&str> = statement.split_whitespace().collect();
        if let [.., "mod", child] = words.as_slice()
            && child.chars().all(|ch| ch.is_alphanumeric() || ch == '_')
        {
            children.push((*child).to_owned());
        }
        if let Some(at) = statement.find("pub use ") {
            for path in use_paths(&collapsed(&statement[at + 8..])) {
                if let Some(last) = path.last() {
                    reexports.insert(last.clone(), path.clone());
                }
            }
        }
    }
    Parsed { text, children, reexports }
}

/// Where a line's comment starts (`//` not part of a URL's `://`).
fn comment_start(line: &str) -> Option<usize> {
    line.match_indices("//").map(|(at, _)| at).find(|at| !line[..*at].ends_with(':'))
}

/// Whitespace runs as single spaces.
pub fn collapsed(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The text with each `#[cfg(test)]` item (a `mod x;` or a braced block) removed.
fn without_test_items(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..at]);
        let after = &rest[at..];
        let end = match (after.find(';'), after.find('{')) {
            (Some(semi), Some(brace)) if semi < brace => semi + 1,
            (_, Some(brace)) => brace + closing(&after[brace..]),
            (Some(semi), None) => semi + 1,
            (None, None) => after.len(),
        };
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// The length up to and including the brace that closes the one `block` opens with.
pub fn closing(block: &str) -> usize {
    let mut depth = 0;
    for (at, ch) in block.char_indices() {
        match ch {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return at + 1;
                }
            }
            _ => {}
        }
    }
    block.len()
}

/// The paths a use tree names: `a::{b, c::{d, self}}` → `a::b`, `a::c::d`, `a::c`.
pub fn use_paths(tree: &str) -> Vec<Vec<String>> {
    let tree = tree.trim().trim_start_matches("::");
    let Some(open) = tree.find('{') else {
        let path = tree.split_whitespace().next().unwrap_or_default();
        return vec![path.split("::").filter(|s| !s.is_empty()).map(str::to_owned).collect()];
    };
    let prefix: Vec<String> = tree[..open].split("::").filter(|s| !s.is_empty()).map(str::to_owned).collect();
    let inner = &tree[open + 1..open + closing(&tree[open..]) - 1];
    let mut paths = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (at, ch) in inner.char_indices().chain(std::iter::once((inner.len(), ','))) {
        match ch {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                let part = inner[start..at].trim();
                start = at + 1;
                if part.is_empty() {
                    continue;
                }
                for tail in use_paths(part) {
                    let tail: Vec<String> = tail.into_iter().filter(|s| s != "self").collect();
                    paths.push(prefix.iter().cloned().chain(tail).collect());
                }
            }
            _ => {}
        }
    }
    paths
}
