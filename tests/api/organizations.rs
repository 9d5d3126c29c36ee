//! `/api/organizations`: signup, public profiles, the directory, settings, listing and deletion.

use raasel::store::{Page, Store};
use reqwest::Method;
use serde_json::{Value, json};

use crate::support::*;

/// The operator token configured by `spawn_app`.
const OPERATOR: &str = "operator-secret";

/// A signup body with every field valid.
fn signup_body(name: &str, domain: &str) -> Value {
    json!({
        "name": name,
        "domain": domain,
        "admin": { "name": "Ada Admin", "email": format!("ada@{}", domain.to_lowercase()), "password": PASSWORD }
    })
}

/// Sends a raw body (not necessarily JSON) with a JSON content type.
async fn raw(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: String,
) -> (u16, Value) {
    let mut req = app
        .http
        .request(method, format!("{}{}", app.base, path))
        .header("content-type", "application/json")
        .body(body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let res = req.send().await.expect("request sent");
    let status = res.status().as_u16();
    let text = res.text().await.expect("body");
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

fn names(list: &Value) -> Vec<String> {
    list.as_array()
        .expect("a list")
        .iter()
        .map(|o| o["name"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn signing_up_creates_the_organization_its_admin_and_a_working_token() {
    let app = spawn_app().await;
    let mut body = signup_body("Sample Co", "Sample-Signup.Example.COM");
    body["settings"] = json!({ "welcome_message": "Welcome aboard", "max_concurrent_sessions": 3 });
    let (status, res) = app.post("/api/organizations", None, body).await;
    assert_eq!(status, 201, "{res}");
    let org = &res["organization"];
    assert_eq!(org["name"], "Sample Co");
    assert_eq!(
        org["domain"], "sample-signup.example.com",
        "domains are lower-cased"
    );
    assert_eq!(org["settings"]["welcome_message"], "Welcome aboard");
    assert_eq!(org["settings"]["max_concurrent_sessions"], 3);
    assert_eq!(res["agent"]["role"], "admin");
    assert_eq!(res["agent"]["organization_id"], org["id"]);
    assert_eq!(res["agent"]["email"], "ada@sample-signup.example.com");
    assert!(res["agent"].get("password_hash").is_none());
    assert!(
        !res.to_string().contains(PASSWORD),
        "the password is never returned"
    );

    let token = res["token"].as_str().unwrap();
    let agent_id = res["agent"]["id"].as_str().unwrap();
    let (status, me) = app
        .get(&format!("/api/agents/{agent_id}"), Some(token))
        .await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["agent"]["id"], agent_id);
}

#[tokio::test]
async fn signup_names_every_invalid_field_and_never_echoes_the_password() {
    let app = spawn_app().await;
    let res = app
        .post(
            "/api/organizations",
            None,
            json!({
                "name": "  ",
                "domain": "not a domain",
                "admin": { "name": "Ada", "email": "nobody-at-all", "password": "s3cr3t!" }
            }),
        )
        .await;
    assert_error(&res, 400, "validation_failed");
    let fields = &res.1["fields"];
    for f in ["name", "domain", "admin.email", "admin.password"] {
        assert!(fields[f].is_string(), "{f} should be named: {}", res.1);
    }
    assert!(
        fields.get("admin.name").is_none(),
        "a valid field is not named"
    );
    assert!(!res.1.to_string().contains("s3cr3t!"));

    let res = app
        .post("/api/organizations", None, json!({ "name": "No Admin" }))
        .await;
    assert_error(&res, 400, "validation_failed");
    assert!(res.1["fields"]["domain"].is_string());
    assert!(res.1["fields"]["admin.email"].is_string());

    let mut bad_settings = signup_body("Colours", "colours.example.com");
    bad_settings["settings"] = json!({ "widget_color": "blue", "max_concurrent_sessions": 0 });
    let res = app.post("/api/organizations", None, bad_settings).await;
    assert_error(&res, 400, "validation_failed");
    assert!(
        res.1["fields"]["settings.widget_color"].is_string(),
        "{}",
        res.1
    );
    assert!(res.1["fields"]["settings.max_concurrent_sessions"].is_string());
}

#[tokio::test]
async fn a_taken_domain_is_a_conflict_whatever_its_case() {
    let app = spawn_app().await;
    let (status, _) = app
        .post(
            "/api/organizations",
            None,
            signup_body("First", "taken.example.com"),
        )
        .await;
    assert_eq!(status, 201);
    let mut again = signup_body("Second", "TAKEN.example.com");
    again["admin"]["email"] = json!("someone.else@second.example.com");
    let res = app.post("/api/organizations", None, again).await;
    assert_error(&res, 409, "conflict");
    assert!(!res.1.to_string().contains(PASSWORD));
}

#[tokio::test]
async fn malformed_json_and_unknown_fields_are_bad_requests_not_server_errors() {
    let app = spawn_app().await;
    let res = raw(
        &app,
        Method::POST,
        "/api/organizations",
        None,
        r#"{"name": "Broken", "#.into(),
    )
    .await;
    assert_error(&res, 400, "validation_failed");
    let res = raw(
        &app,
        Method::POST,
        "/api/organizations",
        None,
        "[1, 2".into(),
    )
    .await;
    assert_error(&res, 400, "validation_failed");
    let res = raw(
        &app,
        Method::POST,
        "/api/organizations",
        None,
        r#"{"name": 42}"#.into(),
    )
    .await;
    assert_error(&res, 400, "validation_failed");

    let mut typo = signup_body("Typo", "typo.example.com");
    typo["dommain"] = json!("typo.example.com");
    let res = app.post("/api/organizations", None, typo).await;
    assert_error(&res, 400, "validation_failed");
    // Nothing was created by the refused requests.
    let (status, _) = app
        .get("/api/organizations/discover/typo.example.com", None)
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn a_body_over_64_kib_is_refused_as_payload_too_large() {
    let app = spawn_app().await;
    let org = app.signup_org("Big").await;
    let mut body = signup_body("Huge", "huge.example.com");
    body["settings"] = json!({ "welcome_message": "x".repeat(70 * 1024) });
    let res = app.post("/api/organizations", None, body).await;
    assert_error(&res, 413, "payload_too_large");

    let res = app
        .put(
            &format!("/api/organizations/{}", org.id),
            Some(&org.admin_token),
            json!({ "settings": { "offline_message": "y".repeat(65 * 1024) } }),
        )
        .await;
    assert_error(&res, 413, "payload_too_large");
}

#[tokio::test]
async fn signup_is_rate_limited_per_address_with_retry_after() {
    let app = spawn_app_with(|a| a.auth_rate_per_minute = 2).await;
    // Invalid bodies keep the test fast; the limit is checked before anything else.
    for _ in 0..2 {
        let res = app.post("/api/organizations", None, json!({})).await;
        assert_error(&res, 400, "validation_failed");
    }
    let res = app
        .http
        .post(format!("{}/api/organizations", app.base))
        .json(&signup_body("Late", "late.example.com"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 429);
    let retry: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry >= 1);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"], "rate_limited");
}

#[tokio::test]
async fn discover_finds_an_organization_by_domain_in_any_case() {
    let app = spawn_app().await;
    let org = app.signup_org("Discoverable").await;
    let (status, body) = app
        .get(
            &format!("/api/organizations/discover/{}", org.domain.to_uppercase()),
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let profile = &body["organization"];
    assert_eq!(profile["id"], org.id.as_str());
    assert_eq!(profile["name"], "Discoverable");
    assert_eq!(profile["domain"], org.domain.as_str());
    assert!(profile["welcome_message"].is_string());
    assert!(profile["widget_color"].is_string());
    assert_eq!(profile["online"], false, "nobody is connected");
    assert!(
        profile.get("settings").is_none(),
        "the public profile has no settings"
    );

    let res = app
        .get("/api/organizations/discover/nobody.example.com", None)
        .await;
    assert_error(&res, 404, "not_found");
    let res = app
        .get("/api/organizations/discover/not%20a%20domain", None)
        .await;
    assert_error(&res, 404, "not_found");
}

#[tokio::test]
async fn the_directory_matches_name_or_domain_case_insensitively_and_bounds_its_limit() {
    let app = spawn_app().await;
    let rockets = app.signup_org("Acme Rockets").await;
    let bikes = app.signup_org("Bolt Bikes").await;

    let (status, body) = app
        .get("/api/organizations/directory?q=ROCKETS", None)
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(names(&body["organizations"]), vec!["Acme Rockets"]);
    assert_eq!(body["organizations"][0]["id"], rockets.id.as_str());
    assert!(body["organizations"][0].get("settings").is_none());

    // "bolt-bikes" appears only in the domain (the name has a space).
    let (_, body) = app
        .get("/api/organizations/directory?q=Bolt-Bikes", None)
        .await;
    assert_eq!(names(&body["organizations"]), vec!["Bolt Bikes"]);
    assert_eq!(body["organizations"][0]["domain"], bikes.domain.as_str());

    let (_, body) = app.get("/api/organizations/directory?q=b", None).await;
    assert_eq!(names(&body["organizations"]), vec!["Bolt Bikes"]);
    let (_, body) = app.get("/api/organizations/directory", None).await;
    assert_eq!(
        names(&body["organizations"]),
        vec!["Acme Rockets", "Bolt Bikes"]
    );
    let (_, body) = app
        .get("/api/organizations/directory?q=zeppelin", None)
        .await;
    assert_eq!(body["organizations"], json!([]));
    let (_, body) = app.get("/api/organizations/directory?q=%25", None).await;
    assert_eq!(
        body["organizations"],
        json!([]),
        "% is a literal, not a wildcard"
    );

    let (_, body) = app
        .get("/api/organizations/directory?q=example&limit=1", None)
        .await;
    assert_eq!(body["organizations"].as_array().unwrap().len(), 1);
    for bad in ["0", "51"] {
        let res = app
            .get(&format!("/api/organizations/directory?limit={bad}"), None)
            .await;
        assert_error(&res, 400, "validation_failed");
        assert!(res.1["fields"]["limit"].is_string(), "{}", res.1);
    }
    let res = app
        .get("/api/organizations/directory?limit=lots", None)
        .await;
    assert_error(&res, 400, "validation_failed");
}

#[tokio::test]
async fn the_directory_lists_online_organizations_first() {
    let app = spawn_app().await;
    let _alpha = app.signup_org("Alpha Help").await;
    let beta = app.signup_org("Beta Help").await;
    let (_, body) = app.get("/api/organizations/directory?q=help", None).await;
    assert_eq!(
        names(&body["organizations"]),
        vec!["Alpha Help", "Beta Help"]
    );

    let _online = app.socket(&beta.admin_token).await;
    // Presence follows the socket's connect handler; wait for it.
    let discover = format!("/api/organizations/discover/{}", beta.domain);
    wait_until(
        "the organization shows as online",
        crate::socket::WAIT,
        || async { app.get(&discover, None).await.1["organization"]["online"] == true },
    )
    .await;
    let (_, body) = app.get("/api/organizations/directory?q=help", None).await;
    assert_eq!(
        names(&body["organizations"]),
        vec!["Beta Help", "Alpha Help"]
    );
    assert_eq!(body["organizations"][0]["online"], true);
    assert_eq!(body["organizations"][1]["online"], false);
    assert_eq!(body["organizations"][0]["availability"], "available");
    assert_eq!(body["organizations"][1]["availability"], "offline");
    let (_, body) = app
        .get("/api/organizations/directory?q=help&limit=1", None)
        .await;
    assert_eq!(names(&body["organizations"]), vec!["Beta Help"]);

    // Online means someone can take a conversation now: with its only agent busy, Beta is
    // busy, not offline, and still before the organizations nobody is at.
    let (status, _) = app
        .put(
            &format!("/api/agents/{}/status", beta.admin_id),
            Some(&beta.admin_token),
            json!({ "status": "busy" }),
        )
        .await;
    assert_eq!(status, 200);
    let (_, body) = app.get("/api/organizations/directory?q=help", None).await;
    assert_eq!(
        names(&body["organizations"]),
        vec!["Beta Help", "Alpha Help"]
    );
    assert_eq!(body["organizations"][0]["online"], false);
    assert_eq!(body["organizations"][0]["availability"], "busy");
    assert_eq!(body["organizations"][1]["availability"], "offline");
    let (_, found) = app.get(&discover, None).await;
    assert_eq!(found["organization"]["availability"], "busy");
}

#[tokio::test]
async fn settings_are_shown_only_to_its_agents_and_the_identity_secret_only_to_its_admins() {
    let app = spawn_app().await;
    let org = app.signup_org("Secretive").await;
    let other = app.signup_org("Nosy").await;
    let agent = app.create_agent(&org, "Plain", "agent", None).await;
    let supervisor = app.create_agent(&org, "Sue", "supervisor", None).await;
    let client = app.register_client().await;
    let (status, body) = app
        .put(
            &format!("/api/organizations/{}", org.id),
            Some(&org.admin_token),
            json!({ "settings": { "widget_identity_secret": "top-secret-value-0123456789abcdef", "widget_color": "#FF0000" } }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["organization"]["settings"]["widget_identity_secret"],
        "top-secret-value-0123456789abcdef",
        "the admin who set it sees it"
    );

    let path = format!("/api/organizations/{}", org.id);
    let (status, admin_view) = app.get(&path, Some(&org.admin_token)).await;
    assert_eq!(status, 200);
    assert_eq!(
        admin_view["organization"]["settings"]["widget_identity_secret"],
        "top-secret-value-0123456789abcdef"
    );
    assert_eq!(
        admin_view["organization"]["settings"]["widget_color"],
        "#ff0000"
    );

    for token in [&agent.token, &supervisor.token] {
        let (status, view) = app.get(&path, Some(token)).await;
        assert_eq!(status, 200);
        let settings = &view["organization"]["settings"];
        assert_eq!(
            settings["widget_color"], "#ff0000",
            "its agents see settings: {view}"
        );
        assert!(settings.get("widget_identity_secret").is_none(), "{view}");
    }

    for token in [
        None,
        Some(other.admin_token.as_str()),
        Some(client.token.as_str()),
    ] {
        let (status, view) = app.get(&path, token).await;
        assert_eq!(status, 200);
        assert_eq!(view["organization"]["id"], org.id.as_str());
        assert_eq!(view["organization"]["name"], "Secretive");
        assert!(view["organization"].get("settings").is_none(), "{view}");
        assert!(
            !view
                .to_string()
                .contains("top-secret-value-0123456789abcdef")
        );
    }

    let res = app
        .get(
            &format!("/api/organizations/{}", uuid::Uuid::now_v7()),
            None,
        )
        .await;
    assert_error(&res, 404, "not_found");
    let res = app.get("/api/organizations/not-a-uuid", None).await;
    assert_error(&res, 404, "not_found");
}

#[tokio::test]
async fn an_admin_updates_name_domain_and_settings() {
    let app = spawn_app().await;
    let org = app.signup_org("Renamed").await;
    let (status, body) = app
        .put(
            &format!("/api/organizations/{}", org.id),
            Some(&org.admin_token),
            json!({
                "name": "Renamed Again",
                "domain": "New-Home.Example.com",
                "settings": {
                    "welcome_message": "Hello there",
                    "offline_message": "Back soon",
                    "max_concurrent_sessions": 7,
                    "business_hours": {
                        "time_zone": "Europe/Paris",
                        "weekly": [{ "day": "mon", "open": "09:00", "close": "17:00" }],
                        "days_off": ["2026-12-25"]
                    }
                }
            }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let o = &body["organization"];
    assert_eq!(o["name"], "Renamed Again");
    assert_eq!(o["domain"], "new-home.example.com");
    assert_eq!(o["settings"]["welcome_message"], "Hello there");
    assert_eq!(o["settings"]["offline_message"], "Back soon");
    assert_eq!(o["settings"]["max_concurrent_sessions"], 7);
    assert_eq!(o["settings"]["business_hours"]["time_zone"], "Europe/Paris");
    assert_eq!(
        o["settings"]["business_hours"]["weekly"][0]["open"],
        "09:00"
    );
    // Hours that cannot be read are refused, naming what is wrong, and change nothing.
    for bad in [
        json!({ "mon": "9-17" }),
        json!({ "time_zone": "Mars/Olympus", "weekly": [] }),
        json!({ "time_zone": "UTC", "weekly": [{ "day": "mon", "open": "17:00", "close": "09:00" }] }),
    ] {
        let res = app
            .put(
                &format!("/api/organizations/{}", org.id),
                Some(&org.admin_token),
                json!({ "settings": { "business_hours": bad } }),
            )
            .await;
        assert_error(&res, 400, "validation_failed");
        assert!(
            res.1["fields"]["settings.business_hours"].is_string(),
            "{}",
            res.1
        );
    }
    // `null` removes them: always open.
    let (status, body) = app
        .put(
            &format!("/api/organizations/{}", org.id),
            Some(&org.admin_token),
            json!({ "settings": { "business_hours": null } }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["organization"]["settings"]["business_hours"],
        Value::Null
    );

    let (status, found) = app
        .get("/api/organizations/discover/new-home.example.com", None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(found["organization"]["welcome_message"], "Hello there");
    let (status, _) = app
        .get(&format!("/api/organizations/discover/{}", org.domain), None)
        .await;
    assert_eq!(status, 404, "the old domain is free again");

    // A partial update keeps the rest.
    let (status, body) = app
        .put(
            &format!("/api/organizations/{}", org.id),
            Some(&org.admin_token),
            json!({ "settings": { "widget_color": "#123" } }),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["organization"]["name"], "Renamed Again");
    assert_eq!(
        body["organization"]["settings"]["welcome_message"],
        "Hello there"
    );
    assert_eq!(body["organization"]["settings"]["widget_color"], "#123");
}

#[tokio::test]
async fn updating_an_organization_names_every_invalid_field() {
    let app = spawn_app().await;
    let org = app.signup_org("Picky").await;
    let path = format!("/api/organizations/{}", org.id);
    let res = app
        .put(
            &path,
            Some(&org.admin_token),
            json!({ "name": "", "domain": "bad domain!" }),
        )
        .await;
    assert_error(&res, 400, "validation_failed");
    assert!(res.1["fields"]["name"].is_string());
    assert!(res.1["fields"]["domain"].is_string());

    let res = app
        .put(
            &path,
            Some(&org.admin_token),
            json!({ "settings": { "widget_color": "red", "max_concurrent_sessions": 101, "welcome_message": "w".repeat(1001) } }),
        )
        .await;
    assert_error(&res, 400, "validation_failed");
    for f in [
        "settings.widget_color",
        "settings.max_concurrent_sessions",
        "settings.welcome_message",
    ] {
        assert!(res.1["fields"][f].is_string(), "{f}: {}", res.1);
    }
    let res = app
        .put(
            &path,
            Some(&org.admin_token),
            json!({ "settings": { "colour": "#fff" } }),
        )
        .await;
    assert_error(&res, 400, "validation_failed");
    let res = raw(&app, Method::PUT, &path, Some(&org.admin_token), "{".into()).await;
    assert_error(&res, 400, "validation_failed");

    // Nothing changed.
    let (_, view) = app.get(&path, Some(&org.admin_token)).await;
    assert_eq!(view["organization"]["name"], "Picky");
    assert_eq!(
        view["organization"]["settings"]["max_concurrent_sessions"],
        5
    );
}

#[tokio::test]
async fn moving_to_a_taken_domain_is_a_conflict() {
    let app = spawn_app().await;
    let org = app.signup_org("Mover").await;
    let other = app.signup_org("Owner").await;
    let res = app
        .put(
            &format!("/api/organizations/{}", org.id),
            Some(&org.admin_token),
            json!({ "domain": other.domain.to_uppercase() }),
        )
        .await;
    assert_error(&res, 409, "conflict");
}

#[tokio::test]
async fn only_an_admin_of_the_organization_may_update_it() {
    let app = spawn_app().await;
    let org = app.signup_org("Guarded").await;
    let other = app.signup_org("Intruder").await;
    let agent = app.create_agent(&org, "Plain", "agent", None).await;
    let supervisor = app.create_agent(&org, "Sue", "supervisor", None).await;
    let client = app.register_client().await;
    let path = format!("/api/organizations/{}", org.id);
    let change = json!({ "name": "Hijacked" });

    assert_error(
        &app.put(&path, None, change.clone()).await,
        401,
        "unauthorized",
    );
    assert_error(
        &app.put(&path, Some("garbage"), change.clone()).await,
        401,
        "unauthorized",
    );
    assert_error(
        &app.put(&path, Some(&client.token), change.clone()).await,
        403,
        "forbidden",
    );
    assert_error(
        &app.put(&path, Some(&agent.token), change.clone()).await,
        403,
        "forbidden",
    );
    assert_error(
        &app.put(&path, Some(&supervisor.token), change.clone())
            .await,
        403,
        "forbidden",
    );
    assert_error(
        &app.put(&path, Some(&other.admin_token), change.clone())
            .await,
        404,
        "not_found",
    );

    let (_, view) = app.get(&path, None).await;
    assert_eq!(view["organization"]["name"], "Guarded");
    let (_, other_view) = app
        .get(&format!("/api/organizations/{}", other.id), None)
        .await;
    assert_eq!(other_view["organization"]["name"], "Intruder");
}

#[tokio::test]
async fn only_the_platform_operator_lists_every_organization() {
    let app = spawn_app().await;
    let one = app.signup_org("One").await;
    let two = app.signup_org("Two").await;
    let client = app.register_client().await;

    let (status, body) = app.get("/api/organizations", Some(OPERATOR)).await;
    assert_eq!(status, 200, "{body}");
    let ids: Vec<&str> = body["organizations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 2);
    assert!(ids.contains(&one.id.as_str()) && ids.contains(&two.id.as_str()));

    assert_error(
        &app.get("/api/organizations", None).await,
        401,
        "unauthorized",
    );
    assert_error(
        &app.get("/api/organizations", Some(&one.admin_token)).await,
        403,
        "forbidden",
    );
    assert_error(
        &app.get("/api/organizations", Some(&client.token)).await,
        403,
        "forbidden",
    );
    assert_error(
        &app.get("/api/organizations", Some("operator-secreT")).await,
        401,
        "unauthorized",
    );
}

#[tokio::test]
async fn the_operators_list_does_not_reveal_identity_secrets() {
    let app = spawn_app().await;
    let org = app.signup_org("Signed").await;
    let (status, _) = app
        .put(
            &format!("/api/organizations/{}", org.id),
            Some(&org.admin_token),
            json!({ "settings": { "widget_identity_secret": "only-for-admins-7-0123456789abcdef" } }),
        )
        .await;
    assert_eq!(status, 200);
    let (status, body) = app.get("/api/organizations", Some(OPERATOR)).await;
    assert_eq!(status, 200);
    assert_eq!(body["organizations"][0]["id"], org.id.as_str());
    assert!(
        !body
            .to_string()
            .contains("only-for-admins-7-0123456789abcdef"),
        "the identity secret is never returned to non-admins: {body}"
    );
}

/// An organization with an agent, a registered customer's conversation and a visitor.
struct Populated {
    org: OrgHandle,
    agent: AgentHandle,
    client: ClientHandle,
    visitor: ClientHandle,
    session_id: String,
    visitor_session_id: String,
}

async fn populated(app: &TestApp, name: &str) -> Populated {
    let org = app.signup_org(name).await;
    let agent = app.create_agent(&org, "Worker", "agent", None).await;
    let client = app.register_client().await;
    let visitor = app.visitor(&org, "Vic").await;
    let session = app.open_session(&client, &org, Some("hello")).await;
    let session_id = session["id"].as_str().unwrap().to_string();
    let (status, _) = app
        .send(&agent.token, &session_id, "hi, how can I help")
        .await;
    assert_eq!(status, 201);
    // The server now remembers whose conversation this is; its deletion must still count.
    let (status, _) = app.send(&client.token, &session_id, "thanks").await;
    assert_eq!(status, 201);
    let visitor_session = app.open_session(&visitor, &org, Some("hey")).await;
    Populated {
        org,
        agent,
        client,
        visitor,
        session_id,
        visitor_session_id: visitor_session["id"].as_str().unwrap().to_string(),
    }
}

/// Everything of the deleted organization answers 404 (or 401 for its tokens).
async fn assert_gone(app: &TestApp, p: &Populated) {
    let res = app
        .get(&format!("/api/organizations/{}", p.org.id), None)
        .await;
    assert_error(&res, 404, "not_found");
    let res = app
        .get(
            &format!("/api/organizations/discover/{}", p.org.domain),
            None,
        )
        .await;
    assert_error(&res, 404, "not_found");
    let res = app
        .get(
            &format!("/api/sessions/{}", p.session_id),
            Some(&p.client.token),
        )
        .await;
    assert_error(&res, 404, "not_found");
    let res = app
        .get(
            &format!("/api/sessions/{}/messages", p.session_id),
            Some(&p.client.token),
        )
        .await;
    assert_error(&res, 404, "not_found");
    let res = app.send(&p.client.token, &p.session_id, "anyone?").await;
    assert_error(&res, 404, "not_found");
    // The customer account is not the organization's; only the conversation went.
    let (status, mine) = app.get("/api/sessions", Some(&p.client.token)).await;
    assert_eq!(status, 200);
    assert_eq!(mine["sessions"], json!([]));
    // Agents and visitors belonged to the organization: their tokens no longer work.
    for token in [&p.org.admin_token, &p.agent.token, &p.visitor.token] {
        let res = app
            .get(
                &format!("/api/sessions/{}", p.visitor_session_id),
                Some(token),
            )
            .await;
        assert_error(&res, 401, "unauthorized");
    }
    let (status, _) = app
        .post(
            "/api/agents/login",
            None,
            json!({ "email": p.agent.email, "password": PASSWORD }),
        )
        .await;
    assert_eq!(status, 401);
    let (_, all) = app.get("/api/organizations", Some(OPERATOR)).await;
    assert!(
        !all.to_string().contains(&p.org.id),
        "the operator's list no longer has it"
    );
    // The messages themselves are gone from the message store, not just unreachable.
    for id in [&p.session_id, &p.visitor_session_id] {
        let (left, _) = app
            .server
            .app
            .chat
            .log
            .range(
                p.org.id.parse().unwrap(),
                id.parse().unwrap(),
                Page {
                    before: None,
                    after: None,
                    limit: 200,
                },
                raasel::domain::model::Audience::Agents,
            )
            .await
            .expect("message store answers");
        assert!(
            left.is_empty(),
            "messages of a deleted organization remain: {left:?}"
        );
    }
}

#[tokio::test]
async fn an_admin_deletes_their_organization_with_all_its_data() {
    let app = spawn_app().await;
    let doomed = populated(&app, "Doomed").await;
    let survivor = app.signup_org("Survivor").await;
    let res = app
        .delete(
            &format!("/api/organizations/{}", doomed.org.id),
            Some(&doomed.org.admin_token),
        )
        .await;
    assert_eq!(res.0, 204, "{}", res.1);
    assert_gone(&app, &doomed).await;

    let (status, _) = app
        .get(&format!("/api/organizations/{}", survivor.id), None)
        .await;
    assert_eq!(status, 200, "other organizations are untouched");
    let (status, _) = app.get("/api/clients/me", Some(&doomed.client.token)).await;
    assert_eq!(status, 200, "the customer's account stays");
    let (status, _) = app
        .post(
            "/api/organizations",
            None,
            signup_body("Reborn", &doomed.org.domain),
        )
        .await;
    assert_eq!(status, 201, "the domain is free again");
}

#[tokio::test]
async fn the_platform_operator_deletes_any_organization() {
    let app = spawn_app().await;
    let doomed = populated(&app, "Operated").await;
    let res = app
        .delete(
            &format!("/api/organizations/{}", doomed.org.id),
            Some(OPERATOR),
        )
        .await;
    assert_eq!(res.0, 204, "{}", res.1);
    assert_gone(&app, &doomed).await;
    let res = app
        .delete(
            &format!("/api/organizations/{}", doomed.org.id),
            Some(OPERATOR),
        )
        .await;
    assert_error(&res, 404, "not_found");
}

#[tokio::test]
async fn other_organizations_admins_and_non_admins_cannot_delete_an_organization() {
    let app = spawn_app().await;
    let org = app.signup_org("Sturdy").await;
    let other = app.signup_org("Vandal").await;
    let supervisor = app.create_agent(&org, "Sue", "supervisor", None).await;
    let agent = app.create_agent(&org, "Plain", "agent", None).await;
    let client = app.register_client().await;
    let path = format!("/api/organizations/{}", org.id);

    assert_error(
        &app.delete(&path, Some(&other.admin_token)).await,
        404,
        "not_found",
    );
    assert_error(
        &app.delete(&path, Some(&supervisor.token)).await,
        403,
        "forbidden",
    );
    assert_error(
        &app.delete(&path, Some(&agent.token)).await,
        403,
        "forbidden",
    );
    assert_error(
        &app.delete(&path, Some(&client.token)).await,
        403,
        "forbidden",
    );
    assert_error(&app.delete(&path, None).await, 401, "unauthorized");

    let (status, _) = app.get(&path, None).await;
    assert_eq!(status, 200, "still there");
    let (status, _) = app
        .get(&format!("/api/agents/{}", agent.id), Some(&org.admin_token))
        .await;
    assert_eq!(status, 200, "its agents are still there");
}

/// Adds an organization straight to the server's store, opened beside it (a placeholder
/// password hash: nobody logs in), so that a test can have many of them without paying for
/// password hashing.
async fn seed_org(store: &dyn Store, name: &str, domain: &str) {
    use raasel::domain::model::{Agent, AgentStatus, OrgSettings, Organization, Role};
    use raasel::domain::{AgentId, OrgId};
    let now = chrono::Utc::now();
    let org = Organization {
        id: OrgId::new(),
        name: name.into(),
        domain: domain.into(),
        settings: OrgSettings::default(),
        created_at: now,
        updated_at: now,
    };
    let admin = Agent {
        id: AgentId::new(),
        organization_id: org.id,
        name: "Seeded".into(),
        email: format!("admin@{domain}"),
        role: Role::Admin,
        status: AgentStatus::Active,
        online: false,
        max_concurrent_sessions: None,
        last_assigned_at: None,
        created_at: now,
        updated_at: now,
        token_version: 0,
    };
    store
        .create_organization(&org, &admin, "not-a-real-hash")
        .await
        .expect("seeded");
}

#[tokio::test]
async fn an_online_organization_comes_first_even_among_many_matches() {
    let app = spawn_app().await;
    let beside = raasel::store::open(&app.server.app.config.store)
        .await
        .unwrap();
    for n in 0..55 {
        seed_org(
            beside.store.as_ref(),
            &format!("Aa Shop {n:02}"),
            &format!("aa-shop-{n:02}.example.com"),
        )
        .await;
    }
    let online = app.signup_org("Zz Shop").await;
    let _socket = app.socket(&online.admin_token).await;
    let discover = format!("/api/organizations/discover/{}", online.domain);
    wait_until(
        "the organization shows as online",
        crate::socket::WAIT,
        || async { app.get(&discover, None).await.1["organization"]["online"] == true },
    )
    .await;
    for query in ["?q=shop&limit=5", "?limit=5", "?q=SHOP"] {
        let (status, body) = app
            .get(&format!("/api/organizations/directory{query}"), None)
            .await;
        assert_eq!(status, 200);
        assert_eq!(
            body["organizations"][0]["name"],
            "Zz Shop",
            "{query}: the one online organization is listed first, whatever its name: {}",
            names(&body["organizations"]).join(", ")
        );
    }
    let (_, body) = app.get("/api/organizations/directory?q=shop", None).await;
    assert_eq!(
        body["organizations"].as_array().unwrap().len(),
        20,
        "the default limit"
    );
}

#[tokio::test]
async fn an_empty_operator_token_in_the_configuration_lets_nobody_in() {
    let app = spawn_app_with(|a| a.operator_token = Some(String::new())).await;
    let org = app.signup_org("Unguarded").await;
    for header in ["Bearer ", "Bearer", "Bearer  "] {
        let res = app
            .http
            .get(format!("{}/api/organizations", app.base))
            .header("authorization", header)
            .send()
            .await
            .unwrap();
        assert!(
            matches!(res.status().as_u16(), 401 | 403),
            "{header:?}: {}",
            res.status()
        );
        let res = app
            .http
            .delete(format!("{}/api/organizations/{}", app.base, org.id))
            .header("authorization", header)
            .send()
            .await
            .unwrap();
        assert!(
            matches!(res.status().as_u16(), 401 | 403),
            "{header:?}: {}",
            res.status()
        );
    }
    let (status, _) = app
        .get(&format!("/api/organizations/{}", org.id), None)
        .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn agents_of_another_organization_get_404_whatever_their_role() {
    let app = spawn_app().await;
    let org = app.signup_org("Private").await;
    let other = app.signup_org("Curious").await;
    let outsider = app.create_agent(&other, "Otto", "agent", None).await;
    let path = format!("/api/organizations/{}", org.id);
    assert_error(
        &app.put(&path, Some(&outsider.token), json!({ "name": "x" }))
            .await,
        404,
        "not_found",
    );
    assert_error(
        &app.delete(&path, Some(&outsider.token)).await,
        404,
        "not_found",
    );
    let target = app.create_agent(&org, "Tara", "agent", None).await;
    assert_error(
        &app.delete(&format!("/api/agents/{}", target.id), Some(&outsider.token))
            .await,
        404,
        "not_found",
    );
}

#[tokio::test]
async fn deleting_an_organization_closes_its_agents_sockets() {
    let app = spawn_app().await;
    let org = app.signup_org("Closing").await;
    let other = app.signup_org("Staying").await;
    let agent = app.create_agent(&org, "Ann", "agent", None).await;
    let socket = app.socket(&agent.token).await;
    let bystander = app.socket(&other.admin_token).await;
    let (status, _) = app
        .delete(
            &format!("/api/organizations/{}", org.id),
            Some(&org.admin_token),
        )
        .await;
    assert_eq!(status, 204);
    assert!(
        socket.wait_closed(std::time::Duration::from_secs(3)).await,
        "socket left open"
    );
    assert!(
        !bystander
            .wait_closed(std::time::Duration::from_millis(300))
            .await,
        "another organization's socket was closed"
    );
}

#[tokio::test]
async fn the_installation_decides_who_may_sign_up_organizations() {
    use raasel::domain::permissions::Signups;
    let signup = |domain: &str| json!({ "name": "New", "domain": domain, "admin": { "name": "A", "email": format!("a@{domain}"), "password": PASSWORD } });
    let app = spawn_app_with(|a| a.signups = Signups::Operator).await;
    let res = app
        .post("/api/organizations", None, signup("anon.example"))
        .await;
    assert_error(&res, 403, "forbidden");
    let (status, _) = app
        .get("/api/organizations/discover/anon.example", None)
        .await;
    assert_eq!(status, 404, "a refused signup created nothing");
    let res = app
        .post(
            "/api/organizations",
            Some("operator-secret"),
            signup("op.example"),
        )
        .await;
    assert_eq!(res.0, 201, "{}", res.1);

    let closed = spawn_app_with(|a| a.signups = Signups::Closed).await;
    for token in [None, Some("operator-secret")] {
        let res = closed
            .post("/api/organizations", token, signup("no.example"))
            .await;
        assert_error(&res, 403, "forbidden");
    }
}
