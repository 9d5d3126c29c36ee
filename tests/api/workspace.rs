//! The agents' workspace through HTTP and Socket.IO: private notes and mentions, labels and
//! priority, canned replies, the customer panel, search and reopening, with who may do what and
//! what one organization never sees of another.

use serde_json::{Value, json};

use raasel::domain::{canned, contacts, labels, search};
use raasel::limits::SEARCHES_PER_MINUTE;

use crate::support::*;

/// A Chrome on Linux, as a widget reports it.
const CHROME_ON_LINUX: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

/// An organization whose admin never connects a socket, with two plain agents (Nora, the owner
/// of the customer's conversation, and Tobias), a supervisor, and one customer's conversation.
/// Nothing is assigned by presence: sessions are given out by the admin only, before anyone
/// connects.
struct Desk {
    app: TestApp,
    org: OrgHandle,
    nora: AgentHandle,
    tobias: AgentHandle,
    sup: AgentHandle,
    customer: ClientHandle,
    session: String,
}

async fn desk() -> Desk {
    let app = spawn_app().await;
    let org = app.signup_org("Workspace").await;
    let nora = app.create_agent(&org, "Nora Quill", "agent", None).await;
    let tobias = app.create_agent(&org, "Tobias Keller", "agent", None).await;
    let sup = app
        .create_agent(&org, "Sam Overseer", "supervisor", None)
        .await;
    let customer = app.register_client().await;
    let opened = app
        .open_session(&customer, &org, Some("hello, my parcel is late"))
        .await;
    let session = id_of(&opened);
    assert_eq!(
        app.assign(&org.admin_token, &session, &nora.id).await.0,
        200
    );
    Desk {
        app,
        org,
        nora,
        tobias,
        sup,
        customer,
        session,
    }
}

impl Desk {
    /// Another conversation of a new customer, waiting in the queue.
    async fn queued(&self, first: &str) -> (ClientHandle, String) {
        let customer = self.app.register_client().await;
        let s = self
            .app
            .open_session(&customer, &self.org, Some(first))
            .await;
        (customer, id_of(&s))
    }

    /// Another conversation, assigned to `agent` by the admin.
    async fn assigned(&self, agent: &AgentHandle, first: &str) -> (ClientHandle, String) {
        let (customer, id) = self.queued(first).await;
        let res = self.app.assign(&self.org.admin_token, &id, &agent.id).await;
        assert_eq!(res.0, 200, "{}", res.1);
        (customer, id)
    }
}

fn id_of(v: &Value) -> String {
    v["id"].as_str().expect("an id").to_string()
}

fn list(v: &Value) -> &Vec<Value> {
    v.as_array().expect("a list")
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

/// `q` as a query-string value.
fn encoded(q: &str) -> String {
    form_urlencoded::byte_serialize(q.as_bytes()).collect()
}

/// The whole conversation as `token` reads it over REST.
async fn history(app: &TestApp, token: &str, session: &str) -> Vec<Value> {
    let (status, page) = app
        .get(
            &format!("/api/sessions/{session}/messages?limit=200"),
            Some(token),
        )
        .await;
    assert_eq!(status, 200, "{page}");
    list(&page["messages"]).clone()
}

fn seqs(messages: &[Value]) -> Vec<i64> {
    messages
        .iter()
        .map(|m| m["seq"].as_i64().unwrap())
        .collect()
}

async fn post_note(app: &TestApp, token: &str, session: &str, content: &str) -> (u16, Value) {
    app.post(
        &format!("/api/sessions/{session}/messages"),
        Some(token),
        json!({ "content": content, "internal": true }),
    )
    .await
}

/// Writes a private note; returns the stored message.
async fn note(app: &TestApp, token: &str, session: &str, content: &str) -> Value {
    let (status, body) = post_note(app, token, session, content).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["message"]["internal"], true, "{body}");
    body["message"].clone()
}

/// Sends a message everyone in the conversation sees; returns it.
async fn say(app: &TestApp, token: &str, session: &str, content: &str) -> Value {
    let (status, body) = app.send(token, session, content).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["message"]["internal"], false, "{body}");
    body["message"].clone()
}

/// The customer's view of one conversation in their own list (`GET /api/sessions`).
async fn customer_view(app: &TestApp, customer: &ClientHandle, session: &str) -> Value {
    let (status, body) = app.get("/api/sessions", Some(&customer.token)).await;
    assert_eq!(status, 200, "{body}");
    list(&body["sessions"])
        .iter()
        .find(|s| s["id"] == session)
        .expect("the conversation is in the customer's list")
        .clone()
}

/// Whether anything a socket received and has not consumed carries `needle`.
async fn holds(socket: &SocketClient, needle: &str) -> bool {
    socket
        .pending()
        .await
        .iter()
        .any(|(_, v)| v.to_string().contains(needle))
}

async fn create_label(app: &TestApp, token: &str, name: &str, color: &str) -> (u16, Value) {
    app.post(
        "/api/labels",
        Some(token),
        json!({ "name": name, "color": color }),
    )
    .await
}

/// Defines a label as the organization's admin; returns its id.
async fn label(app: &TestApp, org: &OrgHandle, name: &str) -> String {
    let (status, body) = create_label(app, &org.admin_token, name, "#2563eb").await;
    assert_eq!(status, 201, "{body}");
    id_of(&body["label"])
}

async fn label_names(app: &TestApp, token: &str) -> Vec<String> {
    let (status, body) = app.get("/api/labels", Some(token)).await;
    assert_eq!(status, 200, "{body}");
    list(&body["labels"])
        .iter()
        .map(|l| l["name"].as_str().unwrap().to_string())
        .collect()
}

async fn set_labels(app: &TestApp, token: &str, session: &str, ids: &[&str]) -> (u16, Value) {
    app.put(
        &format!("/api/sessions/{session}/labels"),
        Some(token),
        json!({ "labels": ids }),
    )
    .await
}

async fn set_priority(app: &TestApp, token: &str, session: &str, priority: &str) -> (u16, Value) {
    app.put(
        &format!("/api/sessions/{session}/priority"),
        Some(token),
        json!({ "priority": priority }),
    )
    .await
}

/// The ids of the organization's list as `token` sees it with `query`, in the list's order.
async fn org_list(app: &TestApp, org: &OrgHandle, token: &str, query: &str) -> Vec<String> {
    let path = format!("/api/sessions/organization/{}{query}", org.id);
    let (status, body) = app.get(&path, Some(token)).await;
    assert_eq!(status, 200, "{path}: {body}");
    ids(&body["sessions"])
}

async fn create_reply(app: &TestApp, token: &str, body: Value) -> (u16, Value) {
    app.post("/api/canned-replies", Some(token), body).await
}

/// Saves a canned reply; returns its id.
async fn reply(app: &TestApp, token: &str, shortcut: &str, personal: bool) -> String {
    let body = json!({ "shortcut": shortcut, "content": format!("Text of {shortcut}"), "personal": personal });
    let (status, created) = create_reply(app, token, body).await;
    assert_eq!(status, 201, "{created}");
    id_of(&created["canned_reply"])
}

async fn shortcuts(app: &TestApp, token: &str) -> Vec<String> {
    let (status, body) = app.get("/api/canned-replies", Some(token)).await;
    assert_eq!(status, 200, "{body}");
    list(&body["canned_replies"])
        .iter()
        .map(|r| r["shortcut"].as_str().unwrap().to_string())
        .collect()
}

async fn contact(app: &TestApp, token: &str, client: &str) -> (u16, Value) {
    app.get(&format!("/api/contacts/{client}"), Some(token))
        .await
}

async fn edit_contact(app: &TestApp, token: &str, client: &str, body: Value) -> (u16, Value) {
    app.put(&format!("/api/contacts/{client}"), Some(token), body)
        .await
}

async fn search_raw(app: &TestApp, token: &str, q: &str) -> (u16, Value) {
    app.get(&format!("/api/search?q={}", encoded(q)), Some(token))
        .await
}

