//! The hosting recipes in `.github/workflows/` cannot run here; what they run must be exactly the
//! commands the tests exercise: README's test command, and `cargo xtask dist` (which that command
//! also runs) before publishing `dist/site/`.

use std::fs;
use std::path::PathBuf;

fn read(path: &str) -> String {
    fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
}

/// The shell commands of a workflow's `run:` steps.
fn commands(workflow: &str) -> Vec<String> {
    read(workflow).lines().filter_map(|line| line.trim().strip_prefix("run: ")).map(str::to_string).collect()
}

fn readme_test_command() -> String {
    let readme = read("README.md");
    let line = readme.lines().find(|l| l.starts_with("cargo xtask test")).expect("README states its test command");
    line.split('#').next().unwrap().trim().to_string()
}

#[test]
fn ci_runs_readme_s_test_command() {
    let xtask: Vec<String> = commands(".github/workflows/ci.yml").into_iter().filter(|c| c.contains("xtask")).collect();
    assert_eq!(xtask, [readme_test_command()]);
    assert!(read(".ci/run").lines().any(|l| l.trim() == readme_test_command()));
}

#[test]
fn pages_tests_then_publishes_what_dist_writes() {
    let xtask: Vec<String> =
        commands(".github/workflows/pages.yml").into_iter().filter(|c| c.contains("xtask")).collect();
    assert_eq!(xtask, [readme_test_command(), "cargo xtask dist".to_string()]);
    let pages = read(".github/workflows/pages.yml");
    assert!(pages.contains("path: dist/site\n"), "the published folder is the one dist writes");
    // And `cargo xtask test` itself runs dist and its end-to-end tests (xtask/src/main.rs).
    let xtask_main = read("xtask/src/main.rs");
    let test = &xtask_main[xtask_main.find("fn test()").unwrap()..];
    assert!(test[..test.find("\n}\n").unwrap()].contains("dist()?"));
}
