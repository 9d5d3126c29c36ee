//! E-mail to customers through a real SMTP server (the tests' aiosmtpd sink): the replies a
//! customer missed in one e-mail per burst, transcripts, the request to rate a closed
//! conversation, signed links (open again, rate, unsubscribe; tampered or expired ones
//! refused), and a server killed between sending and recording never sending twice.

use std::time::Duration;

use serde_json::{Value, json};

use crate::mailbox::{SmtpSink, header, link, query_param, text};
use crate::process::ServerProcess;
use crate::socket::WAIT;
use crate::support::*;

const FROM: &str = "support@raasel.test";
const PUBLIC: &str = "http://chat.raasel.test";

/// A server that e-mails through `sink`, and an organization whose unread replies go out one
/// second after the first of them.
async fn mailing(sink: &SmtpSink) -> (TestApp, OrgHandle) {
    let url = sink.url();
    let app = spawn_app_with(|a| {
        a.smtp_url = Some(url);
        a.smtp_from = Some(FROM.into());
        a.public_url = Some(PUBLIC.into());
    })
    .await;
    let org = app.signup_org("Mail Garden").await;
    settings(&app, &org, json!({ "email_after_secs": 1 })).await;
    (app, org)
}

async fn settings(app: &TestApp, org: &OrgHandle, settings: Value) -> (u16, Value) {
    let res = app
        .put(
            &format!("/api/organizations/{}", org.id),
            Some(&org.admin_token),
            json!({ "settings": settings }),
        )
        .await;
    assert_eq!(res.0, 200, "{}", res.1);
    res
}

