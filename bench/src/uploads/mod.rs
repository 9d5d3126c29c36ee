//! The uploads scenario: files uploaded into conversations by their customers
//! (`POST /api/sessions/:id/attachments`, multipart). Two bursts measure the server's memory:
//! the same number of uploads at once with small and with large files, read from /proc before,
//! at the peak and after, to show whether memory grows with the file size. Then a throughput
//! run: many uploads by concurrent uploaders (each a website visitor with its own
//! conversation), in bytes and uploads per second, with latency and server CPU. Checks: every
//! upload answered 201 with the right size and type, and a sample downloaded back through its
//! signed link equals what was sent, byte for byte.

mod form;
mod memory;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use futures_util::StreamExt;
use reqwest::Method;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use serde_json::{Value, json};

use crate::api::{Api, each};
use crate::cli::UploadsArgs;
use crate::hist::Latency;
use crate::report::{Report, mib, thousands};
use crate::server::Server;
use crate::usage::{RssWatch, Usage, Used};
use memory::Burst;

const MIB: f64 = 1024.0 * 1024.0;
/// Bytes of files the tool puts into one organization: half the server's default quota
/// (1 GiB), so the quota is checked on every upload as in production but never refuses one.
const ORG_BYTES: u64 = 512 * 1024 * 1024;
/// An organization's largest file unless its settings say otherwise.
const DEFAULT_MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;
/// Different files of each size, used in turn (a download must return its own).
const VARIANTS: usize = 4;
/// How often the server's RSS is read during a burst.
const RSS_EVERY: Duration = Duration::from_millis(10);
/// Uploads of each memory burst downloaded back.
const VERIFY_PER_BURST: usize = 2;

/// Refuses arguments the scenario cannot run with, before any server starts.
pub fn validate(args: &UploadsArgs) -> Result<()> {
    if args.uploads == 0 || args.concurrency == 0 || args.memory_uploads == 0 {
        bail!("--uploads, --concurrency and --memory-uploads must be positive");
    }
    let smallest = form::PDF_HEADER.len() as f64 / MIB;
    for (flag, mib) in [
        ("--size-mib", args.size_mib),
        ("--memory-small-mib", args.memory_small_mib),
        ("--memory-large-mib", args.memory_large_mib),
    ] {
        if !mib.is_finite() || mib < smallest {
            bail!("{flag} must be at least {} bytes", form::PDF_HEADER.len());
        }
    }
    if args.memory_large_mib <= args.memory_small_mib {
        bail!("--memory-large-mib must exceed --memory-small-mib");
    }
    Ok(())
}

pub async fn run(args: &UploadsArgs, server: &Server) -> Result<Report> {
    validate(args)?;
    let api = Api::new(&server.base);
    let mut r = Report::default();
    let mut checks = Checks::default();

    let small = Files::new(&api, bytes_of(args.memory_small_mib))?;
    let large = Files::new(&api, bytes_of(args.memory_large_mib))?;
    let mut bursts = vec![];
    for files in [&small, &large] {
        let n = args.memory_uploads;
        let uploaders = Uploaders::create(&api, n, n, files.size).await?;
        tokio::time::sleep(Duration::from_secs(1)).await;
        let (burst, tally, seconds) = memory_burst(&api, server, files, &uploaders, args).await;
        burst_rows(&mut r, &burst, &tally, seconds);
        checks.add(&tally);
        checks
            .verify(&api, files, &uploaders, &tally, VERIFY_PER_BURST)
            .await;
        bursts.push(burst);
    }
    let comparison = memory::compare(&bursts[0], &bursts[1]);
    r.row(
        "memory, large against small",
        format!(
            "{}: growth ×{} for files ×{:.1}; {:.1}% of the extra bytes in flight held",
            comparison.verdict(),
            comparison
                .growth_ratio
                .map_or("?".into(), |g| format!("{g:.2}")),
            comparison.size_ratio,
            comparison.share_held * 100.0
        ),
    );
    r.set("memory_bursts", &bursts);
    r.set("memory_comparison", &comparison);
    drop((small, large));

    let files = Files::new(&api, bytes_of(args.size_mib))?;
    let uploaders = Uploaders::create(&api, args.concurrency, args.uploads, files.size).await?;
    let usage = Usage::start(server.pid);
    let watch = RssWatch::start(server.pid);
    let started = Instant::now();
    let tally = throughput(&api, &files, &uploaders, args.uploads).await;
    let seconds = started.elapsed().as_secs_f64();
    let used = usage.finish();
    let peak = watch.finish();
    throughput_rows(&mut r, args, &uploaders, &tally, seconds, &used, peak);
    checks.add(&tally);
    checks
        .verify(&api, &files, &uploaders, &tally, args.verify)
        .await;
    checks.rows(&mut r);
    Ok(r)
}

