//! The audit log as admins read it: sign-ins and failed ones, agents created, changed and
//! deleted, passwords changed, settings and webhooks changed, with who, when and from where,
//! never a password or a secret; admins only; nothing changes it.

use serde_json::{Value, json};

use crate::support::*;

async fn log(app: &TestApp, token: &str, query: &str) -> Vec<Value> {
    let (status, body) = app.get(&format!("/api/audit{query}"), Some(token)).await;
    assert_eq!(status, 200, "{body}");
    body["entries"].as_array().unwrap().clone()
}

fn actions(entries: &[Value]) -> Vec<&str> {
    entries
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn security_and_administrative_actions_are_recorded_with_who_and_where() {
    let app = spawn_app_with(|a| a.webhook_allow_private = true).await;
    let org = app.signup_org("Audited").await;
    let other = app.signup_org("Elsewhere").await;
    let nora = app.create_agent(&org, "Nora Audit", "agent", None).await;

    // A failed sign-in with Nora's e-mail, then a good one.
    let (status, _) = app
        .post(
            "/api/agents/login",
            None,
            json!({ "email": nora.email, "password": "wrong-password" }),
        )
        .await;
    assert_eq!(status, 401);
    let _ = app.login_agent(&nora.email).await;
    let (status, _) = app
        .put(
            &format!("/api/agents/{}", nora.id),
            Some(&org.admin_token),
            json!({ "role": "supervisor" }),
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = app
        .put(
            &format!("/api/agents/{}/password", nora.id),
            Some(&org.admin_token),
            json!({ "new_password": "a-new-password-1" }),
        )
        .await;
    assert_eq!(status, 200);
    let secret = "s".repeat(40);
    let (status, _) = app
        .put(
            &format!("/api/organizations/{}", org.id),
            Some(&org.admin_token),
            json!({ "settings": { "welcome_message": "Hello there", "widget_identity_secret": secret } }),
        )
        .await;
    assert_eq!(status, 200);
    let (status, hook) = app
        .post(
            "/api/webhooks",
            Some(&org.admin_token),
            json!({ "url": "http://127.0.0.1:9/h", "events": ["message.created"] }),
        )
        .await;
    assert_eq!(status, 201);
    let (status, _) = app
        .delete(&format!("/api/agents/{}", nora.id), Some(&org.admin_token))
        .await;
    assert_eq!(status, 204);

    let entries = log(&app, &org.admin_token, "").await;
    let seen = actions(&entries);
    for action in [
        "agent.created",
        "agent.login_failed",
        "agent.login",
        "agent.updated",
        "agent.password_changed",
        "settings.updated",
        "webhook.created",
        "agent.deleted",
    ] {
        assert!(seen.contains(&action), "{action} in {seen:?}");
    }
    assert_eq!(seen[0], "agent.deleted", "newest first: {seen:?}");
    let all = serde_json::to_string(&entries).unwrap();
    assert!(!all.contains(&secret), "no secret in the log");
    assert!(!all.contains("wrong-password") && !all.contains("a-new-password-1"));
    assert!(!all.contains(hook["secret"].as_str().unwrap()));

    let failed = entries
        .iter()
        .find(|e| e["action"] == "agent.login_failed")
        .unwrap();
    assert_eq!(failed["actor_kind"], "anonymous");
    assert_eq!(failed["actor_name"], nora.email.as_str());
    assert_eq!(failed["target"], nora.id.as_str());
    assert_eq!(failed["ip"], "127.0.0.1");
    let updated = entries
        .iter()
        .find(|e| e["action"] == "agent.updated")
        .unwrap();
    assert_eq!(updated["details"]["role"], "supervisor");
    assert_eq!(updated["actor_id"], org.admin_id.as_str());
    let settings = entries
        .iter()
        .find(|e| e["action"] == "settings.updated")
        .unwrap();
    assert_eq!(
        settings["details"]["settings.welcome_message"],
        "Hello there"
    );
    assert_eq!(
        settings["details"]["settings.widget_identity_secret"],
        "changed"
    );

    // Filters and pages.
    let failures = log(&app, &org.admin_token, "?action=agent.login_failed").await;
    assert_eq!(actions(&failures), ["agent.login_failed"]);
    let first = log(&app, &org.admin_token, "?limit=2").await;
    assert_eq!(first.len(), 2);
    let before = first[1]["at"].as_str().unwrap();
    let next = log(
        &app,
        &org.admin_token,
        &format!("?limit=2&before={}", before.replace('+', "%2B")),
    )
    .await;
    assert!(next.iter().all(|e| e["at"].as_str().unwrap() < before));
    // Another organization's log holds none of it.
    assert!(
        log(&app, &other.admin_token, "")
            .await
            .iter()
            .all(|e| e["organization_id"] == other.id.as_str())
    );
}

#[tokio::test]
async fn only_admins_read_the_log_and_nothing_changes_it() {
    let app = spawn_app().await;
    let org = app.signup_org("Read Only").await;
    let agent = app.create_agent(&org, "Plain", "supervisor", None).await;
    assert_error(
        &app.get("/api/audit", Some(&agent.token)).await,
        403,
        "forbidden",
    );
    assert_error(
        &app.get("/api/audit?before=yesterday", Some(&org.admin_token))
            .await,
        400,
        "validation_failed",
    );
    for method in [
        reqwest::Method::PUT,
        reqwest::Method::DELETE,
        reqwest::Method::POST,
    ] {
        let (status, _) = app
            .call(
                method.clone(),
                "/api/audit",
                Some(&org.admin_token),
                Some(json!({})),
            )
            .await;
        assert_eq!(status, 405, "{method}");
    }
}
