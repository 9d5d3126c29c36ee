//! The tests' own SMTP server: `scripts/smtp-sink.py` (aiosmtpd, installed by
//! `scripts/services smtp`) on a port of its own per test, keeping every message it accepts as
//! a JSON file the tests read. It can be told to answer late (to stop a sender mid-send) or to
//! defer (451).

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};

use crate::process::{command, free_port};
use crate::support::wait_until_some;

pub struct SmtpSink {
    _child: tokio::process::Child,
    pub port: u16,
    dir: tempfile::TempDir,
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

impl SmtpSink {
    /// Starts a sink; fails loudly when Python's aiosmtpd is not installed.
    pub async fn start() -> SmtpSink {
        let python = repo().join("target/pyenv/bin/python");
        assert!(
            python.exists(),
            "{} is missing: run scripts/services smtp (the test command does)",
            python.display()
        );
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let mut child = command(&python)
            .arg(repo().join("scripts/smtp-sink.py"))
            .args(["--port", &port.to_string(), "--dir"])
            .arg(dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the SMTP sink starts");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let ready = tokio::time::timeout(Duration::from_secs(20), lines.next_line())
            .await
            .expect("the SMTP sink says it is ready")
            .unwrap();
        assert_eq!(
            ready.as_deref(),
            Some(format!("ready {port}").as_str()),
            "the SMTP sink did not start (is aiosmtpd installed? scripts/services smtp)"
        );
        SmtpSink {
            _child: child,
            port,
            dir,
        }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message kept so far, in the order received.
    pub fn mails(&self) -> Vec<Value> {
        let mut names: Vec<PathBuf> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .filter(|p| !p.file_name().unwrap().to_string_lossy().starts_with('.'))
            .collect();
        names.sort();
        names
            .iter()
            .map(|p| serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap())
            .collect()
    }

    /// Waits until the sink has kept `n` messages; returns them all.
    pub async fn wait_for(&self, n: usize, what: &str) -> Vec<Value> {
        wait_until_some(what, Duration::from_secs(20), || async {
            let mails = self.mails();
            (mails.len() >= n).then_some(mails)
        })
        .await
    }

    /// Sets (`Some`) or clears a steering file: `delay` (seconds) or `defer`.
    pub fn steer(&self, flag: &str, value: Option<&str>) {
        let path = self.dir.path().join(flag);
        match value {
            Some(v) => std::fs::write(path, v).unwrap(),
            None => {
                let _ = std::fs::remove_file(path);
            }
        }
    }
}

pub fn header<'a>(mail: &'a Value, name: &str) -> &'a str {
    mail["headers"][name].as_str().unwrap_or_default()
}

pub fn text(mail: &Value) -> &str {
    mail["text"].as_str().unwrap_or_default()
}

/// The first link in the mail's text that starts with `prefix` (up to white space).
pub fn link(mail: &Value, prefix: &str) -> String {
    let t = text(mail);
    let at = t
        .find(prefix)
        .unwrap_or_else(|| panic!("no link starting {prefix} in {t}"));
    t[at..]
        .split(char::is_whitespace)
        .next()
        .unwrap()
        .to_string()
}

/// The value of `name` in a link's query.
pub fn query_param(url: &str, name: &str) -> String {
    let query = url.split_once('?').map(|(_, q)| q).unwrap_or_default();
    query
        .split('&')
        .find_map(|kv| kv.strip_prefix(&format!("{name}=")))
        .unwrap_or_else(|| panic!("no {name} in {url}"))
        .to_string()
}
