//! Requests this server makes to addresses that organizations configure (webhook receivers,
//! identity providers): only to addresses the operator allows, checked after DNS so that a
//! name which later resolves elsewhere is caught too.

use std::net::{IpAddr, SocketAddr};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use crate::domain::webhooks::forbidden_address;

/// Resolves names and keeps only the addresses the server may reach.
pub struct GuardedResolver {
    allow_private: bool,
}

impl GuardedResolver {
    /// `allow_private`: loopback, private and link-local addresses are allowed too.
    pub fn new(allow_private: bool) -> Self {
        GuardedResolver { allow_private }
    }
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        let host = name.as_str().to_string();
        Box::pin(async move {
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|a| allow_private || !forbidden_address(a.ip()))
                .collect();
            if found.is_empty() {
                return Err(format!("{host} resolves to no address this server may reach").into());
            }
            Ok(Box::new(found.into_iter()) as Addrs)
        })
    }
}

/// Whether `url` names an address (an IP literal, or `localhost`) the server may not reach.
/// Names are checked when resolved.
pub fn refuses_literal(url: &str, allow_private: bool) -> bool {
    if allow_private {
        return false;
    }
    let Ok(parsed) = reqwest::Url::parse(url) else {
        return true;
    };
    match parsed.host() {
        Some(url::Host::Ipv4(ip)) => forbidden_address(IpAddr::V4(ip)),
        Some(url::Host::Ipv6(ip)) => forbidden_address(IpAddr::V6(ip)),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => true,
    }
}
