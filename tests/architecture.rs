//! The house rules of ARCHITECTURE.md, read from that file and checked against the tree: every
//! `crate::` import stays within its layer's list, JavaScript crates and plotters stay in their
//! layers, files stay small, README's layout table names what exists, and no text of the project
//! points outside the repository.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Files under a folder (recursively) whose name ends with one of `extensions`, skipping build output.
fn files(folder: &Path, extensions: &[&str]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = fs::read_dir(folder) else { return out };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            if !["target", "node_modules", "pkg", ".git", "dist"].contains(&name.as_str()) {
                out.extend(files(&path, extensions));
            }
        } else if extensions.iter().any(|e| name.ends_with(e)) {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// The code of a Rust file without its comments (doc links name modules without importing them).
fn code(path: &Path) -> String {
    fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|line| line.split("//").next().unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

/// ARCHITECTURE.md's layer table: layer → the layers it may import.
fn layer_rules() -> BTreeMap<String, BTreeSet<String>> {
    let text = fs::read_to_string(root().join("ARCHITECTURE.md")).unwrap();
    let mut rules = BTreeMap::new();
    for line in text.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        if cells.len() == 6 && cells[2].starts_with("`src/") {
            let layer = cells[1].to_string();
            assert_eq!(cells[2], format!("`src/{layer}/`"), "a layer is named after its folder");
            let allowed = cells[4].split(',').map(str::trim).filter(|l| !l.is_empty() && *l != "—");
            rules.insert(layer, allowed.map(String::from).collect());
        }
    }
    rules
}

#[test]
fn every_folder_of_src_is_a_layer_of_the_table() {
    let rules = layer_rules();
    assert!(rules.len() >= 10, "ARCHITECTURE.md lists the layers: {rules:?}");
    let folders: BTreeSet<String> = fs::read_dir(root().join("src"))
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(folders, rules.keys().cloned().collect::<BTreeSet<_>>());
    // Every layer a row allows is a layer, and the rule has no cycle: each layer may import only
    // layers listed above it in the table.
    let order: Vec<&String> = {
        let text = fs::read_to_string(root().join("ARCHITECTURE.md")).unwrap();
        let mut order: Vec<(usize, &String)> =
            rules.keys().map(|l| (text.find(&format!("`src/{l}/`")).unwrap(), l)).collect();
        order.sort();
        order.into_iter().map(|(_, l)| l).collect()
    };
    for (position, layer) in order.iter().enumerate() {
        for allowed in &rules[*layer] {
            let at = order.iter().position(|l| *l == allowed);
            assert!(at.is_some_and(|at| at < position), "{layer} may import {allowed}, which is not a layer above it");
        }
    }
}

#[test]
fn imports_follow_the_layer_rule() {
    let rules = layer_rules();
    let mut broken = Vec::new();
    for (layer, allowed) in &rules {
        for path in files(&root().join("src").join(layer), &[".rs"]) {
            let code = code(&path);
            for (at, _) in code.match_indices("crate::") {
                let target: String =
                    code[at + 7..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                if target != *layer && !allowed.contains(&target) && rules.contains_key(&target) {
                    broken.push(format!("{} imports crate::{target}", path.strip_prefix(root()).unwrap().display()));
                }
            }
        }
    }
    assert!(broken.is_empty(), "imports against ARCHITECTURE.md's rule:\n{}", broken.join("\n"));
}

#[test]
fn javascript_crates_and_plotters_stay_in_their_layers() {
    let js = ["wasm_bindgen::", "js_sys::", "web_sys::", "serde_wasm_bindgen::", "plotters_canvas::"];
    let mut broken = Vec::new();
    for layer in layer_rules().keys() {
        for path in files(&root().join("src").join(layer), &[".rs"]) {
            let code = code(&path);
            let name = path.strip_prefix(root()).unwrap().display().to_string();
            let uses = |c: &str| code.match_indices(c).any(|(at, _)| !code[..at].ends_with("wasm_bindgen_test::"));
            if !["api", "wasm"].contains(&layer.as_str()) && js.iter().any(|c| uses(c)) {
                broken.push(format!("{name} uses a JavaScript crate"));
            }
            if !["draw", "model", "wasm"].contains(&layer.as_str()) && code.contains("plotters") {
                broken.push(format!("{name} draws"));
            }
        }
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

#[test]
fn files_stay_small_and_the_wasm_layer_thin() {
    let lines = |path: &Path| fs::read_to_string(path).unwrap().lines().count();
    let mut long = Vec::new();
    for path in files(&root().join("src"), &[".rs"]) {
        if lines(&path) > 600 {
            long.push(format!("{}: {} lines", path.display(), lines(&path)));
        }
    }
    for path in files(&root().join("www"), &[".js", ".html", ".css"]) {
        // index.html is the one page's markup: every panel's controls, caption and formulas, and the
        // guided reading's card.
        let limit = if path.ends_with("index.html") { 480 } else { 400 };
        if lines(&path) > limit {
            long.push(format!("{}: {} lines", path.display(), lines(&path)));
        }
    }
    assert!(long.is_empty(), "{}", long.join("\n"));
    let wasm: usize = files(&root().join("src/wasm"), &[".rs"]).iter().map(|p| lines(p)).sum();
    assert!(wasm <= 1000, "src/wasm/ has {wasm} lines");
}

#[test]
fn readme_s_layout_table_names_what_exists() {
    let readme = fs::read_to_string(root().join("README.md")).unwrap();
    let layout = &readme[readme.find("## Layout").expect("README has a layout table")..];
    let layout = &layout[..layout[3..].find("\n## ").map_or(layout.len(), |end| end + 3)];
    let mut named = 0;
    for line in layout.lines().filter(|l| l.starts_with("| `")) {
        let cell = line.split('|').nth(1).unwrap();
        for path in cell.split('`').skip(1).step_by(2) {
            let path = path.trim_end_matches('/');
            assert!(root().join(path).exists(), "README's layout names {path}, which does not exist");
            named += 1;
        }
    }
    assert!(named >= 15, "README's layout table names {named} paths");
    // Every layer and every module of the page is in it.
    for layer in layer_rules().keys() {
        assert!(layout.contains(&format!("`src/{layer}/`")), "README's layout misses src/{layer}/");
    }
    let www = layout.lines().find(|l| l.starts_with("| `www/` |")).expect("README's layout has a www/ row");
    for entry in fs::read_dir(root().join("www")).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".js") || name.ends_with(".html") {
            assert!(www.contains(&format!("`{name}`")), "README's www/ row misses {name}");
        }
    }
}

#[test]
fn the_page_preloads_modules_that_exist() {
    let html = fs::read_to_string(root().join("www/index.html")).unwrap();
    let preloads: Vec<&str> =
        html.split("<link rel=\"modulepreload\" href=\"").skip(1).map(|rest| rest.split('"').next().unwrap()).collect();
    assert!(preloads.contains(&"main.js"), "{preloads:?}");
    for href in preloads.iter().filter(|h| !h.starts_with("pkg/")) {
        assert!(root().join("www").join(href).exists(), "index.html preloads {href}, which does not exist");
    }
}

/// The path-like words of a text (letters, digits and `_ . / -`).
fn path_words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || "_./-".contains(c))).filter(|w| !w.is_empty())
}

