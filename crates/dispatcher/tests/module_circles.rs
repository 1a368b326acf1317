//! No module of the crate imports a module that imports it back, directly or around a longer
//! circle (issue 13, item 6). The module tree is read from `mod` declarations starting at
//! `lib.rs` (test modules left out); a module's imports are its `use` paths and inline paths
//! that start with `crate::`, `super::`, `self::` or a child's name, each taken to the module
//! that defines the item (a re-export `pub use child::Item` is followed to the child).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

type Module = Vec<String>;

/// A parsed module: its source without comments and test code, its children, its re-exports.
struct Parsed {
    text: String,
    children: Vec<String>,
    reexports: BTreeMap<String, Vec<String>>,
}

#[test]
fn no_module_of_the_dispatcher_imports_a_module_that_imports_it_back() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let circles = circles(&src);
    assert!(circles.is_empty(), "import circles: {circles:#?}");
}

#[test]
fn the_dispatchers_top_level_modules_point_one_way() {
    // routes → delivery → hooks: `hooks` never imports `delivery`, neither imports `routes`.
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let circles = circles_at_depth(&src, 1);
    assert!(circles.is_empty(), "import circles between top-level modules: {circles:#?}");
}

/// The crate's import circles, each as the modules on it (`crate::a::b`).
fn circles(src: &Path) -> Vec<Vec<String>> {
    circles_at_depth(src, usize::MAX)
}

/// The import circles between modules cut to their first `depth` segments (1: between the
/// crate's top-level modules).
fn circles_at_depth(src: &Path, depth: usize) -> Vec<Vec<String>> {
    let mut modules = BTreeMap::new();
    read_tree(&src.join("lib.rs"), src, Vec::new(), &mut modules);
    let cut = |module: &Module| module.iter().take(depth).cloned().collect::<Module>();
    let mut edges: BTreeMap<Module, BTreeSet<Module>> = BTreeMap::new();
    for (module, parsed) in &modules {
        let from = cut(module);
        let targets =
            imports(module, parsed, &modules).iter().map(cut).filter(|target| *target != from).collect::<Vec<_>>();
        edges.entry(from).or_default().extend(targets);
    }
    let edges: BTreeMap<&Module, BTreeSet<Module>> =
        edges.iter().map(|(module, targets)| (module, targets.clone())).collect();
    strongly_connected(&edges).into_iter().map(|group| group.iter().map(name).collect()).collect()
}

fn name(module: &Module) -> String {
    std::iter::once("crate").chain(module.iter().map(String::as_str)).collect::<Vec<_>>().join("::")
}

fn read_tree(file: &Path, dir: &Path, module: Module, modules: &mut BTreeMap<Module, Parsed>) {
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
        if let [.., "mod", child] = words.as_slice() {
            if child.chars().all(|ch| ch.is_alphanumeric() || ch == '_') {
                children.push((*child).to_owned());
            }
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
fn collapsed(text: &str) -> String {
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
fn closing(block: &str) -> usize {
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
fn use_paths(tree: &str) -> Vec<Vec<String>> {
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

/// The modules `module` imports, other than itself.
fn imports(module: &Module, parsed: &Parsed, modules: &BTreeMap<Module, Parsed>) -> BTreeSet<Module> {
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

/// The groups of two or more modules that reach each other (Tarjan's algorithm).
fn strongly_connected(edges: &BTreeMap<&Module, BTreeSet<Module>>) -> Vec<Vec<Module>> {
    struct Walk<'a> {
        edges: &'a BTreeMap<&'a Module, BTreeSet<Module>>,
        index: BTreeMap<Module, usize>,
        low: BTreeMap<Module, usize>,
        stack: Vec<Module>,
        groups: Vec<Vec<Module>>,
    }
    fn visit(walk: &mut Walk<'_>, module: &Module) {
        let next = walk.index.len();
        walk.index.insert(module.clone(), next);
        walk.low.insert(module.clone(), next);
        walk.stack.push(module.clone());
        for target in walk.edges.get(module).into_iter().flatten() {
            if !walk.index.contains_key(target) {
                visit(walk, target);
                let low = walk.low[module].min(walk.low[target]);
                walk.low.insert(module.clone(), low);
            } else if walk.stack.contains(target) {
                let low = walk.low[module].min(walk.index[target]);
                walk.low.insert(module.clone(), low);
            }
        }
        if walk.low[module] == walk.index[module] {
            let at = walk.stack.iter().rposition(|m| m == module).unwrap_or(0);
            let group = walk.stack.split_off(at);
            if group.len() > 1 {
                walk.groups.push(group);
            }
        }
    }
    let mut walk = Walk { edges, index: BTreeMap::new(), low: BTreeMap::new(), stack: Vec::new(), groups: Vec::new() };
    for module in edges.keys() {
        if !walk.index.contains_key(*module) {
            visit(&mut walk, module);
        }
    }
    walk.groups
}

#[test]
fn the_checker_sees_a_circle_through_a_parent_and_a_reexport() {
    let dir = std::env::temp_dir().join(format!("module-circles-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("a")).unwrap();
    std::fs::write(dir.join("lib.rs"), "mod a;\nmod b;\npub use b::Thing;\n").unwrap();
    std::fs::write(dir.join("a/mod.rs"), "mod inner;\npub fn f() { inner::g(); }\n").unwrap();
    std::fs::write(dir.join("a/inner.rs"), "use crate::Thing;\npub fn g() {}\n").unwrap();
    std::fs::write(
        dir.join("b.rs"),
        "use crate::a::{self, f};\npub struct Thing;\n#[cfg(test)]\nmod tests { use super::*; }\n",
    )
    .unwrap();
    let circles = circles(&dir);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(circles.len(), 1, "{circles:?}");
    let mut circle = circles[0].clone();
    circle.sort();
    assert_eq!(circle, ["crate::a", "crate::a::inner", "crate::b"]);
}