/// The results of a search that must succeed.
async fn search(app: &TestApp, token: &str, q: &str) -> Vec<Value> {
    let (status, body) = search_raw(app, token, q).await;
    assert_eq!(status, 200, "{body}");
    list(&body["results"]).clone()
}

/// The conversations a search found through `matched` (`customer`, `label`, `message`).
fn found(results: &[Value], matched: &str) -> Vec<String> {
    let mut ids: Vec<String> = results
        .iter()
        .filter(|r| r["matched"] == matched)
        .map(|r| id_of(&r["session"]))
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

async fn reopen(app: &TestApp, token: &str, session: &str) -> (u16, Value) {
    app.put(
        &format!("/api/sessions/{session}/reopen"),
        Some(token),
        json!({}),
    )
    .await
}

// ---------------------------------------------------------------------------------------------
// Private notes

#[tokio::test]
async fn a_private_note_reaches_the_agents_and_never_the_customer() {
    let d = desk().await;
    let (app, s) = (&d.app, d.session.as_str());
    let nora_socket = app.socket(&d.nora.token).await;
    let tobias_socket = app.socket(&d.tobias.token).await;
    let customer_socket = app.socket(&d.customer.token).await;
    // In the conversation's room as well as their own: a note must reach neither.
    let joined = customer_socket
        .call("join_organization", json!({ "session_id": s }))
        .await;
    assert_eq!(joined["ok"], true, "{joined}");
    let before = customer_view(app, &d.customer, s).await;

    let secret = "customer sounds upset, offer the voucher";
    let n = note(app, &d.nora.token, s, secret).await;
    assert_eq!(n["sender_id"], d.nora.id.as_str());
    for socket in [&nora_socket, &tobias_socket] {
        let got = socket
            .wait_for_where("new_message", crate::socket::WAIT, |v| {
                v["message"]["id"] == n["id"]
            })
            .await
            .expect("the note reached an agent of the organization");
        assert_eq!(got["message"]["internal"], true);
        assert_eq!(got["message"]["content"], secret);
    }
    // Neither the preview nor the unread count of the customer's list moved.
    let after_note = customer_view(app, &d.customer, s).await;
    assert_eq!(after_note["last_message"], before["last_message"]);
    assert_eq!(after_note["unread_count"], before["unread_count"]);

    // The customer receives the next message, and the note was not ahead of it.
    let reply = say(app, &d.nora.token, s, "we are on it").await;
    customer_socket
        .wait_for_where("new_message", crate::socket::WAIT, |v| {
            v["message"]["id"] == reply["id"]
        })
        .await
        .expect("the customer receives the agent's message");
    assert!(!holds(&customer_socket, secret).await);
    assert!(!holds(&customer_socket, n["id"].as_str().unwrap()).await);
    let after_reply = customer_view(app, &d.customer, s).await;
    assert_eq!(after_reply["last_message"]["id"], reply["id"]);
    assert_eq!(
        after_reply["unread_count"].as_i64().unwrap(),
        before["unread_count"].as_i64().unwrap() + 1
    );

    // A note as the newest message: the preview stays on the message before it.
    let last = note(app, &d.tobias.token, s, "second secret: refund approved").await;
    let end = customer_view(app, &d.customer, s).await;
    assert_eq!(end["last_message"]["id"], reply["id"]);
    assert_eq!(end["unread_count"], after_reply["unread_count"]);

    // The histories: the agents read both notes in place, the customer skips their seqs.
    let agents = history(app, &d.sup.token, s).await;
    let seen: Vec<i64> = seqs(&agents);
    assert_eq!(seen, (1..=seen.len() as i64).collect::<Vec<_>>());
    for id in [&n["id"], &last["id"]] {
        let m = agents
            .iter()
            .find(|m| m["id"] == *id)
            .expect("a note in the agents' history");
        assert_eq!(m["internal"], true);
    }
    let customers = history(app, &d.customer.token, s).await;
    assert_eq!(customers.len(), agents.len() - 2);
    assert!(customers.iter().all(|m| m["internal"] == false));
    assert!(!seqs(&customers).contains(&n["seq"].as_i64().unwrap()));
    assert!(!seqs(&customers).contains(&last["seq"].as_i64().unwrap()));
    let over_socket = customer_socket
        .call("get_session_history", json!({ "session_id": s }))
        .await;
    assert_eq!(over_socket["ok"], true, "{over_socket}");
    assert_eq!(seqs(list(&over_socket["messages"])), seqs(&customers));
    assert!(!over_socket.to_string().contains("secret"));
}

#[tokio::test]
async fn a_note_over_the_socket_is_acknowledged_and_announced_to_agents_only() {
    let d = desk().await;
    let (app, s) = (&d.app, d.session.as_str());
    let nora_socket = app.socket(&d.nora.token).await;
    let sup_socket = app.socket(&d.sup.token).await;
    let customer_socket = app.socket(&d.customer.token).await;
    let ack = nora_socket
        .call(
            "send_message",
            json!({ "session_id": s, "content": "check the warehouse log", "internal": true, "client_msg_id": "n-1" }),
        )
        .await;
    assert_eq!(ack["ok"], true, "{ack}");
    assert_eq!(ack["message"]["internal"], true);
    let got = sup_socket
        .wait_for_where("new_message", crate::socket::WAIT, |v| {
            v["message"]["id"] == ack["message"]["id"]
        })
        .await
        .expect("the supervisor's socket receives the note");
    assert_eq!(got["message"]["internal"], true);
    // A resend of the key returns the stored note.
    let again = nora_socket
        .call(
            "send_message",
            json!({ "session_id": s, "content": "check the warehouse log", "internal": true, "client_msg_id": "n-1" }),
        )
        .await;
    assert_eq!(again["message"]["id"], ack["message"]["id"]);

    let visible = nora_socket
        .call(
            "send_message",
            json!({ "session_id": s, "content": "one moment please" }),
        )
        .await;
    assert_eq!(visible["message"]["internal"], false);
    customer_socket
        .wait_for_where("new_message", crate::socket::WAIT, |v| {
            v["message"]["id"] == visible["message"]["id"]
        })
        .await
        .expect("the customer receives the visible message");
    assert!(!holds(&customer_socket, "warehouse").await);
}

#[tokio::test]
async fn a_customer_cannot_write_a_private_note_and_nothing_is_stored() {
    let d = desk().await;
    let (app, s) = (&d.app, d.session.as_str());
    let before = history(app, &d.nora.token, s).await;
    assert_error(
        &post_note(app, &d.customer.token, s, "let me in").await,
        403,
        "forbidden",
    );
    let socket = app.socket(&d.customer.token).await;
    let ack = socket
        .call(
            "send_message",
            json!({ "session_id": s, "content": "let me in", "internal": true }),
        )
        .await;
    assert_eq!(ack["ok"], false, "{ack}");
    assert_eq!(ack["error"], "forbidden");
    // Another customer does not learn the conversation exists.
    let stranger = app.register_client().await;
    assert_error(
        &post_note(app, &stranger.token, s, "hello?").await,
        404,
        "not_found",
    );
    assert_eq!(history(app, &d.nora.token, s).await, before);
    assert_eq!(
        app.session(&d.nora.token, s).await["last_seq"],
        before.len()
    );
}

#[tokio::test]
async fn any_agent_of_the_organization_writes_notes_while_the_conversation_is_open() {
    let d = desk().await;
    let (app, s) = (&d.app, d.session.as_str());
    // Tobias is neither its owner nor a supervisor: notes are for the whole team.
    note(app, &d.tobias.token, s, "I handled this customer last week").await;
    let other = app.signup_org("Elsewhere").await;
    assert_error(
        &post_note(app, &other.admin_token, s, "peeking").await,
        404,
        "not_found",
    );
    let res = post_note(app, &d.nora.token, s, "  ").await;
    assert_error(&res, 400, "validation_failed");
    assert!(res.1["fields"]["content"].is_string(), "{}", res.1);
    assert_eq!(app.close(&d.nora.token, s).await.0, 200);
    assert_error(
        &post_note(app, &d.nora.token, s, "too late").await,
        409,
        "session_closed",
    );
    let notes = history(app, &d.sup.token, s).await;
    assert_eq!(notes.iter().filter(|m| m["internal"] == true).count(), 1);
}

// ---------------------------------------------------------------------------------------------
// Mentions

#[tokio::test]
async fn a_mention_reaches_the_teammate_and_stays_unread_until_read() {
    let d = desk().await;
    let (app, s) = (&d.app, d.session.as_str());
    // A namesake in another organization must not be mentioned.
    let other = app.signup_org("Namesakes").await;
    let namesake = app
        .create_agent(&other, "Tobias Keller", "agent", None)
        .await;
    let tobias_socket = app.socket(&d.tobias.token).await;

    let text = "@tobias could you check the refund?";
    let n = note(app, &d.nora.token, s, text).await;
    let event = tobias_socket.wait_for("mention").await;
    let m = &event["mention"];
    assert_eq!(m["agent_id"], d.tobias.id.as_str());
    assert_eq!(m["organization_id"], d.org.id.as_str());
    assert_eq!(m["session_id"], s);
    assert_eq!(m["seq"], n["seq"]);
    assert_eq!(m["author_name"], "Nora Quill");
    assert_eq!(m["excerpt"], text);
    assert!(m["read_at"].is_null());
    assert_eq!(event["message"]["id"], n["id"]);

    let (status, listed) = app.get("/api/mentions", Some(&d.tobias.token)).await;
    assert_eq!(status, 200, "{listed}");
    assert_eq!(listed["unread"], 1);
    assert_eq!(ids(&listed["mentions"]), vec![id_of(m)]);
    for nobody in [&d.nora.token, &namesake.token] {
        let (_, theirs) = app.get("/api/mentions", Some(nobody)).await;
        assert_eq!(theirs["mentions"], json!([]), "{theirs}");
        assert_eq!(theirs["unread"], 0);
    }

    let (status, read) = app
        .put("/api/mentions/read", Some(&d.tobias.token), json!({}))
        .await;
    assert_eq!(status, 200, "{read}");
    assert_eq!(read["read"], 1);
    let (_, listed) = app.get("/api/mentions", Some(&d.tobias.token)).await;
    assert_eq!(listed["unread"], 0);
    assert!(listed["mentions"][0]["read_at"].is_string(), "{listed}");
    let (_, again) = app
        .put("/api/mentions/read", Some(&d.tobias.token), json!({}))
        .await;
    assert_eq!(again["read"], 0, "nothing left to read");
}

#[tokio::test]
async fn mentions_match_full_or_first_names_in_any_case_but_never_the_author_or_part_of_a_word() {
    let d = desk().await;
    let (app, s) = (&d.app, d.session.as_str());
    let nora_socket = app.socket(&d.nora.token).await;
    let tobias_socket = app.socket(&d.tobias.token).await;
    // None of these mentions anyone: the author's own name, an e-mail, a longer word.
    note(
        app,
        &d.nora.token,
        s,
        "@Nora remember this; mail tobias@example.com; @tobiasx is someone else",
    )
    .await;
    let by_full_name = note(app, &d.nora.token, s, "@TOBIAS KELLER please look").await;
    let to_nora = note(app, &d.tobias.token, s, "done, @nora quill").await;
    // Mentions are told in order, so the first one each receives proves none came before it.
    let first = tobias_socket.wait_for("mention").await;
    assert_eq!(first["message"]["id"], by_full_name["id"]);
    let first = nora_socket.wait_for("mention").await;
    assert_eq!(first["message"]["id"], to_nora["id"]);
    for (agent, count) in [(&d.nora, 1), (&d.tobias, 1), (&d.sup, 0)] {
        let (_, listed) = app.get("/api/mentions", Some(&agent.token)).await;
        assert_eq!(
            list(&listed["mentions"]).len(),
            count,
            "{}: {listed}",
            agent.name
        );
    }
}

#[tokio::test]
async fn reading_the_mentions_of_one_conversation_leaves_the_others_unread() {
    let d = desk().await;
    let app = &d.app;
    let (_, second) = d.assigned(&d.nora, "another question").await;
    note(app, &d.nora.token, &d.session, "@Tobias first").await;
    note(app, &d.nora.token, &second, "@Tobias second").await;
    let (_, read) = app
        .put(
            "/api/mentions/read",
            Some(&d.tobias.token),
            json!({ "session_id": d.session }),
        )
        .await;
    assert_eq!(read["read"], 1, "{read}");
    let (_, listed) = app.get("/api/mentions", Some(&d.tobias.token)).await;
    assert_eq!(listed["unread"], 1);
    let unread: Vec<&Value> = list(&listed["mentions"])
        .iter()
        .filter(|m| m["read_at"].is_null())
        .collect();
    assert_eq!(unread[0]["session_id"], second.as_str());
    // Newest first.
    assert_eq!(listed["mentions"][0]["session_id"], second.as_str());

    // A conversation of another organization is not one to read mentions in.
    let other = app.signup_org("Foreign").await;
    let theirs = app.register_client().await;
    let foreign = id_of(&app.open_session(&theirs, &other, Some("hi")).await);
    assert_error(
        &app.put(
            "/api/mentions/read",
            Some(&d.tobias.token),
            json!({ "session_id": foreign }),
        )
        .await,
        404,
        "not_found",
    );
    let (_, listed) = app.get("/api/mentions", Some(&d.tobias.token)).await;
    assert_eq!(listed["unread"], 1, "nothing was marked");
}

// ---------------------------------------------------------------------------------------------
// Labels and priority

#[tokio::test]
async fn only_admins_manage_labels_whose_names_are_unique_in_any_case() {
    let d = desk().await;
    let app = &d.app;
    for token in [&d.nora.token, &d.sup.token] {
        assert_error(
            &create_label(app, token, "Billing", "#ff0000").await,
            403,
            "forbidden",
        );
    }
    let (status, created) = create_label(app, &d.org.admin_token, "Billing", "#2563EB").await;
    assert_eq!(status, 201, "{created}");
    let billing = &created["label"];
    assert_eq!(billing["name"], "Billing");
    assert_eq!(billing["color"], "#2563eb");
    assert_eq!(billing["organization_id"], d.org.id.as_str());
    assert_error(
        &create_label(app, &d.org.admin_token, "BILLING", "#000").await,
        409,
        "conflict",
    );
    for (name, color, field) in [
        ("", "#fff", "name"),
        (&"x".repeat(41) as &str, "#fff", "name"),
        ("Two\nlines", "#fff", "name"),
        ("Blue", "blue", "color"),
        ("Blue", "#12345", "color"),
    ] {
        let res = create_label(app, &d.org.admin_token, name, color).await;
        assert_error(&res, 400, "validation_failed");
        assert!(
            res.1["fields"][field].is_string(),
            "{name:?} {color:?}: {}",
            res.1
        );
    }
    // Every agent reads them; nothing refused was kept.
    assert_eq!(label_names(app, &d.nora.token).await, vec!["Billing"]);
}

#[tokio::test]
async fn labels_are_renamed_and_deleted_by_their_organizations_admins_only() {
    let d = desk().await;
    let app = &d.app;
    label(app, &d.org, "Billing").await;
    let refund = label(app, &d.org, "Refund").await;
    let path = format!("/api/labels/{refund}");
    let rename = |name: &str| json!({ "name": name, "color": "#ABC" });
    assert_error(
        &app.put(&path, Some(&d.org.admin_token), rename("billing"))
            .await,
        409,
        "conflict",
    );
    assert_error(
        &app.put(&path, Some(&d.sup.token), rename("Refunds")).await,
        403,
        "forbidden",
    );
    assert_error(
        &app.delete(&path, Some(&d.nora.token)).await,
        403,
        "forbidden",
    );
    let (status, renamed) = app
        .put(&path, Some(&d.org.admin_token), rename("Refunds"))
        .await;
    assert_eq!(status, 200, "{renamed}");
    assert_eq!(renamed["label"]["name"], "Refunds");
    assert_eq!(renamed["label"]["color"], "#abc");
    assert_eq!(
        label_names(app, &d.sup.token).await,
        vec!["Billing", "Refunds"]
    );

    // Another organization's admin finds none of it.
    let other = app.signup_org("Strangers").await;
    assert!(label_names(app, &other.admin_token).await.is_empty());
    assert_error(
        &app.put(&path, Some(&other.admin_token), rename("Mine now"))
            .await,
        404,
        "not_found",
    );
    assert_error(
        &app.delete(&path, Some(&other.admin_token)).await,
        404,
        "not_found",
    );
    assert_eq!(
        label_names(app, &d.sup.token).await,
        vec!["Billing", "Refunds"]
    );

    assert_eq!(app.delete(&path, Some(&d.org.admin_token)).await.0, 204);
    assert_error(
        &app.delete(&path, Some(&d.org.admin_token)).await,
        404,
        "not_found",
    );
    assert_eq!(label_names(app, &d.sup.token).await, vec!["Billing"]);
}

#[tokio::test]
async fn an_organization_defines_at_most_its_bound_of_labels() {
    let app = spawn_app().await;
    let org = app.signup_org("Many labels").await;
    for i in 0..labels::MAX_LABELS_PER_ORG {
        label(&app, &org, &format!("label {i}")).await;
    }
    assert_error(
        &create_label(&app, &org.admin_token, "one too many", "#000").await,
        409,
        "conflict",
    );
    let names = label_names(&app, &org.admin_token).await;
    assert_eq!(names.len() as i64, labels::MAX_LABELS_PER_ORG);
    // The bound is each organization's own.
    let other = app.signup_org("Few labels").await;
    label(&app, &other, "one too many").await;
}

#[tokio::test]
async fn labels_and_priority_on_a_conversation_reach_every_agent_live() {
    let d = desk().await;
    let (app, s) = (&d.app, d.session.as_str());
    let vip = label(app, &d.org, "VIP").await;
    let bug = label(app, &d.org, "Bug").await;
    let sup_socket = app.socket(&d.sup.token).await;
    let tobias_socket = app.socket(&d.tobias.token).await;

    let (status, tagged) = set_labels(app, &d.nora.token, s, &[&vip, &bug, &vip]).await;
    assert_eq!(status, 200, "{tagged}");
    assert_eq!(
        sorted(serde_json::from_value(tagged["session"]["labels"].clone()).unwrap()),
        sorted(vec![vip.clone(), bug.clone()]),
        "each label once"
    );
    for socket in [&sup_socket, &tobias_socket] {
        let updated = socket.wait_for("session_updated").await;
        assert_eq!(updated["session"]["id"], s);
        assert_eq!(updated["session"]["labels"], tagged["session"]["labels"]);
    }

    let (status, urgent) = set_priority(app, &d.nora.token, s, "urgent").await;
    assert_eq!(status, 200, "{urgent}");
    assert_eq!(urgent["session"]["priority"], "urgent");
    assert_eq!(
        urgent["session"]["labels"], tagged["session"]["labels"],
        "labels kept"
    );
    let updated = sup_socket.wait_for("session_updated").await;
    assert_eq!(updated["session"]["priority"], "urgent");

    // Removing one label leaves the other.
    let (_, fewer) = set_labels(app, &d.nora.token, s, &[&bug]).await;
    assert_eq!(fewer["session"]["labels"], json!([bug]));
    assert_eq!(fewer["session"]["priority"], "urgent", "priority kept");
    let (_, none) = set_labels(app, &d.nora.token, s, &[]).await;
    assert_eq!(none["session"]["labels"], json!([]));
    assert_eq!(app.session(&d.sup.token, s).await["labels"], json!([]));
}

#[tokio::test]
async fn bad_labels_or_priority_change_nothing() {
    let d = desk().await;
    let (app, s) = (&d.app, d.session.as_str());
    let vip = label(app, &d.org, "VIP").await;
    set_labels(app, &d.nora.token, s, &[&vip]).await;
    set_priority(app, &d.nora.token, s, "high").await;
    let other = app.signup_org("Other labels").await;
    let theirs = label(app, &other, "Theirs").await;
    let unknown = uuid::Uuid::now_v7().to_string();
    let mut too_many = vec![];
    for i in 0..=labels::MAX_LABELS_PER_SESSION {
        too_many.push(label(app, &d.org, &format!("many {i}")).await);
    }
    let too_many: Vec<&str> = too_many.iter().map(String::as_str).collect();
    for wanted in [vec![unknown.as_str()], vec![theirs.as_str()], too_many] {
        let res = set_labels(app, &d.nora.token, s, &wanted).await;
        assert_error(&res, 400, "validation_failed");
        assert!(res.1["fields"]["labels"].is_string(), "{}", res.1);
    }
    let res = app
        .put(
            &format!("/api/sessions/{s}/labels"),
            Some(&d.nora.token),
            json!({}),
        )
        .await;
    assert_error(&res, 400, "validation_failed");
    for bad in ["critical", "", "URGENT "] {
        let res = set_priority(app, &d.nora.token, s, bad).await;
        assert_error(&res, 400, "validation_failed");
        assert!(res.1["fields"]["priority"].is_string(), "{}", res.1);
    }
    let kept = app.session(&d.sup.token, s).await;
    assert_eq!(kept["labels"], json!([vip]));
    assert_eq!(kept["priority"], "high");
}

#[tokio::test]
async fn a_plain_agent_tags_only_conversations_in_their_lists() {
    let d = desk().await;
    let app = &d.app;
    let vip = label(app, &d.org, "VIP").await;
    // Nora's own, and one waiting in the queue: hers to tag. Tobias's: not.
    let (_, queued) = d.queued("still waiting").await;
    let (_, his) = d.assigned(&d.tobias, "Tobias answers this").await;
    assert_eq!(
        set_labels(app, &d.nora.token, &d.session, &[&vip]).await.0,
        200
    );
    assert_eq!(
        set_priority(app, &d.nora.token, &queued, "low").await.0,
        200
    );
    assert_error(
        &set_labels(app, &d.nora.token, &his, &[&vip]).await,
        403,
        "forbidden",
    );
    assert_error(
        &set_priority(app, &d.nora.token, &his, "urgent").await,
        403,
        "forbidden",
    );
    let untouched = app.session(&d.sup.token, &his).await;
    assert_eq!(
        (untouched["labels"].clone(), untouched["priority"].clone()),
        (json!([]), json!("none"))
    );
    // A supervisor tags any; another organization finds nothing to tag.
    assert_eq!(set_priority(app, &d.sup.token, &his, "urgent").await.0, 200);
    let other = app.signup_org("Not yours").await;
    assert_error(
        &set_priority(app, &other.admin_token, &his, "low").await,
        404,
        "not_found",
    );
    assert_error(
        &set_labels(app, &d.customer.token, &d.session, &[]).await,
        403,
        "forbidden",
    );
}

#[tokio::test]
async fn lists_filter_by_label_and_priority_and_sort_by_priority() {
    let d = desk().await;
    let (app, admin) = (&d.app, &d.org.admin_token);
    let vip = label(app, &d.org, "VIP").await;
    let mut by_priority = vec![];
    for priority in ["low", "urgent", "none", "high", "medium"] {
        let (_, id) = d.queued(&format!("a {priority} matter")).await;
        assert_eq!(set_priority(app, admin, &id, priority).await.0, 200);
        by_priority.push((priority, id));
    }
    let id = |p: &str| by_priority.iter().find(|(q, _)| *q == p).unwrap().1.clone();
    set_labels(app, admin, &id("low"), &[&vip]).await;
    set_labels(app, admin, &id("urgent"), &[&vip]).await;

    let waiting = "?status=waiting&sort=priority";
    assert_eq!(
        org_list(app, &d.org, admin, waiting).await,
        ["urgent", "high", "medium", "low", "none"].map(id).to_vec()
    );
    assert_eq!(
        org_list(app, &d.org, admin, &format!("?label={vip}&sort=priority")).await,
        vec![id("urgent"), id("low")]
    );
    assert_eq!(
        org_list(app, &d.org, admin, "?priority=high").await,
        vec![id("high")]
    );
    assert!(
        org_list(app, &d.org, admin, &format!("?label={vip}&priority=medium"))
            .await
            .is_empty()
    );

    // A plain agent's filtered list holds only what their lists hold.
    let (_, his) = d.assigned(&d.tobias, "Tobias's VIP").await;
    set_labels(app, admin, &his, &[&vip]).await;
    let for_nora = org_list(app, &d.org, &d.nora.token, &format!("?label={vip}")).await;
    assert_eq!(sorted(for_nora), sorted(vec![id("urgent"), id("low")]));
    let for_admin = org_list(app, &d.org, admin, &format!("?label={vip}")).await;
    assert!(for_admin.contains(&his));

    for (query, field) in [
        ("status=open", "status"),
        ("agent_id=nobody", "agent_id"),
        ("label=vip", "label"),
        ("priority=critical", "priority"),
        ("sort=alphabetical", "sort"),
    ] {
        let path = format!("/api/sessions/organization/{}?{query}", d.org.id);
        let res = app.get(&path, Some(admin)).await;
        assert_error(&res, 400, "validation_failed");
        assert!(res.1["fields"][field].is_string(), "{query}: {}", res.1);
    }
}

#[tokio::test]
async fn deleting_a_label_takes_it_off_conversations_and_out_of_filters() {
    let d = desk().await;
    let (app, s, admin) = (&d.app, d.session.as_str(), &d.org.admin_token);
    let gone = label(app, &d.org, "Obsolete").await;
    let kept = label(app, &d.org, "Kept").await;
    set_labels(app, &d.nora.token, s, &[&gone, &kept]).await;
    assert_eq!(
        org_list(app, &d.org, admin, &format!("?label={gone}")).await,
        vec![s]
    );

    assert_eq!(
        app.delete(&format!("/api/labels/{gone}"), Some(admin))
            .await
            .0,
        204
    );
    assert!(
        org_list(app, &d.org, admin, &format!("?label={gone}"))
            .await
            .is_empty(),
        "a deleted label filters nothing"
    );
    assert_eq!(
        org_list(app, &d.org, admin, &format!("?label={kept}")).await,
        vec![s]
    );
    let (_, changed) = set_priority(app, &d.nora.token, s, "medium").await;
    assert_eq!(changed["session"]["labels"], json!([kept]));
    // Nor can it be put back on.
    assert_error(
        &set_labels(app, &d.nora.token, s, &[&gone]).await,
        400,
        "validation_failed",
    );
}

// ---------------------------------------------------------------------------------------------
// Canned replies

#[tokio::test]
async fn canned_replies_are_shared_by_supervisors_or_kept_for_oneself() {
    let d = desk().await;
    let app = &d.app;
    let (status, mine) = create_reply(
        app,
        &d.nora.token,
        json!({ "shortcut": "refund", "content": "Hi {{customer.name}}, your refund is on its way." }),
    )
    .await;
    assert_eq!(status, 201, "{mine}");
    let mine = &mine["canned_reply"];
    assert_eq!(mine["owner_id"], d.nora.id.as_str(), "personal by default");
    assert_eq!(mine["organization_id"], d.org.id.as_str());
    assert_error(
        &create_reply(
            app,
            &d.nora.token,
            json!({ "shortcut": "greet", "content": "Hello", "personal": false }),
        )
        .await,
        403,
        "forbidden",
    );
    let (status, shared) = create_reply(
        app,
        &d.sup.token,
        json!({ "shortcut": "greet", "content": "Hello from {{organization.name}}", "personal": false }),
    )
    .await;
    assert_eq!(status, 201, "{shared}");
    assert!(shared["canned_reply"]["owner_id"].is_null());
    reply(app, &d.tobias.token, "mine", true).await;

    // Each sees the shared ones and their own, by shortcut.
    assert_eq!(shortcuts(app, &d.nora.token).await, vec!["greet", "refund"]);
    assert_eq!(shortcuts(app, &d.tobias.token).await, vec!["greet", "mine"]);
    assert_eq!(shortcuts(app, &d.org.admin_token).await, vec!["greet"]);
}

#[tokio::test]
async fn a_canned_reply_is_changed_or_deleted_only_by_who_keeps_it() {
    let d = desk().await;
    let app = &d.app;
    let mine = reply(app, &d.nora.token, "refund", true).await;
    let his = reply(app, &d.tobias.token, "mine", true).await;
    let shared = reply(app, &d.sup.token, "greet", false).await;

    // Another agent's own reply does not exist for anyone else, admins included.
    let his_path = format!("/api/canned-replies/{his}");
    for token in [&d.nora.token, &d.org.admin_token] {
        assert_error(
            &app.put(&his_path, Some(token), json!({ "content": "taken" }))
                .await,
            404,
            "not_found",
        );
        assert_error(&app.delete(&his_path, Some(token)).await, 404, "not_found");
    }
    let shared_path = format!("/api/canned-replies/{shared}");
    assert_error(
        &app.put(
            &shared_path,
            Some(&d.nora.token),
            json!({ "content": "mine now" }),
        )
        .await,
        403,
        "forbidden",
    );
    assert_error(
        &app.delete(&shared_path, Some(&d.nora.token)).await,
        403,
        "forbidden",
    );
    let (status, edited) = app
        .put(
            &shared_path,
            Some(&d.sup.token),
            json!({ "content": "Hello!" }),
        )
        .await;
    assert_eq!(status, 200, "{edited}");
    assert_eq!(edited["canned_reply"]["content"], "Hello!");
    assert_eq!(
        edited["canned_reply"]["shortcut"], "greet",
        "unchanged fields kept"
    );

    let mine_path = format!("/api/canned-replies/{mine}");
    let (status, renamed) = app
        .put(
            &mine_path,
            Some(&d.nora.token),
            json!({ "shortcut": "refunds" }),
        )
        .await;
    assert_eq!(status, 200, "{renamed}");
    assert_eq!(renamed["canned_reply"]["content"], "Text of refund");

    // Another organization finds none of it.
    let other = app.signup_org("Copycats").await;
    assert!(shortcuts(app, &other.admin_token).await.is_empty());
    assert_error(
        &app.put(
            &shared_path,
            Some(&other.admin_token),
            json!({ "content": "x" }),
        )
        .await,
        404,
        "not_found",
    );
    assert_error(
        &app.delete(&shared_path, Some(&other.admin_token)).await,
        404,
        "not_found",
    );

    assert_eq!(app.delete(&mine_path, Some(&d.nora.token)).await.0, 204);
    assert_error(
        &app.delete(&mine_path, Some(&d.nora.token)).await,
        404,
        "not_found",
    );
    assert_eq!(shortcuts(app, &d.nora.token).await, vec!["greet"]);
    assert_eq!(shortcuts(app, &d.tobias.token).await, vec!["greet", "mine"]);
}

#[tokio::test]
async fn canned_replies_are_validated_and_a_refused_one_changes_nothing() {
    let d = desk().await;
    let app = &d.app;
    let too_long = "x".repeat(raasel::domain::input::MAX_CONTENT_CHARS + 1);
    for (body, field) in [
        (
            json!({ "shortcut": "Two Words", "content": "x" }),
            "shortcut",
        ),
        (json!({ "shortcut": "", "content": "x" }), "shortcut"),
        (
            json!({ "shortcut": "a".repeat(33), "content": "x" }),
            "shortcut",
        ),
        (json!({ "content": "x" }), "shortcut"),
        (json!({ "shortcut": "ok", "content": "   " }), "content"),
        (json!({ "shortcut": "ok" }), "content"),
        (json!({ "shortcut": "ok", "content": too_long }), "content"),
    ] {
        let res = create_reply(app, &d.nora.token, body.clone()).await;
        assert_error(&res, 400, "validation_failed");
        assert!(res.1["fields"][field].is_string(), "{body}: {}", res.1);
    }
    assert_error(
        &create_reply(
            app,
            &d.nora.token,
            json!({ "shortcut": "ok", "content": "x", "owner_id": d.tobias.id }),
        )
        .await,
        400,
        "validation_failed",
    );
    assert!(shortcuts(app, &d.nora.token).await.is_empty());

    let id = reply(app, &d.nora.token, "ok", true).await;
    let res = app
        .put(
            &format!("/api/canned-replies/{id}"),
            Some(&d.nora.token),
            json!({ "shortcut": "NOT OK" }),
        )
        .await;
    assert_error(&res, 400, "validation_failed");
    assert_eq!(shortcuts(app, &d.nora.token).await, vec!["ok"]);
}

#[tokio::test]
async fn an_agent_keeps_at_most_their_bound_of_personal_replies() {
    let d = desk().await;
    let app = &d.app;
    for i in 0..canned::MAX_PERSONAL_PER_AGENT {
        reply(app, &d.nora.token, &format!("r{i}"), true).await;
    }
    assert_error(
        &create_reply(
            app,
            &d.nora.token,
            json!({ "shortcut": "extra", "content": "x" }),
        )
        .await,
        409,
        "conflict",
    );
    assert_eq!(
        shortcuts(app, &d.nora.token).await.len() as i64,
        canned::MAX_PERSONAL_PER_AGENT
    );
    // The bound is each agent's: a teammate, and the organization's shared ones, are not full.
    reply(app, &d.tobias.token, "extra", true).await;
    reply(app, &d.sup.token, "shared-extra", false).await;
}

// ---------------------------------------------------------------------------------------------
// The customer panel

/// A visitor of `org` opens a conversation reporting `context` and `attributes`.
async fn open_with(
    app: &TestApp,
    visitor: &ClientHandle,
    org: &OrgHandle,
    extra: Value,
) -> (u16, Value) {
    let mut body = json!({ "organization_id": org.id, "message": "I need help" });
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    app.post("/api/sessions", Some(&visitor.token), body).await
}

fn visit() -> Value {
    json!({
        "page_url": "https://shop.example/checkout?step=2",
        "page_title": "Checkout",
        "referrer": "https://search.example/?q=shoes",
        "user_agent": CHROME_ON_LINUX,
        "language": "de-DE",
        "time_zone": "Europe/Berlin"
    })
}

async fn context(app: &TestApp, token: &str, session: &str) -> (u16, Value) {
    app.get(&format!("/api/sessions/{session}/context"), Some(token))
        .await
}

#[tokio::test]
async fn the_visit_context_is_kept_from_the_start_without_the_address_by_default() {
    let app = spawn_app().await;
    let org = app.signup_org("Context").await;
    let visitor = app.visitor(&org, "Vera").await;
    let (status, opened) = open_with(&app, &visitor, &org, json!({ "context": visit() })).await;
    assert_eq!(status, 201, "{opened}");
    let session = id_of(&opened["session"]);
    let (status, body) = context(&app, &org.admin_token, &session).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["context"],
        json!({
            "page_url": "https://shop.example/checkout?step=2",
            "page_title": "Checkout",
            "referrer": "https://search.example/?q=shoes",
            "browser": "Chrome 131",
            "os": "Linux",
            "language": "de-DE",
            "time_zone": "Europe/Berlin"
        }),
        "browser and system read from the user agent, and no address"
    );
    let other = app.signup_org("Nosy").await;
    assert_error(
        &context(&app, &other.admin_token, &session).await,
        404,
        "not_found",
    );
    assert_error(
        &context(&app, &visitor.token, &session).await,
        403,
        "forbidden",
    );

    // What the widget reports is checked like any input.
    let mut bad = visit();
    bad["page_title"] = json!("bell\u{7}");
    let res = open_with(&app, &visitor, &org, json!({ "context": bad })).await;
    assert_error(&res, 400, "validation_failed");
    assert!(
        res.1["fields"]["context.page_title"].is_string(),
        "{}",
        res.1
    );
}

