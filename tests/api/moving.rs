//! `raasel move`: an installation on the embedded store moves to PostgreSQL with everything it
//! holds, and carries on there as if nothing happened.

use serde_json::{Value, json};

use crate::support::*;

/// What users see of their data: each client's conversation list and every history.
async fn snapshot(app: &TestApp, clients: &[ClientHandle], sessions: &[(String, String)]) -> Value {
    let mut lists = vec![];
    for c in clients {
        let (status, body) = app.get("/api/sessions", Some(&c.token)).await;
        assert_eq!(status, 200, "{body}");
        lists.push(body["sessions"].clone());
    }
    let mut histories = vec![];
    for (token, id) in sessions {
        let (status, page) = app
            .get(
                &format!("/api/sessions/{id}/messages?after=0&limit=200"),
                Some(token),
            )
            .await;
        assert_eq!(status, 200, "{page}");
        histories.push(page["messages"].clone());
    }
    json!({ "lists": lists, "histories": histories })
}

fn raasel_move(from: &std::path::Path, to: &str) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_raasel"))
        .args(["move", "--from"])
        .arg(from)
        .args(["--to", to])
        .env_clear()
        .output()
        .unwrap()
}

#[tokio::test]
async fn an_embedded_installation_moves_to_postgres_with_everything_it_holds() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let app = spawn_app_with(|a| {
        a.store.data_dir = data.clone();
        a.store.database_url = None;
        a.store.cassandra_contact_points.clear();
    })
    .await;
    let shop = app.signup_org("Shop").await;
    let bank = app.signup_org("Bank").await;
    let agent = app.create_agent(&shop, "Ann", "agent", None).await;
    let customer = app.register_client().await;
    let visitor = app.visitor(&bank, "Vic").await;
    let mut sessions = vec![];
    for (client, org) in [(&customer, &shop), (&customer, &bank), (&visitor, &bank)] {
        let id = app.open_session(client, org, Some("hello")).await["id"]
            .as_str()
            .unwrap()
            .to_string();
        for i in 0..25 {
            app.send(&client.token, &id, &format!("question {i}")).await;
            app.send(&org.admin_token, &id, &format!("answer {i}"))
                .await;
        }
        sessions.push((client.token.clone(), id));
    }
    assert_eq!(
        app.assign(&shop.admin_token, &sessions[0].1, &agent.id)
            .await
            .0,
        200
    );
    assert_eq!(app.close(&bank.admin_token, &sessions[1].1).await.0, 200);
    let socket = app.socket(&customer.token).await;
    let ack = socket
        .call(
            "mark_read",
            json!({ "session_id": sessions[0].1, "seq": 20 }),
        )
        .await;
    assert_eq!(ack["ok"], true, "{ack}");
    let clients = [customer, visitor];
    let before = snapshot(&app, &clients, &sessions).await;
    app.server.stop().await.unwrap();

    let url = fresh_postgres_schema().await;
    let out = raasel_move(&data, &url);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        said.contains("moved 2 organizations, 3 agents, 2 clients, 3 sessions"),
        "{said}"
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("messages: "),
        "progress is reported"
    );
    let again = raasel_move(&data, &url);
    assert!(
        !again.status.success(),
        "a second move into a non-empty database must be refused"
    );
    assert!(String::from_utf8_lossy(&again.stderr).contains("already holds organizations"));

    let moved = spawn_app_with(|a| {
        a.store.database_url = Some(url);
        a.store.cassandra_contact_points.clear();
    })
    .await;
    // Old tokens still work (the token secret moved), and everything reads the same.
    assert_eq!(snapshot(&moved, &clients, &sessions).await, before);
    // Old passwords still work.
    for email in [&shop.admin_email, &agent.email] {
        moved.login_agent(email).await;
    }
    let (status, _) = moved
        .post(
            "/api/clients/login",
            None,
            json!({ "email": clients[0].email, "password": PASSWORD }),
        )
        .await;
    assert_eq!(status, 200);
    // The conversation carries on with the next seq.
    let (status, body) = moved
        .send(&clients[0].token, &sessions[0].1, "still there?")
        .await;
    assert_eq!(status, 201, "{body}");
    let last = before["histories"][0].as_array().unwrap().last().unwrap()["seq"]
        .as_i64()
        .unwrap();
    assert_eq!(body["message"]["seq"], last + 1);
}
