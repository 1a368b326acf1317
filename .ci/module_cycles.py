#!/usr/bin/env python3
"""Fails when the modules of a crate import each other in a circle, or against its layers.

For every crate under crates/, reads each file of its src/ and collects the module paths it
names: `use crate::…`, `use super::…`, `use self::…` (brace groups expanded) and inline paths
such as `crate::hooks::store::find(…)` or `super::listing::HookQuery`. Each path resolves to
the deepest module that exists as a file (`a/b.rs` or `a/b/mod.rs`); the rest of the path is an
item inside it. A module's edges to its own descendants (`mod`, `pub use` re-exports) are left
out: a parent always names its children. Edges to itself are left out too.

Every strongly connected component of more than one module is a circle; all are listed, and
the exit status is 1 when there is any. A crate may also name its top-level modules in LAYERS,
from the top down: a module may import those below its own, never those above.

    python3 .ci/module_cycles.py [ROOT]     # ROOT defaults to the repository
    python3 .ci/module_cycles.py --self-test

Python 3 standard library only.
"""

import os
import re
import sys
import tempfile
import unittest

PATH = re.compile(r"\b(crate|super|self)((?:\s*::\s*(?:super|[A-Za-z_][A-Za-z0-9_]*))+)")
USE = re.compile(r"\b(?:pub(?:\([^)]*\))?\s+)?use\s+([^;]*);", re.S)
INLINE_MOD = re.compile(r"\bmod\s+([A-Za-z_][A-Za-z0-9_]*)\s*\{")


def strip_comments_and_strings(text):
    """Source with comments, string and char literals blanked (newlines kept)."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            depth, i = 1, i + 2
            while i < n and depth:
                if text.startswith("/*", i):
                    depth, i = depth + 1, i + 2
                elif text.startswith("*/", i):
                    depth, i = depth - 1, i + 2
                else:
                    out.append("\n" if text[i] == "\n" else "")
                    i += 1
        elif c == "r" and re.match(r'r#*"', text[i:i + 10]) and (i == 0 or not text[i - 1].isalnum()):
            hashes = re.match(r'r(#*)"', text[i:]).group(1)
            end = text.find('"' + hashes, i + 2 + len(hashes))
            end = n if end < 0 else end + 1 + len(hashes)
            out.append(" " + "\n" * text.count("\n", i, end))
            i = end
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append(" " + "\n" * text.count("\n", i, j))
            i = j + 1
        elif c == "'" and re.match(r"'(\\.|[^\\'])'", text[i:i + 4]) or text.startswith("'\\u{", i):
            j = text.find("'", i + 2)
            i = j + 1
            out.append(" ")
        else:
            out.append(c)
            i += 1
    return "".join(out)


def expand(tree):
    """`a::{b, c::{d, e}}` → ["a::b", "a::c::d", "a::c::e"] (`as` renames dropped)."""
    tree = re.sub(r"\s+", "", re.sub(r"\s+as\s+[A-Za-z_][A-Za-z0-9_]*", "", tree))
    brace = tree.find("{")
    if brace < 0:
        return [tree]
    prefix, inner = tree[:brace], tree[brace + 1:tree.rfind("}")]
    parts, depth, start = [], 0, 0
    for i, c in enumerate(inner):
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        elif c == "," and depth == 0:
            parts.append(inner[start:i])
            start = i + 1
    parts.append(inner[start:])
    return [prefix + p for part in parts if part for p in expand(part)]


def crate_modules(src):
    """{module path tuple: file} for every .rs file under src (lib.rs/main.rs is the root)."""
    modules = {}
    for folder, _, files in os.walk(src):
        rel = os.path.relpath(folder, src)
        if rel.split(os.sep)[0] == "bin":
            continue
        base = () if rel == "." else tuple(rel.split(os.sep))
        for name in files:
            if not name.endswith(".rs"):
                continue
            stem = name[:-3]
            if base == () and stem in ("lib", "main"):
                path = ()
            elif stem == "mod":
                path = base
            else:
                path = base + (stem,)
            modules.setdefault(path, os.path.join(folder, name))
    return modules


def resolve(segments, here, modules):
    """The deepest existing module a path names, read from module `here` (inline path)."""
    head, rest = segments[0], segments[1:]
    if head == "crate":
        base = ()
    elif head == "self":
        base = here
    else:
        base = here[:-1]
    while rest and rest[0] == "super":
        base, rest = base[:-1], rest[1:]
    path = base
    for segment in rest:
        if path + (segment,) in modules:
            path = path + (segment,)
        else:
            break
    return path


def inline_module_at(text):
    """For each offset, the inline `mod x {` names enclosing it: a list of (start, end, name)."""
    spans = []
    for match in INLINE_MOD.finditer(text):
        depth, i = 1, match.end()
        while i < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        spans.append((match.start(), i, match.group(1)))
    return spans


def edges_of(module, file, modules):
    """Modules that `module` (in `file`) names, without itself and its descendants."""
    with open(file, encoding="utf-8") as handle:
        text = strip_comments_and_strings(handle.read())
    spans = inline_module_at(text)

    def here(offset):
        inner = tuple(name for start, end, name in spans if start < offset < end)
        return module + inner

    found = set()

    def add(path_text, offset):
        segments = [s for s in re.split(r"\s*::\s*", path_text.strip()) if s]
        if not segments or segments[0] not in ("crate", "super", "self"):
            return
        target = resolve([s for s in segments if s != "*"], here(offset), modules)
        if target[:len(module)] != module:
            found.add(target)

    for use in USE.finditer(text):
        for path in expand(use.group(1)):
            add(path, use.start())
    without_uses = USE.sub(lambda m: " " * len(m.group(0)), text)
    for match in PATH.finditer(without_uses):
        add(match.group(1) + match.group(2), match.start())
    return found


def cycles(graph):
    """Strongly connected components of more than one node (Tarjan, iterative)."""
    index, low, on_stack, stack, found, counter = {}, {}, set(), [], [], [0]
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
            elif child not in index:
                index[child] = low[child] = counter[0]
                counter[0] += 1
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(graph.get(child, ())))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return sorted(found)


def name(path):
    return "::".join(("crate",) + path)


# Top-level modules of a crate, from the top down (docs/architecture.md, "dispatcher module map").
LAYERS = {"dispatcher": ["routes", "delivery", "hooks"]}


def layer_breaches(src, layers):
    """(from, to) for every import of a module in a layer above the importer's."""
    modules = crate_modules(src)
    rank = {layer: n for n, layer in enumerate(layers)}
    breaches = []
    for module, file in sorted(modules.items()):
        for target in sorted(edges_of(module, file, modules)):
            if module and target and rank.get(module[0], -1) > rank.get(target[0], len(layers)):
                breaches.append((name(module), name(target)))
    return breaches


