//! Single sign-on through a real OpenID Connect provider (oidc-provider, started by the test
//! command): an agent signs in through the organization's provider and the console's refresh
//! cookie; a forged or replayed `state`, a provider's refusal, ID tokens failing a check (another
//! audience, expired, another issuer, another nonce, a foreign signature), an unverified e-mail,
//! a domain not allowed and an unknown agent sign nobody in; an organization requiring single
//! sign-on refuses passwords but for its break-glass admin; pending sign-ins are bounded.

use std::collections::HashMap;

use serde_json::{Value, json};

use crate::support::*;

/// A client registered at the provider for this server's redirect URI.
pub(crate) struct Client {
    id: String,
    secret: String,
}

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn sso_app() -> TestApp {
    spawn_app_with(|args| args.sso_allow_private = true).await
}

/// Registers a client that signs `login_hint` in without a form (`client_name` "auto-login").
pub(crate) async fn register(app: &TestApp) -> Client {
    let redirect_uri = format!("{}/api/sso/callback", app.base);
    let res = app
        .http
        .post(format!("{}/reg", test_oidc()))
        .json(
            &json!({ "redirect_uris": [redirect_uri], "client_name": "auto-login",
            "token_endpoint_auth_method": "client_secret_basic" }),
        )
        .send()
        .await
        .expect("the OpenID Connect provider answers (./scripts/test starts it)");
    assert_eq!(res.status(), 201);
    let body: Value = res.json().await.unwrap();
    Client {
        id: body["client_id"].as_str().unwrap().into(),
        secret: body["client_secret"].as_str().unwrap().into(),
    }
}

pub(crate) fn settings(client: &Client, org: &OrgHandle) -> Value {
    json!({ "issuer": test_oidc(), "client_id": client.id, "client_secret": client.secret,
        "label": "Test ID", "allowed_domains": [org.domain] })
}

/// An organization whose provider is set: its client at the provider too.
async fn with_provider(app: &TestApp, name: &str) -> (OrgHandle, Client) {
    let org = app.signup_org(name).await;
    let client = register(app).await;
    let (status, body) = app
        .put("/api/sso", Some(&org.admin_token), settings(&client, &org))
        .await;
    assert_eq!(status, 200, "{body}");
    (org, client)
}

/// Follows the browser from `/api/sso/start` through the provider until it is sent back to
/// this server: the callback address, or (`Err`) where the server sent it instead.
async fn through_provider(app: &TestApp, org: &OrgHandle, email: &str) -> Result<String, String> {
    let http = no_redirects();
    let mut jar: HashMap<String, String> = HashMap::new();
    let mut url = reqwest::Url::parse(&format!(
        "{}/api/sso/start?organization_id={}&login_hint={email}",
        app.base, org.id
    ))
    .unwrap();
    for _ in 0..10 {
        let cookies: Vec<String> = jar.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let res = http
            .get(url.clone())
            .header("cookie", cookies.join("; "))
            .send()
            .await
            .unwrap();
        for c in res.headers().get_all("set-cookie") {
            let pair = c.to_str().unwrap().split(';').next().unwrap();
            let (k, v) = pair.split_once('=').unwrap();
            jar.insert(k.into(), v.into());
        }
        assert!(res.status().is_redirection(), "{url}: {}", res.status());
        let next = res.headers()["location"].to_str().unwrap();
        url = url.join(next).unwrap();
        if url.path() == "/api/sso/callback" {
            return Ok(url.to_string());
        }
        if url.as_str().starts_with(&app.base) {
            return Err(next.to_string());
        }
    }
    panic!("the provider never sent the browser back");
}

/// Opens the callback address: where it leads and the cookie it sets.
async fn come_back(url: &str) -> (String, Option<String>) {
    let res = no_redirects().get(url).send().await.unwrap();
    assert_eq!(res.status(), 303, "{url}");
    let cookie = res
        .headers()
        .get("set-cookie")
        .map(|c| c.to_str().unwrap().to_string());
    (res.headers()["location"].to_str().unwrap().into(), cookie)
}

/// The whole sign-in of `email`: where the console is sent, and the refresh cookie.
async fn sign_in(app: &TestApp, org: &OrgHandle, email: &str) -> (String, Option<String>) {
    match through_provider(app, org, email).await {
        Ok(back) => come_back(&back).await,
        Err(console) => (console, None),
    }
}

