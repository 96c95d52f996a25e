//! `cargo xtask build | serve [--port N] | test`: the project's build helper, in the style of
//! wgpu's xtask. It installs what is missing, so that these commands work on a fresh machine.

use std::env;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

mod dist;
mod serve;
mod settings;
mod tools;

use settings::WasmSettings;

type Result<T> = std::result::Result<T, String>;

const USAGE: &str = "usage: cargo xtask <command>

commands:
  build            build the release wasm into www/pkg (settings: wasm-pack.toml)
  serve [--port N] build, then serve www/ on http://127.0.0.1:N/ (default 8000)
  dist             build, then write dist/site/ (hashed names, and a zip of it) and the single file
                   dist/ldm-explorer.html that runs opened from disk
  test             run every test: native, wasm in headless Chromium, TypeScript declarations, Node API,
                   page end-to-end
  audit            dist, then Lighthouse on dist/site, desktop and mobile (a benchmark: reports in
                   target/lighthouse/, a summary printed)
  bench            build, then the benchmarks: native (criterion, --quick), the page's (bench.html in
                   headless Chromium) and the API in Node beside the same computations in NumPy, as
                   ratios (xtask/bench.mjs; the NumPy part needs python3 with NumPy)";

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let outcome = match args.first().map(String::as_str) {
        Some("build") => build().map(|_| ()),
        Some("serve") => port_argument(&args[1..]).and_then(|port| {
            build()?;
            serve::serve_forever(&repo_root().join("www"), port)
        }),
        Some("dist") => build().and_then(|_| dist()),
        Some("test") => test(),
        Some("audit") => build().and_then(|_| dist()).and_then(|_| audit()),
        Some("bench") => build().and_then(|_| bench()),
        _ => Err(USAGE.to_string()),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

fn port_argument(args: &[String]) -> Result<u16> {
    match args {
        [] => Ok(8000),
        [flag, port] if flag == "--port" => port.parse().map_err(|_| format!("--port takes a number, got {port}")),
        _ => Err(USAGE.to_string()),
    }
}

/// The repository root: the parent of this crate's manifest directory.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the repository").to_path_buf()
}

/// Runs a command in the repository root, echoing it, and fails on a non-zero exit.
pub fn run(command: &mut Command) -> Result<()> {
    command.current_dir(command.get_current_dir().map(Path::to_path_buf).unwrap_or_else(repo_root));
    eprintln!("xtask: $ {}", describe(command));
    let status = command.status().map_err(|e| format!("could not start {}: {e}", describe(command)))?;
    if status.success() { Ok(()) } else { Err(format!("{} failed ({status})", describe(command))) }
}

