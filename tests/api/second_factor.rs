//! Agents' second factor as they use it: set up with an authenticator app's code, signed in with
//! password and code, wrong and replayed codes refused, recovery codes used once, and an
//! organization that requires it leading agents through set-up. Time is moved by the server's
//! manual clock, never waited for.

use chrono::{DateTime, Utc};
use raasel::domain::second_factor::{STEP_SECS, code_at_step, step_at};
use serde_json::{Value, json};

use crate::lifecycle::Node;
use crate::support::*;

/// The secret an authenticator app would keep, from the set-up answer.
fn secret_of(setup: &Value) -> Vec<u8> {
    let text = setup["secret"].as_str().expect("a secret");
    base32::decode(base32::Alphabet::Rfc4648 { padding: false }, text).expect("base32")
}

/// The app's code at `at`.
fn code(secret: &[u8], at: DateTime<Utc>) -> String {
    code_at_step(secret, step_at(at))
}

async fn login(node: &Node, email: &str, code: Option<&str>) -> (u16, Value) {
    let mut body = json!({ "email": email, "password": PASSWORD });
    if let Some(c) = code {
        body["code"] = json!(c);
    }
    node.post("/api/agents/login", None, body).await
}

/// Sets up and turns on an agent's second factor at `at`: the secret and the recovery codes.
async fn turn_on(node: &Node, email: &str, at: DateTime<Utc>) -> (Vec<u8>, Vec<String>) {
    let creds = json!({ "email": email, "password": PASSWORD });
    let (status, setup) = node.post("/api/agents/second-factor", None, creds).await;
    assert_eq!(status, 201, "{setup}");
    let secret = secret_of(&setup);
    let confirm = json!({ "email": email, "password": PASSWORD, "code": code(&secret, at) });
    let (status, on) = node
        .call(
            reqwest::Method::PUT,
            "/api/agents/second-factor",
            None,
            Some(confirm),
        )
        .await;
    assert_eq!(status, 200, "{on}");
    assert!(on["token"].is_string(), "turning it on signs in: {on}");
    let codes = on["recovery_codes"].as_array().unwrap();
    (
        secret,
        codes
            .iter()
            .map(|c| c.as_str().unwrap().to_string())
            .collect(),
    )
}

