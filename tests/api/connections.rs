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

/// Sends `head`, then one byte of the body every `every` for as long as the server takes it;
/// true when the server closed the connection within `within`.
async fn trickle_is_cut(
    stream: &mut TcpStream,
    head: &str,
    every: Duration,
    within: Duration,
) -> bool {
    stream.write_all(head.as_bytes()).await.unwrap();
    let trickle = async {
        loop {
            tokio::time::sleep(every).await;
            if stream.write_all(b" ").await.is_err() {
                return;
            }
            let mut buf = [0u8; 1024];
            // A closed connection reads as end of stream (or an error) at once.
            match tokio::time::timeout(Duration::from_millis(1), stream.read(&mut buf)).await {
                Ok(Ok(0)) | Ok(Err(_)) => return,
                _ => {}
            }
        }
    };
    tokio::time::timeout(within, trickle).await.is_ok()
}

#[tokio::test]
async fn a_body_trickled_a_byte_at_a_time_is_cut_off_as_a_whole_while_health_answers() {
    let app = spawn_app_with(|a| a.connections.body_timeout = Duration::from_millis(600)).await;
    // A real long-polling session, so the server reads the POST's body instead of refusing it.
    let open = reqwest::get(format!("{}/socket.io/?EIO=4&transport=polling", app.base))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let handshake: serde_json::Value =
        serde_json::from_str(open.strip_prefix('0').expect("an engine.io open packet")).unwrap();
    let polling = format!(
        "/socket.io/?EIO=4&transport=polling&sid={}",
        handshake["sid"].as_str().unwrap()
    );
    for path in ["/api/clients/login", polling.as_str()] {
        let mut stream = connect(&app).await;
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 60000\r\n\r\n"
        );
        // A byte every 100 ms restarts no clock: the whole body has 600 ms.
        let checking = async {
            let cut = trickle_is_cut(
                &mut stream,
                &head,
                Duration::from_millis(100),
                Duration::from_secs(10),
            )
            .await;
            assert!(cut, "{path}: a trickled body held the connection for 10 s");
        };
        let health = async {
            for _ in 0..3 {
                health_answers(&app).await;
                tokio::time::sleep(Duration::from_millis(150)).await;
            }
        };
        tokio::join!(checking, health);
    }
}

#[tokio::test]
async fn a_socket_that_upgrades_and_never_connects_is_closed_while_health_answers() {
    use futures_util::StreamExt;
    let app = spawn_app_with(|a| a.connections.header_timeout = Duration::from_millis(500)).await;
    let url = format!(
        "{}/socket.io/?EIO=4&transport=websocket",
        app.base.replacen("http", "ws", 1)
    );
    let (mut ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    let open = ws.next().await.unwrap().unwrap();
    assert!(
        open.to_text().unwrap().starts_with('0'),
        "engine.io open: {open}"
    );
    health_answers(&app).await;
    // No CONNECT packet follows: the server ends the connection instead of waiting for ever.
    let closed = tokio::time::timeout(Duration::from_secs(10), async {
        while let Some(Ok(_)) = ws.next().await {}
    })
    .await;
    assert!(
        closed.is_ok(),
        "an upgraded socket that never connected stayed open"
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
