//! Presence, round robin, capacity and the waiting queue, as seen through sockets.

use std::time::Duration;

use serde_json::{Value, json};

use crate::socket::WAIT;
use crate::support::*;

async fn queued_session(app: &TestApp, org: &OrgHandle) -> (ClientHandle, SocketClient, String) {
    let client = app.register_client().await;
    let socket = app.socket(&client.token).await;
    let session = app.open_session(&client, org, Some("help please")).await;
    (client, socket, session["id"].as_str().unwrap().to_string())
}

async fn assigned_to(app: &TestApp, token: &str, session_id: &str) -> Option<String> {
    app.session(token, session_id).await["agent_id"]
        .as_str()
        .map(String::from)
}

fn position_for<'a>(session_id: &'a str) -> impl Fn(&Value) -> bool + 'a {
    move |v| v["session_id"] == session_id
}

#[tokio::test]
async fn a_session_is_not_queued_until_its_client_writes() {
    let app = spawn_app().await;
    let org = app.signup_org("Silent").await;
    let _admin = app.socket(&org.admin_token).await;
    let client = app.register_client().await;
    let session = app.open_session(&client, &org, None).await;
    let id = session["id"].as_str().unwrap();
    assert_eq!(app.session(&client.token, id).await["status"], "waiting");
    assert!(
        assigned_to(&app, &client.token, id).await.is_none(),
        "nobody is handed an empty conversation"
    );
    app.send(&client.token, id, "now I write").await;
    assert_eq!(
        assigned_to(&app, &client.token, id).await.as_deref(),
        Some(org.admin_id.as_str())
    );
}

#[tokio::test]
async fn round_robin_alternates_between_online_agents() {
    let app = spawn_app().await;
    let org = app.signup_org("Robin").await;
    let a = app.create_agent(&org, "Alpha", "agent", Some(5)).await;
    let b = app.create_agent(&org, "Beta", "agent", Some(5)).await;
    let _sa = app.socket(&a.token).await;
    let _sb = app.socket(&b.token).await;
    let mut owners = vec![];
    for _ in 0..4 {
        let (client, _s, id) = queued_session(&app, &org).await;
        owners.push(assigned_to(&app, &client.token, &id).await.unwrap());
    }
    // Never-assigned agents go first, ties by id (v7 ids: Alpha was created first).
    assert_eq!(
        owners,
        vec![a.id.clone(), b.id.clone(), a.id.clone(), b.id.clone()]
    );
}