#[tokio::test]
async fn with_recording_turned_on_the_visit_context_holds_the_address() {
    let app = spawn_app_with(|a| a.record_visitor_ip = true).await;
    let org = app.signup_org("Recording").await;
    let visitor = app.visitor(&org, "Vera").await;
    let (_, opened) = open_with(&app, &visitor, &org, json!({ "context": visit() })).await;
    let (_, body) = context(&app, &org.admin_token, &id_of(&opened["session"])).await;
    assert_eq!(body["context"]["ip"], "127.0.0.1", "{body}");
    assert_eq!(body["context"]["browser"], "Chrome 131");
}

#[tokio::test]
async fn the_customer_panel_merges_what_the_site_sends_with_what_agents_edit() {
    let d = desk().await;
    let app = &d.app;
    let visitor = app.visitor(&d.org, "Zelda").await;
    let attrs = json!({ "attributes": { "plan": "pro", "seats": 3, "trial": true } });
    let (status, first) = open_with(app, &visitor, &d.org, attrs).await;
    assert_eq!(status, 201, "{first}");
    let (status, panel) = contact(app, &d.nora.token, &visitor.id).await;
    assert_eq!(status, 200, "{panel}");
    let c = &panel["contact"];
    assert_eq!(c["client_id"], visitor.id.as_str());
    assert_eq!(c["organization_id"], d.org.id.as_str());
    assert_eq!(c["name"], "Zelda");
    assert_eq!(
        (c["verified"].clone(), c["registered"].clone()),
        (json!(false), json!(false))
    );
    assert_eq!(
        c["attributes"],
        json!({ "plan": "pro", "seats": 3, "trial": true })
    );
    assert_eq!(ids(&panel["sessions"]), vec![id_of(&first["session"])]);

    // An agent's edit merges, and null removes a key.
    let (status, edited) = edit_contact(
        app,
        &d.nora.token,
        &visitor.id,
        json!({ "attributes": { "seats": 5, "trial": null, "region": "eu" }, "email": "zelda@shop.example" }),
    )
    .await;
    assert_eq!(status, 200, "{edited}");
    assert_eq!(
        edited["contact"]["attributes"],
        json!({ "plan": "pro", "seats": 5, "region": "eu" })
    );
    assert_eq!(edited["contact"]["email"], "zelda@shop.example");

    // The site's next conversation merges into the agents' edits, and is listed first.
    let (_, second) = open_with(
        app,
        &visitor,
        &d.org,
        json!({ "attributes": { "plan": "enterprise" } }),
    )
    .await;
    let (_, panel) = contact(app, &d.nora.token, &visitor.id).await;
    assert_eq!(
        panel["contact"]["attributes"],
        json!({ "plan": "enterprise", "seats": 5, "region": "eu" })
    );
    assert_eq!(
        ids(&panel["sessions"]),
        vec![id_of(&second["session"]), id_of(&first["session"])]
    );
    let (_, forgotten) =
        edit_contact(app, &d.nora.token, &visitor.id, json!({ "email": null })).await;
    assert!(forgotten["contact"]["email"].is_null(), "{forgotten}");
    assert_eq!(forgotten["contact"]["attributes"]["plan"], "enterprise");
}

