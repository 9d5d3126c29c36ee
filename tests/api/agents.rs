//! `/api/agents`: login, the team of an organization, profiles, passwords, status and deletion.

use serde_json::{Value, json};

use crate::support::*;

/// Logs in through the raw client so that headers can be read.
async fn login_raw(app: &TestApp, body: Value, forwarded_for: Option<&str>) -> reqwest::Response {
    let mut req = app
        .http
        .post(format!("{}/api/agents/login", app.base))
        .json(&body);
    if let Some(ip) = forwarded_for {
        req = req.header("x-forwarded-for", ip);
    }
    req.send().await.expect("request sent")
}

/// A waiting session of `org` opened by a fresh customer; returns (client, session id).
async fn waiting_session(app: &TestApp, org: &OrgHandle) -> (ClientHandle, String) {
    let client = app.register_client().await;
    let s = app.open_session(&client, org, None).await;
    (client, s["id"].as_str().unwrap().to_string())
}

/// Waits until `agent_id` shows as online (presence follows the socket's connect handler).
async fn wait_online(app: &TestApp, viewer_token: &str, agent_id: &str) {
    let path = format!("/api/agents/{agent_id}");
    wait_until(
        &format!("agent {agent_id} comes online"),
        crate::socket::WAIT,
        || async { app.get(&path, Some(viewer_token)).await.1["agent"]["online"] == true },
    )
    .await;
}

/// Polls a session until `check` holds (assignment follows presence changes).
async fn wait_session(
    app: &TestApp,
    token: &str,
    id: &str,
    check: impl Fn(&Value) -> bool,
) -> Value {
    let check = &check;
    wait_until_some(
        &format!("session {id} reaches the expected state"),
        crate::socket::WAIT,
        || async move {
            let s = app.session(token, id).await;
            check(&s).then_some(s)
        },
    )
    .await
}

