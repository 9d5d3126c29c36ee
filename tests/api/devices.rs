//! Agents' devices as they use them: each sign-in is a device named by its browser, with its
//! address; the agent sees theirs (the current one marked) and signs one out, which refuses its
//! token and closes its sockets while the other device goes on; an admin signs an agent out
//! everywhere; nobody else sees or ends them.

use std::time::Duration;

use serde_json::{Value, json};

use crate::support::*;

const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
const SAFARI: &str = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 \
                      (KHTML, like Gecko) Version/17.5 Safari/605.1.15";

/// Signs the agent in from a browser named by `ua`: the token.
async fn sign_in_from(app: &TestApp, email: &str, ua: &str) -> String {
    let res = app
        .http
        .post(format!("{}/api/agents/login", app.base))
        .header("user-agent", ua)
        .json(&json!({ "email": email, "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    body["token"].as_str().unwrap().to_string()
}

async fn devices(app: &TestApp, agent: &str, token: &str) -> Vec<Value> {
    let (status, body) = app
        .get(&format!("/api/agents/{agent}/devices"), Some(token))
        .await;
    assert_eq!(status, 200, "{body}");
    body["devices"].as_array().unwrap().clone()
}

fn named<'a>(list: &'a [Value], name: &str) -> &'a Value {
    list.iter()
        .find(|d| d["name"] == name)
        .unwrap_or_else(|| panic!("no device named {name} in {list:?}"))
}

async fn works(app: &TestApp, agent: &str, token: &str) -> bool {
    app.get(&format!("/api/agents/{agent}"), Some(token))
        .await
        .0
        == 200
}

#[tokio::test]
async fn an_agent_signs_one_device_out_and_the_other_goes_on() {
    let app = spawn_app().await;
    let org = app.signup_org("Devices").await;
    let ann = app.create_agent(&org, "Ann", "agent", None).await;
    let laptop = sign_in_from(&app, &ann.email, FIREFOX).await;
    let phone = sign_in_from(&app, &ann.email, SAFARI).await;

    let seen = devices(&app, &ann.id, &laptop).await;
    let on_laptop = named(&seen, "Firefox 133 on Linux");
    let on_phone = named(&seen, "Safari 17 on macOS");
    assert_eq!(on_laptop["current"], true, "{seen:?}");
    assert_eq!(on_phone["current"], false, "{seen:?}");
    assert_eq!(on_phone["address"], "127.0.0.1");
    assert!(on_phone["started_at"].is_string() && on_phone["last_used_at"].is_string());

    let phone_socket = app.socket(&phone).await;
    let laptop_socket = app.socket(&laptop).await;
    let (status, body) = app
        .delete(
            &format!("/api/agents/devices/{}", on_phone["id"].as_str().unwrap()),
            Some(&laptop),
        )
        .await;
    assert_eq!(status, 204, "{body}");
    assert!(
        phone_socket.wait_closed(Duration::from_secs(5)).await,
        "the ended device's socket stayed open"
    );
    assert_error(
        &app.get(&format!("/api/agents/{}", ann.id), Some(&phone))
            .await,
        401,
        "unauthorized",
    );
    assert!(
        works(&app, &ann.id, &laptop).await,
        "the laptop was signed out too"
    );
    let ack = laptop_socket
        .call("join_organization", json!({ "organization_id": org.id }))
        .await;
    assert_eq!(ack["ok"], true, "the laptop's socket went: {ack}");
    let left = devices(&app, &ann.id, &laptop).await;
    assert!(
        left.iter().all(|d| d["id"] != on_phone["id"]),
        "the ended device is still listed: {left:?}"
    );
    // Ending it again finds nothing.
    let again = app
        .delete(
            &format!("/api/agents/devices/{}", on_phone["id"].as_str().unwrap()),
            Some(&laptop),
        )
        .await;
    assert_error(&again, 404, "not_found");
}

#[tokio::test]
async fn only_the_agent_and_their_admins_see_and_end_their_devices() {
    let app = spawn_app().await;
    let org = app.signup_org("Private devices").await;
    let ann = app.create_agent(&org, "Ann", "agent", None).await;
    let bob = app.create_agent(&org, "Bob", "supervisor", None).await;
    let other = app.signup_org("Elsewhere").await;
    let ann_device = devices(&app, &ann.id, &ann.token).await[0]["id"]
        .as_str()
        .unwrap()
        .to_string();

    let by_bob = app
        .get(&format!("/api/agents/{}/devices", ann.id), Some(&bob.token))
        .await;
    assert_error(&by_bob, 403, "forbidden");
    for token in [&bob.token, &other.admin_token] {
        let res = app
            .delete(&format!("/api/agents/devices/{ann_device}"), Some(token))
            .await;
        assert_error(&res, 404, "not_found");
    }
    let from_elsewhere = app
        .get(
            &format!("/api/agents/{}/devices", ann.id),
            Some(&other.admin_token),
        )
        .await;
    assert_error(&from_elsewhere, 404, "not_found");
    assert!(
        works(&app, &ann.id, &ann.token).await,
        "a refused end ended it"
    );

    // Her admin sees the device and ends it.
    let seen = devices(&app, &ann.id, &org.admin_token).await;
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0]["current"], false, "not the admin's own device");
    let (status, _) = app
        .delete(
            &format!("/api/agents/devices/{ann_device}"),
            Some(&org.admin_token),
        )
        .await;
    assert_eq!(status, 204);
    assert!(!works(&app, &ann.id, &ann.token).await);
    let (status, entries) = app
        .get("/api/audit?action=agent.signed_out", Some(&org.admin_token))
        .await;
    assert_eq!(status, 200, "{entries}");
    assert_eq!(
        entries["entries"][0]["target"],
        ann.id.as_str(),
        "{entries}"
    );
}