#[tokio::test]
async fn renaming_a_customer_shows_in_the_lists_and_reaches_agents_live() {
    let d = desk().await;
    let app = &d.app;
    let sup_socket = app.socket(&d.sup.token).await;
    let (status, renamed) = edit_contact(
        app,
        &d.nora.token,
        &d.customer.id,
        json!({ "name": "Zelda Quarrington" }),
    )
    .await;
    assert_eq!(status, 200, "{renamed}");
    assert_eq!(renamed["contact"]["name"], "Zelda Quarrington");
    assert_eq!(renamed["contact"]["registered"], true);
    let updated = sup_socket.wait_for("session_updated").await;
    assert_eq!(updated["session"]["id"], d.session.as_str());
    assert_eq!(updated["session"]["client_name"], "Zelda Quarrington");
    let path = format!("/api/sessions/organization/{}", d.org.id);
    let (_, listed) = app.get(&path, Some(&d.org.admin_token)).await;
    let row = list(&listed["sessions"])
        .iter()
        .find(|s| s["id"] == d.session.as_str())
        .expect("listed")
        .clone();
    assert_eq!(row["client_name"], "Zelda Quarrington");
}

#[tokio::test]
async fn contact_changes_out_of_bounds_are_refused_and_change_nothing() {
    let d = desk().await;
    let (app, client) = (&d.app, d.customer.id.as_str());
    edit_contact(
        app,
        &d.nora.token,
        client,
        json!({ "attributes": { "plan": "pro" } }),
    )
    .await;
    let (_, before) = contact(app, &d.nora.token, client).await;
    let long = "x".repeat(contacts::MAX_ATTRIBUTE_VALUE_CHARS + 1);
    let many: serde_json::Map<String, Value> = (0..=contacts::MAX_ATTRIBUTES)
        .map(|i| (format!("k{i}"), json!(i)))
        .collect();
    // Within the bound alone, over it with the attribute already kept.
    let one_too_many: serde_json::Map<String, Value> = (0..contacts::MAX_ATTRIBUTES)
        .map(|i| (format!("k{i}"), json!(i)))
        .collect();
    for (body, field) in [
        (json!({ "attributes": { "note": long } }), "attributes"),
        (json!({ "attributes": many }), "attributes"),
        (json!({ "attributes": one_too_many }), "attributes"),
        (json!({ "attributes": { "bad key": 1 } }), "attributes"),
        (
            json!({ "attributes": { "nested": { "a": 1 } } }),
            "attributes",
        ),
        (json!({ "attributes": { "list": [1] } }), "attributes"),
        (json!({ "name": "  " }), "name"),
        (json!({ "email": "not an address" }), "email"),
    ] {
        let res = edit_contact(app, &d.nora.token, client, body.clone()).await;
        assert_error(&res, 400, "validation_failed");
        assert!(res.1["fields"][field].is_string(), "{field}: {}", res.1);
    }
    assert_eq!(contact(app, &d.nora.token, client).await.1, before);

    // The same bounds hold for what the site sends at the start.
    let visitor = app.visitor(&d.org, "Vic").await;
    let res = open_with(
        app,
        &visitor,
        &d.org,
        json!({ "attributes": { "note": "y".repeat(contacts::MAX_ATTRIBUTE_VALUE_CHARS + 1) } }),
    )
    .await;
    assert_error(&res, 400, "validation_failed");
    assert!(res.1["fields"]["attributes"].is_string(), "{}", res.1);
    assert_error(
        &contact(app, &d.nora.token, &visitor.id).await,
        404,
        "not_found",
    );
}

