//! The application as its handlers see it: the services a request or a socket event may use.
//! `app.rs` builds it; the HTTP and socket layers only read it.

use std::ops::Deref;
use std::sync::Arc;

use metrics_exporter_prometheus::PrometheusHandle;

use crate::accounts::Accounts;
use crate::auth::Tokens;
use crate::chat::Chat;
use crate::chat::typing::Typing;
use crate::cluster::Cluster;
use crate::config::ServeArgs;
use crate::limits::{Limits, SocketQuota};
use crate::store::sqlite::DataDirLock;

/// Everything a request or socket handler needs.
pub struct AppState {
    pub config: ServeArgs,
    pub accounts: Accounts,
    pub chat: Arc<Chat>,
    pub typing: Arc<Typing>,
    pub tokens: Tokens,
    /// The OpenID Connect client of single sign-on.
    pub oidc: crate::sso::OidcClient,
    pub limits: Arc<Limits>,
    pub metrics: PrometheusHandle,
    /// Set when shutdown begins; `/ready` then answers 503.
    pub draining: std::sync::atomic::AtomicBool,
    pub account_sockets: SocketQuota,
    /// The configured store's name, as `/ready` reports it.
    pub store_name: &'static str,
    /// This process among the nodes (its sockets' room; its presence leases in a cluster).
    pub node: uuid::Uuid,
    /// Redis, in cluster mode.
    pub cluster: Option<Cluster>,
    /// The embedded store's directory, held by this server alone until it has stopped.
    pub(crate) data_dir_lock: std::sync::Mutex<Option<DataDirLock>>,
}

#[derive(Clone)]
pub struct App(Arc<AppState>);

/// A handle on the application that does not keep it alive: what the socket layer's handlers
/// hold, since the application holds the socket layer (through its fan-out).
#[derive(Clone)]
pub struct WeakApp(std::sync::Weak<AppState>);

impl App {
    pub fn new(state: AppState) -> Self {
        App(Arc::new(state))
    }

    pub fn downgrade(&self) -> WeakApp {
        WeakApp(Arc::downgrade(&self.0))
    }
}

impl WeakApp {
    /// The application, unless it has been dropped.
    pub fn upgrade(&self) -> Option<App> {
        self.0.upgrade().map(App)
    }
}

impl Deref for App {
    type Target = AppState;
    fn deref(&self) -> &AppState {
        &self.0
    }
}
