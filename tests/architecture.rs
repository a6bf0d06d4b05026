//! The module tree's shape (`shared/STYLE.md`, "The shape"): data flows one
//! way. Read from the sources: every `crate::…` and `super::…` path outside
//! `#[cfg(test)]` code is an import of the module it names.
//!
//! - the top-level modules form no cycle;
//! - no two modules import each other, at any depth.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// Module path (`engine::deliver`) → its source, test code cut off.
fn modules() -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    walk(Path::new("src"), &mut out);
    out
}

fn walk(dir: &Path, out: &mut BTreeMap<String, String>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            walk(&path, out);
            continue;
        }
        let rel = path.strip_prefix("src").unwrap().with_extension("");
        let mut parts: Vec<String> = rel
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        if parts
            .last()
            .is_some_and(|p| p == "mod" || p == "lib" || p == "main")
        {
            parts.pop();
        }
        if parts.last().is_some_and(|p| p == "tests") {
            continue; // unit tests may reach anywhere
        }
        let text = fs::read_to_string(&path).unwrap();
        let code = match text.find("#[cfg(test)]\nmod tests") {
            Some(i) => text[..i].to_string(),
            None => text,
        };
        // Comments (doc links included) are not imports.
        let code: String = code
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        out.insert(parts.join("::"), code);
    }
}

/// The modules `code` (in module `me`) refers to, among `known`.
fn imports(me: &str, code: &str, known: &BTreeSet<String>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let parent = me.rsplit_once("::").map_or("", |(p, _)| p);
    let words: Vec<&str> = code
        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':' || c == '{' || c == ','))
        .collect();
    for w in words {
        let (base, rest) = if let Some(r) = w.strip_prefix("crate::") {
            ("", r)
        } else if let Some(r) = w.strip_prefix("super::") {
            (parent, r)
        } else {
            continue;
        };
        // `crate::{a, b::c}` and `super::{x, y}`: each branch on its own.
        let branches: Vec<&str> = match rest.strip_prefix('{') {
            Some(list) => list.split(',').map(str::trim).collect(),
            None => vec![rest],
        };
        for b in branches {
            let mut path: Vec<&str> = if base.is_empty() {
                Vec::new()
            } else {
                base.split("::").collect()
            };
            path.extend(b.split("::").filter(|s| !s.is_empty() && *s != "{"));
            // The longest known module on that path.
            while !path.is_empty() {
                let candidate = path.join("::");
                if known.contains(&candidate) {
                    if candidate != me {
                        out.insert(candidate);
                    }
                    break;
                }
                path.pop();
            }
        }
    }
    out
}

#[test]
fn no_two_modules_import_each_other_and_the_top_level_has_no_cycle() {
    let modules = modules();
    let known: BTreeSet<String> = modules.keys().cloned().collect();
    let graph: BTreeMap<&str, BTreeSet<String>> = modules
        .iter()
        .map(|(m, code)| (m.as_str(), imports(m, code, &known)))
        .collect();
    assert!(
        graph["engine::moment"].contains("engine::deliver"),
        "the reader works"
    );

    let mut pairs = Vec::new();
    for (a, deps) in &graph {
        for b in deps {
            if a < &b.as_str() && graph.get(b.as_str()).is_some_and(|d| d.contains(*a)) {
                pairs.push(format!("{a} <-> {b}"));
            }
        }
    }
    assert!(pairs.is_empty(), "modules importing each other: {pairs:#?}");

    // Top level: collapse to the first segment and look for any cycle.
    let top = |m: &str| m.split("::").next().unwrap().to_string();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (a, deps) in &graph {
        for b in deps {
            if top(a) != top(b) && !a.is_empty() {
                edges.entry(top(a)).or_default().insert(top(b));
            }
        }
    }
    // Kahn's algorithm: what cannot be ordered is on a cycle.
    let nodes: BTreeSet<String> = edges
        .iter()
        .flat_map(|(a, bs)| std::iter::once(a.clone()).chain(bs.iter().cloned()))
        .collect();
    let mut indegree: BTreeMap<&str, usize> = nodes.iter().map(|n| (n.as_str(), 0)).collect();
    for bs in edges.values() {
        for b in bs {
            *indegree.get_mut(b.as_str()).unwrap() += 1;
        }
    }
    let mut ready: Vec<&str> = indegree
        .iter()
        .filter(|(_, d)| **d == 0)
        .map(|(n, _)| *n)
        .collect();
    let mut order = Vec::new();
    while let Some(n) = ready.pop() {
        order.push(n);
        for b in edges.get(n).into_iter().flatten() {
            let d = indegree.get_mut(b.as_str()).unwrap();
            *d -= 1;
            if *d == 0 {
                ready.push(b.as_str());
            }
        }
    }
    let stuck: Vec<&&str> = indegree.keys().filter(|n| !order.contains(n)).collect();
    assert!(
        stuck.is_empty(),
        "top-level modules on a cycle: {stuck:?}\nedges: {edges:#?}"
    );
    // For the record (`cargo test -- --nocapture`): the top level, importers first.
    eprintln!("top-level order: {}", order.join(" → "));
}