#[tokio::test]
async fn an_admin_signs_an_agent_out_everywhere() {
    let app = spawn_app().await;
    let org = app.signup_org("Everywhere").await;
    let ann = app.create_agent(&org, "Ann", "agent", None).await;
    let laptop = sign_in_from(&app, &ann.email, FIREFOX).await;
    let sockets = [app.socket(&ann.token).await, app.socket(&laptop).await];

    let (status, body) = app
        .delete(
            &format!("/api/agents/{}/devices", ann.id),
            Some(&org.admin_token),
        )
        .await;
    assert_eq!((status, &body["ended"]), (200, &json!(2)), "{body}");
    for (i, socket) in sockets.iter().enumerate() {
        assert!(
            socket.wait_closed(Duration::from_secs(5)).await,
            "socket {i} stayed open"
        );
    }
    for token in [&ann.token, &laptop] {
        assert!(!works(&app, &ann.id, token).await, "a token still works");
    }
    assert!(devices(&app, &ann.id, &org.admin_token).await.is_empty());
    // The admin is still signed in, and Ann signs in afresh.
    assert!(works(&app, &ann.id, &org.admin_token).await);
    let again = app.login_agent(&ann.email).await;
    assert_eq!(devices(&app, &ann.id, &again).await.len(), 1);
}