fn bytes_of(mib: f64) -> u64 {
    (mib * MIB).round() as u64
}

/// `10 MiB`, `256 KiB`.
fn size_text(bytes: u64) -> String {
    let mib = bytes as f64 / MIB;
    match mib >= 1.0 {
        true => format!("{} MiB", trim(mib)),
        false => format!("{} KiB", trim(bytes as f64 / 1024.0)),
    }
}

fn trim(v: f64) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The files of one size, each already a whole request body the HTTP client can send again
/// and again without copying it.
struct Files {
    size: u64,
    requests: Vec<reqwest::Request>,
    file_at: std::ops::Range<usize>,
}

impl Files {
    fn new(api: &Api, size: u64) -> Result<Files> {
        let mut requests = vec![];
        let mut file_at = 0..0;
        for v in 0..VARIANTS {
            let content = form::pdf(size as usize, size ^ ((v as u64) << 48));
            let f = form::form(&format!("bench-{v}.pdf"), &content);
            file_at = f.file_at.clone();
            let req = api
                .http
                .request(Method::POST, &api.base)
                .header(CONTENT_TYPE, f.content_type)
                .body(f.body)
                .build()?;
            requests.push(req);
        }
        Ok(Files {
            size,
            requests,
            file_at,
        })
    }

    /// Upload `i`'s request to `session` with `token` (the body is shared, not copied).
    fn request(&self, api: &Api, i: usize, who: &Uploader) -> Result<reqwest::Request> {
        let mut req = self.requests[i % VARIANTS]
            .try_clone()
            .context("a body in memory can be sent again")?;
        *req.url_mut() = format!("{}/api/sessions/{}/attachments", api.base, who.session)
            .parse()
            .context("upload URL")?;
        req.headers_mut().insert(
            AUTHORIZATION,
            HeaderValue::from_str(&format!("Bearer {}", who.token))?,
        );
        Ok(req)
    }

    /// The file upload `i` sent.
    fn content(&self, i: usize) -> &[u8] {
        let body = self.requests[i % VARIANTS]
            .body()
            .and_then(|b| b.as_bytes())
            .unwrap_or_default();
        body.get(self.file_at.clone()).unwrap_or_default()
    }
}

/// A website visitor with a conversation of its own.
struct Uploader {
    token: String,
    session: String,
}

struct Uploaders {
    list: Vec<Uploader>,
    orgs: usize,
}

impl Uploaders {
    /// `n` visitors, each with a conversation, spread over as many new organizations as
    /// `uploads` files of `file_bytes` need at `ORG_BYTES` each. Files above the
    /// organizations' default limit (10 MiB) are allowed in their settings (the server's
    /// `--max-file-bytes` must allow them too).
    async fn create(api: &Api, n: usize, uploads: usize, file_bytes: u64) -> Result<Uploaders> {
        let tag = crate::messages::run_tag();
        let bytes = file_bytes * uploads as u64;
        let orgs = (bytes.div_ceil(ORG_BYTES) as usize).clamp(1, n);
        let settings = match file_bytes > DEFAULT_MAX_FILE_BYTES {
            true => json!({ "attachments": { "max_file_bytes": file_bytes } }),
            false => json!({}),
        };
        let settings = &settings;
        let orgs = each((0..orgs).collect(), 4, |o| {
            let domain = format!("uploads{o}-{tag}.bench.example");
            async move {
                api.signup(&format!("Uploads {o}"), &domain, settings.clone())
                    .await
            }
        })
        .await?;
        let orgs = &orgs;
        let list = each((0..n).collect(), 16, |u| async move {
            let org = &orgs[u % orgs.len()].id;
            let token = api.visitor(org, &format!("Uploader {u}")).await?;
            let session = api.open_session(&token, org).await?;
            Ok(Uploader { token, session })
        })
        .await?;
        Ok(Uploaders {
            list,
            orgs: orgs.len(),
        })
    }
}

/// What a run of uploads got back.
#[derive(Default)]
struct Tally {
    latency: Latency,
    ok: u64,
    /// Answered 201 with another size or type.
    wrong: u64,
    first_wrong: Option<String>,
    errors: BTreeMap<String, u64>,
    /// Upload number, uploader, attachment id of each accepted upload.
    accepted: Vec<(usize, usize, String)>,
}

