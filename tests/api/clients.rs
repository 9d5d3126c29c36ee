//! `/api/clients`: customer accounts of the customer app: registration, login, `me`.

use serde_json::{Value, json};

use crate::support::*;

/// Posts a raw body with a JSON content type.
async fn post_raw(app: &TestApp, path: &str, body: String) -> (u16, Value) {
    let res = app
        .http
        .post(format!("{}{}", app.base, path))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .expect("request sent");
    let status = res.status().as_u16();
    let text = res.text().await.expect("body");
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// Asserts a 429 `rate_limited` answer with a `Retry-After` header in seconds.
async fn assert_rate_limited(res: reqwest::Response) {
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
async fn a_customer_registers_and_gets_a_working_token() {
    let app = spawn_app().await;
    let (status, body) = app
        .post(
            "/api/clients/register",
            None,
            json!({ "username": "Jane_Doe", "email": "Jane@Mail.Example.com", "password": PASSWORD }),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let client = &body["client"];
    assert_eq!(client["username"], "Jane_Doe");
    assert_eq!(
        client["email"], "jane@mail.example.com",
        "e-mails are lower-cased"
    );
    assert!(
        client["organization_id"].is_null(),
        "a customer belongs to no organization"
    );
    assert!(client.get("password_hash").is_none());
    assert!(!body.to_string().contains(PASSWORD));

    let token = body["token"].as_str().unwrap();
    let (status, me) = app.get("/api/clients/me", Some(token)).await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["client"]["id"], client["id"]);
    assert_eq!(me["client"]["username"], "Jane_Doe");
}

#[tokio::test]
async fn registration_names_every_invalid_field_without_echoing_the_password() {
    let app = spawn_app().await;
    let res = app
        .post(
            "/api/clients/register",
            None,
            json!({ "username": "no spaces!", "email": "jane.example.com", "password": "seven77" }),
        )
        .await;
    assert_error(&res, 400, "validation_failed");
    for f in ["username", "email", "password"] {
        assert!(res.1["fields"][f].is_string(), "{f}: {}", res.1);
    }
    assert!(!res.1.to_string().contains("seven77"));

    for bad in ["ab", &"a".repeat(31), "dash-ed"] {
        let res = app
            .post(
                "/api/clients/register",
                None,
                json!({ "username": bad, "email": "ok@mail.example.com", "password": PASSWORD }),
            )
            .await;
        assert_error(&res, 400, "validation_failed");
        assert!(res.1["fields"]["username"].is_string(), "{bad}");
        assert!(res.1["fields"].get("email").is_none());
    }
    let res = app.post("/api/clients/register", None, json!({})).await;
    assert_error(&res, 400, "validation_failed");
    assert_eq!(res.1["fields"].as_object().unwrap().len(), 3);

    // Boundaries that are valid: 3 and 30 characters, an 8-character password.
    let (status, body) = app
        .post(
            "/api/clients/register",
            None,
            json!({ "username": "abc", "email": "abc@mail.example.com", "password": "eight888" }),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let (status, body) = app
        .post(
            "/api/clients/register",
            None,
            json!({ "username": "a".repeat(30), "email": "long@mail.example.com", "password": PASSWORD }),
        )
        .await;
    assert_eq!(status, 201, "{body}");
}

#[tokio::test]
async fn a_taken_username_or_email_is_a_conflict_whatever_its_case() {
    let app = spawn_app().await;
    let (status, _) = app
        .post(
            "/api/clients/register",
            None,
            json!({ "username": "taken_name", "email": "taken@mail.example.com", "password": PASSWORD }),
        )
        .await;
    assert_eq!(status, 201);
    let res = app
        .post(
            "/api/clients/register",
            None,
            json!({ "username": "other_name", "email": "TAKEN@mail.example.com", "password": PASSWORD }),
        )
        .await;
    assert_error(&res, 409, "conflict");
    assert!(!res.1.to_string().contains(PASSWORD));
    let res = app
        .post(
            "/api/clients/register",
            None,
            json!({ "username": "Taken_Name", "email": "fresh@mail.example.com", "password": PASSWORD }),
        )
        .await;
    assert_error(&res, 409, "conflict");
}

#[tokio::test]
async fn malformed_or_oversized_registration_bodies_are_refused_cleanly() {
    let app = spawn_app().await;
    let res = post_raw(&app, "/api/clients/register", r#"{"username": "x""#.into()).await;
    assert_error(&res, 400, "validation_failed");
    let res = post_raw(&app, "/api/clients/register", "not json at all".into()).await;
    assert_error(&res, 400, "validation_failed");
    let res = post_raw(
        &app,
        "/api/clients/login",
        r#"{"email": ["a"], "password": "x"}"#.into(),
    )
    .await;
    assert_error(&res, 400, "validation_failed");
    let res = app
        .post(
            "/api/clients/register",
            None,
            json!({ "username": "abc", "email": "a@b.example.com", "password": PASSWORD, "role": "admin" }),
        )
        .await;
    assert_error(&res, 400, "validation_failed");
    let res = app
        .post(
            "/api/clients/register",
            None,
            json!({ "username": "big_one", "email": "big@mail.example.com", "password": "p".repeat(66 * 1024) }),
        )
        .await;
    assert_error(&res, 413, "payload_too_large");
    assert!(!res.1.to_string().contains("pppppppp"));
}

#[tokio::test]
async fn a_customer_logs_in_with_email_and_password() {
    let app = spawn_app().await;
    let client = app.register_client().await;
    let (status, body) = app
        .post(
            "/api/clients/login",
            None,
            json!({ "email": client.email.to_uppercase(), "password": PASSWORD }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["client"]["id"], client.id.as_str());
    assert!(!body.to_string().contains(PASSWORD));
    let (status, me) = app.get("/api/clients/me", body["token"].as_str()).await;
    assert_eq!(status, 200);
    assert_eq!(me["client"]["id"], client.id.as_str());

    let res = app
        .post("/api/clients/login", None, json!({ "email": client.email }))
        .await;
    assert_error(&res, 400, "validation_failed");
    assert!(res.1["fields"]["password"].is_string());
}

#[tokio::test]
async fn client_login_with_an_unknown_email_or_a_wrong_password_gives_the_same_401() {
    let app = spawn_app().await;
    let client = app.register_client().await;
    let wrong = app
        .post(
            "/api/clients/login",
            None,
            json!({ "email": client.email, "password": "definitely wrong" }),
        )
        .await;
    let unknown = app
        .post(
            "/api/clients/login",
            None,
            json!({ "email": "nobody@mail.example.com", "password": "definitely wrong" }),
        )
        .await;
    assert_error(&wrong, 401, "unauthorized");
    assert_eq!(wrong, unknown);
    assert!(!wrong.1.to_string().contains("definitely wrong"));
}

#[tokio::test]
async fn an_agents_email_and_password_do_not_log_in_as_a_customer() {
    let app = spawn_app().await;
    let org = app.signup_org("Staff").await;
    let res = app
        .post(
            "/api/clients/login",
            None,
            json!({ "email": org.admin_email, "password": PASSWORD }),
        )
        .await;
    assert_error(&res, 401, "unauthorized");
}

#[tokio::test]
async fn client_login_is_rate_limited_with_retry_after() {
    let app = spawn_app_with(|a| a.auth_rate_per_minute = 2).await;
    let attempt =
        |n: u32| json!({ "email": format!("who{n}@mail.example.com"), "password": "guessing" });
    for n in 0..2 {
        let res = app.post("/api/clients/login", None, attempt(n)).await;
        assert_error(&res, 401, "unauthorized");
    }
    let res = app
        .http
        .post(format!("{}/api/clients/login", app.base))
        .json(&attempt(3))
        .send()
        .await
        .unwrap();
    assert_rate_limited(res).await;
}

#[tokio::test]
async fn registration_is_rate_limited_per_address() {
    let app = spawn_app_with(|a| {
        a.auth_rate_per_minute = 2;
        a.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
    })
    .await;
    let send = |ip: &'static str| {
        app.http
            .post(format!("{}/api/clients/register", app.base))
            .header("x-forwarded-for", ip)
            .json(&json!({}))
            .send()
    };
    for _ in 0..2 {
        assert_eq!(send("10.1.1.1").await.unwrap().status().as_u16(), 400);
    }
    assert_rate_limited(send("10.1.1.1").await.unwrap()).await;
    assert_eq!(
        send("10.1.1.2").await.unwrap().status().as_u16(),
        400,
        "another address has its own budget"
    );
}

#[tokio::test]
async fn me_needs_a_customers_token() {
    let app = spawn_app().await;
    let org = app.signup_org("Agents Only").await;
    let visitor = app.visitor(&org, "Vera").await;
    assert_error(&app.get("/api/clients/me", None).await, 401, "unauthorized");
    assert_error(
        &app.get("/api/clients/me", Some("not.a.token")).await,
        401,
        "unauthorized",
    );
    assert_error(
        &app.get("/api/clients/me", Some(&org.admin_token)).await,
        403,
        "forbidden",
    );
    let res = app
        .http
        .get(format!("{}/api/clients/me", app.base))
        .header("authorization", format!("Token {}", org.admin_token))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 401, "only Bearer tokens count");

    let (status, me) = app.get("/api/clients/me", Some(&visitor.token)).await;
    assert_eq!(status, 200, "a widget visitor is a client too");
    assert_eq!(me["client"]["id"], visitor.id.as_str());
    assert_eq!(me["client"]["organization_id"], org.id.as_str());
    assert_eq!(me["client"]["name"], "Vera");
}

#[tokio::test]
async fn a_client_token_is_refused_on_agent_routes_and_an_agent_token_on_client_routes() {
    let app = spawn_app().await;
    let org = app.signup_org("Kinds").await;
    let client = app.register_client().await;
    for path in [
        format!("/api/agents/{}", org.admin_id),
        format!("/api/agents/organization/{}", org.id),
        format!("/api/agents/organization/{}/available", org.id),
        format!("/api/agents/{}/sessions", org.admin_id),
        format!("/api/sessions/organization/{}", org.id),
        format!("/api/sessions/organization/{}/active", org.id),
        format!("/api/sessions/organization/{}/waiting", org.id),
    ] {
        assert_error(&app.get(&path, Some(&client.token)).await, 403, "forbidden");
    }
    let res = app
        .put(
            &format!("/api/agents/{}/status", org.admin_id),
            Some(&client.token),
            json!({ "status": "busy" }),
        )
        .await;
    assert_error(&res, 403, "forbidden");

    assert_error(
        &app.get("/api/sessions", Some(&org.admin_token)).await,
        403,
        "forbidden",
    );
    let res = app
        .post(
            "/api/sessions",
            Some(&org.admin_token),
            json!({ "organization_id": org.id }),
        )
        .await;
    assert_error(&res, 403, "forbidden");
}

#[tokio::test]
async fn forged_forwarding_entries_do_not_dodge_the_per_address_limit() {
    let app = spawn_app_with(|a| {
        a.auth_rate_per_minute = 2;
        a.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
    })
    .await;
    // The client writes any left-most entries it likes; the proxy appends what it saw.
    let send = |forged: usize| {
        app.http
            .post(format!("{}/api/clients/register", app.base))
            .header("x-forwarded-for", format!("10.9.{forged}.1, 203.0.113.50"))
            .json(&json!({}))
            .send()
    };
    for i in 0..2 {
        assert_eq!(send(i).await.unwrap().status().as_u16(), 400);
    }
    for i in 2..10 {
        assert_rate_limited(send(i).await.unwrap()).await;
    }
}