def crate_cycles(src):
    modules = crate_modules(src)
    graph = {module: edges_of(module, file, modules) for module, file in modules.items()}
    return [[name(m) for m in component] for component in cycles(graph)]


def check(root, layers=None):
    """(crate, circle) for every circle of every crate under root/crates, and (crate, [from,
    "-> upward ->", to]) for every import against the crate's LAYERS."""
    layers = LAYERS if layers is None else layers
    found = []
    crates = os.path.join(root, "crates")
    for crate in sorted(os.listdir(crates)):
        src = os.path.join(crates, crate, "src")
        if os.path.isdir(src):
            found.extend((crate, component) for component in crate_cycles(src))
            for source, target in layer_breaches(src, layers.get(crate, [])):
                found.append((crate, [source, "imports the layer above it:", target]))
    return found


class SelfTest(unittest.TestCase):
    def tree(self, files):
        root = tempfile.mkdtemp()
        for path, text in files.items():
            full = os.path.join(root, "crates", "x", "src", path)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "w", encoding="utf-8") as handle:
                handle.write(text)
        return root

    def test_a_circle_through_a_brace_group_and_an_inline_path_is_flagged(self):
        root = self.tree({
            "lib.rs": "mod a;\nmod b;\nmod c;\npub use c::{d::Thing, Other};\n",
            "a.rs": "use crate::{b::{self, Run}, c};\nfn f() { b::run() }\n",
            "b.rs": "// use crate::c;\nfn g() { let _ = \"crate::c\"; crate::c::make(); }\n",
            "c/mod.rs": "pub mod d;\npub use d::Thing;\nuse super::a::f as g;\n",
            "c/d.rs": "use super::super::lib_item;\n#[cfg(test)]\nmod tests {\n    use super::*;\n}\n",
        })
        self.assertEqual(check(root), [("x", ["crate::a", "crate::b", "crate::c"])])

    def test_a_parent_naming_its_children_and_children_naming_it_is_no_circle(self):
        root = self.tree({
            "lib.rs": "pub mod hooks;\n",
            "hooks/mod.rs": "mod routes;\nmod store;\npub use routes::configure;\nuse self::store::Row;\n",
            "hooks/routes.rs": "use super::store;\nuse super::{Shared, store::find};\n",
            "hooks/store.rs": "use crate::hooks::Shared;\n",
        })
        self.assertEqual(check(root), [])

    def test_two_sibling_circles_are_both_listed(self):
        root = self.tree({
            "lib.rs": "mod p;\nmod q;\nmod r;\nmod s;\n",
            "p.rs": "use crate::q::X;\n",
            "q.rs": "pub(crate) use super::p::Y;\n",
            "r.rs": "fn f() { super::s::go() }\n",
            "s.rs": "use crate::r;\n",
        })
        self.assertEqual(check(root), [("x", ["crate::p", "crate::q"]), ("x", ["crate::r", "crate::s"])])

    def test_a_lower_layer_importing_a_higher_one_is_flagged(self):
        root = self.tree({
            "lib.rs": "mod routes;\nmod delivery;\nmod hooks;\n",
            "routes.rs": "use crate::delivery::run;\nuse crate::hooks::store;\n",
            "delivery/mod.rs": "mod lane;\n",
            "delivery/lane.rs": "pub fn go() {}\n",
            "hooks/mod.rs": "fn f() { crate::delivery::lane::go() }\n",
        })
        found = check(root, {"x": ["routes", "delivery", "hooks"]})
        self.assertEqual(found, [("x", ["crate::hooks", "imports the layer above it:", "crate::delivery::lane"])])

    def test_brace_groups_expand_with_renames(self):
        self.assertEqual(
            expand("crate::{a::{b as c, d}, e::*, class}"),
            ["crate::a::b", "crate::a::d", "crate::e::*", "crate::class"],
        )


def main(argv):
    if argv[1:2] == ["--self-test"]:
        result = unittest.main(argv=[argv[0]], exit=False, verbosity=1).result
        return 0 if result.wasSuccessful() else 1
    root = argv[1] if len(argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    found = check(root)
    for crate, component in found:
        if "imports the layer above it:" in component:
            print(f"layer breach in crate {crate}: {' '.join(component)}")
        else:
            print(f"module circle in crate {crate}: {' <-> '.join(component)}")
    if found:
        print(f"{len(found)} module circle(s) or layer breach(es): make the modules import one way", file=sys.stderr)
        return 1
    print("no module circles")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