#[tokio::test]
async fn the_customer_panel_shows_only_the_callers_organization() {
    let d = desk().await;
    let app = &d.app;
    let other = app.signup_org("Second shop").await;
    let theirs = id_of(
        &app.open_session(&d.customer, &other, Some("hi there"))
            .await,
    );
    let (_, panel) = contact(app, &d.nora.token, &d.customer.id).await;
    assert_eq!(ids(&panel["sessions"]), vec![d.session.clone()]);
    let (_, panel) = contact(app, &other.admin_token, &d.customer.id).await;
    assert_eq!(ids(&panel["sessions"]), vec![theirs.clone()]);

    // A rename by one organization is its own.
    let res = edit_contact(
        app,
        &other.admin_token,
        &d.customer.id,
        json!({ "name": "Their name", "attributes": { "tier": "gold" } }),
    )
    .await;
    assert_eq!(res.0, 200, "{}", res.1);
    let ours = app.session(&d.nora.token, &d.session).await;
    assert_ne!(ours["client_name"], "Their name");
    let (_, panel) = contact(app, &d.nora.token, &d.customer.id).await;
    assert_eq!(panel["contact"]["attributes"], json!({}));
    assert_ne!(panel["contact"]["name"], "Their name");

    // A customer with no conversation here, or no customer at all, is not found.
    let stranger = app.register_client().await;
    let unknown = uuid::Uuid::now_v7().to_string();
    for id in [stranger.id.as_str(), unknown.as_str()] {
        assert_error(&contact(app, &d.nora.token, id).await, 404, "not_found");
        assert_error(
            &edit_contact(app, &d.nora.token, id, json!({ "name": "x" })).await,
            404,
            "not_found",
        );
    }
    assert_error(
        &contact(app, &d.customer.token, &d.customer.id).await,
        403,
        "forbidden",
    );
}