/// A visitor who wrote `first` and left `email` for replies; the conversation's id.
async fn visitor_with_email(app: &TestApp, org: &OrgHandle, email: &str) -> (ClientHandle, String) {
    let visitor = app.visitor(org, "Vera Visitor").await;
    let s = app
        .open_session(&visitor, org, Some("Do you ship seeds abroad?"))
        .await;
    let id = s["id"].as_str().unwrap().to_string();
    let (status, body) = app
        .put(
            &format!("/api/sessions/{id}/email"),
            Some(&visitor.token),
            json!({ "email": email }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["email"], email);
    (visitor, id)
}

async fn reply(app: &TestApp, org: &OrgHandle, session: &str, text: &str) {
    let (status, body) = app.send(&org.admin_token, session, text).await;
    assert_eq!(status, 201, "{body}");
}

#[tokio::test]
async fn replies_a_visitor_missed_arrive_in_one_email_per_burst_with_links_that_work() {
    let sink = SmtpSink::start().await;
    let (app, org) = mailing(&sink).await;
    let (visitor, session) = visitor_with_email(&app, &org, "vera@example.com").await;

    reply(&app, &org, &session, "Yes, to most of Europe.").await;
    reply(&app, &org, &session, "Use <b>code</b> SPRING & save.").await;
    let mails = sink.wait_for(1, "the replies e-mail").await;
    let mail = &mails[0];
    assert_eq!(mail["envelope_to"], json!(["vera@example.com"]));
    assert_eq!(header(mail, "Subject"), "2 new replies from Mail Garden");
    assert_eq!(header(mail, "From"), format!("Mail Garden <{FROM}>"));
    assert!(
        header(mail, "Message-ID").ends_with("@raasel.test>"),
        "{mail}"
    );
    assert_eq!(
        header(mail, "List-Unsubscribe-Post"),
        "List-Unsubscribe=One-Click"
    );
    assert!(text(mail).contains("Yes, to most of Europe."));
    assert!(text(mail).contains("Use <b>code</b> SPRING & save."));
    let html = mail["html"].as_str().unwrap();
    assert!(
        html.contains("Use &lt;b&gt;code&lt;/b&gt; SPRING &amp; save."),
        "{html}"
    );
    assert!(!html.contains("<b>code</b>"));

    // The link opens the conversation again: the visitor gets back in with it.
    let open = link(
        mail,
        &format!("{PUBLIC}/widget/?org={}&resume=", org.domain),
    );
    let token = query_param(&open, "resume");
    let (status, redeemed) = app
        .post("/api/email-links/redeem", None, json!({ "token": token }))
        .await;
    assert_eq!(status, 200, "{redeemed}");
    assert_eq!(redeemed["session_id"], session.as_str());
    assert_eq!(redeemed["domain"], org.domain.as_str());
    let back = redeemed["token"].as_str().expect("a visitor's sign-in");
    let (status, seen) = app
        .get(&format!("/api/sessions/{session}"), Some(back))
        .await;
    assert_eq!(status, 200, "{seen}");
    assert_eq!(seen["session"]["client_id"], visitor.id.as_str());

    // A tampered link, or an unsubscribe link used to open, is refused.
    let mut tampered = token.clone();
    tampered.pop();
    tampered.push(if token.ends_with('A') { 'B' } else { 'A' });
    for bad in [
        tampered,
        query_param(header(mail, "List-Unsubscribe"), "token")
            .trim_end_matches('>')
            .to_string(),
    ] {
        let res = app
            .post("/api/email-links/redeem", None, json!({ "token": bad }))
            .await;
        assert_error(&res, 401, "unauthorized");
    }

    // The next reply comes in an e-mail of its own, without the ones e-mailed before.
    reply(&app, &org, &session, "Anything else?").await;
    let mails = sink.wait_for(2, "the second replies e-mail").await;
    assert_eq!(header(&mails[1], "Subject"), "A new reply from Mail Garden");
    assert!(text(&mails[1]).contains("Anything else?"));
    assert!(!text(&mails[1]).contains("Yes, to most of Europe."));
    assert_ne!(
        header(&mails[0], "Message-ID"),
        header(&mails[1], "Message-ID")
    );

    // Read in time, a reply is not e-mailed: the next e-mail is the transcript asked for.
    let socket = app.socket(&visitor.token).await;
    reply(&app, &org, &session, "Read me in the widget.").await;
    let last = app.session(&visitor.token, &session).await["last_seq"]
        .as_i64()
        .unwrap();
    let ack = socket
        .call("mark_read", json!({ "session_id": session, "seq": last }))
        .await;
    assert_eq!(ack["ok"], true, "{ack}");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let (status, body) = app
        .post(
            &format!("/api/sessions/{session}/transcript"),
            Some(&visitor.token),
            json!({}),
        )
        .await;
    assert_eq!(status, 202, "{body}");
    assert_eq!(body["to"], "v…@example.com");
    let mails = sink.wait_for(3, "the transcript").await;
    assert_eq!(mails.len(), 3, "no e-mail for a reply read in time");
    assert_eq!(
        header(&mails[2], "Subject"),
        "Your conversation with Mail Garden"
    );
    for line in [
        "Do you ship seeds abroad?",
        "Anything else?",
        "Read me in the widget.",
    ] {
        assert!(text(&mails[2]).contains(line), "{line} in the transcript");
    }
}

#[tokio::test]
async fn unsubscribing_stops_the_organizations_emails_until_the_customer_leaves_an_address_again() {
    let sink = SmtpSink::start().await;
    let (app, org) = mailing(&sink).await;
    let (visitor, session) = visitor_with_email(&app, &org, "una@example.com").await;
    reply(&app, &org, &session, "First answer").await;
    let mails = sink.wait_for(1, "the replies e-mail").await;
    let unsubscribe = header(&mails[0], "List-Unsubscribe")
        .trim_matches(['<', '>'])
        .to_string();
    assert!(unsubscribe.starts_with(&format!("{PUBLIC}/api/email-links/unsubscribe?token=")));
    let path = unsubscribe.trim_start_matches(PUBLIC);
    // Opening the link changes nothing; its button (or a mail program's one-click POST) does.
    let page = reqwest::get(format!("{}{path}", app.base)).await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("Unsubscribe</button>"));
    let (status, _) = app
        .post(
            &format!("/api/sessions/{session}/transcript"),
            Some(&org.admin_token),
            json!({}),
        )
        .await;
    assert_eq!(status, 202, "still subscribed after only opening the page");
    sink.wait_for(2, "the transcript before unsubscribing")
        .await;
    let done = reqwest::Client::new()
        .post(format!("{}{path}", app.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), 200);
    assert!(done.text().await.unwrap().contains("Mail Garden"));

    reply(&app, &org, &session, "Second answer").await;
    let res = app
        .post(
            &format!("/api/sessions/{session}/transcript"),
            Some(&org.admin_token),
            json!({}),
        )
        .await;
    assert_error(&res, 409, "conflict");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(sink.mails().len(), 2, "nothing after unsubscribing");

    // Leaving the address again is consent again.
    app.put(
        &format!("/api/sessions/{session}/email"),
        Some(&visitor.token),
        json!({ "email": "una@example.com" }),
    )
    .await;
    reply(&app, &org, &session, "Third answer").await;
    let mails = sink
        .wait_for(3, "the replies e-mail after leaving the address again")
        .await;
    assert!(text(&mails[2]).contains("Third answer"));
    assert!(!text(&mails[2]).contains("First answer"));
}