/// Where a relative path read from `folder` (relative to the root) leads, relative to the root; `None`
/// when it climbs out of the repository.
fn resolve(folder: &Path, relative: &str) -> Option<PathBuf> {
    let mut parts: Vec<&str> = folder.components().map(|c| c.as_os_str().to_str().unwrap()).collect();
    for part in relative.split('/') {
        match part {
            ".." => {
                parts.pop()?;
            }
            "." | "" => {}
            _ => parts.push(part),
        }
    }
    Some(parts.iter().collect())
}

/// What the build writes: the wasm modules and `target/` (the TypeScript check's README file).
fn built(path: &Path) -> bool {
    path.starts_with("www/pkg") || path.starts_with("target")
}

#[test]
fn the_repository_stands_alone() {
    let mut pointers = Vec::new();
    let mut text_files = files(&root(), &[".rs", ".js", ".mjs", ".html", ".css", ".md", ".toml", ".wgsl", ".json"]);
    text_files.push(root().join(".ci/run"));
    let markdown: BTreeSet<String> =
        files(&root(), &[".md"]).iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
    let issue = |text: &str| {
        text.match_indices("issue ").any(|(at, _)| text[at + 6..].starts_with(|c: char| c.is_ascii_digit()))
    };
    for path in text_files {
        let name = path.strip_prefix(root()).unwrap();
        if name.ends_with("package-lock.json") {
            continue;
        }
        let text = fs::read_to_string(&path).unwrap();
        let folder = name.parent().unwrap();
        for word in path_words(&text).map(|w| w.trim_end_matches('.')) {
            // A relative path that climbs above the root or names nothing the repository holds (what
            // the build writes excepted), or a Markdown file the repository lacks.
            if word.starts_with("../") {
                match resolve(folder, word) {
                    None => pointers.push(format!("{} points outside the repository: {word}", name.display())),
                    Some(target) if !root().join(&target).exists() && !built(&target) => {
                        pointers.push(format!("{} names {word}, which does not exist", name.display()))
                    }
                    Some(_) => {}
                }
            }
            // A source file named in prose (`src/theory/capped.rs`) that has moved or gone.
            if word.starts_with("src/") && word.ends_with(".rs") && !root().join(word).exists() {
                pointers.push(format!("{} names {word}, which does not exist", name.display()));
            }
            let file = word.rsplit('/').next().unwrap();
            if file.ends_with(".md") && file.len() > 3 && !markdown.contains(file) {
                pointers.push(format!("{} names {word}, which the repository does not hold", name.display()));
            }
        }
        if issue(&text) || text.to_lowercase().contains(&["issue", "'s"].concat()) {
            pointers.push(format!("{} cites an issue", name.display()));
        }
    }
    assert!(pointers.is_empty(), "{}", pointers.join("\n"));
}

#[test]
fn a_path_out_of_the_repository_is_seen() {
    // Written as joined parts, so that this file's own text names no such path.
    let path = |parts: &[&str]| parts.join("/");
    assert_eq!(resolve(Path::new(""), &path(&["..", "outside", "x"])), None);
    assert_eq!(resolve(Path::new("tests/js"), &path(&["..", "..", "..", "x"])), None);
    assert_eq!(resolve(Path::new("tests/js"), &path(&["..", "..", "www", "pkg"])), Some(PathBuf::from("www/pkg")));
    let (climbing, inside) = (path(&["..", "x", "Y"]) + ".md", path(&["a", "b"]) + ".md");
    let text = format!("see `{climbing}`, or ({inside})");
    assert_eq!(path_words(&text).collect::<Vec<_>>(), ["see", &climbing, "or", &inside]);
}