/// The language is a value passed down from the edge (`--lang`, the console,
/// `[mail] lang`), never a process-wide setting: no `static`,
/// `thread_local!`, `OnceLock`/`OnceCell`/`LazyLock` or environment read
/// holds or decides one outside the command line's parser, and `say!`
/// takes the language as its first argument.
#[test]
fn the_language_is_a_value_not_a_global() {
    let mut found = Vec::new();
    for (module, code) in modules() {
        for (i, line) in code.lines().enumerate() {
            let item = line.trim_start().trim_start_matches("pub(crate) ");
            let global = item.trim_start_matches("pub ").starts_with("static ")
                || ["thread_local!", "OnceLock", "OnceCell", "LazyLock"]
                    .iter()
                    .any(|g| line.contains(g));
            let language = line.contains("Lang") || line.to_lowercase().contains("lang");
            if global && language {
                found.push(format!("{module}:{}: {}", i + 1, line.trim()));
            }
            if line.contains("lang::get(") || line.contains("lang::set(") {
                found.push(format!("{module}:{}: {}", i + 1, line.trim()));
            }
        }
    }
    let lang = fs::read_to_string("src/lang.rs").unwrap();
    for g in ["static ", "OnceLock", "thread_local!", "env::var"] {
        if lang.contains(g) {
            found.push(format!("lang: {g}"));
        }
    }
    assert!(
        lang.contains("($lang:expr, $vi:literal, $en:literal"),
        "say! takes the language first"
    );
    assert!(found.is_empty(), "a global language: {found:#?}");
}

/// Each file holds one job: none is over 450 lines.
#[test]
fn no_file_is_over_450_lines() {
    let mut long = Vec::new();
    let mut stack = vec![Path::new("src").to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let n = fs::read_to_string(&path).unwrap().lines().count();
                if n > 450 {
                    long.push(format!("{}: {n} lines", path.display()));
                }
            }
        }
    }
    long.sort();
    assert!(long.is_empty(), "files over 450 lines: {long:#?}");
}

/// The module map (`cargo test --test architecture -- --nocapture`): each
/// top-level module, its files with their lines, and the top-level modules
/// it imports.
#[test]
fn print_the_module_map() {
    let modules = modules();
    let known: BTreeSet<String> = modules.keys().cloned().collect();
    let top = |m: &str| m.split("::").next().unwrap_or("").to_string();
    let mut map: BTreeMap<String, (Vec<String>, BTreeSet<String>)> = BTreeMap::new();
    for (m, code) in &modules {
        if m.is_empty() {
            continue;
        }
        let entry = map.entry(top(m)).or_default();
        entry.0.push(format!("{m} ({})", code.lines().count()));
        for dep in imports(m, code, &known) {
            if top(&dep) != top(m) && !dep.is_empty() {
                entry.1.insert(top(&dep));
            }
        }
    }
    assert!(map.contains_key("engine") && map.contains_key("lang"));
    let mut out = String::new();
    for (name, (files, deps)) in &map {
        let deps: Vec<&str> = deps.iter().map(String::as_str).collect();
        out.push_str(&format!("{name} → {}\n", deps.join(", ")));
        for f in files {
            out.push_str(&format!("    {f}\n"));
        }
    }
    eprintln!("{out}");
}