impl Tally {
    fn record(&mut self, i: usize, uploader: usize, size: u64, took: Duration, res: Result<Sent>) {
        self.latency.record(took);
        match res {
            Ok(Sent::Created(v)) => {
                let a = &v["attachment"];
                let (got, ty) = (a["size"].as_u64(), a["content_type"].as_str());
                match (
                    a["id"].as_str(),
                    got == Some(size) && ty == Some("application/pdf"),
                ) {
                    (Some(id), true) => {
                        self.ok += 1;
                        self.accepted.push((i, uploader, id.to_string()));
                    }
                    _ => {
                        self.wrong += 1;
                        self.first_wrong.get_or_insert_with(|| {
                            format!("sent {size} bytes of application/pdf, answered {a}")
                        });
                    }
                }
            }
            Ok(Sent::Refused(status, v)) => {
                let code = v["error"].as_str().unwrap_or_default();
                *self.errors.entry(format!("{status} {code}")).or_default() += 1;
            }
            Err(e) => *self.errors.entry(format!("{e:#}")).or_default() += 1,
        }
    }
}

enum Sent {
    Created(Value),
    Refused(u16, Value),
}

async fn upload(api: &Api, files: &Files, i: usize, who: &Uploader) -> Result<Sent> {
    let res = api.http.execute(files.request(api, i, who)?).await?;
    let status = res.status().as_u16();
    let body: Value = serde_json::from_slice(&res.bytes().await?).unwrap_or(Value::Null);
    Ok(match status {
        201 => Sent::Created(body),
        _ => Sent::Refused(status, body),
    })
}

/// One upload per uploader, all at once, with the server's RSS read before, during (every
/// 10 ms) and after.
async fn memory_burst(
    api: &Api,
    server: &Server,
    files: &Files,
    uploaders: &Uploaders,
    args: &UploadsArgs,
) -> (Burst, Tally, f64) {
    let idle = server.rss_kib().unwrap_or(0);
    let watch = RssWatch::every(server.pid, RSS_EVERY);
    let tally = Mutex::new(Tally::default());
    let started = Instant::now();
    futures_util::future::join_all(uploaders.list.iter().enumerate().map(|(u, who)| {
        let tally = &tally;
        async move {
            let t = Instant::now();
            let res = upload(api, files, u, who).await;
            tally
                .lock()
                .unwrap()
                .record(u, u, files.size, t.elapsed(), res);
        }
    }))
    .await;
    let seconds = started.elapsed().as_secs_f64();
    let peak = watch.finish().max(idle);
    tokio::time::sleep(Duration::from_secs_f64(args.settle)).await;
    let burst = Burst {
        file_bytes: files.size,
        uploads: uploaders.list.len(),
        idle_kib: idle,
        peak_kib: peak,
        after_kib: server.rss_kib().unwrap_or(0),
    };
    (burst, tally.into_inner().unwrap(), seconds)
}

/// `count` uploads, uploader `u` sending uploads `u`, `u + n`, … one after another.
async fn throughput(api: &Api, files: &Files, uploaders: &Uploaders, count: usize) -> Tally {
    let tally = Arc::new(Mutex::new(Tally::default()));
    let n = uploaders.list.len();
    futures_util::stream::iter(uploaders.list.iter().enumerate().map(|(u, who)| {
        let tally = tally.clone();
        async move {
            for i in (u..count).step_by(n) {
                let t = Instant::now();
                let res = upload(api, files, i, who).await;
                tally
                    .lock()
                    .unwrap()
                    .record(i, u, files.size, t.elapsed(), res);
            }
        }
    }))
    .buffer_unordered(n)
    .collect::<Vec<()>>()
    .await;
    std::mem::take(&mut *tally.lock().unwrap())
}

/// The correctness checks over every run.
#[derive(Default)]
struct Checks {
    sent: u64,
    ok: u64,
    wrong: u64,
    errors: BTreeMap<String, u64>,
    first_wrong: Option<String>,
    downloaded: u64,
    equal: u64,
    first_mismatch: Option<String>,
}

impl Checks {
    fn add(&mut self, t: &Tally) {
        self.sent += t.latency.len();
        self.ok += t.ok;
        self.wrong += t.wrong;
        for (what, n) in &t.errors {
            *self.errors.entry(what.clone()).or_default() += n;
        }
        if self.first_wrong.is_none() {
            self.first_wrong = t.first_wrong.clone();
        }
    }

    /// Downloads up to `count` accepted uploads, spread over the run, through their links.
    async fn verify(
        &mut self,
        api: &Api,
        files: &Files,
        uploaders: &Uploaders,
        t: &Tally,
        count: usize,
    ) {
        let n = t.accepted.len();
        let picks: Vec<usize> = (0..count.min(n)).map(|k| k * n / count.min(n)).collect();
        for k in picks {
            let (i, u, id) = &t.accepted[k];
            self.downloaded += 1;
            match download(api, &uploaders.list[*u].token, id).await {
                Ok(got) if got == files.content(*i) => self.equal += 1,
                Ok(got) => {
                    self.first_mismatch.get_or_insert_with(|| {
                        format!(
                            "{id}: {} bytes back, differing from the {} sent",
                            got.len(),
                            files.size
                        )
                    });
                }
                Err(e) => {
                    self.first_mismatch.get_or_insert(format!("{id}: {e:#}"));
                }
            }
        }
    }

