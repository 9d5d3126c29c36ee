//! Connection hygiene: clients that never send, send slowly, declare huge bodies or open too
//! many connections are cut off by configuration, while everyone else is served.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::*;

/// Reads until the server closes the connection; returns what it sent, or `None` if it was
/// still open after `within`.
async fn read_until_closed(stream: &mut TcpStream, within: Duration) -> Option<String> {
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    let read_all = async {
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => seen.extend_from_slice(&buf[..n]),
            }
        }
    };
    tokio::time::timeout(within, read_all).await.ok()?;
    Some(String::from_utf8_lossy(&seen).into_owned())
}

async fn connect(app: &TestApp) -> TcpStream {
    TcpStream::connect(app.server.addr).await.expect("connects")
}

/// A fresh connection asks for /health (pooled ones may have been closed as idle, on purpose).
async fn health_answers(app: &TestApp) {
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    let res = http
        .get(format!("{}/health", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn a_connection_that_never_sends_a_byte_is_closed_while_others_are_served() {
    let app = spawn_app_with(|a| a.connections.header_timeout = Duration::from_millis(300)).await;
    let mut silent: Vec<TcpStream> = Vec::new();
    for _ in 0..20 {
        silent.push(connect(&app).await);
    }
    health_answers(&app).await;
    for stream in &mut silent {
        assert!(
            read_until_closed(stream, Duration::from_secs(5))
                .await
                .is_some(),
            "a silent connection was left open"
        );
    }
    health_answers(&app).await;
}

#[tokio::test]
async fn headers_sent_slowly_are_cut_off() {
    let app = spawn_app_with(|a| a.connections.header_timeout = Duration::from_millis(400)).await;
    let mut stream = connect(&app).await;
    stream.write_all(b"GET /health HTTP/1.1\r\n").await.unwrap();
    let trickle = async {
        for _ in 0..100 {
            if stream.write_all(b"X-A: b\r\n").await.is_err() {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        false
    };
    let cut = trickle.await
        || read_until_closed(&mut stream, Duration::from_secs(2))
            .await
            .is_some();
    assert!(cut, "5 s of trickled headers were accepted");
    health_answers(&app).await;
}

#[tokio::test]
async fn a_body_sent_slowly_is_cut_off() {
    let app = spawn_app_with(|a| a.connections.body_timeout = Duration::from_millis(300)).await;
    let mut stream = connect(&app).await;
    let head = "POST /api/clients/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"email\":";
    stream.write_all(head.as_bytes()).await.unwrap();
    let answer = read_until_closed(&mut stream, Duration::from_secs(5))
        .await
        .expect("the server gave up on the body");
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 4"),
        "a stalled body got: {answer}"
    );
    health_answers(&app).await;
}

#[tokio::test]
async fn a_huge_declared_body_is_refused_before_it_is_sent() {
    let app = spawn_app().await;
    for path in ["/api/clients/login", "/socket.io/?EIO=4&transport=polling"] {
        let mut stream = connect(&app).await;
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000000000000\r\nConnection: close\r\n\r\n"
        );
        stream.write_all(head.as_bytes()).await.unwrap();
        let answer = read_until_closed(&mut stream, Duration::from_secs(5))
            .await
            .expect("answered without waiting for the body");
        assert!(answer.starts_with("HTTP/1.1 413"), "{path}: {answer}");
        assert!(answer.contains("payload_too_large"), "{path}: {answer}");
    }
}

#[tokio::test]
async fn connections_over_the_cap_are_refused_and_room_returns_when_one_closes() {
    let app = spawn_app_with(|a| {
        a.connections.max_connections = 4;
        a.connections.header_timeout = Duration::from_secs(30);
    })
    .await;
    let mut held = Vec::new();
    for _ in 0..4 {
        held.push(connect(&app).await);
    }
    // Every slot is taken by an idle connection: the next one is told so and closed.
    let mut over = connect(&app).await;
    let answer = read_until_closed(&mut over, Duration::from_secs(5))
        .await
        .expect("refused at once");
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(answer.contains("connection limit"), "{answer}");

    held.pop();
    wait_until(
        "a freed slot serves a new client",
        Duration::from_secs(5),
        || async {
            let mut s = connect(&app).await;
            let ok = s
                .write_all(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .await
                .is_ok();
            ok && read_until_closed(&mut s, Duration::from_secs(2))
                .await
                .is_some_and(|r| r.starts_with("HTTP/1.1 200"))
        },
    )
    .await;
}
