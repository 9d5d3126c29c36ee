//! Raasel: self-hosted, multi-tenant customer-support chat.

pub mod accounts;
pub mod app;
pub mod auth;
pub mod chat;
pub mod cli;
pub mod cluster;
pub mod config;
pub mod demo;
pub mod domain;
pub mod error;
pub mod fanout;
pub mod files;
pub mod http;
pub mod limits;
pub mod mail;
pub mod outbound;
pub mod presence;
pub mod realtime;
pub mod server;
pub mod sso;
pub mod state;
pub mod store;
pub mod telemetry;
pub mod tls;
pub mod webhook;