// ---------------------------------------------------------------------------------------------
// Search

#[tokio::test]
async fn search_finds_messages_by_word_prefix_and_marks_the_matches() {
    let d = desk().await;
    let (app, s) = (&d.app, d.session.as_str());
    let m = say(
        app,
        &d.customer.token,
        s,
        "Where is my refund? Refunds take days",
    )
    .await;
    let results = search(app, &d.nora.token, "REFUN").await;
    let hit = results
        .iter()
        .find(|r| r["matched"] == "message")
        .expect("a message matched");
    assert_eq!(hit["session"]["id"], s);
    assert_eq!(hit["seq"], m["seq"]);
    let snippet = &hit["snippet"];
    let text: Vec<char> = snippet["text"].as_str().unwrap().chars().collect();
    let marked: Vec<String> = list(&snippet["highlights"])
        .iter()
        .map(|h| {
            let (a, b) = (
                h[0].as_u64().unwrap() as usize,
                h[1].as_u64().unwrap() as usize,
            );
            text[a..b].iter().collect()
        })
        .collect();
    assert_eq!(marked, vec!["refund", "Refunds"]);

    // Every word must match, each at the start of a word.
    assert_eq!(
        found(&search(app, &d.nora.token, "refund days").await, "message"),
        vec![s]
    );
    assert!(found(&search(app, &d.nora.token, "refund never").await, "message").is_empty());
    assert!(found(&search(app, &d.nora.token, "efund").await, "message").is_empty());
    // Notes are found by agents too.
    let n = note(app, &d.nora.token, s, "escalated to the warehouse").await;
    let results = search(app, &d.nora.token, "wareh").await;
    assert_eq!(results[0]["seq"], n["seq"]);
}