#[tokio::test]
async fn an_agent_logs_in_with_email_and_password_in_any_case() {
    let app = spawn_app().await;
    let org = app.signup_org("Login").await;
    let agent = app.create_agent(&org, "Lena", "supervisor", None).await;
    let (status, body) = app
        .post(
            "/api/agents/login",
            None,
            json!({ "email": agent.email.to_uppercase(), "password": PASSWORD }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["agent"]["id"], agent.id.as_str());
    assert_eq!(body["agent"]["organization_id"], org.id.as_str());
    assert_eq!(body["agent"]["role"], "supervisor");
    assert_eq!(body["agent"]["online"], false);
    assert!(body["agent"].get("password_hash").is_none());
    assert!(!body.to_string().contains(PASSWORD));
    let token = body["token"].as_str().unwrap();
    let (status, _) = app
        .get(&format!("/api/agents/organization/{}", org.id), Some(token))
        .await;
    assert_eq!(status, 200, "the token works");
}

#[tokio::test]
async fn login_with_an_unknown_email_or_a_wrong_password_gives_the_same_401() {
    let app = spawn_app().await;
    let org = app.signup_org("Same").await;
    let wrong = app
        .post(
            "/api/agents/login",
            None,
            json!({ "email": org.admin_email, "password": "wrong password 1" }),
        )
        .await;
    let unknown = app
        .post(
            "/api/agents/login",
            None,
            json!({ "email": "ghost@nowhere.example.com", "password": "wrong password 1" }),
        )
        .await;
    assert_error(&wrong, 401, "unauthorized");
    assert_eq!(
        wrong, unknown,
        "the answer does not reveal which accounts exist"
    );
    assert!(!wrong.1.to_string().contains("wrong password 1"));
}

#[tokio::test]
async fn login_names_missing_or_invalid_fields() {
    let app = spawn_app().await;
    let res = app.post("/api/agents/login", None, json!({})).await;
    assert_error(&res, 400, "validation_failed");
    assert!(res.1["fields"]["email"].is_string());
    assert!(res.1["fields"]["password"].is_string());
    let res = app
        .post(
            "/api/agents/login",
            None,
            json!({ "email": "no-at-sign", "password": "hunter2hunter2" }),
        )
        .await;
    assert_error(&res, 400, "validation_failed");
    assert!(res.1["fields"]["email"].is_string());
    assert!(!res.1.to_string().contains("hunter2hunter2"));
}

#[tokio::test]
async fn an_email_in_several_organizations_needs_the_organization_to_log_in() {
    let app = spawn_app().await;
    let one = app.signup_org("Shared One").await;
    let two = app.signup_org("Shared Two").await;
    let email = "shared.person@example.com";
    for org in [&one, &two] {
        let (status, body) = app
            .post(
                "/api/agents",
                Some(&org.admin_token),
                json!({ "name": "Sam", "email": email, "password": PASSWORD }),
            )
            .await;
        assert_eq!(
            status, 201,
            "the same e-mail may exist in another organization: {body}"
        );
    }
    let res = app
        .post(
            "/api/agents/login",
            None,
            json!({ "email": email, "password": PASSWORD }),
        )
        .await;
    assert_error(&res, 400, "validation_failed");
    assert!(res.1["fields"]["organization_id"].is_string(), "{}", res.1);

    let (status, body) = app
        .post(
            "/api/agents/login",
            None,
            json!({ "email": email, "password": PASSWORD, "organization_id": two.id }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["agent"]["organization_id"], two.id.as_str());

    let (status, body) = app
        .post(
            "/api/agents/login",
            None,
            json!({ "email": email, "password": PASSWORD, "domain": one.domain.to_uppercase() }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["agent"]["organization_id"], one.id.as_str());
}

#[tokio::test]
async fn a_login_naming_another_or_an_unknown_organization_is_refused() {
    let app = spawn_app().await;
    let org = app.signup_org("Right Place").await;
    let other = app.signup_org("Wrong Place").await;
    let attempts = [
        json!({ "email": org.admin_email, "password": PASSWORD, "organization_id": other.id }),
        json!({ "email": org.admin_email, "password": PASSWORD, "domain": other.domain }),
        json!({ "email": org.admin_email, "password": PASSWORD, "organization_id": uuid::Uuid::now_v7() }),
        json!({ "email": org.admin_email, "password": PASSWORD, "domain": "no-such-place.example.com" }),
    ];
    for body in attempts {
        let res = app.post("/api/agents/login", None, body.clone()).await;
        assert_eq!(res.0, 401, "{body} was answered with {}", res.1);
        assert_error(&res, 401, "unauthorized");
    }
    let (status, _) = app
        .post(
            "/api/agents/login",
            None,
            json!({ "email": org.admin_email, "password": PASSWORD, "domain": org.domain }),
        )
        .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn agent_login_is_rate_limited_per_address_with_retry_after() {
    let app = spawn_app_with(|a| a.auth_rate_per_minute = 2).await;
    for n in 0..2 {
        let res = login_raw(
            &app,
            json!({ "email": format!("nobody{n}@example.com"), "password": "whatever it is" }),
            None,
        )
        .await;
        assert_eq!(res.status().as_u16(), 401);
    }
    let res = login_raw(
        &app,
        json!({ "email": "nobody2@example.com", "password": "whatever it is" }),
        None,
    )
    .await;
    assert_eq!(res.status().as_u16(), 429);
    let retry: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .expect("Retry-After in seconds");
    assert!(retry >= 1);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"], "rate_limited");
    assert!(body["message"].is_string());
}

#[tokio::test]
async fn agent_login_is_rate_limited_per_account_from_any_address() {
    let app = spawn_app_with(|a| {
        a.auth_rate_per_minute = 2;
        a.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
    })
    .await;
    let attempt = json!({ "email": "target@victim.example.com", "password": "guess guess" });
    for ip in ["10.0.0.1", "10.0.0.2"] {
        let res = login_raw(&app, attempt.clone(), Some(ip)).await;
        assert_eq!(res.status().as_u16(), 401);
    }
    let res = login_raw(&app, attempt, Some("10.0.0.3")).await;
    assert_eq!(res.status().as_u16(), 429);
    assert!(res.headers().contains_key("retry-after"));
    // Another account from a fresh address is not affected.
    let res = login_raw(
        &app,
        json!({ "email": "someone.else@example.com", "password": "guess guess" }),
        Some("10.0.0.4"),
    )
    .await;
    assert_eq!(res.status().as_u16(), 401);
}

#[tokio::test]
async fn an_admin_creates_agents_in_their_own_organization() {
    let app = spawn_app().await;
    let org = app.signup_org("Hiring").await;
    let (status, body) = app
        .post(
            "/api/agents",
            Some(&org.admin_token),
            json!({ "name": "Sup", "email": "Sup@Hiring.example.com", "password": PASSWORD, "role": "supervisor", "max_concurrent_sessions": 3 }),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let a = &body["agent"];
    assert_eq!(a["organization_id"], org.id.as_str());
    assert_eq!(a["role"], "supervisor");
    assert_eq!(a["email"], "sup@hiring.example.com");
    assert_eq!(a["max_concurrent_sessions"], 3);
    assert_eq!(a["status"], "active");
    assert!(a.get("password_hash").is_none());
    assert!(body.get("token").is_none());
    assert!(!body.to_string().contains(PASSWORD));

    let (status, body) = app
        .post(
            "/api/agents",
            Some(&org.admin_token),
            json!({ "name": "Plain", "email": "plain@hiring.example.com", "password": PASSWORD }),
        )
        .await;
    assert_eq!(status, 201);
    assert_eq!(body["agent"]["role"], "agent", "the default role");
    assert!(body["agent"]["max_concurrent_sessions"].is_null());

    // The organization comes from the token, never from the body.
    let other = app.signup_org("Elsewhere").await;
    let res = app
        .post(
            "/api/agents",
            Some(&org.admin_token),
            json!({ "name": "Mole", "email": "mole@x.example.com", "password": PASSWORD, "organization_id": other.id }),
        )
        .await;
    assert_error(&res, 400, "validation_failed");
    let (_, team) = app
        .get(
            &format!("/api/agents/organization/{}", other.id),
            Some(&other.admin_token),
        )
        .await;
    assert_eq!(ids(&team["agents"]), vec![other.admin_id.clone()]);
}

#[tokio::test]
async fn creating_an_agent_names_every_invalid_field_without_echoing_the_password() {
    let app = spawn_app().await;
    let org = app.signup_org("Strict").await;
    let res = app
        .post(
            "/api/agents",
            Some(&org.admin_token),
            json!({ "name": "", "email": "nope", "password": "short7!", "role": "boss", "max_concurrent_sessions": 0 }),
        )
        .await;
    assert_error(&res, 400, "validation_failed");
    for f in [
        "name",
        "email",
        "password",
        "role",
        "max_concurrent_sessions",
    ] {
        assert!(res.1["fields"][f].is_string(), "{f}: {}", res.1);
    }
    assert!(!res.1.to_string().contains("short7!"));
    let res = app
        .post("/api/agents", Some(&org.admin_token), json!({}))
        .await;
    assert_error(&res, 400, "validation_failed");
    assert!(res.1["fields"]["password"].is_string());
}

#[tokio::test]
async fn a_duplicate_email_within_an_organization_is_a_conflict() {
    let app = spawn_app().await;
    let org = app.signup_org("Dupes").await;
    let agent = app.create_agent(&org, "Dee", "agent", None).await;
    let res = app
        .post(
            "/api/agents",
            Some(&org.admin_token),
            json!({ "name": "Dee Two", "email": agent.email.to_uppercase(), "password": PASSWORD }),
        )
        .await;
    assert_error(&res, 409, "conflict");
    assert!(!res.1.to_string().contains(PASSWORD));
}

#[tokio::test]
async fn only_admins_create_agents() {
    let app = spawn_app().await;
    let org = app.signup_org("Gate").await;
    let supervisor = app.create_agent(&org, "Sue", "supervisor", None).await;
    let agent = app.create_agent(&org, "Plain", "agent", None).await;
    let client = app.register_client().await;
    let body = json!({ "name": "New", "email": "new@gate.example.com", "password": PASSWORD, "role": "admin" });
    assert_error(
        &app.post("/api/agents", None, body.clone()).await,
        401,
        "unauthorized",
    );
    assert_error(
        &app.post("/api/agents", Some(&client.token), body.clone())
            .await,
        403,
        "forbidden",
    );
    assert_error(
        &app.post("/api/agents", Some(&agent.token), body.clone())
            .await,
        403,
        "forbidden",
    );
    assert_error(
        &app.post("/api/agents", Some(&supervisor.token), body.clone())
            .await,
        403,
        "forbidden",
    );
    let (_, team) = app
        .get(
            &format!("/api/agents/organization/{}", org.id),
            Some(&org.admin_token),
        )
        .await;
    assert_eq!(
        team["agents"].as_array().unwrap().len(),
        3,
        "nobody was added"
    );
}

#[tokio::test]
async fn agents_see_colleagues_of_their_own_organization_only() {
    let app = spawn_app().await;
    let org = app.signup_org("Team").await;
    let other = app.signup_org("Rivals").await;
    let agent = app.create_agent(&org, "Plain", "agent", None).await;
    let client = app.register_client().await;

    let (status, body) = app
        .get(&format!("/api/agents/{}", org.admin_id), Some(&agent.token))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["agent"]["id"], org.admin_id.as_str());
    assert_eq!(body["agent"]["online"], false);
    assert!(body["agent"].get("password_hash").is_none());

    let (status, body) = app
        .get(
            &format!("/api/agents/organization/{}", org.id),
            Some(&agent.token),
        )
        .await;
    assert_eq!(status, 200);
    let mut team = ids(&body["agents"]);
    team.sort();
    let mut expected = vec![org.admin_id.clone(), agent.id.clone()];
    expected.sort();
    assert_eq!(team, expected);
    assert!(
        body["agents"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["online"].is_boolean())
    );

    let res = app
        .get(
            &format!("/api/agents/{}", agent.id),
            Some(&other.admin_token),
        )
        .await;
    assert_error(&res, 404, "not_found");
    let res = app
        .get(
            &format!("/api/agents/organization/{}", org.id),
            Some(&other.admin_token),
        )
        .await;
    assert_error(&res, 404, "not_found");
    let res = app
        .get(
            &format!("/api/agents/organization/{}/available", org.id),
            Some(&other.admin_token),
        )
        .await;
    assert_error(&res, 404, "not_found");
    let res = app
        .get(
            &format!("/api/agents/{}", uuid::Uuid::now_v7()),
            Some(&agent.token),
        )
        .await;
    assert_error(&res, 404, "not_found");

    let res = app
        .get(&format!("/api/agents/{}", agent.id), Some(&client.token))
        .await;
    assert_error(&res, 403, "forbidden");
    let res = app
        .get(
            &format!("/api/agents/organization/{}", org.id),
            Some(&client.token),
        )
        .await;
    assert_error(&res, 403, "forbidden");
    let res = app.get(&format!("/api/agents/{}", agent.id), None).await;
    assert_error(&res, 401, "unauthorized");
    let res = app
        .get(&format!("/api/agents/organization/{}", org.id), None)
        .await;
    assert_error(&res, 401, "unauthorized");
}

#[tokio::test]
async fn the_available_list_holds_online_active_agents_with_room() {
    let app = spawn_app().await;
    let org = app.signup_org("Avail").await;
    let a = app.create_agent(&org, "Ava", "agent", Some(1)).await;
    let path = format!("/api/agents/organization/{}/available", org.id);

    let (status, body) = app.get(&path, Some(&a.token)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["agents"], json!([]), "nobody is online");

    let _sa = app.socket(&a.token).await;
    wait_online(&app, &org.admin_token, &a.id).await;
    let (_, body) = app.get(&path, Some(&org.admin_token)).await;
    assert_eq!(ids(&body["agents"]), vec![a.id.clone()]);
    assert_eq!(body["agents"][0]["online"], true);
    let (_, team) = app
        .get(
            &format!("/api/agents/organization/{}", org.id),
            Some(&org.admin_token),
        )
        .await;
    let ava = team["agents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == a.id.as_str())
        .unwrap()
        .clone();
    assert_eq!(ava["online"], true);

    // Busy agents are not available.
    let (status, _) = app
        .put(
            &format!("/api/agents/{}/status", a.id),
            Some(&a.token),
            json!({ "status": "busy" }),
        )
        .await;
    assert_eq!(status, 200);
    let (_, body) = app.get(&path, Some(&a.token)).await;
    assert_eq!(body["agents"], json!([]));

    // Back to active, then full at capacity 1.
    app.put(
        &format!("/api/agents/{}/status", a.id),
        Some(&a.token),
        json!({ "status": "active" }),
    )
    .await;
    let (_, body) = app.get(&path, Some(&a.token)).await;
    assert_eq!(ids(&body["agents"]), vec![a.id.clone()]);
    let client = app.register_client().await;
    let session = app.open_session(&client, &org, Some("help")).await;
    let assigned = app
        .session(&client.token, session["id"].as_str().unwrap())
        .await;
    assert_eq!(assigned["agent_id"], a.id.as_str());
    let (_, body) = app.get(&path, Some(&a.token)).await;
    assert_eq!(
        body["agents"],
        json!([]),
        "an agent at capacity is not available"
    );
}

#[tokio::test]
async fn an_agent_edits_their_own_name_and_email_but_not_their_role_or_capacity() {
    let app = spawn_app().await;
    let org = app.signup_org("Profiles").await;
    let other = app.signup_org("Outsiders").await;
    let a = app.create_agent(&org, "Ann", "agent", None).await;
    let b = app.create_agent(&org, "Bob", "agent", None).await;
    let me = format!("/api/agents/{}", a.id);

    let (status, body) = app
        .put(
            &me,
            Some(&a.token),
            json!({ "name": "Annie", "email": "Annie@Profiles.example.com" }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["agent"]["name"], "Annie");
    assert_eq!(body["agent"]["email"], "annie@profiles.example.com");
    assert_error(
        &app.put(&me, Some(&a.token), json!({ "role": "admin" }))
            .await,
        403,
        "forbidden",
    );
    assert_error(
        &app.put(
            &me,
            Some(&a.token),
            json!({ "max_concurrent_sessions": 50 }),
        )
        .await,
        403,
        "forbidden",
    );
    assert_error(
        &app.put(
            &format!("/api/agents/{}", b.id),
            Some(&a.token),
            json!({ "name": "Bobby" }),
        )
        .await,
        403,
        "forbidden",
    );
    assert_error(
        &app.put(&me, Some(&other.admin_token), json!({ "name": "X" }))
            .await,
        404,
        "not_found",
    );
    assert_error(
        &app.put(&me, None, json!({ "name": "X" })).await,
        401,
        "unauthorized",
    );

    let res = app
        .put(&me, Some(&a.token), json!({ "email": "bad", "name": "" }))
        .await;
    assert_error(&res, 400, "validation_failed");
    assert!(res.1["fields"]["email"].is_string() && res.1["fields"]["name"].is_string());
    let res = app
        .put(&me, Some(&a.token), json!({ "email": b.email }))
        .await;
    assert_error(&res, 409, "conflict");

    let (status, body) = app
        .put(
            &me,
            Some(&org.admin_token),
            json!({ "role": "supervisor", "max_concurrent_sessions": 9 }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["agent"]["role"], "supervisor");
    assert_eq!(body["agent"]["max_concurrent_sessions"], 9);
    let res = app
        .put(
            &me,
            Some(&org.admin_token),
            json!({ "role": "owner", "max_concurrent_sessions": 0 }),
        )
        .await;
    assert_error(&res, 400, "validation_failed");
    assert!(
        res.1["fields"]["role"].is_string()
            && res.1["fields"]["max_concurrent_sessions"].is_string()
    );
    let (status, body) = app
        .put(
            &me,
            Some(&org.admin_token),
            json!({ "max_concurrent_sessions": null }),
        )
        .await;
    assert_eq!(status, 200);
    assert!(
        body["agent"]["max_concurrent_sessions"].is_null(),
        "null returns to the organization's capacity"
    );
    assert_eq!(body["agent"]["role"], "supervisor");

    let (_, seen) = app.get(&me, Some(&b.token)).await;
    assert_eq!(seen["agent"]["name"], "Annie");
}

#[tokio::test]
async fn the_last_admin_can_be_neither_demoted_nor_deleted() {
    let app = spawn_app().await;
    let org = app.signup_org("Founders").await;
    let res = app
        .put(
            &format!("/api/agents/{}", org.admin_id),
            Some(&org.admin_token),
            json!({ "role": "agent" }),
        )
        .await;
    assert_error(&res, 409, "conflict");
    let res = app
        .delete(
            &format!("/api/agents/{}", org.admin_id),
            Some(&org.admin_token),
        )
        .await;
    assert_error(&res, 409, "conflict");
    let (_, still) = app
        .get(
            &format!("/api/agents/{}", org.admin_id),
            Some(&org.admin_token),
        )
        .await;
    assert_eq!(still["agent"]["role"], "admin");

    // With a second admin, the first can step down; then the second is the last one.
    let second = app.create_agent(&org, "Second", "admin", None).await;
    let (status, body) = app
        .put(
            &format!("/api/agents/{}", org.admin_id),
            Some(&second.token),
            json!({ "role": "agent" }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["agent"]["role"], "agent");
    let res = app
        .delete(&format!("/api/agents/{}", second.id), Some(&second.token))
        .await;
    assert_error(&res, 409, "conflict");
    let res = app
        .put(
            &format!("/api/agents/{}", second.id),
            Some(&second.token),
            json!({ "role": "supervisor" }),
        )
        .await;
    assert_error(&res, 409, "conflict");
    // The demoted admin lost their powers at once.
    let res = app
        .post(
            "/api/agents",
            Some(&org.admin_token),
            json!({ "name": "N", "email": "n@founders.example.com", "password": PASSWORD }),
        )
        .await;
    assert_error(&res, 403, "forbidden");
}

#[tokio::test]
async fn changing_ones_own_password_needs_the_current_one_and_returns_a_new_token() {
    let app = spawn_app().await;
    let org = app.signup_org("Passwords").await;
    let a = app.create_agent(&org, "Pat", "agent", None).await;
    let path = format!("/api/agents/{}/password", a.id);
    let new_password = "a much better passphrase";

    let res = app
        .put(
            &path,
            Some(&a.token),
            json!({ "new_password": new_password }),
        )
        .await;
    assert_error(&res, 400, "validation_failed");
    assert!(res.1["fields"]["current_password"].is_string());
    let res = app
        .put(
            &path,
            Some(&a.token),
            json!({ "current_password": "not my password", "new_password": new_password }),
        )
        .await;
    assert_error(&res, 400, "validation_failed");
    assert!(res.1["fields"]["current_password"].is_string());
    let text = res.1.to_string();
    assert!(!text.contains("not my password") && !text.contains(new_password));
    let res = app
        .put(
            &path,
            Some(&a.token),
            json!({ "current_password": PASSWORD, "new_password": "short" }),
        )
        .await;
    assert_error(&res, 400, "validation_failed");
    assert!(res.1["fields"]["new_password"].is_string());
    assert!(!res.1.to_string().contains(PASSWORD));
    // None of the refused attempts revoked anything.
    let (status, _) = app
        .get(&format!("/api/agents/{}", a.id), Some(&a.token))
        .await;
    assert_eq!(status, 200);

    let (status, body) = app
        .put(
            &path,
            Some(&a.token),
            json!({ "current_password": PASSWORD, "new_password": new_password }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["agent"]["id"], a.id.as_str());
    assert!(!body.to_string().contains(new_password));
    let fresh = body["token"]
        .as_str()
        .expect("a new token for self")
        .to_string();

    let res = app
        .get(&format!("/api/agents/{}", a.id), Some(&a.token))
        .await;
    assert_error(&res, 401, "unauthorized");
    let (status, _) = app
        .get(&format!("/api/agents/{}", a.id), Some(&fresh))
        .await;
    assert_eq!(status, 200, "the new token works");

    let (status, _) = app
        .post(
            "/api/agents/login",
            None,
            json!({ "email": a.email, "password": PASSWORD }),
        )
        .await;
    assert_eq!(status, 401, "the old password no longer works");
    let (status, _) = app
        .post(
            "/api/agents/login",
            None,
            json!({ "email": a.email, "password": new_password }),
        )
        .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn an_admin_resets_an_agents_password_and_revokes_their_tokens() {
    let app = spawn_app().await;
    let org = app.signup_org("Resets").await;
    let other = app.signup_org("Strangers").await;
    let a = app.create_agent(&org, "Ann", "agent", None).await;
    let b = app.create_agent(&org, "Bob", "agent", None).await;
    let sup = app.create_agent(&org, "Sue", "supervisor", None).await;
    let path = format!("/api/agents/{}/password", a.id);
    let reset = json!({ "new_password": "reset by the admin" });

    assert_error(
        &app.put(&path, Some(&b.token), reset.clone()).await,
        403,
        "forbidden",
    );
    assert_error(
        &app.put(&path, Some(&sup.token), reset.clone()).await,
        403,
        "forbidden",
    );
    assert_error(
        &app.put(&path, Some(&other.admin_token), reset.clone())
            .await,
        404,
        "not_found",
    );
    assert_error(
        &app.put(&path, None, reset.clone()).await,
        401,
        "unauthorized",
    );
    let (status, _) = app
        .get(&format!("/api/agents/{}", a.id), Some(&a.token))
        .await;
    assert_eq!(status, 200, "refused attempts revoke nothing");

    let (status, body) = app.put(&path, Some(&org.admin_token), reset).await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body.get("token").is_none(),
        "no token is handed out for somebody else"
    );
    let res = app
        .get(&format!("/api/agents/{}", a.id), Some(&a.token))
        .await;
    assert_error(&res, 401, "unauthorized");
    let (status, _) = app
        .get(&format!("/api/agents/{}", a.id), Some(&org.admin_token))
        .await;
    assert_eq!(status, 200, "the admin's own token is untouched");
    let (status, _) = app
        .post(
            "/api/agents/login",
            None,
            json!({ "email": a.email, "password": "reset by the admin" }),
        )
        .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn agents_set_their_own_status_and_supervisors_set_anyones() {
    let app = spawn_app().await;
    let org = app.signup_org("Statuses").await;
    let other = app.signup_org("Far").await;
    let a = app.create_agent(&org, "Ann", "agent", None).await;
    let b = app.create_agent(&org, "Bob", "agent", None).await;
    let sup = app.create_agent(&org, "Sue", "supervisor", None).await;
    let client = app.register_client().await;
    let path = format!("/api/agents/{}/status", a.id);

    let (status, body) = app
        .put(&path, Some(&a.token), json!({ "status": "busy" }))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["agent"]["status"], "busy");
    assert_error(
        &app.put(&path, Some(&b.token), json!({ "status": "inactive" }))
            .await,
        403,
        "forbidden",
    );
    assert_error(
        &app.put(
            &path,
            Some(&other.admin_token),
            json!({ "status": "inactive" }),
        )
        .await,
        404,
        "not_found",
    );
    assert_error(
        &app.put(&path, Some(&client.token), json!({ "status": "inactive" }))
            .await,
        403,
        "forbidden",
    );
    assert_error(
        &app.put(&path, None, json!({ "status": "inactive" })).await,
        401,
        "unauthorized",
    );
    let res = app
        .put(&path, Some(&a.token), json!({ "status": "sleeping" }))
        .await;
    assert_error(&res, 400, "validation_failed");
    assert!(res.1["fields"]["status"].is_string());
    let res = app.put(&path, Some(&a.token), json!({})).await;
    assert_error(&res, 400, "validation_failed");

    for (token, status) in [(&sup.token, "inactive"), (&org.admin_token, "active")] {
        let (code, body) = app
            .put(&path, Some(token), json!({ "status": status }))
            .await;
        assert_eq!(code, 200);
        assert_eq!(body["agent"]["status"], status);
    }
    let (_, seen) = app
        .get(&format!("/api/agents/{}", a.id), Some(&b.token))
        .await;
    assert_eq!(seen["agent"]["status"], "active");
}

#[tokio::test]
async fn an_agents_sessions_are_listed_by_status_for_self_and_supervisors() {
    let app = spawn_app().await;
    let org = app.signup_org("Workload").await;
    let other = app.signup_org("Away").await;
    let a = app.create_agent(&org, "Ann", "agent", None).await;
    let b = app.create_agent(&org, "Bob", "agent", None).await;
    let sup = app.create_agent(&org, "Sue", "supervisor", None).await;
    let (_, first) = waiting_session(&app, &org).await;
    let (_, second) = waiting_session(&app, &org).await;
    let (_, unassigned) = waiting_session(&app, &org).await;
    for s in [&first, &second] {
        let (status, body) = app.assign(&org.admin_token, s, &a.id).await;
        assert_eq!(status, 200, "{body}");
    }
    let (status, _) = app
        .put(
            &format!("/api/sessions/{second}/close"),
            Some(&a.token),
            json!({}),
        )
        .await;
    assert_eq!(status, 200);

    let path = format!("/api/agents/{}/sessions", a.id);
    let (status, body) = app.get(&path, Some(&a.token)).await;
    assert_eq!(status, 200, "{body}");
    let mut all = ids(&body["sessions"]);
    all.sort();
    let mut expected = vec![first.clone(), second.clone()];
    expected.sort();
    assert_eq!(all, expected);
    assert!(!all.contains(&unassigned));
    let (_, body) = app
        .get(&format!("{path}?status=active"), Some(&sup.token))
        .await;
    assert_eq!(ids(&body["sessions"]), vec![first.clone()]);
    let (_, body) = app
        .get(&format!("{path}?status=closed"), Some(&org.admin_token))
        .await;
    assert_eq!(ids(&body["sessions"]), vec![second.clone()]);
    let (_, body) = app
        .get(&format!("{path}?status=waiting"), Some(&a.token))
        .await;
    assert_eq!(body["sessions"], json!([]));

    let res = app
        .get(&format!("{path}?status=pending"), Some(&a.token))
        .await;
    assert_error(&res, 400, "validation_failed");
    assert_error(&app.get(&path, Some(&b.token)).await, 403, "forbidden");
    assert_error(
        &app.get(&path, Some(&other.admin_token)).await,
        404,
        "not_found",
    );
    assert_error(&app.get(&path, None).await, 401, "unauthorized");
    let client = app.register_client().await;
    assert_error(&app.get(&path, Some(&client.token)).await, 403, "forbidden");
}

#[tokio::test]
async fn deleting_an_agent_revokes_their_token_and_returns_their_sessions_to_the_queue() {
    let app = spawn_app().await;
    let org = app.signup_org("Leavers").await;
    let a = app.create_agent(&org, "Ann", "agent", None).await;
    let _sa = app.socket(&a.token).await;
    wait_online(&app, &org.admin_token, &a.id).await;
    let client = app.register_client().await;
    let session = app.open_session(&client, &org, Some("help me")).await;
    let id = session["id"].as_str().unwrap().to_string();
    let before = app.session(&client.token, &id).await;
    assert_eq!(before["status"], "active");
    assert_eq!(before["agent_id"], a.id.as_str());

    let res = app
        .delete(&format!("/api/agents/{}", a.id), Some(&org.admin_token))
        .await;
    assert_eq!(res.0, 204, "{}", res.1);

    let res = app
        .get(&format!("/api/agents/{}", a.id), Some(&a.token))
        .await;
    assert_error(&res, 401, "unauthorized");
    let res = app
        .get(&format!("/api/agents/{}", a.id), Some(&org.admin_token))
        .await;
    assert_error(&res, 404, "not_found");
    let res = app
        .delete(&format!("/api/agents/{}", a.id), Some(&org.admin_token))
        .await;
    assert_error(&res, 404, "not_found");

    let after = app.session(&client.token, &id).await;
    assert_eq!(after["status"], "waiting");
    assert!(after["agent_id"].is_null());
    let (_, waiting) = app
        .get(
            &format!("/api/sessions/organization/{}/waiting", org.id),
            Some(&org.admin_token),
        )
        .await;
    assert_eq!(ids(&waiting["sessions"]), vec![id.clone()]);
    let (status, _) = app
        .post(
            "/api/agents/login",
            None,
            json!({ "email": a.email, "password": PASSWORD }),
        )
        .await;
    assert_eq!(status, 401);

    // The next agent to come online picks it up.
    let _admin = app.socket(&org.admin_token).await;
    let picked = wait_session(&app, &client.token, &id, |s| !s["agent_id"].is_null()).await;
    assert_eq!(picked["agent_id"], org.admin_id.as_str());
}

#[tokio::test]
async fn only_admins_of_the_organization_delete_agents() {
    let app = spawn_app().await;
    let org = app.signup_org("Keepers").await;
    let other = app.signup_org("Raiders").await;
    let a = app.create_agent(&org, "Ann", "agent", None).await;
    let sup = app.create_agent(&org, "Sue", "supervisor", None).await;
    let client = app.register_client().await;
    let path = format!("/api/agents/{}", a.id);
    assert_error(&app.delete(&path, Some(&sup.token)).await, 403, "forbidden");
    assert_error(&app.delete(&path, Some(&a.token)).await, 403, "forbidden");
    assert_error(
        &app.delete(&path, Some(&other.admin_token)).await,
        404,
        "not_found",
    );
    assert_error(
        &app.delete(&path, Some(&client.token)).await,
        403,
        "forbidden",
    );
    assert_error(&app.delete(&path, None).await, 401, "unauthorized");
    let (status, _) = app.get(&path, Some(&a.token)).await;
    assert_eq!(status, 200, "still there");
}

async fn demote(app: &TestApp, actor: &AgentHandle, target: &AgentHandle) -> (u16, Value) {
    app.put(
        &format!("/api/agents/{}", target.id),
        Some(&actor.token),
        json!({ "role": "agent" }),
    )
    .await
}

#[tokio::test]
async fn two_admins_demoting_each_other_at_once_leave_one_admin() {
    let app = spawn_app().await;
    let org = app.signup_org("Coup").await;
    let mut first = AgentHandle {
        id: org.admin_id.clone(),
        token: org.admin_token.clone(),
        email: org.admin_email.clone(),
        name: "Coup Admin".into(),
    };
    // A few rounds: the race is between counting the admins and changing the role.
    for round in 0..4 {
        // Whoever is admin now creates the next one.
        let current = OrgHandle {
            id: org.id.clone(),
            domain: org.domain.clone(),
            admin_id: first.id.clone(),
            admin_token: first.token.clone(),
            admin_email: first.email.clone(),
        };
        let second = app
            .create_agent(&current, &format!("Second{round}"), "admin", None)
            .await;
        let (one, two) = tokio::join!(demote(&app, &first, &second), demote(&app, &second, &first));
        let (_, team) = app
            .get(
                &format!("/api/agents/organization/{}", org.id),
                Some(&second.token),
            )
            .await;
        let admins: Vec<String> = team["agents"]
            .as_array()
            .unwrap_or(&vec![])
            .iter()
            .filter(|a| a["role"] == "admin")
            .map(|a| a["id"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(
            admins.len(),
            1,
            "round {round}: answers {} and {}, admins left: {admins:?}",
            one.0,
            two.0
        );
        // The loser is refused either by the last-admin guard (409) or, when the winner's
        // request was fully processed first, because they are no longer an admin (403).
        let mut statuses = [one.0, two.0];
        statuses.sort();
        assert!(
            statuses == [200, 409] || statuses == [200, 403],
            "round {round}: {statuses:?}"
        );
        // Keep the remaining admin as `first` for the next round.
        if admins[0] == second.id {
            first = second;
        }
    }
}

#[tokio::test]
async fn a_password_change_closes_the_agents_open_sockets() {
    let app = spawn_app().await;
    let org = app.signup_org("Rotate").await;
    let agent = app.create_agent(&org, "Ann", "agent", None).await;
    let socket = app.socket(&agent.token).await;
    let (status, body) = app
        .put(
            &format!("/api/agents/{}/password", agent.id),
            Some(&agent.token),
            json!({ "current_password": PASSWORD, "new_password": "another long password" }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(
        socket.wait_closed(std::time::Duration::from_secs(3)).await,
        "socket left open"
    );
    // The new token connects.
    let fresh = app.socket(body["token"].as_str().unwrap()).await;
    let ack = fresh
        .call("join_organization", json!({ "organization_id": org.id }))
        .await;
    assert_eq!(ack["ok"], true);
}

#[tokio::test]
async fn without_a_trusted_proxy_x_forwarded_for_cannot_dodge_the_limit() {
    let app = spawn_app_with(|a| a.auth_rate_per_minute = 2).await;
    for ip in ["10.9.0.1", "10.9.0.2"] {
        let res = login_raw(
            &app,
            json!({ "email": format!("a{ip}@x.example.com"), "password": "guess guess" }),
            Some(ip),
        )
        .await;
        assert_eq!(res.status().as_u16(), 401);
    }
    let res = login_raw(
        &app,
        json!({ "email": "fresh@x.example.com", "password": "guess guess" }),
        Some("10.9.0.3"),
    )
    .await;
    assert_eq!(
        res.status().as_u16(),
        429,
        "the header was trusted without --trust-proxy"
    );
}
