//! Builds the web front end (`web/`, with its own npm scripts) into `web/dist` when the build is
//! missing or older than its sources, so a fresh clone runs with `cargo run`. Needs Node 20 and
//! npm then; an up-to-date `web/dist` needs neither.
//!
//! Also names the commit the binary is built from (`RAASEL_GIT_COMMIT`, for `raasel --version`).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

/// Entries of `web/` that are not sources of the build.
const NOT_INPUTS: &[&str] = &["node_modules", "dist", "test-results", "e2e", "test"];

fn main() {
    git_commit();
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

/// Sets `RAASEL_GIT_COMMIT` for the compiler: the variable itself when the build is given one
/// (e.g. a container build without `.git`), else `git rev-parse --short HEAD`, else `unknown`
/// (a source tarball). Reruns only when HEAD moves: on git's `HEAD` and the branch it names.
fn git_commit() {
    println!("cargo:rerun-if-env-changed=RAASEL_GIT_COMMIT");
    let given = std::env::var("RAASEL_GIT_COMMIT")
        .ok()
        .filter(|c| !c.trim().is_empty());
    let commit = given.or_else(|| {
        watch_git_head();
        git(&["rev-parse", "--short", "HEAD"])
    });
    println!(
        "cargo:rustc-env=RAASEL_GIT_COMMIT={}",
        commit.as_deref().unwrap_or("unknown").trim()
    );
}

/// Reruns the build script when HEAD changes: git's `HEAD` file and the branch it names (its
/// loose ref, or `packed-refs` when the branch is packed). `--git-path` finds them in a
/// worktree as in a plain checkout. A missing path would make every build rerun, so only
/// existing ones are named.
fn watch_git_head() {
    let mut files = vec!["HEAD".to_string()];
    if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
        let loose = git(&["rev-parse", "--git-path", &branch]).map(PathBuf::from);
        match loose {
            Some(path) if path.exists() => files.push(branch),
            _ => files.push("packed-refs".into()),
        }
    }
    for file in files {
        if let Some(path) = git(&["rev-parse", "--git-path", &file]).map(PathBuf::from)
            && path.exists()
        {
            println!("cargo:rerun-if-changed={}", path.display());
        }
    }
}

/// A git command's answer in this package's directory, if git runs and succeeds.
fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout).trim().to_string();
    (out.status.success() && !text.is_empty()).then_some(text)
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