fn describe(command: &Command) -> String {
    std::iter::once(command.get_program())
        .chain(command.get_args())
        .map(|s| s.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Builds every wasm module and its JS bindings into the configured output directory.
fn build() -> Result<WasmSettings> {
    let settings = WasmSettings::load(&repo_root().join("wasm-pack.toml"))?;
    tools::ensure_wasm_toolchain(&settings)?;
    let out_dir = repo_root().join(&settings.build.out_dir);
    for module in &settings.modules {
        let mut wasm_pack = Command::new("wasm-pack");
        wasm_pack
            .args(["build", "--target", &settings.build.target, "--out-name", &module.out_name])
            .arg("--out-dir")
            .arg(&out_dir)
            .args(["--no-pack", "--no-opt"])
            .args(settings.profile_arguments())
            .arg(repo_root())
            .args(["--", "--no-default-features", "--features", &module.features.join(",")]);
        let rustflags: Vec<String> =
            settings.build.rustflags.iter().chain(&module.rustflags).cloned().chain(path_remaps()).collect();
        wasm_pack.env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS", rustflags.join(" "));
        run(&mut wasm_pack)?;
        let wasm = out_dir.join(format!("{}_bg.wasm", module.out_name));
        if settings.wasm_opt.enabled {
            run(Command::new(tools::wasm_opt_path(&settings))
                .args(&settings.wasm_opt.flags)
                .arg(&wasm)
                .arg("-o")
                .arg(&wasm))?;
        }
        let (raw, gzipped) = sizes(&wasm)?;
        let gzipped_kb = gzipped as f64 / 1e3;
        eprintln!(
            "xtask: built {} ({:.1} KB, {gzipped_kb:.1} KB gzipped, budget {} KB)",
            wasm.display(),
            raw as f64 / 1e3,
            module.max_gzip_kb
        );
        if gzipped_kb > module.max_gzip_kb {
            return Err(format!(
                "{} is {gzipped_kb:.1} KB gzipped, over its budget of {} KB (wasm-pack.toml)",
                module.out_name, module.max_gzip_kb
            ));
        }
    }
    Ok(settings)
}

/// Writes dist/ from the built www/ (see dist.rs).
fn dist() -> Result<()> {
    dist::dist(&repo_root().join("www"), &repo_root().join("dist"))
}

/// Every benchmark, printed: figures, not pass or fail (README keeps the ratios).
fn bench() -> Result<()> {
    run(Command::new("cargo").args(["bench", "-p", "ldm-explorer", "--bench", "curves", "--", "--quick"]))?;
    tools::ensure_browser()?;
    tools::ensure_node_packages()?;
    let server = serve::spawn(&repo_root().join("www"), 0)?;
    run(Command::new("node")
        .arg(repo_root().join("xtask/bench-page.mjs"))
        .arg(format!("http://127.0.0.1:{}/", server.port))
        .env("XDG_RUNTIME_DIR", runtime_dir()?))?;
    run(Command::new("node").arg(repo_root().join("xtask/bench.mjs")))
}

/// Lighthouse (the pinned version, installed under target/tools) on the built site as a host
/// serves it, gzipped.
fn audit() -> Result<()> {
    tools::ensure_browser()?;
    let cli = tools::ensure_lighthouse()?;
    let server = serve::spawn(&repo_root().join("dist/site"), 0)?;
    run(Command::new("node")
        .arg(repo_root().join("xtask/audit.mjs"))
        .arg(format!("http://127.0.0.1:{}/", server.port))
        .arg(cli)
        .arg(repo_root().join("target/lighthouse")))
}

/// rustc flags that write source paths relative to the repository and to Cargo's home into the
/// modules (panic locations name their file): the same bytes, and the same size against the
/// budgets, wherever the repository is cloned. A path with white space is left as it is (the
/// flags are split on spaces).
fn path_remaps() -> Vec<String> {
    let cargo_home = env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")));
    [(Some(repo_root()), "."), (cargo_home, "cargo")]
        .into_iter()
        .filter_map(|(from, to)| Some(format!("--remap-path-prefix={}={to}", from?.display())))
        .filter(|flag| !flag.contains(char::is_whitespace))
        .collect()
}

/// Size of a file and of its gzip (level 9) compression, in bytes.
fn sizes(path: &Path) -> Result<(usize, usize)> {
    use std::io::Write;
    let bytes = std::fs::read(path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder
        .write_all(&bytes)
        .and_then(|_| encoder.finish())
        .map(|gz| (bytes.len(), gz.len()))
        .map_err(|e| e.to_string())
}

/// Every test of the project, in order of cost.
fn test() -> Result<()> {
    run(Command::new("cargo").args(["test", "--workspace"]))?;
    // The GPU engine natively, on whatever Vulkan device there is (lavapipe on a CPU-only machine).
    tools::ensure_vulkan()?;
    run(Command::new("cargo")
        .args(["test", "-p", "ldm-explorer", "--features", "images", "--test", "gpu"])
        .env("XDG_RUNTIME_DIR", runtime_dir()?))?;
    let settings = build()?;
    dist()?;
    tools::ensure_browser()?;
    // The core's unit tests and the integration tests that run on both targets, as wasm in headless
    // Chromium (tests/determinism.rs compares the two targets' seeded draws bit for bit).
    run(Command::new("cargo")
        .args([
            "test",
            "-p",
            "ldm-explorer",
            "--target",
            "wasm32-unknown-unknown",
            // Every glue layer compiles into the test build; tests/gpu.rs runs on WebGPU (SwiftShader,
            // enabled by webdriver.json's flags).
            "--features",
            "explorer,worker,images",
            "--lib",
            "--test",
            "theory",
            "--test",
            "sampling",
            "--test",
            "determinism",
            "--test",
            "general",
            "--test",
            "images",
            "--test",
            "gpu",
            "--test",
            "model",
        ])
        // wasm-bindgen-test-runner gives a whole test binary 20 s by default; tests/gpu.rs runs its
        // kernels on SwiftShader (a GPU emulated on the CPU) beside a debug-build CPU reference.
        .env("WASM_BINDGEN_TEST_TIMEOUT", "300"))?;
    tools::ensure_node_packages()?;
    // The modules' TypeScript declarations (generated from the Rust types) against a typed usage file
    // and README's examples.
    run(Command::new("node").arg("tests/types/readme.mjs"))?;
    run(Command::new("node").args(["node_modules/typescript/bin/tsc", "-p", "tests/types"]))?;
    run(Command::new("node").arg("--test").args(test_files("tests/js")?))?;
    // The page, served by the same server as `cargo xtask serve`, driven by Chromium.
    let server = serve::spawn(&repo_root().join("www"), 0)?;
    let site_server = serve::spawn(&repo_root().join("dist/site"), 0)?;
    run(Command::new("node")
        .arg("--test")
        .args(test_files("tests/e2e")?)
        .env("LDM_EXPLORER_URL", format!("http://127.0.0.1:{}/", server.port))
        .env("LDM_EXPLORER_PKG", repo_root().join(&settings.build.out_dir))
        .env("LDM_EXPLORER_WWW", repo_root().join("www"))
        .env("LDM_EXPLORER_DIST", repo_root().join("dist"))
        .env("LDM_EXPLORER_SITE_URL", format!("http://127.0.0.1:{}/", site_server.port)))?;
    eprintln!("xtask: every test passed");
    Ok(())
}

/// `$XDG_RUNTIME_DIR`, or a private folder under target/ (Mesa warns without one).
fn runtime_dir() -> Result<PathBuf> {
    if let Some(dir) = env::var_os("XDG_RUNTIME_DIR") {
        return Ok(dir.into());
    }
    let dir = repo_root().join("target/xdg-runtime");
    std::fs::create_dir_all(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).map_err(|e| e.to_string())?;
    }
    Ok(dir)
}

/// The `*.test.mjs` files of a folder, sorted.
fn test_files(folder: &str) -> Result<Vec<PathBuf>> {
    let dir = repo_root().join(folder);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| format!("reading {}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".test.mjs"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(format!("no *.test.mjs in {}", dir.display()));
    }
    Ok(files)
}
