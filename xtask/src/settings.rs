//! `wasm-pack.toml`: the single source of the wasm build's settings.

use std::path::Path;

use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WasmSettings {
    pub build: BuildSettings,
    #[serde(rename = "module")]
    pub modules: Vec<ModuleSettings>,
    #[serde(rename = "wasm-opt")]
    pub wasm_opt: WasmOptSettings,
    pub tools: ToolVersions,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct BuildSettings {
    pub target: String,
    pub out_dir: String,
    pub profile: String,
    pub rustflags: Vec<String>,
}

/// One wasm module: its file name stem, the crate features it is built with (and no others), and
/// its size budget (gzipped, level 9).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ModuleSettings {
    pub out_name: String,
    pub features: Vec<String>,
    pub max_gzip_kb: f64,
    /// rustc flags for this module, after `[build]`'s.
    #[serde(default)]
    pub rustflags: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WasmOptSettings {
    pub enabled: bool,
    pub flags: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ToolVersions {
    #[serde(rename = "wasm-pack")]
    pub wasm_pack: String,
    pub binaryen: String,
}

impl WasmSettings {
    pub fn load(path: &Path) -> Result<WasmSettings, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("reading {}: {e}", path.display()))?;
        let settings: WasmSettings = toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        if settings.build.profile.is_empty() {
            return Err(format!("{}: build.profile names a Cargo profile", path.display()));
        }
        if settings.modules.is_empty() {
            return Err(format!("{}: at least one [[module]] is needed", path.display()));
        }
        Ok(settings)
    }

    /// wasm-pack's flags for the profile: its own for release and dev, `--profile` for the others.
    pub fn profile_arguments(&self) -> Vec<String> {
        match self.build.profile.as_str() {
            "release" | "dev" | "profiling" => vec![format!("--{}", self.build.profile)],
            custom => vec!["--profile".into(), custom.into()],
        }
    }
}

/// The version of a package in Cargo.lock.
pub fn locked_version(lockfile: &Path, package: &str) -> Result<String, String> {
    #[derive(Deserialize)]
    struct Lock {
        package: Vec<Package>,
    }
    #[derive(Deserialize)]
    struct Package {
        name: String,
        version: String,
    }
    let text = std::fs::read_to_string(lockfile).map_err(|e| format!("reading {}: {e}", lockfile.display()))?;
    let lock: Lock = toml::from_str(&text).map_err(|e| format!("{}: {e}", lockfile.display()))?;
    lock.package
        .into_iter()
        .find(|p| p.name == package)
        .map(|p| p.version)
        .ok_or_else(|| format!("{package} is not in {}", lockfile.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_repositorys_settings_parse() {
        let settings = WasmSettings::load(&crate::repo_root().join("wasm-pack.toml")).unwrap();
        assert_eq!(settings.build.target, "web");
        let names: Vec<&str> = settings.modules.iter().map(|m| m.out_name.as_str()).collect();
        assert_eq!(names, ["ldm_explorer", "ldm_worker", "ldm_images"]);
        // Features, modules and the wasm layer's files are named alike.
        for module in &settings.modules {
            assert_eq!(module.features.len(), 1);
            assert_eq!(module.out_name, format!("ldm_{}", module.features[0]));
            assert!(crate::repo_root().join(format!("src/wasm/{}.rs", module.features[0])).exists());
        }
        assert!(settings.wasm_opt.flags.iter().any(|f| f.starts_with("-O")));
        let version = locked_version(&crate::repo_root().join("Cargo.lock"), "wasm-bindgen").unwrap();
        assert!(version.starts_with("0.2."), "{version}");
    }
}
