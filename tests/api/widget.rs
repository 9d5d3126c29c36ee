//! `/api/widget/visitors`: anonymous and verified website visitors of one organization.

use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::support::*;

/// What the organization's own back end computes for a signed-in user of its site.
fn identity_hash(secret: &str, external_id: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key");
    mac.update(external_id.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

async fn set_secret(app: &TestApp, org: &OrgHandle, secret: &str) {
    let (status, body) = app
        .put(
            &format!("/api/organizations/{}", org.id),
            Some(&org.admin_token),
            json!({ "settings": { "widget_identity_secret": secret } }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
}

async fn create_visitor(app: &TestApp, body: Value) -> (u16, Value) {
    app.post("/api/widget/visitors", None, body).await
}

#[tokio::test]
async fn a_visitor_is_created_by_organization_id_or_by_domain() {
    let app = spawn_app().await;
    let org = app.signup_org("Widgety").await;
    let (status, body) = create_visitor(
        &app,
        json!({ "organization_id": org.id, "name": "Vera", "email": "Vera@Site.example.com" }),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let client = &body["client"];
    assert_eq!(client["organization_id"], org.id.as_str());
    assert_eq!(client["name"], "Vera");
    assert_eq!(client["email"], "vera@site.example.com");
    assert!(client["username"].is_null());
    let token = body["token"].as_str().unwrap();
    let (status, me) = app.get("/api/clients/me", Some(token)).await;
    assert_eq!(status, 200);
    assert_eq!(me["client"]["id"], client["id"]);

    let (status, by_domain) =
        create_visitor(&app, json!({ "domain": org.domain.to_uppercase() })).await;
    assert_eq!(status, 201, "{by_domain}");
    assert_eq!(by_domain["client"]["organization_id"], org.id.as_str());
    assert!(
        by_domain["client"]["name"].is_null(),
        "name and e-mail are optional"
    );
    assert_ne!(
        by_domain["client"]["id"], client["id"],
        "each anonymous visitor is new"
    );

    // The visitor's conversations carry a display name even without one given.
    let anonymous = ClientHandle {
        id: by_domain["client"]["id"].as_str().unwrap().into(),
        token: by_domain["token"].as_str().unwrap().into(),
        email: String::new(),
    };
    let session = app.open_session(&anonymous, &org, Some("hi")).await;
    assert!(!session["client_name"].as_str().unwrap().is_empty());
}

#[tokio::test]
async fn visitor_creation_validates_its_body_and_the_organization() {
    let app = spawn_app().await;
    let org = app.signup_org("Checks").await;
    let res = create_visitor(&app, json!({ "name": "Nobody" })).await;
    assert_error(&res, 400, "validation_failed");
    assert!(res.1["fields"]["organization_id"].is_string());
    let res = create_visitor(
        &app,
        json!({ "organization_id": org.id, "email": "not-an-email", "name": " " }),
    )
    .await;
    assert_error(&res, 400, "validation_failed");
    assert!(
        res.1["fields"]["email"].is_string() && res.1["fields"]["name"].is_string(),
        "{}",
        res.1
    );
    let res = create_visitor(
        &app,
        json!({ "organization_id": org.id, "external_id": "x".repeat(201) }),
    )
    .await;
    assert_error(&res, 400, "validation_failed");
    assert!(res.1["fields"]["external_id"].is_string());
    let res = create_visitor(
        &app,
        json!({ "organization_id": org.id, "password": PASSWORD }),
    )
    .await;
    assert_error(&res, 400, "validation_failed");
    assert!(!res.1.to_string().contains(PASSWORD));
    let res = create_visitor(&app, json!({ "organization_id": "abc" })).await;
    assert_error(&res, 400, "validation_failed");

    let res = create_visitor(&app, json!({ "organization_id": uuid::Uuid::now_v7() })).await;
    assert_error(&res, 404, "not_found");
    let res = create_visitor(&app, json!({ "domain": "unknown.example.com" })).await;
    assert_error(&res, 404, "not_found");
}

#[tokio::test]
async fn a_visitor_token_opens_sessions_only_with_its_organization() {
    let app = spawn_app().await;
    let org = app.signup_org("Home Site").await;
    let other = app.signup_org("Other Site").await;
    let visitor = app.visitor(&org, "Vera").await;
    let session = app.open_session(&visitor, &org, Some("hello")).await;
    assert_eq!(session["client_id"], visitor.id.as_str());
    assert_eq!(session["client_name"], "Vera");

    let res = app
        .post(
            "/api/sessions",
            Some(&visitor.token),
            json!({ "organization_id": other.id }),
        )
        .await;
    assert_error(&res, 403, "forbidden");
    let (_, mine) = app.get("/api/sessions", Some(&visitor.token)).await;
    assert_eq!(mine["sessions"].as_array().unwrap().len(), 1);

    // A visitor is a client like any other: no agent routes, no other visitor's session.
    let res = app
        .get(
            &format!("/api/sessions/organization/{}", org.id),
            Some(&visitor.token),
        )
        .await;
    assert_error(&res, 403, "forbidden");
    let neighbour = app.visitor(&org, "Nina").await;
    let res = app
        .get(
            &format!("/api/sessions/{}", session["id"].as_str().unwrap()),
            Some(&neighbour.token),
        )
        .await;
    assert_error(&res, 404, "not_found");
}

#[tokio::test]
async fn a_verified_visitor_keeps_one_client_record_and_its_history() {
    let app = spawn_app().await;
    let org = app.signup_org("Verified").await;
    let secret = "widget-secret-42-0123456789abcdefgh";
    set_secret(&app, &org, secret).await;
    let body = json!({
        "organization_id": org.id,
        "name": "Jo",
        "external_id": "user-1001",
        "identity_hash": identity_hash(secret, "user-1001"),
    });
    let (status, first) = create_visitor(&app, body.clone()).await;
    assert_eq!(status, 201, "{first}");
    assert_eq!(first["client"]["external_id"], "user-1001");
    let first_token = first["token"].as_str().unwrap().to_string();
    let id = first["client"]["id"].as_str().unwrap().to_string();
    let (status, second) = create_visitor(&app, body).await;
    assert!(status == 200 || status == 201, "{second}");
    assert_eq!(
        second["client"]["id"],
        id.as_str(),
        "same external id, same client"
    );

    // A different signed user is a different client.
    let (status, other) = create_visitor(
        &app,
        json!({ "domain": org.domain, "external_id": "user-1002", "identity_hash": identity_hash(secret, "user-1002") }),
    )
    .await;
    assert_eq!(status, 201);
    assert_ne!(other["client"]["id"], id.as_str());

    // History follows the person from one page load (token) to the next.
    let visitor = ClientHandle {
        id: id.clone(),
        token: first_token,
        email: String::new(),
    };
    let session = app.open_session(&visitor, &org, Some("order #7")).await;
    let (_, listed) = app
        .get("/api/sessions", Some(second["token"].as_str().unwrap()))
        .await;
    assert_eq!(listed["sessions"][0]["id"], session["id"]);
    assert_eq!(listed["sessions"][0]["last_message"]["content"], "order #7");
}

#[tokio::test]
async fn a_verified_visitor_arriving_in_several_tabs_at_once_gets_one_client_record() {
    let app = spawn_app().await;
    let org = app.signup_org("Tabs").await;
    let secret = "tabs-secret-0123456789abcdefghijklmn";
    set_secret(&app, &org, secret).await;
    // The race is between looking the external id up and inserting it: try it a few times.
    for n in 0..10 {
        let user = format!("user-{n}");
        let body = json!({
            "organization_id": org.id,
            "external_id": user,
            "identity_hash": identity_hash(secret, &user),
        });
        let answers =
            futures_util::future::join_all((0..4).map(|_| create_visitor(&app, body.clone())))
                .await;
        for res in &answers {
            assert!(matches!(res.0, 200 | 201), "{user}: {res:?}");
        }
        let first = &answers[0].1["client"]["id"];
        assert!(
            answers.iter().all(|r| &r.1["client"]["id"] == first),
            "{user}: {answers:?}"
        );
    }
}

#[tokio::test]
async fn a_wrong_or_missing_identity_hash_is_refused() {
    let app = spawn_app().await;
    let org = app.signup_org("Strict Widget").await;
    let secret = "another-secret-0123456789abcdefghij";
    set_secret(&app, &org, secret).await;
    let good = identity_hash(secret, "user-7");
    for (hash, why) in [
        (
            Some(identity_hash(secret, "user-8")),
            "a hash of another id",
        ),
        (
            Some(identity_hash("wrong-secret", "user-7")),
            "a hash with another key",
        ),
        (Some("not hex at all".to_string()), "garbage"),
        (Some(good[..good.len() - 2].to_string()), "a truncated hash"),
        (None, "no hash"),
    ] {
        let mut body = json!({ "organization_id": org.id, "external_id": "user-7" });
        if let Some(h) = hash {
            body["identity_hash"] = json!(h);
        }
        let res = create_visitor(&app, body).await;
        assert_error(&res, 401, "unauthorized");
        assert!(!res.1.to_string().contains(secret), "{why}");
    }
    let (status, ok) = create_visitor(
        &app,
        json!({ "organization_id": org.id, "external_id": "user-7", "identity_hash": good.to_uppercase() }),
    )
    .await;
    assert_eq!(status, 201, "hex is case-insensitive: {ok}");

    // Without an external id, the visitor is simply anonymous.
    let (status, anon) = create_visitor(&app, json!({ "organization_id": org.id })).await;
    assert_eq!(status, 201);
    assert!(anon["client"]["external_id"].is_null());
}

#[tokio::test]
async fn without_a_secret_an_external_id_is_not_trusted() {
    let app = spawn_app().await;
    let org = app.signup_org("Open Widget").await;
    let body = json!({ "organization_id": org.id, "external_id": "user-1" });
    let (s1, first) = create_visitor(&app, body.clone()).await;
    let (s2, second) = create_visitor(&app, body).await;
    assert_eq!((s1, s2), (201, 201));
    assert_ne!(
        first["client"]["id"], second["client"]["id"],
        "an unverified external id must not open someone else's history"
    );
    assert!(first["client"]["external_id"].is_null());

    // Removing the secret (an empty one) stops verification.
    set_secret(&app, &org, "temporary-0123456789abcdefghijklmnop").await;
    set_secret(&app, &org, "").await;
    let (_, view) = app
        .get(
            &format!("/api/organizations/{}", org.id),
            Some(&org.admin_token),
        )
        .await;
    assert!(
        view["organization"]["settings"]
            .get("widget_identity_secret")
            .is_none(),
        "{view}"
    );
    let (status, _) = create_visitor(
        &app,
        json!({ "organization_id": org.id, "external_id": "user-1", "identity_hash": "00" }),
    )
    .await;
    assert_eq!(status, 201);
}

#[tokio::test]
async fn visitor_creation_is_rate_limited_with_retry_after() {
    let app = spawn_app_with(|a| a.auth_rate_per_minute = 2).await;
    // The signup below uses one unit of the same per-address budget.
    let org = app.signup_org("Busy Site").await;
    let (status, _) = create_visitor(&app, json!({ "organization_id": org.id })).await;
    assert_eq!(status, 201);
    let res = app
        .http
        .post(format!("{}/api/widget/visitors", app.base))
        .json(&json!({ "organization_id": org.id }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 429);
    assert!(
        res.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse::<u64>()
            .unwrap()
            >= 1
    );
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"], "rate_limited");
}
