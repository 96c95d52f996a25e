//! A static file server for `www/` on the loopback interface, for `cargo xtask serve` and for the
//! end-to-end tests.

use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use tiny_http::{Header, Response, Server};

use crate::Result;

pub struct Running {
    pub port: u16,
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "csv" => "text/csv; charset=utf-8",
        "ts" | "txt" | "md" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// The file a URL path names under `root`, refusing anything that climbs out of it.
fn resolve(root: &Path, url: &str) -> Option<PathBuf> {
    let path = url.split(['?', '#']).next().unwrap_or("/");
    let mut resolved = root.to_path_buf();
    for component in Path::new(path.trim_start_matches('/')).components() {
        match component {
            Component::Normal(part) => resolved.push(part),
            Component::CurDir => {}
            _ => return None,
        }
    }
    if resolved.is_dir() {
        resolved.push("index.html");
    }
    resolved.is_file().then_some(resolved)
}

fn handle(server: Arc<Server>, root: PathBuf) {
    let root = Arc::new(root);
    for request in server.incoming_requests() {
        // One thread per request: a response stuck writing to a client that stopped reading (a
        // closed tab's pooled connection) must not hold up every request after it.
        let root = Arc::clone(&root);
        std::thread::spawn(move || respond(request, &root));
    }
}

fn respond(request: tiny_http::Request, root: &Path) {
    let header = |name: &str, value: &str| Header::from_bytes(name, value).expect("ASCII header");
    let response = match resolve(root, request.url()).and_then(|p| std::fs::read(&p).ok().map(|b| (p, b))) {
        Some((path, bytes)) => Response::from_data(bytes)
            .with_header(header("Content-Type", content_type(&path)))
            .with_header(header("Cache-Control", "no-cache")),
        None => Response::from_data(b"not found".to_vec()).with_status_code(404),
    };
    // A client that hung up is not the server's problem.
    let _ = request.respond(response);
}

fn start(port: u16) -> Result<(Arc<Server>, u16)> {
    let server = Server::http(("127.0.0.1", port)).map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e}"))?;
    let port = server.server_addr().to_ip().map(|a| a.port()).unwrap_or(port);
    Ok((Arc::new(server), port))
}

/// Serves in a background thread (port 0: any free port) for as long as the process lives.
pub fn spawn(root: &Path, port: u16) -> Result<Running> {
    let (server, port) = start(port)?;
    let root = root.to_path_buf();
    std::thread::spawn(move || handle(server, root));
    Ok(Running { port })
}

pub fn serve_forever(root: &Path, port: u16) -> Result<()> {
    let (server, port) = start(port)?;
    println!("ldm-explorer: serving {} at http://127.0.0.1:{port}/ (Ctrl-C stops)", root.display());
    handle(server, root.to_path_buf());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_cannot_leave_the_root() {
        let root = crate::repo_root().join("www");
        assert_eq!(resolve(&root, "/"), Some(root.join("index.html")));
        assert_eq!(resolve(&root, "/index.html?x=1#y"), Some(root.join("index.html")));
        assert_eq!(resolve(&root, "/../Cargo.toml"), None);
        assert_eq!(resolve(&root, "/nothing-here.js"), None);
    }
}
