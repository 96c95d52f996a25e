//! Installs what the build and the tests need when it is missing; each tool's comment says why it
//! is installed the way it is.

use std::path::PathBuf;
use std::process::Command;

use crate::settings::{WasmSettings, locked_version};
use crate::{Result, repo_root, run};

/// What `program --version` prints, or None when it is not on PATH.
fn version_output(program: &str) -> Option<String> {
    let output = Command::new(program).arg("--version").output().ok()?;
    output.status.success().then(|| String::from_utf8_lossy(&output.stdout).trim().to_string())
}

fn on_path(program: &str) -> bool {
    Command::new(program).arg("--version").output().is_ok()
}

/// The wasm target, wasm-bindgen-cli at the Cargo.lock version, wasm-pack and wasm-opt.
pub fn ensure_wasm_toolchain(settings: &WasmSettings) -> Result<()> {
    let installed =
        Command::new("rustup").args(["target", "list", "--installed"]).output().map_err(|e| format!("rustup: {e}"))?;
    if !String::from_utf8_lossy(&installed.stdout).lines().any(|l| l.trim() == "wasm32-unknown-unknown") {
        run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))?;
    }
    let bindgen = locked_version(&repo_root().join("Cargo.lock"), "wasm-bindgen")?;
    if version_output("wasm-bindgen").as_deref() != Some(&format!("wasm-bindgen {bindgen}")) {
        // Not --locked: the CLI's own lockfile wants a crate the registry mirror lacks.
        run(Command::new("cargo").args(["install", "wasm-bindgen-cli", "--version", &bindgen]))?;
    }
    let pack = &settings.tools.wasm_pack;
    if version_output("wasm-pack").as_deref() != Some(&format!("wasm-pack {pack}")) {
        run(Command::new("cargo").args(["install", "wasm-pack", "--locked", "--version", pack]))?;
    }
    if settings.wasm_opt.enabled && !wasm_opt_path(settings).exists() {
        let prefix = binaryen_prefix(settings);
        run(Command::new("npm")
            .args(["install", "--no-save", "--no-audit", "--no-fund", "--prefix"])
            .arg(&prefix)
            .arg(format!("binaryen@{}", settings.tools.binaryen)))?;
    }
    Ok(())
}

fn binaryen_prefix(settings: &WasmSettings) -> PathBuf {
    repo_root().join("target/tools").join(format!("binaryen-{}", settings.tools.binaryen))
}

/// npm's binaryen, one folder per pinned version.
pub fn wasm_opt_path(settings: &WasmSettings) -> PathBuf {
    binaryen_prefix(settings).join("node_modules/.bin/wasm-opt")
}

/// Lighthouse for `cargo xtask audit`, pinned (version 13 needs a newer Node than Debian's 20).
const LIGHTHOUSE: &str = "12.2.3";

/// npm's Lighthouse under target/tools, installed when missing; the path of its command line.
pub fn ensure_lighthouse() -> Result<PathBuf> {
    let prefix = repo_root().join("target/tools").join(format!("lighthouse-{LIGHTHOUSE}"));
    let cli = prefix.join("node_modules/lighthouse/cli/index.js");
    if !cli.exists() {
        run(Command::new("npm")
            .args(["install", "--no-save", "--no-audit", "--no-fund", "--prefix"])
            .arg(&prefix)
            .arg(format!("lighthouse@{LIGHTHOUSE}")))?;
    }
    Ok(cli)
}

/// Chromium and chromedriver (Debian's packages), installed with apt when missing.
pub fn ensure_browser() -> Result<()> {
    if on_path("chromium") && on_path("chromedriver") {
        return Ok(());
    }
    install_debian_packages(&["chromium", "chromium-driver"], "the browser tests need Chromium and chromedriver")
}

/// A Vulkan loader and Mesa's lavapipe (a Vulkan device on the CPU), for the native GPU tests on
/// machines without a GPU; installed with apt when missing.
pub fn ensure_vulkan() -> Result<()> {
    let installed = |package: &str| {
        Command::new("dpkg-query")
            .args(["-W", "-f=${Status}", package])
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "install ok installed")
            .unwrap_or(false)
    };
    let packages = ["mesa-vulkan-drivers", "libvulkan1"];
    if packages.iter().all(|p| installed(p)) {
        return Ok(());
    }
    install_debian_packages(&packages, "the native GPU tests need a Vulkan device (Mesa's lavapipe)")
}

fn install_debian_packages(packages: &[&str], why: &str) -> Result<()> {
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false);
    if !is_root {
        return Err(format!("{why}: run `sudo apt-get install -y {}` (Debian) and try again", packages.join(" ")));
    }
    run(Command::new("apt-get").arg("update").arg("-q"))?;
    run(Command::new("apt-get").args(["install", "-y", "-q"]).args(packages).env("DEBIAN_FRONTEND", "noninteractive"))
}

/// The end-to-end tests' npm packages, exactly as package-lock.json pins them.
pub fn ensure_node_packages() -> Result<()> {
    let marker = repo_root().join("node_modules/.package-lock.json");
    let lock = repo_root().join("package-lock.json");
    let fresh = match (marker.metadata().and_then(|m| m.modified()), lock.metadata().and_then(|m| m.modified())) {
        (Ok(installed), Ok(locked)) => installed >= locked,
        _ => false,
    };
    if fresh { Ok(()) } else { run(Command::new("npm").args(["ci", "--no-audit", "--no-fund"])) }
}
