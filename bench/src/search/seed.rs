//! Seeds one organization through the server: its searching agents, the customers (website
//! visitors) and their conversations, each assigned to a plain agent in turn, then the
//! messages, sent over the customers' sockets (the same path as the history fill). A seed
//! directory keeps the server's data and `seed.json`, which says what it holds, for later runs.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::queries::{self, Layout};
use super::text::Corpus;
use crate::api::{Api, each};
use crate::cli::SearchArgs;
use crate::history::fill::{report_progress, send_stream};
use crate::sio::Target;

pub const MANIFEST: &str = "seed.json";
const VERSION: u32 = 1;

/// What a seed holds and how it was made.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub version: u32,
    /// The store, with a PostgreSQL URL's password left out.
    pub store: String,
    pub messages: usize,
    pub conversations: usize,
    pub searchers: usize,
    pub senders: usize,
    pub text_seed: u64,
    pub organization_id: String,
    pub domain: String,
    pub seeded_at_unix: u64,
    /// Creating the organization, agents, customers and conversations.
    pub setup_seconds: f64,
    pub fill_seconds: f64,
    pub acked: u64,
    pub refused: u64,
    pub first_error: Option<String>,
}

impl Manifest {
    /// Why this seed is not the one `args` asks for on `store`, if it is not.
    pub fn mismatch(&self, args: &SearchArgs, store: &str) -> Option<String> {
        let mut differ = vec![];
        let mut same = |what: &str, seed: String, asked: String| {
            if seed != asked {
                differ.push(format!("{what} {seed} (asked: {asked})"));
            }
        };
        same("version", self.version.to_string(), VERSION.to_string());
        same("store", self.store.clone(), store.to_string());
        same(
            "--messages",
            self.messages.to_string(),
            args.messages.to_string(),
        );
        same(
            "--conversations",
            self.conversations.to_string(),
            args.conversations.to_string(),
        );
        same(
            "--searchers",
            self.searchers.to_string(),
            args.searchers.to_string(),
        );
        same(
            "--text-seed",
            self.text_seed.to_string(),
            args.text_seed.to_string(),
        );
        (!differ.is_empty()).then(|| differ.join(", "))
    }

    pub fn layout(&self) -> Layout {
        Layout {
            messages: self.messages as u64,
            conversations: self.conversations as u64,
            plain_agents: queries::plain_agents(self.searchers),
        }
    }

    pub fn complete(&self) -> bool {
        self.acked == self.messages as u64 && self.refused == 0 && self.first_error.is_none()
    }
}

/// The seed in `dir`, if there is one; an error when the directory holds server data without
/// a seed (a seeding that did not finish) or a seed of other parameters. Asked before the
/// server starts on the directory.
pub fn existing(dir: &Path, args: &SearchArgs, store: &str) -> Result<Option<Manifest>> {
    if !dir.join(MANIFEST).exists() {
        let data = dir.join("data");
        let holds_data = std::fs::read_dir(&data).is_ok_and(|mut d| d.next().is_some());
        if holds_data {
            bail!(
                "{} holds server data but no {MANIFEST} (a seeding that did not finish?): \
                 delete the directory or give another --seed-dir",
                dir.display()
            );
        }
    }
    read(dir, args, store)
}

/// The seed in `dir`, if there is one, when it is the one `args` asks for on `store`.
pub fn read(dir: &Path, args: &SearchArgs, store: &str) -> Result<Option<Manifest>> {
    let path = dir.join(MANIFEST);
    if !path.exists() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&path)?;
    let manifest: Manifest =
        serde_json::from_str(&text).with_context(|| format!("reading {}", path.display()))?;
    if let Some(why) = manifest.mismatch(args, store) {
        bail!(
            "{} holds another seed: {why}; delete it or give another --seed-dir",
            dir.display()
        );
    }
    Ok(Some(manifest))
}

pub fn save(dir: &Path, manifest: &Manifest) -> Result<()> {
    let path = dir.join(MANIFEST);
    std::fs::write(&path, serde_json::to_string_pretty(manifest)?)
        .with_context(|| format!("writing {}", path.display()))
}

/// The e-mail address and name of searcher `j`.
pub fn searcher_identity(j: usize, domain: &str) -> (String, String) {
    match queries::is_supervisor(j) {
        true => (format!("supervisor{j}@{domain}"), format!("Supervisor {j}")),
        false => (format!("agent{j}@{domain}"), format!("Agent {j}")),
    }
}

/// Logs every searcher in; their tokens in order.
pub async fn log_in(api: &Api, manifest: &Manifest) -> Result<Vec<String>> {
    each((0..manifest.searchers).collect(), 4, |j| async move {
        let (email, _) = searcher_identity(j, &manifest.domain);
        api.agent_login(&email, &manifest.organization_id)
            .await
            .with_context(|| {
                format!(
                    "logging in {email}: the store does not hold this seed (was the database \
                     recreated?); delete the seed directory"
                )
            })
    })
    .await
}

