//! Stopping with SIGTERM while clients are busy: requests in flight are answered, sockets are
//! told to reconnect elsewhere, every acknowledged message is kept, no panic, within the grace
//! period; `/ready` says so while draining.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::process::ServerProcess;
use crate::socket::SocketClient;
use crate::support::wait_until;

struct Setup {
    client_token: String,
    session: String,
}

async fn setup(url: &str) -> Setup {
    let http = reqwest::Client::new();
    let org: Value = http
        .post(format!("{url}/api/organizations"))
        .json(&json!({"name": "Stop", "domain": "stop.example", "admin": {"name": "A", "email": "a@stop.example", "password": "a long password"}}))
        .send().await.unwrap().json().await.unwrap();
    let client: Value = http
        .post(format!("{url}/api/clients/register"))
        .json(&json!({"username": "stopper", "email": "s@mail.example", "password": "a long password"}))
        .send().await.unwrap().json().await.unwrap();
    let token = client["token"].as_str().unwrap().to_string();
    let session: Value = http
        .post(format!("{url}/api/sessions"))
        .bearer_auth(&token)
        .json(&json!({"organization_id": org["organization"]["id"]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    Setup {
        client_token: token,
        session: session["session"]["id"].as_str().unwrap().into(),
    }
}

/// A message POST whose body is only half sent.
async fn half_sent(url: &str, s: &Setup) -> (TcpStream, String) {
    let body = json!({"content": "in flight", "client_msg_id": "in-flight"}).to_string();
    let head = format!(
        "POST /api/sessions/{}/messages HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        s.session,
        s.client_token,
        body.len()
    );
    let mut stream = TcpStream::connect(url.trim_start_matches("http://"))
        .await
        .unwrap();
    let (first, rest) = body.split_at(10);
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(first.as_bytes()).await.unwrap();
    (stream, rest.to_string())
}

#[tokio::test]
async fn sigterm_mid_traffic_answers_in_flight_requests_and_keeps_every_acknowledged_message() {
    let mut server =
        ServerProcess::start(&["--shutdown-delay", "1s", "--shutdown-grace", "5s"]).await;
    let url = server.url.clone();
    let s = setup(&url).await;
    let socket = SocketClient::connect(&url, Some(&s.client_token))
        .await
        .unwrap();

    // Senders that keep going until the server is gone; each message has its idempotency key.
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    let answered = Arc::new(AtomicUsize::new(0));
    let senders = (0..8).map(|n| {
        let (http, url, token, session, answered) = (
            http.clone(),
            url.clone(),
            s.client_token.clone(),
            s.session.clone(),
            answered.clone(),
        );
        tokio::spawn(async move {
            let mut acked = vec![];
            let mut unanswered = vec![];
            for i in 0.. {
                let key = format!("k{n}-{i}");
                let res = http
                    .post(format!("{url}/api/sessions/{session}/messages"))
                    .bearer_auth(&token)
                    .json(&json!({"content": format!("m {key}"), "client_msg_id": key}))
                    .send()
                    .await;
                match res {
                    Ok(r) if r.status() == 201 => {
                        acked.push(key);
                        answered.fetch_add(1, Ordering::Relaxed);
                    }
                    Ok(r) => panic!("unexpected answer {}", r.status()),
                    Err(e) if e.is_connect() => break,
                    Err(_) => {
                        unanswered.push(key);
                        break;
                    }
                }
            }
            (acked, unanswered)
        })
    });
    let senders: Vec<_> = senders.collect();
    wait_until(
        "the senders have 16 messages acknowledged",
        Duration::from_secs(10),
        || async { answered.load(Ordering::Relaxed) >= 16 },
    )
    .await;
    let (mut in_flight, rest) = half_sent(&url, &s).await;

    server.signal(libc::SIGTERM);
    // Draining: not ready, still answering.
    wait_until(
        "/ready answers 503 while draining",
        Duration::from_secs(2),
        || async {
            matches!(reqwest::get(format!("{url}/ready")).await, Ok(r) if r.status() == 503)
        },
    )
    .await;
    in_flight.write_all(rest.as_bytes()).await.unwrap();
    let mut answer = String::new();
    in_flight.read_to_string(&mut answer).await.unwrap();
    assert!(
        answer.starts_with("HTTP/1.1 201"),
        "the request in flight got: {answer}"
    );

    let status = server.exit_status(Duration::from_secs(10)).await;
    assert!(status.success(), "exit status {status}");
    assert!(socket.wait_closed(Duration::from_secs(2)).await);
    assert!(
        !socket.told_to_leave(),
        "sockets must be free to reconnect elsewhere"
    );
    let logs = server.logs();
    assert!(!logs.contains("panicked"), "{logs}");

    let mut acked = vec!["in-flight".to_string()];
    let mut unanswered = vec![];
    for sender in senders {
        let (a, u) = sender.await.unwrap();
        acked.extend(a);
        unanswered.extend(u);
    }
    assert!(
        acked.len() > 8,
        "the traffic was too thin to mean anything: {}",
        acked.len()
    );

    // Back up on the same data: every acknowledged message is there once, and resending the
    // unanswered ones with their keys does not duplicate anything.
    let again = server.start_again(&[]).await;
    let http = reqwest::Client::new();
    for key in &unanswered {
        let res = http
            .post(format!("{}/api/sessions/{}/messages", again.url, s.session))
            .bearer_auth(&s.client_token)
            .json(&json!({"content": format!("m {key}"), "client_msg_id": key}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
    }
    let mut keys = vec![];
    let mut after = 0;
    loop {
        let page: Value = http
            .get(format!(
                "{}/api/sessions/{}/messages?after={after}&limit=200",
                again.url, s.session
            ))
            .bearer_auth(&s.client_token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let messages = page["messages"].as_array().unwrap();
        for (i, m) in messages.iter().enumerate() {
            assert_eq!(
                m["seq"].as_i64().unwrap(),
                after + 1 + i as i64,
                "a gap in seq"
            );
            keys.push(m["client_msg_id"].as_str().unwrap_or_default().to_string());
        }
        after += messages.len() as i64;
        if page["has_more"] != true {
            break;
        }
    }
    for key in &acked {
        assert_eq!(
            keys.iter().filter(|k| *k == key).count(),
            1,
            "acknowledged {key} kept once"
        );
    }
    let mut unique = keys.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), keys.len(), "a message was stored twice");
}