#[tokio::test]
async fn a_closed_conversation_is_rated_once_in_the_widget_or_from_the_email() {
    let sink = SmtpSink::start().await;
    let (app, org) = mailing(&sink).await;
    let (visitor, session) = visitor_with_email(&app, &org, "rita@example.com").await;
    let rate = |token: String, body: Value| {
        let app = &app;
        let session = session.clone();
        async move {
            app.post(
                &format!("/api/sessions/{session}/rating"),
                Some(&token),
                body,
            )
            .await
        }
    };
    assert_error(
        &rate(visitor.token.clone(), json!({ "score": 5 })).await,
        409,
        "conflict",
    );
    let agents = app.socket(&org.admin_token).await;
    assert_eq!(app.close(&org.admin_token, &session).await.0, 200);

    // Gone by then, the visitor is asked by e-mail: five links, one per score.
    let mails = sink.wait_for(1, "the rating request").await;
    assert_eq!(
        header(&mails[0], "Subject"),
        "How was your conversation with Mail Garden?"
    );
    let four = link(&mails[0], PUBLIC).replace("&rate=1", "");
    let token = query_param(&four, "resume");
    assert!(text(&mails[0]).contains("&rate=5"));
    for bad in [
        json!({ "score": 0 }),
        json!({ "score": 6 }),
        json!({ "score": "5" }),
        json!({}),
    ] {
        let res = app
            .post(
                "/api/email-links/rating",
                None,
                json!({ "token": token, "score": bad["score"] }),
            )
            .await;
        assert!(matches!(res.0, 400 | 422), "{bad}: {res:?}");
    }
    let (status, body) = app
        .post(
            "/api/email-links/rating",
            None,
            json!({ "token": token, "score": 4, "comment": "Quick and kind" }),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["rating"]["score"], 4);
    let heard = agents
        .wait_for_where("session_updated", WAIT, |v| {
            v["session"]["id"] == session.as_str()
        })
        .await;
    assert!(heard.is_some(), "the agents hear of the rating");
    // Once only, wherever it comes from.
    assert_error(
        &rate(visitor.token.clone(), json!({ "score": 1 })).await,
        409,
        "conflict",
    );
    let (_, seen) = app
        .get(&format!("/api/sessions/{session}"), Some(&org.admin_token))
        .await;
    assert_eq!(seen["session"]["rating"]["score"], 4);
    assert_eq!(seen["session"]["rating"]["comment"], "Quick and kind");
    let (_, mine) = app.get("/api/sessions", Some(&visitor.token)).await;
    assert_eq!(mine["sessions"][0]["rating"]["score"], 4, "{mine}");
}

#[tokio::test]
async fn ratings_follow_the_organizations_choice_and_are_checked() {
    let app = spawn_app().await;
    let org = app.signup_org("Rated").await;
    let customer = app.register_client().await;
    let s = app.open_session(&customer, &org, Some("hi")).await;
    let id = s["id"].as_str().unwrap().to_string();
    app.close(&org.admin_token, &id).await;
    let path = format!("/api/sessions/{id}/rating");
    assert_error(
        &app.post(&path, Some(&customer.token), json!({ "score": 9 }))
            .await,
        400,
        "validation_failed",
    );
    assert_error(
        &app.post(
            &path,
            Some(&customer.token),
            json!({ "score": 3, "comment": "x".repeat(1001) }),
        )
        .await,
        400,
        "validation_failed",
    );
    // Agents do not rate; another customer finds nothing.
    assert_error(
        &app.post(&path, Some(&org.admin_token), json!({ "score": 3 }))
            .await,
        403,
        "forbidden",
    );
    let stranger = app.register_client().await;
    assert_error(
        &app.post(&path, Some(&stranger.token), json!({ "score": 3 }))
            .await,
        404,
        "not_found",
    );
    settings(&app, &org, json!({ "rating_style": "off" })).await;
    let (_, profile) = app
        .get(&format!("/api/organizations/discover/{}", org.domain), None)
        .await;
    assert_eq!(profile["organization"]["rating_style"], "off");
    assert_error(
        &app.post(&path, Some(&customer.token), json!({ "score": 3 }))
            .await,
        403,
        "forbidden",
    );
    settings(&app, &org, json!({ "rating_style": "faces" })).await;
    let (status, body) = app
        .post(&path, Some(&customer.token), json!({ "score": 2 }))
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["rating"]["comment"], Value::Null);
}