/// Creates and fills the organization; returns what it holds and the searchers' tokens.
pub async fn seed(
    api: &Api,
    target: Target,
    args: &SearchArgs,
    corpus: &Corpus,
    store: &str,
) -> Result<(Manifest, Vec<String>)> {
    let started = Instant::now();
    let tag = crate::messages::run_tag();
    let domain = format!("search-{tag}.bench.example");
    let org = api.signup("Search bench", &domain, json!({})).await?;
    let (org, domain) = (&org, domain.as_str());
    let searchers = each((0..args.searchers).collect(), 4, |j| async move {
        let (email, name) = searcher_identity(j, domain);
        let role = match queries::is_supervisor(j) {
            true => "supervisor",
            false => "agent",
        };
        let id = api
            .create_agent_as(&org.admin_token, &name, &email, role)
            .await?;
        let token = api.agent_login(&email, &org.id).await?;
        Ok((id, token))
    })
    .await?;
    let plain: Vec<&str> = searchers
        .iter()
        .enumerate()
        .filter(|(j, _)| !queries::is_supervisor(*j))
        .map(|(_, (id, _))| id.as_str())
        .collect();
    let customers = each((0..args.senders).collect(), 8, |s| async move {
        api.visitor(&org.id, &format!("Visitor {s}")).await
    })
    .await?;
    let (customers, plain) = (&customers, &plain);
    let sessions = each((0..args.conversations).collect(), 16, |c| async move {
        let session = api
            .open_session(&customers[c % customers.len()], &org.id)
            .await?;
        if !plain.is_empty() {
            api.assign(&org.admin_token, &session, plain[c % plain.len()])
                .await?;
        }
        Ok(session)
    })
    .await?;
    let setup_seconds = started.elapsed().as_secs_f64();
    eprintln!(
        "search: {} conversations opened in {setup_seconds:.1} s; sending {} messages",
        sessions.len(),
        args.messages
    );
    let acked = Arc::new(AtomicU64::new(0));
    let progress = tokio::spawn(report_progress(
        "search",
        acked.clone(),
        args.messages as u64,
    ));
    let started = Instant::now();
    let sessions = &sessions;
    let (n, c) = (args.messages as u64, args.conversations as u64);
    let results = each((0..args.senders).collect(), args.senders, |s| {
        let acked = acked.clone();
        // This customer's conversations, and the messages of each in turn: message i goes to
        // conversation i % c.
        let mine: Vec<u64> = (s as u64..c).step_by(args.senders).collect();
        let payloads = (0..n.div_ceil(c)).flat_map(move |k| {
            let mine = mine.clone();
            mine.into_iter().filter_map(move |conv| {
                let i = conv + k * c;
                (i < n).then(|| {
                    json!({ "session_id": sessions[conv as usize], "content": corpus.message(i) })
                        .to_string()
                })
            })
        });
        async move { Ok(send_stream(target, &customers[s], payloads, args.window, acked).await) }
    })
    .await?;
    progress.abort();
    let fill_seconds = started.elapsed().as_secs_f64();
    let manifest = Manifest {
        version: VERSION,
        store: store.to_string(),
        messages: args.messages,
        conversations: args.conversations,
        searchers: args.searchers,
        senders: args.senders,
        text_seed: args.text_seed,
        organization_id: org.id.clone(),
        domain: domain.to_string(),
        seeded_at_unix: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
        setup_seconds,
        fill_seconds,
        acked: acked.load(Relaxed),
        refused: results
            .iter()
            .map(|r| r.as_ref().map_or(0, |t| t.refused))
            .sum(),
        first_error: results.iter().find_map(|r| match r {
            Err(e) => Some(format!("{e:#}")),
            Ok(t) => t.first_error.clone(),
        }),
    };
    let tokens = searchers.into_iter().map(|(_, t)| t).collect();
    Ok((manifest, tokens))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args() -> SearchArgs {
        SearchArgs {
            messages: 2000,
            conversations: 40,
            searchers: 4,
            senders: 5,
            window: 8,
            text_seed: 1,
            seed_dir: None,
            rate: 4.0,
            duration: 1.0,
            warmup: 0.5,
        }
    }

    fn manifest() -> Manifest {
        Manifest {
            version: VERSION,
            store: "embedded sqlite".into(),
            messages: 2000,
            conversations: 40,
            searchers: 4,
            senders: 5,
            text_seed: 1,
            organization_id: "o".into(),
            domain: "d".into(),
            seeded_at_unix: 0,
            setup_seconds: 1.0,
            fill_seconds: 1.0,
            acked: 2000,
            refused: 0,
            first_error: None,
        }
    }

    #[test]
    fn a_seed_is_reused_only_for_the_same_parameters_and_store() {
        let m = manifest();
        assert_eq!(m.mismatch(&args(), "embedded sqlite"), None);
        // How the searches run does not matter, nor how the seed was sent.
        let other_run = SearchArgs {
            rate: 9.0,
            senders: 50,
            window: 1,
            ..args()
        };
        assert_eq!(m.mismatch(&other_run, "embedded sqlite"), None);
        let more = SearchArgs {
            messages: 3000,
            ..args()
        };
        let why = m.mismatch(&more, "postgresql://…@127.0.0.1/x").unwrap();
        assert!(why.contains("store") && why.contains("--messages 2000 (asked: 3000)"));
        assert!(m.complete());
        assert!(
            !Manifest {
                acked: 1999,
                ..manifest()
            }
            .complete()
        );
    }

    #[test]
    fn a_directory_with_data_but_no_seed_is_refused() {
        let dir =
            std::env::temp_dir().join(format!("raasel-bench-seed-test-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("data")).unwrap();
        assert!(
            existing(&dir, &args(), "embedded sqlite")
                .unwrap()
                .is_none()
        );
        std::fs::write(dir.join("data/raasel.db"), b"x").unwrap();
        assert!(existing(&dir, &args(), "embedded sqlite").is_err());
        assert!(read(&dir, &args(), "embedded sqlite").unwrap().is_none());
        save(&dir, &manifest()).unwrap();
        assert!(
            existing(&dir, &args(), "embedded sqlite")
                .unwrap()
                .is_some()
        );
        let other = SearchArgs {
            text_seed: 2,
            ..args()
        };
        assert!(existing(&dir, &other, "embedded sqlite").is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
