//! The groups of modules that reach each other through their imports.

use std::collections::{BTreeMap, BTreeSet};

use crate::tree::Module;

/// The groups of two or more modules that reach each other (Tarjan's algorithm).
pub fn strongly_connected(edges: &BTreeMap<&Module, BTreeSet<Module>>) -> Vec<Vec<Module>> {
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
