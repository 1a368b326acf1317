//! No module of the crate imports a module that imports it back, directly or around a longer
//! circle (issue 13, item 6). The module tree is read from `mod` declarations starting at
//! `lib.rs` (test modules left out); a module's imports are its `use` paths and inline paths
//! that start with `crate::`, `super::`, `self::` or a child's name, each taken to the module
//! that defines the item (a re-export `pub use child::Item` is followed to the child).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

mod graph;
mod imports;
mod tree;

use graph::strongly_connected;
use imports::imports;
use tree::{Module, read_tree};

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