#[tokio::test]
async fn without_an_smtp_server_nothing_promises_email() {
    let app = spawn_app().await;
    let org = app.signup_org("No Mail").await;
    let (_, profile) = app
        .get(&format!("/api/organizations/discover/{}", org.domain), None)
        .await;
    assert_eq!(profile["organization"]["email_follow_up"], false);
    let customer = app.register_client().await;
    let s = app.open_session(&customer, &org, Some("hi")).await;
    let id = s["id"].as_str().unwrap();
    let res = app
        .post(
            &format!("/api/sessions/{id}/transcript"),
            Some(&customer.token),
            json!({}),
        )
        .await;
    assert_error(&res, 409, "conflict");
    assert!(
        res.1["message"]
            .as_str()
            .unwrap()
            .contains("does not send e-mail")
    );
    let res = app
        .post("/api/email-links/redeem", None, json!({ "token": "x.y.z" }))
        .await;
    assert!(matches!(res.0, 401 | 409), "{res:?}");
}

#[tokio::test]
async fn a_transcript_needs_an_address_and_goes_to_the_account_of_an_app_customer() {
    let sink = SmtpSink::start().await;
    let (app, org) = mailing(&sink).await;
    let (_, profile) = app
        .get(&format!("/api/organizations/discover/{}", org.domain), None)
        .await;
    assert_eq!(profile["organization"]["email_follow_up"], true);
    let nameless = app.visitor(&org, "No Address").await;
    let s = app.open_session(&nameless, &org, Some("hello")).await;
    let res = app
        .post(
            &format!("/api/sessions/{}/transcript", s["id"].as_str().unwrap()),
            Some(&org.admin_token),
            json!({}),
        )
        .await;
    assert_error(&res, 409, "conflict");
    let customer = app.register_client().await;
    let s = app.open_session(&customer, &org, Some("my order?")).await;
    let id = s["id"].as_str().unwrap().to_string();
    let (status, body) = app
        .post(
            &format!("/api/sessions/{id}/transcript"),
            Some(&customer.token),
            json!({}),
        )
        .await;
    assert_eq!(status, 202, "{body}");
    let mails = sink.wait_for(1, "the transcript").await;
    assert_eq!(mails[0]["envelope_to"], json!([customer.email]));
    // An app customer's link opens the app; its redemption gives no sign-in.
    let open = link(&mails[0], &format!("{PUBLIC}/?resume="));
    let (status, redeemed) = app
        .post(
            "/api/email-links/redeem",
            None,
            json!({ "token": query_param(&open, "resume") }),
        )
        .await;
    assert_eq!(status, 200, "{redeemed}");
    assert_eq!(redeemed["token"], Value::Null);
    assert_eq!(redeemed["session_id"], id.as_str());
    // Another organization's agent cannot ask for it.
    let other = app.signup_org("Elsewhere").await;
    let res = app
        .post(
            &format!("/api/sessions/{id}/transcript"),
            Some(&other.admin_token),
            json!({}),
        )
        .await;
    assert_error(&res, 404, "not_found");
}

// ------------------------------------------------------------------ whole processes

const OPERATOR: &str = "operator-of-mail";

