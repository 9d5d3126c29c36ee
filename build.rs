//! Builds the web front end (`web/`, with its own npm scripts) into `web/dist` when the build is
//! missing or older than its sources, so a fresh clone runs with `cargo run`. Needs Node 20 and
//! npm then; an up-to-date `web/dist` needs neither.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

/// Entries of `web/` that are not sources of the build.
const NOT_INPUTS: &[&str] = &["node_modules", "dist", "test-results", "e2e", "test"];

fn main() {
    let web = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap()).join("web");
    println!("cargo:rerun-if-changed=web/dist/index.html");
    if !web.join("package.json").exists() {
        // No front end in this checkout: serve nothing rather than fail the build.
        std::fs::create_dir_all(web.join("dist")).expect("creating web/dist");
        return;
    }
    let inputs = inputs(&web);
    for input in &inputs {
        println!("cargo:rerun-if-changed={}", input.display());
    }
    let fresh = newest(&web.join("dist/index.html"))
        .is_some_and(|built| inputs.iter().filter_map(|i| newest(i)).all(|t| t <= built));
    if fresh {
        return;
    }
    if !web.join("node_modules").exists() {
        npm(&web, &["ci", "--no-audit", "--no-fund", "--loglevel=error"]);
    }
    npm(&web, &["run", "build"]);
}

fn npm(dir: &Path, args: &[&str]) {
    println!(
        "cargo:warning=building the web front end: npm {}",
        args.join(" ")
    );
    let status = Command::new("npm").args(args).current_dir(dir).status();
    match status {
        Ok(s) if s.success() => {}
        Ok(s) => panic!("`npm {}` in web/ failed ({s})", args.join(" ")),
        Err(e) => panic!(
            "the web front end needs Node 20 and npm to build (`npm {}` in web/: {e})",
            args.join(" ")
        ),
    }
}

/// The top-level entries of `web/` the build reads.
fn inputs(web: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(web) else {
        return vec![];
    };
    entries
        .filter_map(Result::ok)
        .filter(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            !name.starts_with('.') && !NOT_INPUTS.contains(&name.as_ref())
        })
        .map(|e| e.path())
        .collect()
}

/// The newest modification time under `path` (a file or a directory tree).
fn newest(path: &Path) -> Option<SystemTime> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_dir() {
        return meta.modified().ok();
    }
    std::fs::read_dir(path)
        .ok()?
        .filter_map(Result::ok)
        .filter(|e| e.file_name() != "node_modules")
        .filter_map(|e| newest(&e.path()))
        .max()
}
