//! `cargo xtask dist`: the built explorer in two shapes a reader can take anywhere.
//!
//! - `dist/site/` (and `dist/ldm-explorer-site.zip`): the static site, every file but `index.html`
//!   renamed after a hash of its content and of everything it references, so that a host can cache
//!   it for ever, and each text or wasm file beside its gzipped twin (`.gz`);
//! - `dist/ldm-explorer.html`: one file that runs opened from disk. Browsers refuse module scripts,
//!   workers and `fetch` of sibling files on `file://`, so every file travels inside the page
//!   (gzipped, base64) and a small inline loader turns each into a Blob URL, dependencies first,
//!   with the references between them rewritten to those Blob URLs.
//!
//! Both start from the files `www/index.html` reaches: scripts and styles in its markup, and in
//! JavaScript the `import`s and `new URL(…, import.meta.url)` references (workers, wasm, data).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use base64::Engine;
use regex::Regex;
use sha2::{Digest, Sha256};

use crate::Result;

/// The single file's size limit: a page a supplement or an e-mail can carry. (3 MB until it carried
/// the Fashion-MNIST subset, 1.76 MB gzipped and a third more as base64.)
const SINGLE_FILE_BUDGET_BYTES: usize = 4_000_000;
/// Files shipped beside the reachable ones (the data's source and licence).
const ALSO_SHIPPED: &[&str] = &["data/README.md"];
/// Marks the markup that only the multi-file site needs (the `file://` explanation and its script).
const SITE_ONLY: (&str, &str) = ("<!-- site-only -->", "<!-- /site-only -->");
/// Prefix of a reference inside the single file, replaced by a Blob URL when the page opens.
const BUNDLE_SCHEME: &str = "ldm-bundle:";

/// One file of the site: its path under `www/` ('/'-separated) and its bytes.
struct Asset {
    path: String,
    bytes: Vec<u8>,
}

/// A reference from one file to another: where its text sits in the referring file, and the
/// referenced file's path under `www/`.
struct Reference {
    span: std::ops::Range<usize>,
    target: String,
}

pub fn dist(www: &Path, out: &Path) -> Result<()> {
    let assets = reachable(www)?;
    let site = out.join("site");
    if out.exists() {
        std::fs::remove_dir_all(out).map_err(|e| format!("clearing {}: {e}", out.display()))?;
    }
    let hashed = write_site(&assets, www, &site)?;
    let zip = out.join("ldm-explorer-site.zip");
    write_zip(&site, &zip)?;
    let single = out.join("ldm-explorer.html");
    let single_size = write_single_file(&assets, &single)?;
    eprintln!(
        "xtask: wrote {} ({} files and their .gz twins, {:.0} KB in all), {} ({:.0} KB)",
        site.display(),
        hashed,
        folder_size(&site)? as f64 / 1e3,
        zip.display(),
        file_size(&zip)? as f64 / 1e3
    );
    eprintln!(
        "xtask: wrote {} ({:.0} KB, budget {:.0} KB)",
        single.display(),
        single_size as f64 / 1e3,
        SINGLE_FILE_BUDGET_BYTES as f64 / 1e3
    );
    if single_size > SINGLE_FILE_BUDGET_BYTES {
        return Err(format!(
            "{} is {single_size} bytes, over its budget of {SINGLE_FILE_BUDGET_BYTES}",
            single.display()
        ));
    }
    Ok(())
}

/// The files `index.html` reaches, dependencies before the files that reference them, plus
/// [`ALSO_SHIPPED`].
fn reachable(www: &Path) -> Result<Vec<Asset>> {
    let mut order = Vec::new();
    let mut state = BTreeMap::new();
    visit(www, "index.html", &mut state, &mut order)?;
    for extra in ALSO_SHIPPED {
        order.push(extra.to_string());
    }
    order.into_iter().map(|path| Ok(Asset { bytes: read(&www.join(&path))?, path })).collect()
}