async fn set_clock(server: &ServerProcess, now: chrono::DateTime<chrono::Utc>) {
    let res = reqwest::Client::new()
        .put(format!("{}/api/operator/clock", server.url))
        .bearer_auth(OPERATOR)
        .json(&json!({ "now": now.to_rfc3339() }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
}

async fn call(
    server: &ServerProcess,
    method: reqwest::Method,
    path: &str,
    token: Option<&str>,
    body: Value,
) -> (u16, Value) {
    let mut req = reqwest::Client::new().request(method, format!("{}{path}", server.url));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let res = req.json(&body).send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// The demo organization on a server of its own, e-mailing through `sink`; the admin's token
/// and a registered customer's token with their conversation.
async fn demo_server(sink: &SmtpSink, extra: &[&str]) -> ServerProcess {
    let url = sink.url();
    let mut args = vec![
        "--demo",
        "--manual-clock",
        "--operator-token",
        OPERATOR,
        "--smtp-url",
        &url,
        "--smtp-from",
        FROM,
        "--public-url",
        PUBLIC,
    ];
    args.extend_from_slice(extra);
    ServerProcess::start(&args).await
}

async fn customer_conversation(server: &ServerProcess) -> (String, String) {
    let (_, login) = call(
        server,
        reqwest::Method::POST,
        "/api/clients/login",
        None,
        json!({ "email": "alice@example.com", "password": "password123" }),
    )
    .await;
    let token = login["token"].as_str().unwrap().to_string();
    let (_, org) = call(
        server,
        reqwest::Method::GET,
        "/api/organizations/discover/sample.com",
        None,
        json!(null),
    )
    .await;
    let (status, opened) = call(
        server,
        reqwest::Method::POST,
        "/api/sessions",
        Some(&token),
        json!({ "organization_id": org["organization"]["id"], "message": "Please send me this" }),
    )
    .await;
    assert_eq!(status, 201, "{opened}");
    (token, opened["session"]["id"].as_str().unwrap().to_string())
}

#[tokio::test]
async fn a_server_killed_between_sending_and_recording_never_sends_that_email_twice() {
    let sink = SmtpSink::start().await;
    let mut first = demo_server(&sink, &[]).await;
    let (token, session) = customer_conversation(&first).await;
    // The SMTP server keeps the e-mail, then takes its time to say so: the sender is killed
    // while it waits, before it could record the e-mail as sent.
    sink.steer("delay", Some("30"));
    let path = format!("/api/sessions/{session}/transcript");
    let (status, body) = call(
        &first,
        reqwest::Method::POST,
        &path,
        Some(&token),
        json!({}),
    )
    .await;
    assert_eq!(status, 202, "{body}");
    let kept = sink
        .wait_for(1, "the transcript reaches the SMTP server")
        .await;
    first.signal(libc::SIGKILL);
    first.exit_status(Duration::from_secs(10)).await;
    sink.steer("delay", None);

    // Restarted on the same store, past the claim of the dead sender: the e-mail is given up
    // as uncertain, not sent again, while the next one goes out.
    let second = first
        .start_again(&[
            "--manual-clock",
            "--operator-token",
            OPERATOR,
            "--smtp-url",
            &sink.url(),
            "--smtp-from",
            FROM,
            "--public-url",
            PUBLIC,
        ])
        .await;
    set_clock(&second, chrono::Utc::now() + chrono::Duration::minutes(10)).await;
    second
        .wait_for_log("e-mails whose sending server stopped are not sent again")
        .await;
    let (status, body) = call(
        &second,
        reqwest::Method::POST,
        &path,
        Some(&token),
        json!({}),
    )
    .await;
    assert_eq!(status, 202, "{body}");
    let mails = sink.wait_for(2, "the next transcript").await;
    assert_eq!(mails.len(), 2, "the first e-mail went out once");
    assert_eq!(
        header(&mails[0], "Message-ID"),
        header(&kept[0], "Message-ID")
    );
    assert_ne!(
        header(&mails[1], "Message-ID"),
        header(&mails[0], "Message-ID")
    );
}

#[tokio::test]
async fn a_deferred_email_is_retried_later_and_an_expired_link_is_refused() {
    let sink = SmtpSink::start().await;
    let server = demo_server(&sink, &[]).await;
    let (token, session) = customer_conversation(&server).await;
    sink.steer("defer", Some("1"));
    let path = format!("/api/sessions/{session}/transcript");
    let (status, _) = call(
        &server,
        reqwest::Method::POST,
        &path,
        Some(&token),
        json!({}),
    )
    .await;
    assert_eq!(status, 202);
    server.wait_for_log("e-mail not sent").await;
    assert!(sink.mails().is_empty());
    sink.steer("defer", None);
    // The retry is due 30 s later: the clock moves there instead of the test waiting.
    set_clock(&server, chrono::Utc::now() + chrono::Duration::seconds(40)).await;
    let mails = sink.wait_for(1, "the retried transcript").await;
    let open = link(&mails[0], &format!("{PUBLIC}/?resume="));
    let link_token = query_param(&open, "resume");
    let (status, _) = call(
        &server,
        reqwest::Method::POST,
        "/api/email-links/redeem",
        None,
        json!({ "token": link_token }),
    )
    .await;
    assert_eq!(status, 200);
    set_clock(&server, chrono::Utc::now() + chrono::Duration::days(15)).await;
    let (status, body) = call(
        &server,
        reqwest::Method::POST,
        "/api/email-links/redeem",
        None,
        json!({ "token": link_token }),
    )
    .await;
    assert_eq!(status, 401, "an expired link: {body}");
    assert!(server.logs().contains("an e-mail link was refused"));
}

#[tokio::test]
async fn three_servers_sharing_the_outbox_send_each_email_once() {
    let sink = SmtpSink::start().await;
    let database = fresh_postgres_schema().await;
    let (url, cluster) = (sink.url(), format!("mail{}", unique()));
    let redis = crate::lifecycle_nodes::test_redis();
    let bucket = bucket_flags(&fresh_bucket().0);
    let mut flags = vec![
        "--smtp-url",
        &url,
        "--smtp-from",
        FROM,
        "--public-url",
        PUBLIC,
        "--redis-url",
        &redis,
        "--cluster-name",
        &cluster,
    ];
    flags.extend(bucket.iter().map(String::as_str));
    let dirs: Vec<tempfile::TempDir> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let mut nodes = vec![];
    for dir in &dirs {
        nodes
            .push(ServerProcess::start_on(&dir.path().join("data"), Some(&database), &flags).await);
    }
    let first = &nodes[0];
    let (status, org) = call(
        first,
        reqwest::Method::POST,
        "/api/organizations",
        None,
        json!({ "name": "Cluster Mail", "domain": format!("{cluster}.example.com"),
                "admin": { "name": "Ada", "email": format!("ada@{cluster}.example.com"), "password": "password123" } }),
    )
    .await;
    assert_eq!(status, 201, "{org}");
    let (org_id, admin) = (
        org["organization"]["id"].clone(),
        org["token"].as_str().unwrap().to_string(),
    );
    let (status, customer) = call(
        first,
        reqwest::Method::POST,
        "/api/clients/register",
        None,
        json!({ "username": cluster, "email": format!("c@{cluster}.example.com"), "password": "password123" }),
    )
    .await;
    assert_eq!(status, 201, "{customer}");
    let token = customer["token"].as_str().unwrap().to_string();
    const EMAILS: usize = 6;
    for n in 0..EMAILS {
        let node = &nodes[n % 3];
        let (status, opened) = call(
            node,
            reqwest::Method::POST,
            "/api/sessions",
            Some(&token),
            json!({ "organization_id": org_id, "message": format!("question {n}") }),
        )
        .await;
        assert_eq!(status, 201, "{opened}");
        let id = opened["session"]["id"].as_str().unwrap();
        // Asked on one server; every server's sender may find it.
        let asker = &nodes[(n + 1) % 3];
        let path = format!("/api/sessions/{id}/transcript");
        let (status, body) =
            call(asker, reqwest::Method::POST, &path, Some(&admin), json!({})).await;
        assert_eq!(status, 202, "{body}");
    }
    let mails = sink.wait_for(EMAILS, "every transcript").await;
    tokio::time::sleep(Duration::from_secs(6)).await;
    let mails_after = sink.mails();
    assert_eq!(mails_after.len(), EMAILS, "no e-mail twice: {mails:?}");
    let ids: std::collections::BTreeSet<&str> = mails_after
        .iter()
        .map(|m| header(m, "Message-ID"))
        .collect();
    assert_eq!(ids.len(), EMAILS);
}