#[tokio::test]
async fn search_finds_customers_by_name_or_email_and_conversations_by_label() {
    let d = desk().await;
    let app = &d.app;
    let visitor = app.visitor(&d.org, "Quentin Marblethorpe").await;
    let by_name = id_of(&app.open_session(&visitor, &d.org, Some("hi")).await);
    let results = search(app, &d.sup.token, "marbleTHORPE").await;
    assert_eq!(found(&results, "customer"), vec![by_name]);
    assert_eq!(results[0]["matched"], "customer", "customers come first");
    let results = search(app, &d.sup.token, &d.customer.email).await;
    assert_eq!(found(&results, "customer"), vec![d.session.clone()]);

    let escalated = label(app, &d.org, "Escalated to finance").await;
    set_labels(app, &d.nora.token, &d.session, &[&escalated]).await;
    let results = search(app, &d.sup.token, "finance").await;
    assert_eq!(found(&results, "label"), vec![d.session.clone()]);
}

#[tokio::test]
async fn a_plain_agent_finds_only_their_own_conversations_and_the_queue() {
    let d = desk().await;
    let app = &d.app;
    let word = "kumquat";
    let own = d.session.clone();
    say(app, &d.nora.token, &own, &format!("your {word} order")).await;
    let (_, queued) = d.queued(&format!("a {word} question")).await;
    let (_, his) = d
        .assigned(&d.tobias, &format!("my {word} is bruised"))
        .await;
    let everything = sorted(vec![own.clone(), queued.clone(), his.clone()]);

    let nora = found(&search(app, &d.nora.token, word).await, "message");
    assert_eq!(nora, sorted(vec![own.clone(), queued.clone()]));
    for token in [&d.sup.token, &d.org.admin_token] {
        assert_eq!(
            found(&search(app, token, word).await, "message"),
            everything
        );
    }
    // The same holds for customers found by name.
    let customer = app.visitor(&d.org, "Pomelo Person").await;
    let theirs = id_of(&app.open_session(&customer, &d.org, Some("hi")).await);
    app.assign(&d.org.admin_token, &theirs, &d.tobias.id).await;
    assert!(found(&search(app, &d.nora.token, "pomelo").await, "customer").is_empty());
    assert_eq!(
        found(&search(app, &d.sup.token, "pomelo").await, "customer"),
        vec![theirs]
    );

    // Another organization's agents find nothing for the same words.
    let other = app.signup_org("Other grocer").await;
    assert!(search(app, &other.admin_token, word).await.is_empty());
    assert!(search(app, &other.admin_token, "pomelo").await.is_empty());
}

