//! A static file server for `www/` on the loopback interface, for `cargo xtask serve` and for the
//! end-to-end tests: GET and HEAD of files, one request per connection.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

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

/// Accepts connections for ever, each answered on its own thread.
fn handle(listener: TcpListener, root: PathBuf) {
    let root = Arc::new(root);
    for stream in listener.incoming().flatten() {
        let root = Arc::clone(&root);
        std::thread::spawn(move || {
            // A client that hung up or sent garbage is not the server's problem.
            let _ = respond(stream, &root);
        });
    }
}

/// Answers one request and closes the connection. Closing (instead of keeping the connection
/// alive) matters: with tiny_http's keep-alive connections headless Chromium, about once in ten
/// test runs, waited for ever on a module request sent on a reused connection.
fn respond(mut stream: TcpStream, root: &Path) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut head = Vec::new();
    let mut buffer = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 16 * 1024 {
        let read = stream.read(&mut buffer)?;
        if read == 0 {
            return Ok(());
        }
        head.extend_from_slice(&buffer[..read]);
    }
    let head = String::from_utf8_lossy(&head);
    let mut request_line = head.lines().next().unwrap_or("").split(' ');
    let (method, target) = (request_line.next().unwrap_or(""), request_line.next().unwrap_or("/"));
    let accepts_gzip = head.lines().any(|line| {
        let line = line.to_ascii_lowercase();
        line.starts_with("accept-encoding:") && line.contains("gzip")
    });
    let (status, content_type, body, gzipped) = match (method, resolve(root, target)) {
        ("GET" | "HEAD", Some(path)) => match std::fs::read(&path) {
            Ok(bytes) if accepts_gzip && compressible(&path) => ("200 OK", content_type(&path), gzip(&bytes)?, true),
            Ok(bytes) => ("200 OK", content_type(&path), bytes, false),
            Err(_) => ("404 Not Found", "text/plain", b"not found".to_vec(), false),
        },
        ("GET" | "HEAD", None) => ("404 Not Found", "text/plain", b"not found".to_vec(), false),
        _ => ("405 Method Not Allowed", "text/plain", b"only GET and HEAD".to_vec(), false),
    };
    let encoding = if gzipped { "Content-Encoding: gzip\r\nVary: Accept-Encoding\r\n" } else { "" };
    let header = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\n{encoding}Content-Length: {}\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(header.as_bytes())?;
    if method != "HEAD" {
        stream.write_all(&body)?;
    }
    stream.flush()
}

/// Text and wasm shrink three- to fivefold under gzip; pictures and the digits' bytes do not.
pub fn compressible(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("html" | "js" | "mjs" | "wasm" | "css" | "json" | "svg" | "csv" | "md")
    )
}

/// Gzip at the default level: a 370 KB module compresses in milliseconds, so the files are
/// compressed as they are served rather than kept twice.
fn gzip(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes)?;
    encoder.finish()
}

fn start(port: u16) -> Result<(TcpListener, u16)> {
    let listener =
        TcpListener::bind(("127.0.0.1", port)).map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e}"))?;
    let port = listener.local_addr().map(|a| a.port()).unwrap_or(port);
    Ok((listener, port))
}

/// Serves in a background thread (port 0: any free port) for as long as the process lives.
pub fn spawn(root: &Path, port: u16) -> Result<Running> {
    let (listener, port) = start(port)?;
    let root = root.to_path_buf();
    std::thread::spawn(move || handle(listener, root));
    Ok(Running { port })
}

pub fn serve_forever(root: &Path, port: u16) -> Result<()> {
    let (listener, port) = start(port)?;
    println!("ldm-explorer: serving {} at http://127.0.0.1:{port}/ (Ctrl-C stops)", root.display());
    handle(listener, root.to_path_buf());
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

    #[test]
    fn a_request_is_answered_and_the_connection_closed() {
        let running = spawn(&crate::repo_root().join("www"), 0).unwrap();
        let ask = |request: &str| {
            let mut stream = TcpStream::connect(("127.0.0.1", running.port)).unwrap();
            stream.write_all(request.as_bytes()).unwrap();
            let mut answer = String::new();
            // read_to_string ends only because the server closes the connection.
            stream.read_to_string(&mut answer).unwrap();
            answer
        };
        let page = ask("GET /index.html HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n");
        assert!(page.starts_with("HTTP/1.1 200 OK\r\n"), "{page:.80}");
        assert!(page.contains("Content-Type: text/html; charset=utf-8\r\n") && page.contains("Connection: close\r\n"));
        assert!(page.contains("<!doctype html>"));
        assert!(ask("GET /../Cargo.toml HTTP/1.1\r\n\r\n").starts_with("HTTP/1.1 404"));
        assert!(ask("POST / HTTP/1.1\r\n\r\n").starts_with("HTTP/1.1 405"));
        let head = ask("HEAD /index.html HTTP/1.1\r\n\r\n");
        assert!(head.ends_with("\r\n\r\n") && !head.contains("<!doctype"));
    }

    #[test]
    fn a_client_that_accepts_gzip_gets_text_and_wasm_gzipped() {
        let running = spawn(&crate::repo_root().join("www"), 0).unwrap();
        let mut stream = TcpStream::connect(("127.0.0.1", running.port)).unwrap();
        stream.write_all(b"GET /main.js HTTP/1.1\r\nAccept-Encoding: gzip, deflate, br\r\n\r\n").unwrap();
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).unwrap();
        let split = answer.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
        let head = String::from_utf8_lossy(&answer[..split]);
        assert!(head.contains("Content-Encoding: gzip\r\n") && head.contains("Vary: Accept-Encoding\r\n"), "{head}");
        assert!(head.contains(&format!("Content-Length: {}\r\n", answer.len() - split)));
        let mut unzipped = Vec::new();
        flate2::read::GzDecoder::new(&answer[split..]).read_to_end(&mut unzipped).unwrap();
        assert_eq!(unzipped, std::fs::read(crate::repo_root().join("www/main.js")).unwrap());
        assert!(!compressible(Path::new("data/digits.ldmimg")) && compressible(Path::new("pkg/x_bg.wasm")));
    }
}
