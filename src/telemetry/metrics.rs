//! Prometheus metrics: one recorder per process, every metric described (HELP) and present
//! from the start, latencies as histograms with buckets, and labels drawn from small fixed
//! sets so no client can grow the number of series.

use std::sync::OnceLock;

use metrics::{Unit, describe_counter, describe_gauge, describe_histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

/// Latency buckets in seconds: sub-millisecond to ten seconds.
const LATENCY_BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];
const BATCH_BUCKETS: &[f64] = &[1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0];

/// HTTP methods kept as label values; anything else is `other`.
const METHODS: &[&str] = &["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"];

/// The method as a label value from a fixed set.
pub fn method_label(method: &axum::http::Method) -> &'static str {
    METHODS
        .iter()
        .find(|m| **m == method.as_str())
        .copied()
        .unwrap_or("other")
}

/// The process's recorder, installed on first use.
pub fn handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), LATENCY_BUCKETS)
                .and_then(|b| {
                    b.set_buckets_for_metric(
                        Matcher::Full("raasel_message_batch_size".into()),
                        BATCH_BUCKETS,
                    )
                })
                .expect("bucket lists are not empty")
                .build_recorder();
            let handle = recorder.handle();
            let _ = metrics::set_global_recorder(recorder);
            describe();
            start_at_zero();
            handle
        })
        .clone()
}

fn describe() {
    describe_counter!(
        "raasel_http_requests_total",
        "HTTP requests answered, by method, route template and status"
    );
    describe_histogram!(
        "raasel_http_request_duration_seconds",
        Unit::Seconds,
        "Time to answer an HTTP request, by method and route template"
    );
    describe_gauge!(
        "raasel_connections_open",
        "TCP connections open (HTTP and WebSocket)"
    );
    describe_counter!(
        "raasel_http_connections_refused_total",
        "Connections refused because the connection cap was reached"
    );
    describe_counter!(
        "raasel_connections_write_timeouts_total",
        "Connections closed because the client stopped reading"
    );
    describe_gauge!(
        "raasel_socket_connections",
        "Socket.IO connections, by kind of account (agent, customer, visitor)"
    );
    describe_counter!(
        "raasel_socket_connections_refused_total",
        "Socket.IO connections refused after authentication, by reason"
    );
    describe_counter!(
        "raasel_socket_events_total",
        "Socket events received, by event name (unknown names counted as unknown)"
    );
    describe_histogram!(
        "raasel_socket_event_duration_seconds",
        Unit::Seconds,
        "Time to handle a socket event, by event name"
    );
    describe_counter!(
        "raasel_socket_events_limited_total",
        "Socket events refused by the per-socket rate limit or a full queue"
    );
    describe_counter!("raasel_socket_events_sent_total", "Events sent to sockets");
    describe_counter!(
        "raasel_socket_slow_consumers_total",
        "Sockets dropped because they stopped reading"
    );
    describe_histogram!(
        "raasel_message_ack_duration_seconds",
        Unit::Seconds,
        "Time from receiving a message to acknowledging it (stored durably)"
    );
    describe_histogram!(
        "raasel_store_commit_duration_seconds",
        Unit::Seconds,
        "Time to commit one batch of messages to the store"
    );
    describe_histogram!(
        "raasel_message_batch_size",
        "Messages committed together in one store transaction"
    );
    describe_counter!("raasel_messages_total", "Messages stored, by sender type");
    describe_counter!("raasel_sessions_opened_total", "Conversations opened");
    describe_counter!("raasel_sessions_closed_total", "Conversations closed");
    describe_counter!(
        "raasel_assignments_total",
        "Conversations assigned or transferred to an agent"
    );
    describe_gauge!(
        "raasel_password_hashes_running",
        "Password hashes being computed now"
    );
}

/// Counters and gauges that have not happened yet read 0 instead of being absent.
fn start_at_zero() {
    for name in [
        "raasel_http_connections_refused_total",
        "raasel_connections_write_timeouts_total",
        "raasel_socket_events_limited_total",
        "raasel_socket_events_sent_total",
        "raasel_socket_slow_consumers_total",
        "raasel_sessions_opened_total",
        "raasel_sessions_closed_total",
        "raasel_assignments_total",
    ] {
        metrics::counter!(name).absolute(0);
    }
    for sender in ["client", "agent", "system"] {
        metrics::counter!("raasel_messages_total", "sender" => sender).absolute(0);
    }
    metrics::counter!("raasel_socket_connections_refused_total", "reason" => "account_cap")
        .absolute(0);
    for kind in ["agent", "customer", "visitor"] {
        metrics::gauge!("raasel_socket_connections", "kind" => kind).increment(0.0);
    }
    metrics::gauge!("raasel_connections_open").increment(0.0);
    metrics::gauge!("raasel_password_hashes_running").increment(0.0);
}

/// The exposition text: the recorder's metrics, then the ones read at scrape time.
pub fn render(handle: &PrometheusHandle, queue_length: u64, agents_online: u64) -> String {
    handle.run_upkeep();
    let mut out = handle.render();
    let gauge = |out: &mut String, name: &str, help: &str, value: f64| {
        out.push_str(&format!(
            "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}\n"
        ));
    };
    gauge(
        &mut out,
        "raasel_queue_length",
        "Conversations waiting for an agent, in all organizations",
        queue_length as f64,
    );
    gauge(
        &mut out,
        "raasel_agents_online",
        "Agents with at least one connected socket",
        agents_online as f64,
    );
    out.push_str(&format!(
        "# HELP raasel_build_info The running build\n# TYPE raasel_build_info gauge\nraasel_build_info{{version=\"{}\"}} 1\n",
        env!("CARGO_PKG_VERSION")
    ));
    out.push_str(&super::process::render());
    out
}
