//! What a scenario reports: a table on stdout and a JSON document with the machine, the
//! commit, the exact command, the parameters, the figures and the correctness checks.

use std::path::{Path, PathBuf};

use anyhow::Result;
use serde::Serialize;
use serde_json::{Value, json};

use crate::server::{LogSummary, ServerInfo};

/// One correctness check; a failed one makes the run exit non-zero.
#[derive(Clone, Debug, Serialize)]
pub struct Check {
    pub name: String,
    pub ok: bool,
    pub detail: String,
}

impl Check {
    pub fn new(name: &str, ok: bool, detail: impl Into<String>) -> Check {
        Check {
            name: name.into(),
            ok,
            detail: detail.into(),
        }
    }
}

/// The figures of one scenario run, in the table's order.
#[derive(Default)]
pub struct Report {
    pub rows: Vec<(String, String)>,
    pub results: serde_json::Map<String, Value>,
    pub checks: Vec<Check>,
    pub notes: Vec<String>,
}

impl Report {
    /// A row of the table.
    pub fn row(&mut self, label: &str, value: impl Into<String>) {
        self.rows.push((label.into(), value.into()));
    }

    /// A figure of the JSON document.
    pub fn set(&mut self, key: &str, value: impl Serialize) {
        self.results.insert(
            key.into(),
            serde_json::to_value(value).unwrap_or(Value::Null),
        );
    }

    pub fn check(&mut self, name: &str, ok: bool, detail: impl Into<String>) {
        self.checks.push(Check::new(name, ok, detail));
    }

    /// Something the reader should know (e.g. that the generator was the limit).
    pub fn note(&mut self, text: impl Into<String>) {
        self.notes.push(text.into());
    }

    pub fn passed(&self) -> bool {
        self.checks.iter().all(|c| c.ok)
    }

    pub fn print(&self, scenario: &str) {
        println!("\n{scenario}");
        let width = self.rows.iter().map(|(l, _)| l.len()).max().unwrap_or(0);
        for (label, value) in &self.rows {
            println!("  {label:<width$}  {value}");
        }
        for c in &self.checks {
            let mark = if c.ok { "ok  " } else { "FAIL" };
            println!("  [{mark}] {}: {}", c.name, c.detail);
        }
        for n in &self.notes {
            println!("  note: {n}");
        }
    }
}

/// Everything known about the run besides the figures.
pub struct Context<'a> {
    pub scenario: &'a str,
    pub params: Value,
    pub server: &'a ServerInfo,
    pub server_log: &'a LogSummary,
    pub machine: &'a crate::procfs::Machine,
}

pub fn document(ctx: &Context, report: &Report) -> Value {
    json!({
        "tool": "raasel-bench",
        "scenario": ctx.scenario,
        "command": std::env::args().collect::<Vec<_>>(),
        "finished_at_unix": unix_seconds(),
        "machine": ctx.machine,
        "commit": git_commit(),
        "server": ctx.server,
        "server_log": ctx.server_log,
        "params": ctx.params,
        "results": report.results,
        "checks": report.checks,
        "notes": report.notes,
        "passed": report.passed(),
    })
}

pub fn write(out: Option<&Path>, scenario: &str, doc: &Value) -> Result<PathBuf> {
    let path = match out {
        Some(p) => p.to_path_buf(),
        None => {
            PathBuf::from("target/raasel-bench").join(format!("{scenario}-{}.json", unix_seconds()))
        }
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&path, serde_json::to_string_pretty(doc)?)?;
    Ok(path)
}

fn unix_seconds() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// `git rev-parse HEAD` of the current directory, with `-dirty` when the tree has changes.
pub fn git_commit() -> Option<String> {
    let run = |args: &[&str]| {
        std::process::Command::new("git")
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    let head = run(&["rev-parse", "HEAD"])?;
    let dirty =
        run(&["status", "--porcelain", "--untracked-files=no"]).is_some_and(|s| !s.is_empty());
    Some(if dirty { format!("{head}-dirty") } else { head })
}

/// `1,234,567`.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Percent with one decimal.
pub fn percent(part: f64, whole: f64) -> String {
    if whole <= 0.0 {
        "-".into()
    } else {
        format!("{:.1}%", 100.0 * part / whole)
    }
}

/// KiB as MiB with one decimal, as every memory figure is shown.
pub fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}
