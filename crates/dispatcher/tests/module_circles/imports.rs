//! What a module imports: its `use` paths and inline `crate::`/`super::`/`self::`/child paths,
//! each taken to the module that defines the item, re-exports followed.

use std::collections::{BTreeMap, BTreeSet};

use crate::tree::{Module, Parsed, collapsed, use_paths};

/// The modules `module` imports, other than itself.
pub fn imports(module: &Module, parsed: &Parsed, modules: &BTreeMap<Module, Parsed>) -> BTreeSet<Module> {
    let mut paths = Vec::new();
    for statement in parsed.text.split(';') {
        if let Some(at) = statement.find("use ") {
            let before = statement[..at].trim_end();
            let starts = before.is_empty() || before.ends_with("pub") || before.ends_with([')', '}', '{', ']']);
            if starts {
                paths.extend(use_paths(&collapsed(&statement[at + 4..])));
            }
        }
    }
    paths.extend(inline_paths(&parsed.text, &parsed.children));
    paths
        .iter()
        .filter_map(|path| absolute(module, path, &parsed.children))
        .filter_map(|path| defining_module(&path, modules, 0))
        .filter(|target| target != module)
        .collect()
}

/// Paths written inline: `crate::a::b`, `super::x`, `child::f`.
fn inline_paths(text: &str, children: &[String]) -> Vec<Vec<String>> {
    let is_ident = |ch: char| ch.is_alphanumeric() || ch == '_';
    let mut paths = Vec::new();
    let mut at = 0;
    while at < text.len() {
        let rest = &text[at..];
        let word_len = rest.find(|ch: char| !is_ident(ch)).unwrap_or(rest.len());
        let preceded = text[..at].chars().next_back().is_some_and(|ch| is_ident(ch) || ch == ':');
        let word = &rest[..word_len];
        let root = matches!(word, "crate" | "super" | "self") || children.iter().any(|c| c == word);
        if word_len > 0 && !preceded && root && rest[word_len..].starts_with("::") {
            let len = rest.find(|ch: char| !is_ident(ch) && ch != ':').unwrap_or(rest.len());
            // `super::{a, b}` is a use tree: its paths are read with the `use` statement.
            if !rest[..len].ends_with("::") {
                paths.push(rest[..len].split("::").filter(|s| !s.is_empty()).map(str::to_owned).collect());
            }
            at += len;
        } else {
            at += word_len.max(rest.chars().next().map_or(1, char::len_utf8));
        }
    }
    paths
}

/// A path written in `module` as a path from the crate root; none for another crate's.
fn absolute(module: &Module, path: &[String], children: &[String]) -> Option<Module> {
    let mut base = module.clone();
    let mut segments = path.iter().peekable();
    match segments.peek().map(|s| s.as_str()) {
        Some("crate") => {
            base.clear();
            segments.next();
        }
        Some("self") => {
            segments.next();
        }
        Some("super") => {
            while segments.peek().is_some_and(|s| *s == "super") {
                base.pop()?;
                segments.next();
            }
        }
        Some(first) if children.iter().any(|c| c == first) => {}
        _ => return None,
    }
    Some(base.into_iter().chain(segments.cloned()).collect())
}

/// The module that defines what `path` names, following re-exports.
fn defining_module(path: &[String], modules: &BTreeMap<Module, Parsed>, depth: usize) -> Option<Module> {
    let known = (0..=path.len()).rev().find(|len| modules.contains_key(&path[..*len]))?;
    let module = path[..known].to_vec();
    let reexported = path.get(known).and_then(|item| modules[&module].reexports.get(item));
    match reexported {
        Some(target) if depth < 8 => absolute(&module, target, &modules[&module].children)
            .and_then(|target| defining_module(&target, modules, depth + 1))
            .or(Some(module)),
        _ => Some(module),
    }
}
