//! Black-box behaviour tests: a real server on port 0 with a fresh store, driven over HTTP and
//! Socket.IO like its users drive it.

mod mailbox;
mod process;
mod socket;
mod support;

mod agents;
mod api_tokens;
mod attachments;
mod audit;
mod availability;
mod break_in;
mod clients;
mod customer_side;
mod devices;
mod lifecycle;
mod lifecycle_nodes;
mod logs;
mod metrics;
mod moving;
mod operations;
mod ops;
mod organizations;
mod races;
mod reports;
mod second_factor;
mod sessions;
mod shutdown;
mod sso;
mod store_contract;
mod store_failures;
mod teams;
mod webhooks;
mod widget;
mod workspace;

mod cli;
mod connections;
mod cors;
mod customer_data;
mod data_dir;
mod email;
mod realtime_access;
mod realtime_chat;
mod realtime_fuzz;
mod realtime_limits;
mod realtime_protocol;
mod realtime_queue;
mod resources;
mod tls;