#[tokio::test]
async fn search_refuses_empty_long_or_wordless_queries() {
    let d = desk().await;
    let app = &d.app;
    let too_long = "a".repeat(search::MAX_QUERY_CHARS + 1);
    for q in ["", "   ", too_long.as_str(), "%%% ... !!!"] {
        let res = search_raw(app, &d.nora.token, q).await;
        assert_error(&res, 400, "validation_failed");
        assert!(res.1["fields"]["q"].is_string(), "{q:?}: {}", res.1);
    }
    let res = app.get("/api/search", Some(&d.nora.token)).await;
    assert_error(&res, 400, "validation_failed");
    assert!(
        search_raw(app, &d.nora.token, &"a".repeat(search::MAX_QUERY_CHARS))
            .await
            .0
            == 200
    );
    assert_error(
        &search_raw(app, &d.customer.token, "parcel").await,
        403,
        "forbidden",
    );
}

#[tokio::test]
async fn searches_are_limited_per_agent_per_minute() {
    let d = desk().await;
    let app = &d.app;
    let started = std::time::Instant::now();
    let mut answered = 0;
    let refused = loop {
        let res = search_raw(app, &d.nora.token, "parcel").await;
        if res.0 != 200 {
            break res;
        }
        answered += 1;
        assert!(answered <= 2 * SEARCHES_PER_MINUTE, "never limited");
    };
    assert_error(&refused, 429, "rate_limited");
    // The budget refills at SEARCHES_PER_MINUTE a minute, so a slow loop earns a few more.
    let refilled =
        (started.elapsed().as_secs_f64() * f64::from(SEARCHES_PER_MINUTE) / 60.0).ceil() as u32;
    assert!(
        (SEARCHES_PER_MINUTE..=SEARCHES_PER_MINUTE + refilled).contains(&answered),
        "{answered} searches answered"
    );
    // The budget is each agent's own.
    assert_eq!(search_raw(app, &d.tobias.token, "parcel").await.0, 200);
}

// ---------------------------------------------------------------------------------------------
// Reopening

#[tokio::test]
async fn a_plain_agent_reopens_only_a_conversation_that_was_theirs_and_it_comes_back_to_them() {
    let d = desk().await;
    let app = &d.app;
    let (customer, his) = d.assigned(&d.tobias, "please help").await;
    assert_eq!(app.close(&d.tobias.token, &his).await.0, 200);
    let customer_socket = app.socket(&customer.token).await;
    let _online = app.socket(&d.tobias.token).await;

    assert_error(&reopen(app, &d.nora.token, &his).await, 403, "forbidden");
    assert_eq!(app.session(&d.sup.token, &his).await["status"], "closed");

    let (status, body) = reopen(app, &d.tobias.token, &his).await;
    assert_eq!(status, 200, "{body}");
    let s = &body["session"];
    assert_eq!(s["status"], "active");
    assert_eq!(s["agent_id"], d.tobias.id.as_str(), "back to its agent");
    assert!(s["closed_at"].is_null());
    let log = history(app, &d.tobias.token, &his).await;
    let notes: Vec<&str> = log
        .iter()
        .filter(|m| m["sender_type"] == "system")
        .filter_map(|m| m["content"].as_str())
        .collect();
    assert!(
        notes.contains(&"Tobias Keller reopened the conversation"),
        "{notes:?}"
    );
    let status_event = customer_socket
        .wait_for_where("session_status_updated", crate::socket::WAIT, |v| {
            v["session_id"] == his.as_str() && v["status"] == "active"
        })
        .await;
    assert!(
        status_event.is_some(),
        "the customer hears it is open again"
    );
    // The customer can write again.
    say(app, &customer.token, &his, "thanks for coming back").await;
}

#[tokio::test]
async fn a_reopened_conversation_whose_agent_cannot_take_it_waits_in_the_queue() {
    let d = desk().await;
    let app = &d.app;
    let (_, his) = d.assigned(&d.tobias, "please help").await;
    app.close(&d.tobias.token, &his).await;
    let other = app.signup_org("Meddlers").await;
    assert_error(
        &reopen(app, &other.admin_token, &his).await,
        404,
        "not_found",
    );
    // Tobias is not online: nobody can take it now, so it waits for the next who can.
    let (status, body) = reopen(app, &d.sup.token, &his).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["session"]["status"], "waiting");
    assert!(body["session"]["agent_id"].is_null(), "{body}");
    let log = history(app, &d.sup.token, &his).await;
    assert_eq!(
        log.last().unwrap()["content"],
        "Sam Overseer reopened the conversation"
    );
    // Reopening an open conversation changes nothing.
    let (status, again) = reopen(app, &d.sup.token, &his).await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["session"]["last_seq"], body["session"]["last_seq"]);
    // Nora comes online: the queue gives it to her.
    let _nora = app.socket(&d.nora.token).await;
    crate::support::wait_until(
        "the reopened conversation reaches Nora",
        crate::socket::WAIT,
        || async { app.session(&d.sup.token, &his).await["agent_id"] == d.nora.id.as_str() },
    )
    .await;

    // Closed by its customer before anyone took it: any agent may reopen it.
    let (customer, nobodys) = d.queued("never mind").await;
    assert_eq!(app.close(&customer.token, &nobodys).await.0, 200);
    assert_error(
        &reopen(app, &customer.token, &nobodys).await,
        403,
        "forbidden",
    );
    let (status, body) = reopen(app, &d.nora.token, &nobodys).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["session"]["agent_id"], d.nora.id.as_str(), "{body}");
    assert_eq!(body["session"]["status"], "active");
}

// ---------------------------------------------------------------------------------------------
// Who may call

#[tokio::test]
async fn the_workspace_answers_agents_only() {
    let d = desk().await;
    let app = &d.app;
    let id = uuid::Uuid::now_v7();
    let s = &d.session;
    let routes = [
        ("GET", "/api/labels".to_string()),
        ("POST", "/api/labels".to_string()),
        ("PUT", format!("/api/labels/{id}")),
        ("DELETE", format!("/api/labels/{id}")),
        ("GET", "/api/canned-replies".to_string()),
        ("POST", "/api/canned-replies".to_string()),
        ("PUT", format!("/api/canned-replies/{id}")),
        ("DELETE", format!("/api/canned-replies/{id}")),
        ("GET", format!("/api/contacts/{}", d.customer.id)),
        ("PUT", format!("/api/contacts/{}", d.customer.id)),
        ("GET", "/api/mentions".to_string()),
        ("PUT", "/api/mentions/read".to_string()),
        ("GET", "/api/search?q=parcel".to_string()),
        ("PUT", format!("/api/sessions/{s}/reopen")),
        ("PUT", format!("/api/sessions/{s}/labels")),
        ("PUT", format!("/api/sessions/{s}/priority")),
        ("GET", format!("/api/sessions/{s}/context")),
    ];
    for (method, path) in &routes {
        let method: reqwest::Method = method.parse().unwrap();
        let body = (method != reqwest::Method::GET && method != reqwest::Method::DELETE)
            .then(|| json!({}));
        let res = app
            .call(method.clone(), path, Some(&d.customer.token), body.clone())
            .await;
        assert_error(&res, 403, "forbidden");
        let res = app.call(method, path, None, body).await;
        assert_error(&res, 401, "unauthorized");
    }
}