#[tokio::test]
async fn a_password_change_signs_the_other_devices_out() {
    let app = spawn_app().await;
    let org = app.signup_org("Password devices").await;
    let ann = app.create_agent(&org, "Ann", "agent", None).await;
    let laptop = sign_in_from(&app, &ann.email, FIREFOX).await;
    assert_eq!(devices(&app, &ann.id, &laptop).await.len(), 2);
    let (status, body) = app
        .put(
            &format!("/api/agents/{}/password", ann.id),
            Some(&laptop),
            json!({ "current_password": PASSWORD, "new_password": "another long password" }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let fresh = body["token"].as_str().unwrap();
    let left = devices(&app, &ann.id, fresh).await;
    assert_eq!(left.len(), 1, "only the device that changed it: {left:?}");
    assert_eq!(left[0]["current"], true);
    assert!(!works(&app, &ann.id, &ann.token).await);
}

#[tokio::test]
async fn a_token_naming_another_agents_device_is_refused() {
    let app = spawn_app().await;
    let org = app.signup_org("Forged devices").await;
    let ann = app.create_agent(&org, "Ann", "agent", None).await;
    let bob = app.create_agent(&org, "Bob", "agent", None).await;
    let tokens = &app.server.app.tokens;
    let ann_claims = tokens.verify(&ann.token).unwrap();
    let bob_claims = tokens.verify(&bob.token).unwrap();
    // Ann's claims with Bob's device: a device ended on Bob's side must not keep Ann's token.
    let mixed = tokens.sign(&raasel::auth::Claims {
        sid: bob_claims.sid,
        ..ann_claims
    });
    assert!(!works(&app, &ann.id, &mixed).await);
}

#[tokio::test]
async fn signing_in_beyond_the_bound_signs_the_least_recently_used_device_out() {
    let app = spawn_app_with(|args| args.devices_per_agent = 2).await;
    let org = app.signup_org("Bounded devices").await;
    let ann = app.create_agent(&org, "Ann", "agent", None).await;
    let oldest = app.socket(&ann.token).await;
    let second = sign_in_from(&app, &ann.email, FIREFOX).await;
    let third = sign_in_from(&app, &ann.email, SAFARI).await;
    assert!(
        oldest.wait_closed(Duration::from_secs(5)).await,
        "the least recently used device's socket stayed open"
    );
    assert!(!works(&app, &ann.id, &ann.token).await);
    assert!(works(&app, &ann.id, &second).await && works(&app, &ann.id, &third).await);
    let names: Vec<Value> = devices(&app, &ann.id, &third)
        .await
        .iter()
        .map(|d| d["name"].clone())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

#[tokio::test]
async fn logging_out_ends_this_device_only() {
    let app = spawn_app().await;
    let org = app.signup_org("Log out").await;
    let ann = app.create_agent(&org, "Ann", "agent", None).await;
    let laptop = sign_in_from(&app, &ann.email, FIREFOX).await;
    let socket = app.socket(&ann.token).await;
    let (status, body) = app
        .post("/api/agents/logout", Some(&ann.token), json!({}))
        .await;
    assert_eq!(status, 204, "{body}");
    assert!(
        socket.wait_closed(Duration::from_secs(5)).await,
        "its socket stayed open"
    );
    assert!(!works(&app, &ann.id, &ann.token).await);
    let left = devices(&app, &ann.id, &laptop).await;
    assert_eq!(left.len(), 1, "{left:?}");
    assert_eq!(left[0]["name"], "Firefox 133 on Linux");
}

/// A sign-in from a script: the access token and the refresh cookie's `Set-Cookie` line.
async fn sign_in_with_cookie(app: &TestApp, email: &str) -> (String, String) {
    let res = app
        .http
        .post(format!("{}/api/agents/login", app.base))
        .json(&json!({ "email": email, "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let cookie = set_cookie(&res).expect("a refresh cookie");
    let body: Value = res.json().await.unwrap();
    (body["token"].as_str().unwrap().to_string(), cookie)
}

fn set_cookie(res: &reqwest::Response) -> Option<String> {
    res.headers()
        .get("set-cookie")
        .map(|v| v.to_str().unwrap().to_string())
}

/// `name=value` of a `Set-Cookie` line, as a browser sends it back.
fn cookie_pair(set_cookie: &str) -> &str {
    set_cookie.split(';').next().unwrap()
}

/// Refreshes with `cookie` (a `Set-Cookie` line): status, body, the new `Set-Cookie`.
async fn refresh(app: &TestApp, cookie: Option<&str>) -> (u16, Value, Option<String>) {
    let mut req = app.http.post(format!("{}/api/agents/refresh", app.base));
    if let Some(c) = cookie {
        req = req.header("cookie", format!("theme=dark; {}", cookie_pair(c)));
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let cookie = set_cookie(&res);
    (status, res.json().await.unwrap_or(Value::Null), cookie)
}

fn token_of(body: &Value) -> String {
    body["token"].as_str().expect("a token").to_string()
}

#[tokio::test]
async fn access_tokens_last_minutes_and_the_refresh_cookie_renews_them() {
    let app = spawn_app().await;
    let org = app.signup_org("Short tokens").await;
    let ann = app.create_agent(&org, "Ann", "agent", None).await;
    let (token, cookie) = sign_in_with_cookie(&app, &ann.email).await;
    let claims = app.server.app.tokens.verify(&token).unwrap();
    assert_eq!(
        claims.exp - claims.iat,
        15 * 60,
        "access tokens live 15 minutes"
    );
    for part in [
        "HttpOnly",
        "Secure",
        "SameSite=Strict",
        "Path=/api/agents/refresh",
    ] {
        assert!(cookie.contains(part), "{part} missing from {cookie}");
    }
    assert!(
        cookie.contains(&format!("Max-Age={}", 14 * 24 * 3600)),
        "{cookie}"
    );

    let (status, body, next) = refresh(&app, Some(&cookie)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["agent"]["id"], ann.id.as_str());
    let renewed = token_of(&body);
    assert!(works(&app, &ann.id, &renewed).await);
    let next = next.expect("the secret is replaced");
    assert_ne!(cookie_pair(&next), cookie_pair(&cookie));
    // Moments later the replaced secret still renews (another tab), without a new secret.
    let (status, body, none) = refresh(&app, Some(&cookie)).await;
    assert_eq!((status, none), (200, None), "{body}");
    let (status, _, _) = refresh(&app, Some(&next)).await;
    assert_eq!(status, 200);

    for bad in [
        None,
        Some("raasel_refresh=nonsense"),
        Some("raasel_refresh=0.0"),
    ] {
        let (status, body, cleared) = refresh(&app, bad).await;
        assert_eq!(status, 401, "{bad:?}: {body}");
        assert_eq!(body["error"], "unauthorized");
        assert!(cleared.unwrap().contains("Max-Age=0"));
    }
    // Refreshing started no device: Ann's first sign-in and this one.
    assert_eq!(devices(&app, &ann.id, &renewed).await.len(), 2);
}

#[tokio::test]
async fn a_replayed_refresh_secret_signs_its_device_out() {
    let app = spawn_app_with(|args| args.refresh_reuse_grace = Duration::ZERO).await;
    let org = app.signup_org("Stolen cookies").await;
    let ann = app.create_agent(&org, "Ann", "agent", None).await;
    let (_, stolen) = sign_in_with_cookie(&app, &ann.email).await;
    let (status, body, next) = refresh(&app, Some(&stolen)).await;
    assert_eq!(status, 200);
    let token = token_of(&body);
    let socket = app.socket(&token).await;
    // The copy is presented after the owner's browser replaced it: the device ends.
    let (status, _, cleared) = refresh(&app, Some(&stolen)).await;
    assert_eq!(status, 401);
    assert!(cleared.unwrap().contains("Max-Age=0"));
    assert!(
        socket.wait_closed(Duration::from_secs(5)).await,
        "the device's socket stayed open"
    );
    assert!(!works(&app, &ann.id, &token).await);
    let (status, _, _) = refresh(&app, Some(&next.unwrap())).await;
    assert_eq!(status, 401, "the device's current secret died with it");
    assert!(
        works(&app, &ann.id, &ann.token).await,
        "other devices go on"
    );
}

#[tokio::test]
async fn logging_out_or_changing_the_password_ends_the_refresh_cookie() {
    let app = spawn_app().await;
    let org = app.signup_org("Cookie ends").await;
    let ann = app.create_agent(&org, "Ann", "agent", None).await;
    let (token, cookie) = sign_in_with_cookie(&app, &ann.email).await;
    let res = app
        .http
        .post(format!("{}/api/agents/logout", app.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert!(set_cookie(&res).unwrap().contains("Max-Age=0"));
    assert_eq!(refresh(&app, Some(&cookie)).await.0, 401);

    let (token, cookie) = sign_in_with_cookie(&app, &ann.email).await;
    let res = app
        .http
        .put(format!("{}/api/agents/{}/password", app.base, ann.id))
        .bearer_auth(&token)
        .json(&json!({ "current_password": PASSWORD, "new_password": "another-long-password" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let fresh = set_cookie(&res).expect("the new sign-in's cookie");
    assert_eq!(refresh(&app, Some(&cookie)).await.0, 401);
    assert_eq!(refresh(&app, Some(&fresh)).await.0, 200);
}

#[tokio::test]
async fn a_socket_renewed_with_a_newer_token_outlives_the_one_it_connected_with() {
    let app = spawn_app_with(|args| args.access_token_ttl = Duration::from_secs(4)).await;
    let org = app.signup_org("Renewed sockets").await;
    let ann = app.create_agent(&org, "Ann", "agent", None).await;
    let bob = app.create_agent(&org, "Bob", "agent", None).await;
    let (first, cookie) = sign_in_with_cookie(&app, &ann.email).await;
    let issued = app.server.app.tokens.verify(&first).unwrap();
    let renewed = app.socket(&first).await;
    let left_alone = app.socket(&first).await;
    // A token issued two seconds later expires two seconds later; the first has two seconds left
    // to be renewed on the socket.
    wait_until("two seconds pass", Duration::from_secs(10), || async {
        chrono::Utc::now().timestamp() >= issued.iat + 2
    })
    .await;
    let (_, body, _) = refresh(&app, Some(&cookie)).await;
    let second = token_of(&body);
    let later = app.server.app.tokens.verify(&second).unwrap().exp;
    assert!(later >= issued.exp + 2);

    let bobs = app.login_agent(&bob.email).await;
    let wrong = renewed.call("renew_token", json!({ "token": bobs })).await;
    assert_eq!(wrong["error"], "forbidden", "{wrong}");
    let ack = renewed
        .call("renew_token", json!({ "token": second }))
        .await;
    assert_eq!(ack["expires_at"], later, "{ack}");

    assert!(
        left_alone.wait_closed(Duration::from_secs(10)).await,
        "a socket whose token expired stayed open"
    );
    assert!(
        !renewed.is_closed(),
        "the renewed socket was closed with the old token"
    );
    assert!(
        renewed.wait_closed(Duration::from_secs(10)).await,
        "the renewed socket outlived its new token"
    );
}
