//! Generator processes: the parent writes a plan file, starts this program again as
//! `worker --plan … --index i --count n` for each share of the work, and talks to each in JSON
//! lines (commands on stdin, replies on stdout).

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{Child, ChildStdin, ChildStdout};

struct Proc {
    child: Child,
    stdin: ChildStdin,
    lines: Lines<BufReader<ChildStdout>>,
}

/// The parent's side: the running workers.
pub struct Workers {
    procs: Vec<Proc>,
    plan: PathBuf,
}

impl Workers {
    pub async fn spawn(plan: &impl Serialize, count: usize) -> Result<Workers> {
        let path = std::env::temp_dir().join(format!(
            "raasel-bench-plan-{}-{}.json",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)?
                .as_nanos()
        ));
        std::fs::write(&path, serde_json::to_vec(plan)?)?;
        let exe = std::env::current_exe().context("own path")?;
        let mut procs = vec![];
        for index in 0..count {
            let mut child = tokio::process::Command::new(&exe)
                .arg("worker")
                .arg(format!("--plan={}", path.display()))
                .arg(format!("--index={index}"))
                .arg(format!("--count={count}"))
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::inherit())
                .kill_on_drop(true)
                .spawn()
                .context("starting a worker process")?;
            let stdin = child.stdin.take().expect("piped stdin");
            let lines = BufReader::new(child.stdout.take().expect("piped stdout")).lines();
            procs.push(Proc {
                child,
                stdin,
                lines,
            });
        }
        Ok(Workers { procs, plan: path })
    }

    /// Sends the same command to every worker.
    pub async fn tell_all(&mut self, command: &impl Serialize) -> Result<()> {
        let mut line = serde_json::to_string(command)?;
        line.push('\n');
        for p in &mut self.procs {
            p.stdin.write_all(line.as_bytes()).await?;
            p.stdin.flush().await?;
        }
        Ok(())
    }

    /// The next reply of every worker, in worker order.
    pub async fn hear_all<T: DeserializeOwned>(&mut self, within: Duration) -> Result<Vec<T>> {
        let mut replies = vec![];
        let deadline = tokio::time::Instant::now() + within;
        for (i, p) in self.procs.iter_mut().enumerate() {
            let line = tokio::time::timeout_at(deadline, p.lines.next_line())
                .await
                .with_context(|| format!("worker {i} did not answer within {within:?}"))??;
            let Some(line) = line else {
                bail!("worker {i} exited early")
            };
            let value: Value = serde_json::from_str(&line)
                .with_context(|| format!("worker {i} wrote {line:?}"))?;
            if let Some(err) = value.get("worker_failed") {
                bail!("worker {i} failed: {err}");
            }
            replies.push(serde_json::from_value(value)?);
        }
        Ok(replies)
    }

    /// Waits for every worker to exit.
    pub async fn finish(mut self) -> Result<()> {
        for (i, p) in self.procs.iter_mut().enumerate() {
            drop(p.stdin.shutdown().await);
            let status = tokio::time::timeout(Duration::from_secs(30), p.child.wait())
                .await
                .with_context(|| format!("worker {i} did not exit"))??;
            if !status.success() {
                bail!("worker {i} exited with {status}");
            }
        }
        Ok(())
    }
}

impl Drop for Workers {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.plan);
    }
}

/// The worker's side: commands from the parent, replies to it.
pub struct Parent {
    lines: Lines<BufReader<tokio::io::Stdin>>,
}

impl Parent {
    pub fn new() -> Parent {
        Parent {
            lines: BufReader::new(tokio::io::stdin()).lines(),
        }
    }

    pub async fn hear<T: DeserializeOwned>(&mut self) -> Result<T> {
        let line = self
            .lines
            .next_line()
            .await?
            .context("the parent closed stdin")?;
        Ok(serde_json::from_str(&line)?)
    }

    pub fn tell(&self, reply: &impl Serialize) -> Result<()> {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        serde_json::to_writer(&mut out, reply)?;
        out.write_all(b"\n")?;
        out.flush()?;
        Ok(())
    }
}

/// Worker `index` of `count`'s share of `items`: every count-th one.
pub fn share<T: Clone>(items: &[T], index: usize, count: usize) -> Vec<T> {
    items
        .iter()
        .skip(index)
        .step_by(count.max(1))
        .cloned()
        .collect()
}
