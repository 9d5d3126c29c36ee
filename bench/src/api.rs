//! The server's public REST API as the tool uses it: sign-ups, accounts, sessions, history.

use std::time::Duration;

use anyhow::{Context, Result, bail};
use reqwest::Method;
use serde::Deserialize;
use serde_json::{Value, json};

/// The password of every account the tool creates.
pub const PASSWORD: &str = "bench password 1";

#[derive(Clone)]
pub struct Api {
    pub http: reqwest::Client,
    pub base: String,
}

/// An organization created by sign-up, with its admin.
#[derive(Clone, Debug, serde::Serialize, Deserialize)]
pub struct Org {
    pub id: String,
    pub domain: String,
    pub admin_id: String,
    pub admin_token: String,
}

/// One stored message as the history returns it (the fields the checks read).
#[derive(Debug, Deserialize)]
pub struct Stored {
    pub seq: i64,
    pub sender_type: String,
    pub client_msg_id: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct Page {
    pub messages: Vec<Stored>,
    pub has_more: bool,
}

/// Which window of a conversation to read.
#[derive(Clone, Copy, Debug)]
pub enum Window {
    Latest,
    Before(i64),
    After(i64),
}

impl Api {
    pub fn new(base: &str) -> Api {
        let http = reqwest::Client::builder()
            .pool_max_idle_per_host(1024)
            .timeout(Duration::from_secs(120))
            .tcp_nodelay(true)
            .build()
            .expect("http client");
        Api {
            http,
            base: base.trim_end_matches('/').to_string(),
        }
    }

    /// Sends a request and returns the status with the JSON body (Null when there is none).
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Result<(u16, Value)> {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        let res = req.send().await.with_context(|| path.to_string())?;
        let status = res.status().as_u16();
        let bytes = res.bytes().await?;
        let value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Ok((status, value))
    }

    /// Like `send`, failing unless the status is a success.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Result<Value> {
        let (status, value) = self.send(method, path, token, body.as_ref()).await?;
        if !(200..300).contains(&status) {
            bail!("{path}: {status} {value}");
        }
        Ok(value)
    }

    pub async fn signup(&self, name: &str, domain: &str, settings: Value) -> Result<Org> {
        let body = json!({
            "name": name, "domain": domain, "settings": settings,
            "admin": { "name": "Admin", "email": format!("admin@{domain}"), "password": PASSWORD },
        });
        let v = self
            .call(Method::POST, "/api/organizations", None, Some(body))
            .await?;
        Ok(Org {
            id: text(&v["organization"]["id"])?,
            domain: domain.to_string(),
            admin_id: text(&v["agent"]["id"])?,
            admin_token: text(&v["token"])?,
        })
    }

    /// Creates an agent in the admin's organization; returns its id.
    pub async fn create_agent(&self, admin_token: &str, name: &str, email: &str) -> Result<String> {
        self.create_agent_as(admin_token, name, email, "agent")
            .await
    }

    /// Creates an agent with `role` (`agent`, `supervisor` or `admin`); returns its id.
    pub async fn create_agent_as(
        &self,
        admin_token: &str,
        name: &str,
        email: &str,
        role: &str,
    ) -> Result<String> {
        let body = json!({ "name": name, "email": email, "password": PASSWORD, "role": role });
        let v = self
            .call(Method::POST, "/api/agents", Some(admin_token), Some(body))
            .await?;
        text(&v["agent"]["id"])
    }

    pub async fn agent_login(&self, email: &str, org_id: &str) -> Result<String> {
        let body = json!({ "email": email, "password": PASSWORD, "organization_id": org_id });
        let v = self
            .call(Method::POST, "/api/agents/login", None, Some(body))
            .await?;
        text(&v["token"])
    }

    /// A website visitor of the organization; returns its token.
    pub async fn visitor(&self, org_id: &str, name: &str) -> Result<String> {
        let body = json!({ "organization_id": org_id, "name": name });
        let v = self
            .call(Method::POST, "/api/widget/visitors", None, Some(body))
            .await?;
        text(&v["token"])
    }

    /// A registered customer; returns its token.
    pub async fn register(&self, username: &str) -> Result<String> {
        let body = json!({
            "username": username, "email": format!("{username}@bench.example"), "password": PASSWORD,
        });
        let v = self
            .call(Method::POST, "/api/clients/register", None, Some(body))
            .await?;
        text(&v["token"])
    }

    /// Opens a conversation with the organization; returns the session id.
    pub async fn open_session(&self, token: &str, org_id: &str) -> Result<String> {
        let body = json!({ "organization_id": org_id });
        let v = self
            .call(Method::POST, "/api/sessions", Some(token), Some(body))
            .await?;
        text(&v["session"]["id"])
    }

    pub async fn assign(&self, token: &str, session: &str, agent: &str) -> Result<()> {
        let path = format!("/api/sessions/{session}/assign");
        let body = json!({ "agent_id": agent });
        self.call(Method::PUT, &path, Some(token), Some(body))
            .await?;
        Ok(())
    }

    pub async fn history(
        &self,
        token: &str,
        session: &str,
        window: Window,
        limit: u32,
    ) -> Result<Page> {
        let range = match window {
            Window::Latest => String::new(),
            Window::Before(s) => format!("&before={s}"),
            Window::After(s) => format!("&after={s}"),
        };
        let path = format!("/api/sessions/{session}/messages?limit={limit}{range}");
        let v = self.call(Method::GET, &path, Some(token), None).await?;
        Ok(serde_json::from_value(v)?)
    }

    /// Every message of a conversation, oldest first.
    pub async fn whole_history(&self, token: &str, session: &str) -> Result<Vec<Stored>> {
        let mut all: Vec<Stored> = vec![];
        loop {
            let after = all.last().map_or(0, |m| m.seq);
            let page = self
                .history(token, session, Window::After(after), 200)
                .await?;
            let more = page.has_more && !page.messages.is_empty();
            all.extend(page.messages);
            if !more {
                return Ok(all);
            }
        }
    }

    /// Whether `/ready` answers with success now.
    pub async fn is_ready(&self) -> bool {
        matches!(
            self.http.get(format!("{}/ready", self.base)).send().await,
            Ok(r) if r.status().is_success()
        )
    }

    pub async fn wait_healthy(&self, within: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + within;
        while tokio::time::Instant::now() < deadline {
            if let Ok(r) = self.http.get(format!("{}/health", self.base)).send().await
                && r.status().is_success()
            {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        false
    }
}

fn text(v: &Value) -> Result<String> {
    v.as_str()
        .map(str::to_string)
        .with_context(|| format!("expected a string, got {v}"))
}

/// Runs `f` over `items` with at most `limit` at once, keeping the order of the results.
pub async fn each<T, R, F, Fut>(items: Vec<T>, limit: usize, f: F) -> Result<Vec<R>>
where
    F: Fn(T) -> Fut,
    Fut: std::future::Future<Output = Result<R>>,
{
    use futures_util::StreamExt;
    futures_util::stream::iter(items.into_iter().map(f))
        .buffered(limit.max(1))
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect()
}