/// The console's first token after a single sign-on: the agent signed in.
async fn console_agent(app: &TestApp, cookie: &str) -> Value {
    let res = app
        .http
        .post(format!("{}/api/agents/refresh", app.base))
        .header("cookie", cookie.split(';').next().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    let token = body["token"].as_str().unwrap();
    let id = body["agent"]["id"].as_str().unwrap();
    assert_eq!(
        app.get(&format!("/api/agents/{id}"), Some(token)).await.0,
        200
    );
    body["agent"].clone()
}

fn refused_with(location: &str, code: &str) {
    assert_eq!(location, format!("/console/?sso_error={code}"));
}

async fn arm_forgery(client: &Client, claims: Value, foreign_key: bool) {
    let res = reqwest::Client::new()
        .post(format!("{}/__test/forge", test_oidc()))
        .json(&json!({ "client_id": client.id, "claims": claims, "foreign_key": foreign_key }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
}

#[tokio::test]
async fn an_agent_signs_in_through_the_organizations_provider() {
    let app = sso_app().await;
    let org = app.signup_org("SSO").await;
    let ann = app.create_agent(&org, "Ann", "agent", None).await;
    let (status, body) = app.get("/api/sso", Some(&org.admin_token)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["provider"], Value::Null);
    assert_eq!(
        body["redirect_uri"],
        format!("{}/api/sso/callback", app.base)
    );
    assert_error(
        &app.get("/api/sso", Some(&ann.token)).await,
        403,
        "forbidden",
    );

    let client = register(&app).await;
    let (status, body) = app
        .put("/api/sso", Some(&org.admin_token), settings(&client, &org))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["provider"]["client_id"], client.id.as_str());
    assert!(
        !body.to_string().contains(&client.secret),
        "the secret came back: {body}"
    );

    // The sign-in page finds the organization's button from the e-mail typed.
    let (status, found) = app
        .get(&format!("/api/sso/providers?email={}", ann.email), None)
        .await;
    assert_eq!(status, 200, "{found}");
    assert_eq!(found["providers"][0]["organization_id"], org.id.as_str());
    assert_eq!(found["providers"][0]["label"], "Test ID");
    assert_eq!(found["providers"].as_array().unwrap().len(), 1);
    let (_, none) = app
        .get("/api/sso/providers?email=x@elsewhere.example.org", None)
        .await;
    assert_eq!(none["providers"], json!([]));
    assert_error(
        &app.get("/api/sso/providers?email=nobody", None).await,
        400,
        "validation_failed",
    );

    let back = through_provider(&app, &org, &ann.email).await.unwrap();
    let (location, cookie) = come_back(&back).await;
    assert_eq!(location, "/console/?sso=signed_in");
    let cookie = cookie.expect("a refresh cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let agent = console_agent(&app, &cookie).await;
    assert_eq!(agent["id"], ann.id.as_str());

    // The same answer from the provider again: its state was used.
    let (location, cookie) = come_back(&back).await;
    refused_with(&location, "sso_invalid_state");
    assert_eq!(cookie, None);
    // An answer naming another issuer (a provider mix-up) is refused before its code is used.
    let back = through_provider(&app, &org, &ann.email).await.unwrap();
    let mut mixed = reqwest::Url::parse(&back).unwrap();
    let pairs: Vec<(String, String)> = mixed
        .query_pairs()
        .map(|(k, v)| match k.as_ref() {
            "iss" => (k.into_owned(), "https://evil.example".to_string()),
            _ => (k.into_owned(), v.into_owned()),
        })
        .collect();
    assert!(pairs.iter().any(|(k, _)| k == "iss"), "{back}");
    mixed.query_pairs_mut().clear().extend_pairs(pairs);
    refused_with(&come_back(mixed.as_str()).await.0, "sso_invalid_token");
    let forged = format!("{}/api/sso/callback?code=abc&state=forged", app.base);
    refused_with(&come_back(&forged).await.0, "sso_invalid_state");
    let denied = format!("{}/api/sso/callback?error=access_denied&state=x", app.base);
    refused_with(&come_back(&denied).await.0, "sso_refused");

    let (status, entries) = app
        .get("/api/audit?action=agent.login", Some(&org.admin_token))
        .await;
    assert_eq!(status, 200, "{entries}");
    assert!(entries.to_string().contains("\"sso\""), "{entries}");
}

#[tokio::test]
async fn id_tokens_failing_a_check_sign_nobody_in() {
    let app = sso_app().await;
    let (org, client) = with_provider(&app, "Forged tokens").await;
    let ann = app.create_agent(&org, "Ann", "agent", None).await;
    let past = chrono::Utc::now().timestamp() - 3600;
    let forgeries = [
        (json!({ "aud": "someone-else" }), false, "sso_invalid_token"),
        (
            json!({ "exp": past, "iat": past - 60 }),
            false,
            "sso_invalid_token",
        ),
        (
            json!({ "iss": "http://127.0.0.1:1" }),
            false,
            "sso_invalid_token",
        ),
        (json!({ "nonce": "another" }), false, "sso_invalid_token"),
        (json!({}), true, "sso_invalid_token"),
        (
            json!({ "email_verified": false }),
            false,
            "sso_email_unverified",
        ),
    ];
    for (claims, foreign_key, code) in forgeries {
        arm_forgery(&client, claims.clone(), foreign_key).await;
        let (location, cookie) = sign_in(&app, &org, &ann.email).await;
        refused_with(&location, code);
        assert_eq!(cookie, None, "{claims} signed someone in");
    }
    // A real token still works afterwards.
    let (location, _) = sign_in(&app, &org, &ann.email).await;
    assert_eq!(location, "/console/?sso=signed_in");

    // Accounts of the provider that are no agent of the organization.
    let unverified = format!("unverified-ann@{}", org.domain);
    refused_with(
        &sign_in(&app, &org, &unverified).await.0,
        "sso_email_unverified",
    );
    refused_with(
        &sign_in(&app, &org, "eve@elsewhere.example.org").await.0,
        "sso_domain_not_allowed",
    );
    let zed = format!("zed@{}", org.domain);
    refused_with(&sign_in(&app, &org, &zed).await.0, "sso_unknown_agent");

    // Unless the organization makes its users agents.
    let mut creating = settings(&client, &org);
    creating["create_agents"] = json!(true);
    let (status, body) = app.put("/api/sso", Some(&org.admin_token), creating).await;
    assert_eq!(status, 200, "{body}");
    let (location, cookie) = sign_in(&app, &org, &zed).await;
    assert_eq!(location, "/console/?sso=signed_in");
    let agent = console_agent(&app, &cookie.unwrap()).await;
    assert_eq!(
        (agent["email"].as_str(), agent["role"].as_str()),
        (Some(zed.as_str()), Some("agent"))
    );
    assert_eq!(agent["name"], "Zed");
}

#[tokio::test]
async fn an_organization_requiring_sso_refuses_passwords_but_for_its_break_glass_admin() {
    let app = sso_app().await;
    let (org, client) = with_provider(&app, "Required SSO").await;
    let ann = app.create_agent(&org, "Ann", "agent", None).await;
    let mut required = settings(&client, &org);
    required["required"] = json!(true);
    let refused = app
        .put("/api/sso", Some(&org.admin_token), required.clone())
        .await;
    assert_error(&refused, 400, "validation_failed");
    assert!(
        refused.1["fields"]["break_glass_agent_id"].is_string(),
        "{}",
        refused.1
    );
    required["break_glass_agent_id"] = json!(ann.id);
    let refused = app
        .put("/api/sso", Some(&org.admin_token), required.clone())
        .await;
    assert!(
        refused.1["fields"]["break_glass_agent_id"].is_string(),
        "{}",
        refused.1
    );
    required["break_glass_agent_id"] = json!(org.admin_id);
    let (status, body) = app.put("/api/sso", Some(&org.admin_token), required).await;
    assert_eq!(status, 200, "{body}");

    let login = |email: String| {
        let app = &app;
        async move {
            app.post(
                "/api/agents/login",
                None,
                json!({ "email": email, "password": PASSWORD }),
            )
            .await
        }
    };
    assert_error(&login(ann.email.clone()).await, 403, "sso_required");
    assert_eq!(
        login(org.admin_email.clone()).await.0,
        200,
        "the break-glass admin"
    );
    let (location, _) = sign_in(&app, &org, &ann.email).await;
    assert_eq!(location, "/console/?sso=signed_in");
    // Another organization signs in with passwords as before.
    let other = app.signup_org("Passwords").await;
    let bob = app.create_agent(&other, "Bob", "agent", None).await;
    assert_eq!(login(bob.email).await.0, 200);

    // Without the provider, passwords work again.
    assert_eq!(app.delete("/api/sso", Some(&org.admin_token)).await.0, 204);
    assert_eq!(login(ann.email.clone()).await.0, 200);
    let (location, _) = sign_in(&app, &org, &ann.email).await;
    refused_with(&location, "sso_not_configured");
}

#[tokio::test]
async fn a_provider_is_read_before_it_is_saved_and_must_be_https_unless_allowed() {
    let app = sso_app().await;
    let org = app.signup_org("Bad providers").await;
    let client = register(&app).await;
    let mut unreachable = settings(&client, &org);
    unreachable["issuer"] = json!("http://127.0.0.1:1");
    let refused = app
        .put("/api/sso", Some(&org.admin_token), unreachable)
        .await;
    assert_error(&refused, 400, "validation_failed");
    assert!(
        refused.1["fields"]["issuer"]
            .as_str()
            .unwrap()
            .contains("could not be read")
    );
    let mut no_domains = settings(&client, &org);
    no_domains["allowed_domains"] = json!([]);
    let refused = app
        .put("/api/sso", Some(&org.admin_token), no_domains)
        .await;
    assert!(
        refused.1["fields"]["allowed_domains"].is_string(),
        "{}",
        refused.1
    );
    let mut no_secret = settings(&client, &org);
    no_secret["client_secret"] = Value::Null;
    let refused = app.put("/api/sso", Some(&org.admin_token), no_secret).await;
    assert!(
        refused.1["fields"]["client_secret"].is_string(),
        "{}",
        refused.1
    );
    assert_eq!(
        app.get("/api/sso", Some(&org.admin_token)).await.1["provider"],
        Value::Null
    );

    // A server that keeps to the public internet refuses a plain-http, loopback provider.
    let strict = spawn_app().await;
    let org = strict.signup_org("Strict").await;
    let refused = strict
        .put("/api/sso", Some(&org.admin_token), settings(&client, &org))
        .await;
    assert!(refused.1["fields"]["issuer"].is_string(), "{}", refused.1);
}

#[tokio::test]
async fn pending_sign_ins_are_bounded_and_a_finished_one_makes_room() {
    let app = spawn_app_with(|args| {
        args.sso_allow_private = true;
        args.sso_pending_sign_ins = 2;
    })
    .await;
    let (org, _client) = with_provider(&app, "SSO busy").await;
    let start = format!("{}/api/sso/start?organization_id={}", app.base, org.id);
    let to_provider = |res: reqwest::Response| {
        assert_eq!(res.status(), 303);
        let to = res.headers()["location"].to_str().unwrap().to_string();
        assert!(to.starts_with(&test_oidc()), "to the provider: {to}");
    };

    // Two kept: one the provider has answered (not yet back here), one just started.
    let back = through_provider(&app, &org, &org.admin_email)
        .await
        .expect("the provider sends the admin back");
    to_provider(no_redirects().get(&start).send().await.unwrap());
    let res = no_redirects().get(&start).send().await.unwrap();
    assert_eq!(res.status(), 303);
    refused_with(res.headers()["location"].to_str().unwrap(), "sso_busy");

    // A forged state takes nothing; the first sign-in finishing makes room for one more.
    let forged = format!("{}/api/sso/callback?state=forged&code=x", app.base);
    refused_with(&come_back(&forged).await.0, "sso_invalid_state");
    let res = no_redirects().get(&start).send().await.unwrap();
    refused_with(res.headers()["location"].to_str().unwrap(), "sso_busy");
    let (console, cookie) = come_back(&back).await;
    assert_eq!(console, "/console/?sso=signed_in");
    assert!(cookie.is_some());
    to_provider(no_redirects().get(&start).send().await.unwrap());
}