/// Depth-first, post-order: a file is listed once everything it references is. A cycle would
/// leave no order in which each file's final name can be known before its referrers are written.
fn visit(www: &Path, path: &str, state: &mut BTreeMap<String, bool>, order: &mut Vec<String>) -> Result<()> {
    match state.get(path) {
        Some(true) => return Ok(()),
        Some(false) => return Err(format!("www/{path} is part of a reference cycle")),
        None => {}
    }
    state.insert(path.to_string(), false);
    let bytes = read(&www.join(path))?;
    for reference in references(path, &bytes) {
        if !www.join(&reference.target).is_file() {
            return Err(format!("www/{path} references {}, which does not exist", reference.target));
        }
        visit(www, &reference.target, state, order)?;
    }
    state.insert(path.to_string(), true);
    order.push(path.to_string());
    Ok(())
}

/// The local files a page, script or style references, in order of appearance.
fn references(path: &str, bytes: &[u8]) -> Vec<Reference> {
    let Ok(text) = std::str::from_utf8(bytes) else { return Vec::new() };
    let patterns: &[&str] = match extension(path) {
        "html" => &[r##"<(?:script|link)\b[^>]*?\b(?:src|href)="([^"#?:]+)""##],
        "js" => &[
            r#"\bfrom\s*['"]([^'"]+)['"]"#,
            r#"\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)"#,
            r#"\bnew URL\(\s*['"]([^'"]+)['"]\s*,\s*import\.meta\.url\s*\)"#,
        ],
        _ => &[],
    };
    let mut found: Vec<Reference> = patterns
        .iter()
        .flat_map(|pattern| {
            let pattern = Regex::new(pattern).expect("a valid pattern");
            pattern
                .captures_iter(text)
                .filter_map(|captures| {
                    let specifier = captures.get(1)?;
                    let target = resolve(path, specifier.as_str())?;
                    Some(Reference { span: specifier.range(), target })
                })
                .collect::<Vec<_>>()
        })
        .collect();
    found.sort_by_key(|r| r.span.start);
    found
}

/// A relative specifier resolved against the referring file's folder; `None` for anything that is
/// not a relative path (a scheme, an absolute path, a bare package name).
fn resolve(from: &str, specifier: &str) -> Option<String> {
    if specifier.contains(':') || specifier.starts_with('/') || specifier.is_empty() {
        return None;
    }
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for part in specifier.split('/') {
        match part {
            "." | "" => {}
            ".." => {
                parts.pop()?;
            }
            _ => parts.push(part),
        }
    }
    Some(parts.join("/"))
}

/// The file's text with each reference replaced by `replacement(target)`.
fn rewrite(asset: &Asset, replacement: impl Fn(&str) -> String) -> Vec<u8> {
    let found = references(&asset.path, &asset.bytes);
    if found.is_empty() {
        return asset.bytes.clone();
    }
    let text = std::str::from_utf8(&asset.bytes).expect("references are only found in UTF-8 text");
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for reference in found {
        out.push_str(&text[at..reference.span.start]);
        out.push_str(&replacement(&reference.target));
        at = reference.span.end;
    }
    out.push_str(&text[at..]);
    out.into_bytes()
}

/// Writes the hashed site; returns how many files it holds.
fn write_site(assets: &[Asset], www: &Path, site: &Path) -> Result<usize> {
    let mut names: BTreeMap<&str, String> = BTreeMap::new();
    for asset in assets {
        let bytes = rewrite(asset, |target| relative(&asset.path, &names[target]));
        let name = if asset.path == "index.html" || ALSO_SHIPPED.contains(&asset.path.as_str()) {
            asset.path.clone()
        } else {
            hashed_name(&asset.path, &bytes)
        };
        let destination = site.join(&name);
        write(&destination, &bytes)?;
        // A gzipped twin for hosts that serve precompressed files (nginx's gzip_static, say).
        if crate::serve::compressible(&destination) {
            write(&site.join(format!("{name}.gz")), &gzip(&bytes)?)?;
        }
        names.insert(&asset.path, name);
    }
    // The same policy, scripts and markup as www/index.html: only names changed.
    let index = std::fs::read_to_string(site.join("index.html")).map_err(|e| e.to_string())?;
    let original = std::fs::read_to_string(www.join("index.html")).map_err(|e| e.to_string())?;
    if policy(&index) != policy(&original) {
        return Err("the site's Content-Security-Policy differs from www/index.html's".into());
    }
    Ok(assets.len())
}

/// `main.js` → `main.<first 10 hex digits of SHA-256>.js`: the hash covers the file as written, in
/// which every reference already carries its own target's hash, so a change anywhere below renames
/// every file above it.
fn hashed_name(path: &str, bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let hex: String = digest.iter().take(5).map(|b| format!("{b:02x}")).collect();
    match path.rsplit_once('.') {
        Some((stem, ext)) if !stem.ends_with('/') => format!("{stem}.{hex}.{ext}"),
        _ => format!("{path}.{hex}"),
    }
}

/// The path of `to` relative to the folder of `from` (both under the site's root), as a module
/// specifier (`./x.js`, or climbing with `..` as often as needed). HTML attributes take it the same way.
fn relative(from: &str, to: &str) -> String {
    let mut from_dirs: Vec<&str> = from.split('/').collect();
    from_dirs.pop();
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from_dirs.iter().zip(&to_parts).take_while(|(a, b)| a == b).count();
    let ups = from_dirs.len() - common;
    let rest = to_parts[common..].join("/");
    if ups == 0 { format!("./{rest}") } else { format!("{}{rest}", "../".repeat(ups)) }
}

fn policy(html: &str) -> Option<&str> {
    let start = html.find("http-equiv=\"Content-Security-Policy\"")?;
    let content = &html[start..];
    let open = content.find("content=\"")? + "content=\"".len();
    let close = content[open..].find('"')?;
    Some(&content[open..open + close])
}

fn write_zip(site: &Path, zip_path: &Path) -> Result<()> {
    let file = std::fs::File::create(zip_path).map_err(|e| format!("creating {}: {e}", zip_path.display()))?;
    let mut zip = zip::ZipWriter::new(file);
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    // The gzipped twins stay out (the zip is compressed already, and a host compresses itself); a
    // file shipped gzipped, with no twin (the Fashion-MNIST subset), stays in.
    let twin = |p: &Path| p.extension().is_some_and(|e| e == "gz") && p.with_extension("").is_file();
    for path in files_under(site)?.into_iter().filter(|p| !twin(p)) {
        let name = path.strip_prefix(site).expect("under the site").to_string_lossy().replace('\\', "/");
        zip.start_file(format!("ldm-explorer/{name}"), options).map_err(|e| e.to_string())?;
        zip.write_all(&read(&path)?).map_err(|e| e.to_string())?;
    }
    zip.finish().map_err(|e| e.to_string())?;
    Ok(())
}

/// Writes the single file; returns its size in bytes.
fn write_single_file(assets: &[Asset], destination: &Path) -> Result<usize> {
    let index = assets.iter().find(|a| a.path == "index.html").expect("index.html is the root");
    let html = std::str::from_utf8(&index.bytes).map_err(|_| "www/index.html is not UTF-8".to_string())?;
    let style = assets.iter().find(|a| a.path == "style.css").ok_or("index.html no longer links style.css")?;
    let style = std::str::from_utf8(&style.bytes).map_err(|_| "www/style.css is not UTF-8".to_string())?;

    let in_workers = worker_side(assets);
    check_worker_urls(assets, &in_workers)?;
    let files: Vec<String> = assets
        .iter()
        .filter(|a| a.path.ends_with(".js") || a.path.ends_with(".wasm") || a.path.starts_with("data/"))
        .filter(|a| !ALSO_SHIPPED.contains(&a.path.as_str()))
        .map(|asset| -> Result<String> {
            let bytes = rewrite(asset, |target| format!("{BUNDLE_SCHEME}{target}"));
            let links = extension(&asset.path) == "js";
            Ok(format!(
                "[{:?},{:?},{},{},{:?}]",
                asset.path,
                media_type(&asset.path),
                links,
                in_workers.contains(asset.path.as_str()),
                base64::engine::general_purpose::STANDARD.encode(gzip(&bytes)?)
            ))
        })
        .collect::<Result<_>>()?;
    let bundle = format!("{{\"entry\":\"main.js\",\"files\":[{}]}}", files.join(","));
    let loader = SINGLE_FILE_LOADER.trim().replace("BUNDLE_SCHEME", BUNDLE_SCHEME);

    let mut page = strip_site_only(html)?;
    page = Regex::new(r#"(?m)^<link rel="(?:modulepreload|preload)"[^>]*>\n"#)
        .expect("a valid pattern")
        .replace_all(&page, "")
        .into_owned();
    page = Regex::new(r"(?m)^<!-- The modules and wasm the first curve needs.*-->\n")
        .expect("a valid pattern")
        .replace_all(&page, "")
        .into_owned();
    page = replace_once(&page, r#"<link rel="stylesheet" href="style.css">"#, &format!("<style>\n{style}</style>"))?;
    page = replace_once(
        &page,
        r#"<script type="module" src="main.js"></script>"#,
        &format!("<script type=\"application/json\" id=\"ldm-bundle\">{bundle}</script>\n<script>{loader}</script>"),
    )?;
    // The inline scripts that run are the page's own (kept out of the site-only markup) and the
    // loader: the policy allows exactly these, by hash, and nothing else.
    let hashes: String =
        inline_scripts(&page)?.iter().map(|body| format!(" 'sha256-{}'", sha256_base64(body))).collect();
    let policy_text = format!(
        "default-src 'none'; script-src blob: data: 'wasm-unsafe-eval'{hashes}; \
         worker-src data:; connect-src blob: data:; style-src 'unsafe-inline'; img-src data: blob:; base-uri 'none'; form-action 'none'"
    );
    let original_policy = policy(html).ok_or("www/index.html has no Content-Security-Policy")?.to_string();
    page = replace_once(&page, &original_policy, &policy_text)?;
    write(destination, page.as_bytes())?;
    Ok(page.len())
}

/// The bodies of a page's inline scripts that run: `<script>` or a module with no `src` (a JSON
/// data block runs nothing). Refuses a script element of any other form, which this could misread.
fn inline_scripts(page: &str) -> Result<Vec<&str>> {
    let mut bodies = Vec::new();
    for (start, _) in page.match_indices("<script") {
        let open_end = start + page[start..].find('>').ok_or("an unclosed <script tag")? + 1;
        let open = &page[start..open_end];
        let body_end = open_end + page[open_end..].find("</script>").ok_or("a <script> with no </script>")?;
        match open {
            "<script>" | "<script type=\"module\">" => bodies.push(&page[open_end..body_end]),
            _ if open.contains(" src=") || open.contains("type=\"application/json\"") => {}
            _ => return Err(format!("a script element this build does not know how to allow: {open}")),
        }
    }
    Ok(bodies)
}

/// A Content-Security-Policy source hash: SHA-256, base64.
fn sha256_base64(text: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(Sha256::digest(text.as_bytes()))
}

/// Chromium refuses a URL longer than 2 MiB.
const MAX_URL_CHARS: usize = 2 * 1024 * 1024;

/// In the single file a worker's module is a `data:` URL that holds the `data:` URLs of what it
/// loads, so each reference costs its target's size and a third more: names the first that would
/// pass Chromium's limit (its worker would fail to load with no reason given). `assets` come
/// dependencies first, as the loader makes them.
fn check_worker_urls(assets: &[Asset], in_workers: &std::collections::BTreeSet<&str>) -> Result<()> {
    let mut lengths: BTreeMap<&str, usize> = BTreeMap::new();
    for asset in assets.iter().filter(|a| in_workers.contains(a.path.as_str())) {
        let content = rewrite(asset, |target| "x".repeat(lengths.get(target).copied().unwrap_or(0))).len();
        let length = format!("data:{};base64,", media_type(&asset.path)).len() + content.div_ceil(3) * 4;
        if length > MAX_URL_CHARS {
            return Err(format!(
                "the single file's {} would be a data: URL of {length} characters, over Chromium's {MAX_URL_CHARS}: \
                 make it or what it references smaller (a file referenced twice counts twice)",
                asset.path
            ));
        }
        lengths.insert(&asset.path, length);
    }
    Ok(())
}

/// The files a worker loads: everything reachable from the files under `workers/`.
fn worker_side(assets: &[Asset]) -> std::collections::BTreeSet<&str> {
    let by_path: BTreeMap<&str, &Asset> = assets.iter().map(|a| (a.path.as_str(), a)).collect();
    let mut found = std::collections::BTreeSet::new();
    let mut stack: Vec<&str> =
        assets.iter().filter(|a| a.path.starts_with("workers/")).map(|a| a.path.as_str()).collect();
    while let Some(path) = stack.pop() {
        if found.insert(path) {
            for reference in references(path, &by_path[path].bytes) {
                stack.extend(by_path.get_key_value(reference.target.as_str()).map(|(key, _)| *key));
            }
        }
    }
    found
}

/// The single file's loader: each bundled file, in order (dependencies first), is unzipped; a
/// script's references (`ldm-bundle:<path>`) become the URLs of files made before it. The page's
/// files become Blob URLs. A worker opened from `file://` can read neither the page's Blob URLs
/// nor its own (Chromium gives it another opaque origin), but it can load `data:` URLs: the files
/// workers load become those. Then the page's entry module is imported as if it had been served.
const SINGLE_FILE_LOADER: &str = r#"
(async () => {
  const bundle = JSON.parse(document.getElementById('ldm-bundle').textContent);
  const urls = {};
  const unzip = async (base64) => {
    const zipped = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const stream = new Blob([zipped]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  };
  const dataUrl = (blob) => new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
  for (const [path, type, links, inWorkers, data] of bundle.files) {
    let content = await unzip(data);
    if (links) {
      content = new TextDecoder().decode(content).replace(/BUNDLE_SCHEME([\w./-]+)/g, (_, target) => urls[target]);
    }
    const blob = new Blob([content], { type });
    urls[path] = inWorkers ? await dataUrl(blob) : URL.createObjectURL(blob);
  }
  await import(urls[bundle.entry]);
})().catch((error) => {
  const fatal = document.getElementById('fatal');
  fatal.hidden = false;
  fatal.textContent = `The explorer could not start from this file: ${error.message}`;
});
"#;

fn strip_site_only(html: &str) -> Result<String> {
    let (open, close) = SITE_ONLY;
    let start = html.find(open).ok_or("www/index.html lost its site-only markers")?;
    let end = html[start..].find(close).ok_or("www/index.html's site-only block is not closed")? + start + close.len();
    Ok(format!("{}{}", &html[..start], html[end..].trim_start_matches('\n')))
}

fn replace_once(text: &str, from: &str, to: &str) -> Result<String> {
    match text.matches(from).count() {
        1 => Ok(text.replacen(from, to, 1)),
        n => Err(format!("expected one `{from}` in www/index.html, found {n}")),
    }
}

fn media_type(path: &str) -> &'static str {
    match extension(path) {
        "js" => "text/javascript",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    }
}

fn extension(path: &str) -> &str {
    path.rsplit_once('.').map_or("", |(_, ext)| ext)
}

fn gzip(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).and_then(|_| encoder.finish()).map_err(|e| e.to_string())
}

fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| format!("reading {}: {e}", path.display()))
}

fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("creating {}: {e}", parent.display()))?;
    }
    std::fs::write(path, bytes).map_err(|e| format!("writing {}: {e}", path.display()))
}

fn files_under(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).map_err(|e| format!("reading {}: {e}", folder.display()))? {
            let path = entry.map_err(|e| e.to_string())?.path();
            if path.is_dir() { folders.push(path) } else { files.push(path) }
        }
    }
    files.sort();
    Ok(files)
}

fn folder_size(dir: &Path) -> Result<u64> {
    files_under(dir)?.iter().map(|p| file_size(p)).sum()
}

fn file_size(path: &Path) -> Result<u64> {
    std::fs::metadata(path).map(|m| m.len()).map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A specifier one folder up (written so, the repository's path check reads no such path here).
    fn up(path: &str) -> String {
        format!("..{}{path}", '/')
    }

    #[test]
    fn specifiers_resolve_against_the_referring_folder() {
        assert_eq!(resolve("workers/images.js", &up("pkg/ldm_images.js")).as_deref(), Some("pkg/ldm_images.js"));
        assert_eq!(resolve("pkg/ldm_images.js", "ldm_images_bg.wasm").as_deref(), Some("pkg/ldm_images_bg.wasm"));
        assert_eq!(resolve("main.js", "./store.js").as_deref(), Some("store.js"));
        assert_eq!(resolve("main.js", "data:,"), None);
        assert_eq!(resolve("main.js", "https://example.org/x.js"), None);
        assert_eq!(resolve("main.js", &up("outside.js")), None);
    }

    #[test]
    fn relative_paths_undo_resolution() {
        for (from, to) in [
            ("main.js", "store.1.js"),
            ("workers/images.js", "pkg/a.js"),
            ("pkg/a.js", "pkg/b.wasm"),
            ("index.html", "workers/w.js"),
        ] {
            let specifier = relative(from, to);
            assert_eq!(resolve(from, &specifier).as_deref(), Some(to), "{from} → {specifier}");
        }
    }

    #[test]
    fn references_are_found_in_imports_urls_and_markup_only() {
        let js = format!(
            "// see './not-a-reference.js'\nimport a from './a.js';\nconst m = await import('{}');\n\
             new Worker(new URL('./w.js', import.meta.url));\nfetch('./c.json');",
            up("b.js")
        );
        let found: Vec<String> = references("x/y.js", js.as_bytes()).into_iter().map(|r| r.target).collect();
        assert_eq!(found, ["x/a.js", "b.js", "x/w.js"]);
        let html = r#"<link rel="stylesheet" href="style.css"><link rel="icon" href="data:,"><a href="x.html"></a><script type="module" src="main.js"></script>"#;
        let found: Vec<String> = references("index.html", html.as_bytes()).into_iter().map(|r| r.target).collect();
        assert_eq!(found, ["style.css", "main.js"]);
    }

    #[test]
    fn a_worker_s_data_url_counts_what_it_references_and_is_held_to_chromium_s_limit() {
        let asset = |path: &str, bytes: Vec<u8>| Asset { path: path.to_string(), bytes };
        let glue = b"export default () => new URL('big.wasm', import.meta.url);".to_vec();
        let worker = |twice: bool| {
            let wasm =
                if twice { format!("new URL('{}', import.meta.url);", up("pkg/big.wasm")) } else { String::new() };
            format!("import init from '{}'; {wasm}", up("pkg/glue.js")).into_bytes()
        };
        // A 700 KB wasm: its URL is about 0.93 million characters, the glue's 1.24 million, the
        // worker's 1.66 million; a worker that also references the wasm itself adds 1.24 million.
        let assets = |twice| {
            vec![
                asset("pkg/big.wasm", vec![0; 700_000]),
                asset("pkg/glue.js", glue.clone()),
                asset("workers/w.js", worker(twice)),
            ]
        };
        for twice in [false, true] {
            let assets = assets(twice);
            let in_workers = worker_side(&assets);
            assert_eq!(in_workers.len(), 3);
            let checked = check_worker_urls(&assets, &in_workers);
            assert_eq!(checked.is_ok(), !twice, "{checked:?}");
        }
        let error = check_worker_urls(&assets(true), &worker_side(&assets(true))).unwrap_err();
        assert!(error.contains("workers/w.js"), "{error}");
    }

    #[test]
    fn the_site_s_policy_allows_each_of_its_inline_scripts_by_hash() {
        let repository = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask sits in the repository");
        let html = std::fs::read_to_string(repository.join("www/index.html")).unwrap();
        let policy = policy(&html).expect("a Content-Security-Policy");
        let scripts = inline_scripts(&html).unwrap();
        assert!(scripts.len() >= 2, "the early script and the file:// explanation, found {}", scripts.len());
        for body in scripts {
            let source = format!("'sha256-{}'", sha256_base64(body));
            assert!(policy.contains(&source), "the policy lacks {source}, the hash of <script>{body}</script>");
        }
    }

    #[test]
    fn inline_scripts_are_the_ones_that_run() {
        let page = r#"<script type="module" src="main.js"></script><script>a()</script>
            <script type="application/json" id="x">{"b":1}</script><script type="module">c()</script>"#;
        assert_eq!(inline_scripts(page).unwrap(), ["a()", "c()"]);
        assert!(inline_scripts("<script defer>d()</script>").is_err());
        assert!(inline_scripts("<script>e()").is_err());
        // The hash of the empty script, as browsers' consoles print it.
        assert_eq!(sha256_base64(""), "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
    }

    #[test]
    fn a_hashed_name_changes_with_the_content_and_keeps_the_extension() {
        let a = hashed_name("pkg/ldm_explorer_bg.wasm", b"one");
        let b = hashed_name("pkg/ldm_explorer_bg.wasm", b"two");
        assert_ne!(a, b);
        assert!(
            a.starts_with("pkg/ldm_explorer_bg.")
                && a.ends_with(".wasm")
                && a.len() == "pkg/ldm_explorer_bg..wasm".len() + 10,
            "{a}"
        );
    }
}