    fn rows(&self, r: &mut Report) {
        for (what, n) in &self.errors {
            r.row("  error", format!("{n} × {what}"));
        }
        let errors: u64 = self.errors.values().sum();
        r.check(
            "every upload answered 201 with its size and type",
            self.ok == self.sent && self.wrong == 0 && errors == 0,
            self.first_wrong.clone().unwrap_or_else(|| {
                format!(
                    "{} of {} accepted, {} wrong, {errors} refused or failed",
                    self.ok, self.sent, self.wrong
                )
            }),
        );
        r.check(
            "downloads equal what was sent",
            self.downloaded > 0 && self.equal == self.downloaded,
            self.first_mismatch.clone().unwrap_or_else(|| {
                format!(
                    "{} of {} downloads byte for byte",
                    self.equal, self.downloaded
                )
            }),
        );
        r.set("uploads_sent", self.sent);
        r.set("uploads_accepted", self.ok);
        r.set("upload_errors", &self.errors);
        r.set("downloads_checked", self.downloaded);
        r.set("downloads_equal", self.equal);
    }
}

/// The file behind an attachment: its link (with the uploader's token), then the link without
/// a token.
async fn download(api: &Api, token: &str, id: &str) -> Result<Vec<u8>> {
    let link = api
        .call(
            Method::GET,
            &format!("/api/attachments/{id}/link"),
            Some(token),
            None,
        )
        .await?;
    let url = link["url"].as_str().context("a link without url")?;
    let res = api.http.get(format!("{}{url}", api.base)).send().await?;
    if !res.status().is_success() {
        bail!("{url}: {}", res.status());
    }
    Ok(res.bytes().await?.to_vec())
}

fn burst_rows(r: &mut Report, b: &Burst, t: &Tally, seconds: f64) {
    let label = format!(
        "memory, {} × {} at once",
        b.uploads,
        size_text(b.file_bytes)
    );
    r.row(
        &label,
        format!(
            "RSS idle {}, peak {} (+{}, {:.0} KiB per upload), {} after; {:.2} s",
            mib(b.idle_kib),
            mib(b.peak_kib),
            mib(b.growth_kib()),
            b.growth_kib() as f64 / b.uploads.max(1) as f64,
            mib(b.after_kib),
            seconds
        ),
    );
    r.row("  latency", t.latency.summary().line_p95());
}

fn throughput_rows(
    r: &mut Report,
    args: &UploadsArgs,
    uploaders: &Uploaders,
    t: &Tally,
    seconds: f64,
    used: &Used,
    peak_kib: u64,
) {
    let size = bytes_of(args.size_mib);
    let bytes = t.ok * size;
    r.row(
        "throughput run",
        format!(
            "{} uploads of {} by {} uploaders ({} organization{})",
            thousands(args.uploads as u64),
            size_text(size),
            uploaders.list.len(),
            uploaders.orgs,
            if uploaders.orgs == 1 { "" } else { "s" }
        ),
    );
    r.row(
        "accepted",
        format!(
            "{} in {seconds:.2} s: {:.1} uploads/s, {:.1} MiB/s ({:.1} MB/s)",
            thousands(t.ok),
            t.ok as f64 / seconds,
            bytes as f64 / MIB / seconds,
            bytes as f64 / 1e6 / seconds
        ),
    );
    r.row("latency", t.latency.summary().line_p95());
    let cpu = used.server_cores.map(|c| c * used.seconds);
    r.row(
        "server CPU",
        cpu.map_or("?".into(), |c| {
            format!(
                "{c:.2} s: {:.1} ms per upload, {:.2} s per GiB",
                c * 1000.0 / t.ok.max(1) as f64,
                c / (bytes.max(1) as f64 / (1024.0 * MIB))
            )
        }),
    );
    r.row("during the uploads", used.line());
    r.row("server RSS peak during the run", mib(peak_kib));
    r.set("throughput_seconds", seconds);
    r.set("throughput_uploads_per_second", t.ok as f64 / seconds);
    r.set("throughput_mib_per_second", bytes as f64 / MIB / seconds);
    r.set("throughput_latency", t.latency.summary());
    r.set("throughput_server_cpu_seconds", cpu);
    r.set("throughput_rss_peak_kib", peak_kib);
    r.set("throughput_organizations", uploaders.orgs);
    r.set("cores_during_throughput", used);
}