#[tokio::test]
async fn an_agent_signs_in_with_a_code_once_per_step_and_each_recovery_code_once() {
    let node = Node::start().await;
    let org = node.signup_org("Secure").await;
    let email = org.admin_email.clone();
    let creds = json!({ "email": email, "password": PASSWORD });
    // Set up: a secret, an otpauth address and a QR code; nothing asked at sign-in yet.
    let (status, setup) = node
        .post("/api/agents/second-factor", None, creds.clone())
        .await;
    assert_eq!(status, 201, "{setup}");
    let secret = secret_of(&setup);
    assert_eq!(secret.len(), 20);
    let uri = setup["otpauth_uri"].as_str().unwrap();
    assert!(
        uri.starts_with("otpauth://totp/") && uri.contains(setup["secret"].as_str().unwrap()),
        "{uri}"
    );
    let size = setup["qr"]["size"].as_u64().unwrap() as usize;
    assert!(size >= 21 && setup["qr"]["rows"].as_array().unwrap().len() == size);
    assert_eq!(login(&node, &email, None).await.0, 200);
    // A wrong password or a wrong code does not turn it on.
    let mut wrong = creds.clone();
    wrong["password"] = json!("not the password");
    wrong["code"] = json!("000000");
    assert_error(
        &node
            .call(
                reqwest::Method::PUT,
                "/api/agents/second-factor",
                None,
                Some(wrong),
            )
            .await,
        401,
        "unauthorized",
    );
    let now = Utc::now();
    let bad_code = code(&secret, now + chrono::Duration::minutes(10));
    let mut confirm = creds.clone();
    confirm["code"] = json!(bad_code);
    let res = node
        .call(
            reqwest::Method::PUT,
            "/api/agents/second-factor",
            None,
            Some(confirm),
        )
        .await;
    assert_error(&res, 400, "validation_failed");
    assert!(res.1["fields"]["code"].is_string());
    assert_eq!(login(&node, &email, None).await.0, 200, "still off");
    // On with the current code.
    let first = code(&secret, now);
    let mut confirm = creds.clone();
    confirm["code"] = json!(first);
    let (status, on) = node
        .call(
            reqwest::Method::PUT,
            "/api/agents/second-factor",
            None,
            Some(confirm),
        )
        .await;
    assert_eq!(status, 200, "{on}");
    let recovery: Vec<String> = on["recovery_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect();
    assert_eq!(recovery.len(), 10);
    assert_error(
        &node
            .post("/api/agents/second-factor", None, creds.clone())
            .await,
        409,
        "conflict",
    );

    // Sign-in now asks for the code; a wrong one and the one already used are refused.
    assert_error(
        &login(&node, &email, None).await,
        401,
        "second_factor_required",
    );
    assert_error(
        &login(&node, &email, Some("123456")).await,
        401,
        "unauthorized",
    );
    assert_error(
        &login(&node, &email, Some(&first)).await,
        401,
        "unauthorized",
    );
    // The next step's code works once.
    let later = now + chrono::Duration::seconds(STEP_SECS);
    node.move_clock(later).await;
    let next = code(&secret, later);
    let (status, signed) = login(&node, &email, Some(&next)).await;
    assert_eq!(status, 200, "{signed}");
    assert!(signed["token"].is_string());
    assert_error(
        &login(&node, &email, Some(&next)).await,
        401,
        "unauthorized",
    );
    // A recovery code works once.
    assert_eq!(
        login(&node, &email, Some(&recovery[3].to_uppercase()))
            .await
            .0,
        200
    );
    assert_error(
        &login(&node, &email, Some(&recovery[3])).await,
        401,
        "unauthorized",
    );
    let (status, state) = node
        .get(
            &format!("/api/agents/{}/second-factor", org.admin_id),
            &org.admin_token,
        )
        .await;
    assert_eq!(status, 200, "{state}");
    assert_eq!(
        (
            state["enabled"].as_bool(),
            state["recovery_codes_left"].as_u64()
        ),
        (Some(true), Some(9))
    );
    // Turned off by the agent: the password alone signs in again.
    let path = format!("/api/agents/{}/second-factor", org.admin_id);
    let res = node
        .call(reqwest::Method::DELETE, &path, Some(&org.admin_token), None)
        .await;
    assert_eq!(res.0, 204, "{}", res.1);
    assert_eq!(login(&node, &email, None).await.0, 200);
}

#[tokio::test]
async fn an_organization_that_requires_it_leads_agents_through_set_up() {
    let node = Node::start().await;
    let org = node.signup_org("Strict").await;
    let agent = node.create_agent(&org, "Bea", "agent", 3).await;
    let require = json!({ "settings": { "require_second_factor": true } });
    let path = format!("/api/organizations/{}", org.id);
    // The admin needs their own first.
    let res = node.put(&path, &org.admin_token, require.clone()).await;
    assert_error(&res, 400, "validation_failed");
    assert!(
        res.1["fields"]["settings.require_second_factor"].is_string(),
        "{}",
        res.1
    );
    let now = Utc::now();
    turn_on(&node, &org.admin_email, now).await;
    let admin_token = org.admin_token.clone();
    let bea_socket = sio_test_client::SocketClient::connect(&node.server.url, Some(&agent.token))
        .await
        .expect("Bea's socket connects");
    let (status, body) = node.put(&path, &admin_token, require).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["organization"]["settings"]["require_second_factor"],
        true
    );
    let (status, _) = node.get("/api/labels", &admin_token).await;
    assert_eq!(
        status, 200,
        "the admin, with a second factor, stays signed in"
    );

    // Bea had no second factor: her socket is closed at once, her token revoked, and sign-in
    // asks her to set one up.
    assert!(
        bea_socket.wait_closed(crate::socket::WAIT).await,
        "Bea's socket stayed open"
    );
    let (status, _) = node.get("/api/labels", &agent.token).await;
    assert_eq!(status, 401, "an agent without a second factor kept working");
    assert_error(
        &login(&node, &agent.email, None).await,
        403,
        "second_factor_setup_required",
    );
    let t1 = now + chrono::Duration::seconds(STEP_SECS);
    let (secret, _) = turn_on(&node, &agent.email, t1).await;
    let t2 = t1 + chrono::Duration::seconds(STEP_SECS);
    node.move_clock(t2).await;
    let (status, bea_login) = login(&node, &agent.email, Some(&code(&secret, t2))).await;
    assert_eq!(status, 200, "{bea_login}");
    let bea_token = bea_login["token"].as_str().unwrap().to_string();
    // She cannot turn it off herself; an admin resets it (a lost phone), and she sets it up again.
    let bea = format!("/api/agents/{}/second-factor", agent.id);
    let res = node
        .call(reqwest::Method::DELETE, &bea, Some(&bea_token), None)
        .await;
    assert_error(&res, 403, "forbidden");
    let res = node
        .call(reqwest::Method::DELETE, &bea, Some(&admin_token), None)
        .await;
    assert_eq!(res.0, 204, "{}", res.1);
    let (status, _) = node.get("/api/labels", &bea_token).await;
    assert_eq!(
        status, 401,
        "with the requirement on, a reset signs the agent out"
    );
    assert_error(
        &login(&node, &agent.email, None).await,
        403,
        "second_factor_setup_required",
    );
    let (_, entries) = node
        .get("/api/audit?action=agent.second_factor_off", &admin_token)
        .await;
    assert_eq!(
        entries["entries"][0]["target"],
        agent.id.as_str(),
        "{entries}"
    );
}