#[tokio::test]
async fn the_queue_fills_at_capacity_and_drains_in_order() {
    let app = spawn_app().await;
    let org = app.signup_org("Busy").await;
    let a = app.create_agent(&org, "Alpha", "agent", Some(1)).await;
    let sa = app.socket(&a.token).await;
    let (c1, _s1, first) = queued_session(&app, &org).await;
    let (c2, s2, second) = queued_session(&app, &org).await;
    let (c3, s3, third) = queued_session(&app, &org).await;
    assert_eq!(
        assigned_to(&app, &c1.token, &first).await.as_deref(),
        Some(a.id.as_str())
    );
    assert!(assigned_to(&app, &c2.token, &second).await.is_none());
    let p2 = s2
        .wait_for_where(
            "queue_position",
            Duration::from_secs(5),
            position_for(&second),
        )
        .await
        .unwrap();
    assert_eq!(p2["position"], 1);
    let p3 = s3
        .wait_for_where("queue_position", Duration::from_secs(5), |v| {
            v["position"] == 2
        })
        .await
        .unwrap();
    assert_eq!(p3["session_id"], third.as_str());
    let (_, waiting) = app
        .get(
            &format!("/api/sessions/organization/{}/waiting", org.id),
            Some(&a.token),
        )
        .await;
    let order: Vec<&str> = waiting["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(order, vec![second.as_str(), third.as_str()]);

    // Closing the active one assigns the oldest waiting session; the next moves up.
    let (status, _) = app
        .put(
            &format!("/api/sessions/{first}/close"),
            Some(&a.token),
            json!({}),
        )
        .await;
    assert_eq!(status, 200);
    let assigned = s2.wait_for("agent_assigned").await;
    assert_eq!(assigned["session_id"], second.as_str());
    assert_eq!(assigned["agent"]["id"], a.id.as_str());
    sa.wait_for_where("new_session_assigned", Duration::from_secs(5), |v| {
        v["session_id"] == second.as_str()
    })
    .await
    .unwrap();
    let p3 = s3
        .wait_for_where("queue_position", Duration::from_secs(5), |v| {
            v["position"] == 1
        })
        .await
        .unwrap();
    assert_eq!(p3["session_id"], third.as_str());
    assert!(assigned_to(&app, &c3.token, &third).await.is_none());
}

#[tokio::test]
async fn coming_online_going_active_and_raising_capacity_drain_the_queue() {
    let app = spawn_app().await;
    let org = app.signup_org("Drain").await;
    let a = app.create_agent(&org, "Alpha", "agent", Some(1)).await;
    let (c1, _s1, first) = queued_session(&app, &org).await;
    let (c2, _s2, second) = queued_session(&app, &org).await;
    assert!(
        assigned_to(&app, &c1.token, &first).await.is_none(),
        "nobody online yet"
    );

    let sa = app.socket(&a.token).await;
    sa.wait_for("new_session_assigned").await;
    assert_eq!(
        assigned_to(&app, &c1.token, &first).await.as_deref(),
        Some(a.id.as_str())
    );
    assert!(assigned_to(&app, &c2.token, &second).await.is_none());

    let (status, _) = app
        .put(
            &format!("/api/agents/{}", a.id),
            Some(&org.admin_token),
            json!({ "max_concurrent_sessions": 2 }),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        assigned_to(&app, &c2.token, &second).await.as_deref(),
        Some(a.id.as_str())
    );

    let ack = sa
        .call("update_agent_status", json!({ "status": "inactive" }))
        .await;
    assert_eq!(ack["agent"]["status"], "inactive");
    let (status, _) = app
        .put(
            &format!("/api/agents/{}", a.id),
            Some(&org.admin_token),
            json!({ "max_concurrent_sessions": 3 }),
        )
        .await;
    assert_eq!(status, 200);
    let (c3, _s3, third) = queued_session(&app, &org).await;
    assert!(
        assigned_to(&app, &c3.token, &third).await.is_none(),
        "inactive agents get nothing new"
    );
    // Their active sessions stay theirs.
    assert_eq!(
        assigned_to(&app, &c1.token, &first).await.as_deref(),
        Some(a.id.as_str())
    );

    let ack = sa
        .call("update_agent_status", json!({ "status": "active" }))
        .await;
    assert_eq!(ack["ok"], true);
    assert_eq!(
        assigned_to(&app, &c3.token, &third).await.as_deref(),
        Some(a.id.as_str())
    );
}

#[tokio::test]
async fn presence_follows_sockets_and_going_offline_stops_assignment() {
    let app = spawn_app().await;
    let org = app.signup_org("Presence").await;
    let a = app.create_agent(&org, "Alpha", "agent", None).await;
    let watcher = app.socket(&org.admin_token).await;
    app.put(
        &format!("/api/agents/{}/status", org.admin_id),
        Some(&org.admin_token),
        json!({ "status": "busy" }),
    )
    .await;
    let one = app.socket(&a.token).await;
    let two = app.socket(&a.token).await;
    let online = watcher
        .wait_for_where("agent_status_updated", Duration::from_secs(5), |v| {
            v["agent_id"] == a.id.as_str()
        })
        .await
        .unwrap();
    assert_eq!(online["online"], true);
    let (_, list) = app
        .get(&format!("/api/agents/{}", a.id), Some(&org.admin_token))
        .await;
    assert_eq!(list["agent"]["online"], true);

    let (c1, _s1, first) = queued_session(&app, &org).await;
    assert_eq!(
        assigned_to(&app, &c1.token, &first).await.as_deref(),
        Some(a.id.as_str())
    );

    one.disconnect();
    // A quiet window: the point is that the agent does not go offline.
    watcher
        .assert_no_where("agent_status_updated", Duration::from_millis(200), |v| {
            v["agent_id"] == a.id.as_str() && v["online"] == false
        })
        .await;
    let (_, still) = app
        .get(&format!("/api/agents/{}", a.id), Some(&org.admin_token))
        .await;
    assert_eq!(
        still["agent"]["online"], true,
        "one socket is still connected"
    );
    two.disconnect();
    let offline = watcher
        .wait_for_where("agent_status_updated", Duration::from_secs(5), |v| {
            v["agent_id"] == a.id.as_str() && v["online"] == false
        })
        .await;
    assert!(offline.is_some());
    let (c2, _s2, second) = queued_session(&app, &org).await;
    assert!(
        assigned_to(&app, &c2.token, &second).await.is_none(),
        "offline agents get nothing new"
    );
    assert_eq!(
        assigned_to(&app, &c1.token, &first).await.as_deref(),
        Some(a.id.as_str()),
        "active sessions stay theirs"
    );
    let (_, available) = app
        .get(
            &format!("/api/agents/organization/{}/available", org.id),
            Some(&org.admin_token),
        )
        .await;
    assert_eq!(available["agents"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn concurrent_sessions_are_each_assigned_once_and_capacity_holds() {
    let app = spawn_app().await;
    let org = app.signup_org("Rush").await;
    let a = app.create_agent(&org, "Alpha", "agent", Some(3)).await;
    let b = app.create_agent(&org, "Beta", "agent", Some(3)).await;
    let _sa = app.socket(&a.token).await;
    let _sb = app.socket(&b.token).await;
    let mut clients = vec![];
    for _ in 0..10 {
        clients.push(app.register_client().await);
    }
    let opened = futures_util::future::join_all(
        clients
            .iter()
            .map(|c| app.open_session(c, &org, Some("rush"))),
    )
    .await;
    let mut per_agent = std::collections::HashMap::<String, usize>::new();
    let mut waiting = 0;
    for (client, s) in clients.iter().zip(&opened) {
        match assigned_to(&app, &client.token, s["id"].as_str().unwrap()).await {
            Some(agent) => *per_agent.entry(agent).or_default() += 1,
            None => waiting += 1,
        }
    }
    assert_eq!(per_agent.get(&a.id), Some(&3));
    assert_eq!(per_agent.get(&b.id), Some(&3));
    assert_eq!(waiting, 4);
    // Each assignment wrote exactly one system note.
    for (client, s) in clients.iter().zip(&opened) {
        let (_, page) = app
            .get(
                &format!("/api/sessions/{}/messages", s["id"].as_str().unwrap()),
                Some(&client.token),
            )
            .await;
        let notes = page["messages"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["sender_type"] == "system")
            .count();
        assert!(notes <= 1, "assigned twice: {page}");
    }
}

#[tokio::test]
async fn socket_assignment_and_status_events_follow_the_same_rules_as_rest() {
    let app = spawn_app().await;
    let org = app.signup_org("Rules").await;
    let a = app.create_agent(&org, "Alpha", "agent", None).await;
    let b = app.create_agent(&org, "Beta", "agent", None).await;
    let sup = app.create_agent(&org, "Sue", "supervisor", None).await;
    let sa = app.socket(&a.token).await;
    let ssup = app.socket(&sup.token).await;
    let (client, sc, id) = queued_session(&app, &org).await;
    // Nobody else is online except Alpha and Sue; someone got it. Take it back to a known state:
    let ack = ssup
        .call(
            "assign_agent",
            json!({ "session_id": id, "agent_id": b.id }),
        )
        .await;
    assert_eq!(ack["ok"], true, "{ack}");
    assert_eq!(ack["session"]["agent_id"], b.id.as_str());
    let transferred = sc
        .wait_for_where("agent_assigned", Duration::from_secs(5), |v| {
            v["agent"]["id"] == b.id.as_str()
        })
        .await;
    assert!(transferred.is_some());

    let denied = sa
        .call(
            "assign_agent",
            json!({ "session_id": id, "agent_id": a.id }),
        )
        .await;
    assert_eq!(denied["error"], "forbidden");
    let denied = sa
        .call(
            "update_agent_status",
            json!({ "status": "busy", "agent_id": b.id }),
        )
        .await;
    assert_eq!(denied["error"], "forbidden");
    let denied = sc
        .call("update_agent_status", json!({ "status": "busy" }))
        .await;
    assert_eq!(denied["error"], "forbidden");
    let denied = sc
        .call(
            "assign_agent",
            json!({ "session_id": id, "agent_id": a.id }),
        )
        .await;
    assert_eq!(denied["error"], "forbidden");
    let bad = ssup
        .call(
            "update_session_status",
            json!({ "session_id": id, "status": "paused" }),
        )
        .await;
    assert_eq!(bad["error"], "validation_failed");

    let ack = sc
        .call(
            "update_session_status",
            json!({ "session_id": id, "status": "closed" }),
        )
        .await;
    assert_eq!(ack["session"]["status"], "closed");
    let closed = sa
        .wait_for_where("session_status_updated", Duration::from_secs(5), |v| {
            v["status"] == "closed"
        })
        .await;
    assert_eq!(closed.unwrap()["session_id"], id.as_str());
    let refused = sc
        .call(
            "send_message",
            json!({ "session_id": id, "content": "hello?" }),
        )
        .await;
    assert_eq!(refused["error"], "session_closed");
    let _ = client;
}

#[tokio::test]
async fn a_waiting_client_learns_their_place_when_they_connect() {
    let app = spawn_app().await;
    let org = app.signup_org("Later").await;
    let first = app.register_client().await;
    let second = app.register_client().await;
    app.open_session(&first, &org, Some("one")).await;
    let session = app.open_session(&second, &org, Some("two")).await;
    // Connecting after the queue formed: the position arrives without any queue movement.
    let s = app.socket(&second.token).await;
    let place = s.wait_for("queue_position").await;
    assert_eq!(place["session_id"], session["id"]);
    assert_eq!(place["position"], 2);
}

#[tokio::test]
async fn sockets_that_leave_at_once_never_leave_a_ghost_online() {
    let app = spawn_app().await;
    let org = app.signup_org("Ghosts").await;
    let a = app.create_agent(&org, "Alpha", "agent", None).await;
    // Connect and leave in the same breath, before the server has finished connecting.
    for _ in 0..50 {
        let mut socket = crate::socket::Socket::open_url(&app.base).await.unwrap();
        // CONNECT without waiting for its answer, then DISCONNECT and close at once.
        socket
            .send(format!("40{}", json!({ "token": a.token })))
            .await
            .unwrap();
        socket.close().await;
    }
    let path = format!("/api/agents/{}", a.id);
    wait_until(
        "an agent with no socket left is no longer counted online",
        WAIT,
        || async { app.get(&path, Some(&org.admin_token)).await.1["agent"]["online"] == false },
    )
    .await;
    let (c, _s, id) = queued_session(&app, &org).await;
    assert!(assigned_to(&app, &c.token, &id).await.is_none());
}

#[tokio::test]
async fn a_waiting_client_hears_its_position_only_when_it_changes() {
    let app = spawn_app().await;
    let org = app.signup_org("Positions").await;
    let agent = app.create_agent(&org, "Solo", "agent", Some(1)).await;
    let _agent_socket = app.socket(&agent.token).await;
    let (first_client, _s1, first) = queued_session(&app, &org).await;
    let (_b, b_socket, b_session) = queued_session(&app, &org).await;
    let got = b_socket
        .wait_for_where("queue_position", WAIT, position_for(&b_session))
        .await
        .expect("a position");
    assert_eq!(got["position"], 1);

    // Things that drain the queue without moving it: the agent sets active again, twice.
    for _ in 0..2 {
        let (status, _) = app
            .put(
                &format!("/api/agents/{}/status", agent.id),
                Some(&agent.token),
                json!({"status": "active"}),
            )
            .await;
        assert_eq!(status, 200);
    }
    // Someone joining behind does not move B either.
    let (_c, c_socket, c_session) = queued_session(&app, &org).await;
    let c_pos = c_socket
        .wait_for_where("queue_position", WAIT, position_for(&c_session))
        .await
        .expect("C's position");
    assert_eq!(c_pos["position"], 2);
    b_socket
        .assert_no("queue_position", Duration::from_millis(500))
        .await;

    // The first conversation closes: B is assigned, C moves up once.
    assert_eq!(app.close(&first_client.token, &first).await.0, 200);
    let c_pos = c_socket
        .wait_for_where("queue_position", WAIT, position_for(&c_session))
        .await
        .expect("C moved up");
    assert_eq!(c_pos["position"], 1);
    assert_eq!(
        assigned_to(&app, &agent.token, &b_session).await.as_deref(),
        Some(agent.id.as_str())
    );
    c_socket
        .assert_no("queue_position", Duration::from_millis(300))
        .await;
}
