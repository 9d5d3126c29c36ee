//! Races between people acting on one conversation at once: the rules hold whatever the order.

use serde_json::{Value, json};

use crate::support::*;

async fn messages(app: &TestApp, token: &str, session: &str) -> Vec<Value> {
    let (status, page) = app
        .get(
            &format!("/api/sessions/{session}/messages?after=0&limit=200"),
            Some(token),
        )
        .await;
    assert_eq!(status, 200, "{page}");
    page["messages"].as_array().unwrap().clone()
}

fn is_close_note(m: &Value) -> bool {
    m["sender_type"] == "system"
        && m["content"]
            .as_str()
            .unwrap()
            .ends_with("closed the conversation")
}

#[tokio::test]
async fn after_a_close_commits_no_message_is_accepted_and_there_is_one_closing_note() {
    let app = spawn_app().await;
    let org = app.signup_org("Closing").await;
    for _ in 0..10 {
        let client = app.register_client().await;
        let session = app.open_session(&client, &org, Some("hi")).await;
        let id = session["id"].as_str().unwrap().to_string();
        let sends = (0..12).map(|i| {
            let (app, token, id) = (&app, client.token.clone(), id.clone());
            async move { app.send(&token, &id, &format!("racing {i}")).await }
        });
        let closes = (0..3).map(|_| app.close(&org.admin_token, &id));
        let (sent, closed) = tokio::join!(
            futures_util::future::join_all(sends),
            futures_util::future::join_all(closes)
        );
        for (status, body) in &closed {
            assert_eq!(*status, 200, "{body}");
        }
        let history = messages(&app, &client.token, &id).await;
        let notes: Vec<usize> = (0..history.len())
            .filter(|i| is_close_note(&history[*i]))
            .collect();
        assert_eq!(notes.len(), 1, "close notes: {history:?}");
        assert_eq!(
            notes[0],
            history.len() - 1,
            "a message after the closing note: {history:?}"
        );
        // Every accepted message is in the history; every refusal says the session closed.
        for (status, body) in &sent {
            match status {
                201 => assert!(history.iter().any(|m| m["id"] == body["message"]["id"])),
                409 => assert_eq!(body["error"], "session_closed"),
                other => panic!("unexpected {other}: {body}"),
            }
        }
        let session = app.session(&client.token, &id).await;
        let time = |v: &Value| {
            v.as_str()
                .unwrap()
                .parse::<chrono::DateTime<chrono::Utc>>()
                .unwrap()
        };
        let closed_at = time(&session["closed_at"]);
        assert!(
            history.iter().all(|m| time(&m["created_at"]) <= closed_at),
            "{history:?}"
        );
    }
}

#[tokio::test]
async fn two_supervisors_assigning_at_once_leave_notes_in_the_real_order() {
    let app = spawn_app().await;
    let org = app.signup_org("Tug").await;
    let ann = app.create_agent(&org, "Ann", "agent", None).await;
    let bob = app.create_agent(&org, "Bob", "agent", None).await;
    let sup1 = app.create_agent(&org, "Sup One", "supervisor", None).await;
    let sup2 = app.create_agent(&org, "Sup Two", "supervisor", None).await;
    for _ in 0..8 {
        let client = app.register_client().await;
        let id = app.open_session(&client, &org, Some("who helps?")).await["id"]
            .as_str()
            .unwrap()
            .to_string();
        let (a, b) = tokio::join!(
            app.assign(&sup1.token, &id, &ann.id),
            app.assign(&sup2.token, &id, &bob.id)
        );
        assert_eq!((a.0, b.0), (200, 200), "{} {}", a.1, b.1);
        let notes: Vec<String> = messages(&app, &client.token, &id)
            .await
            .into_iter()
            .filter(|m| m["sender_type"] == "system")
            .map(|m| m["content"].as_str().unwrap().to_string())
            .collect();
        // Whoever was first joined; the second is a transfer from the first.
        let owner = app.session(&client.token, &id).await["agent_id"].clone();
        let expected = if owner == json!(bob.id) {
            [
                "Ann joined the conversation",
                "Conversation transferred from Ann to Bob",
            ]
        } else {
            [
                "Bob joined the conversation",
                "Conversation transferred from Bob to Ann",
            ]
        };
        assert_eq!(notes, expected);
    }
}

#[tokio::test]
async fn assigning_to_an_agent_being_deleted_answers_not_found_never_a_server_error() {
    let app = spawn_app().await;
    let org = app.signup_org("Leaving").await;
    for _ in 0..10 {
        let leaving = app.create_agent(&org, "Leaver", "agent", None).await;
        let client = app.register_client().await;
        let id = app.open_session(&client, &org, Some("hello")).await["id"]
            .as_str()
            .unwrap()
            .to_string();
        let path = format!("/api/agents/{}", leaving.id);
        let (assigned, deleted) = tokio::join!(
            app.assign(&org.admin_token, &id, &leaving.id),
            app.delete(&path, Some(&org.admin_token))
        );
        assert_eq!(deleted.0, 204, "{}", deleted.1);
        match assigned.0 {
            200 => {
                // Assigned first, then the deletion put it back in the queue.
                let s = app.session(&client.token, &id).await;
                assert_eq!(s["status"], "waiting");
                assert!(s["agent_id"].is_null());
            }
            404 => assert_eq!(assigned.1["error"], "not_found"),
            other => panic!("assignment answered {other}: {}", assigned.1),
        }
    }
}

#[tokio::test]
async fn conversations_opened_in_many_organizations_at_once_are_all_assigned() {
    // More organizations draining their queues at once than the store has connections: on
    // PostgreSQL each drain holds one for its lock while it needs others.
    let app = spawn_app_with(|a| a.store.database_pool_size = 2).await;
    let mut orgs = vec![];
    let mut sockets = vec![];
    for i in 0..40 {
        let org = app.signup_org(&format!("Busy {i}")).await;
        sockets.push(app.socket(&org.admin_token).await);
        orgs.push(org);
    }
    let mut clients = vec![];
    for _ in 0..3 {
        for _ in &orgs {
            clients.push(app.register_client().await);
        }
    }
    let opened = futures_util::future::join_all(
        orgs.iter()
            .cycle()
            .zip(&clients)
            .map(|(org, client)| app.open_session(client, org, Some("hello"))),
    )
    .await;
    for (session, client) in opened.iter().zip(&clients) {
        let id = session["id"].as_str().unwrap().to_string();
        let token = client.token.clone();
        wait_until(
            "every conversation is assigned to its organization's agent",
            crate::socket::WAIT,
            || {
                let (app, id, token) = (&app, id.clone(), token.clone());
                async move { app.session(&token, &id).await["status"] == "active" }
            },
        )
        .await;
    }
    drop(sockets);
}
