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
