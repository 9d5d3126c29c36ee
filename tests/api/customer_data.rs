//! A customer's data: exported whole by an admin, erased everywhere (messages in whichever
//! log holds them, search, what the organization kept, e-mail preferences, rating comments, a
//! visitor's own record and tokens) with placeholders that keep reports adding up; and the
//! retention period deleting closed conversations once they are old enough.

use chrono::Duration;
use serde_json::json;

use crate::lifecycle::{Node, clock_flags};
use crate::process::ServerProcess;
use crate::support::*;

#[tokio::test]
async fn an_admin_exports_a_customer_then_erases_them_everywhere() {
    let app = spawn_app().await;
    let org = app.signup_org("Careful").await;
    let visitor = app.visitor(&org, "Vera Private").await;
    let s = app
        .open_session(&visitor, &org, Some("Deliver to 12 Elmstreet please"))
        .await;
    let id = s["id"].as_str().unwrap().to_string();
    let (status, _) = app
        .put(
            &format!("/api/sessions/{id}/email"),
            Some(&visitor.token),
            json!({ "email": "vera@example.com" }),
        )
        .await;
    assert_eq!(status, 200);
    app.send(&org.admin_token, &id, "Noted, Vera.").await;
    let (status, _) = app
        .post(
            &format!("/api/sessions/{id}/messages"),
            Some(&org.admin_token),
            json!({ "content": "VIP, handle gently", "internal": true }),
        )
        .await;
    assert_eq!(status, 201);
    app.close(&org.admin_token, &id).await;
    let (status, _) = app
        .post(
            &format!("/api/sessions/{id}/rating"),
            Some(&visitor.token),
            json!({ "score": 4, "comment": "Vera was happy" }),
        )
        .await;
    assert_eq!(status, 201);

    // The export holds everything, notes about her included.
    let supervisor = app.create_agent(&org, "Sup", "supervisor", None).await;
    let export_path = format!("/api/contacts/{}/export", visitor.id);
    assert_error(
        &app.get(&export_path, Some(&supervisor.token)).await,
        403,
        "forbidden",
    );
    let (status, export) = app.get(&export_path, Some(&org.admin_token)).await;
    assert_eq!(status, 200, "{export}");
    assert_eq!(export["contact"]["email"], "vera@example.com");
    let conversation = &export["conversations"][0];
    let contents: Vec<&str> = conversation["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["content"].as_str().unwrap())
        .collect();
    for text in [
        "Deliver to 12 Elmstreet please",
        "Noted, Vera.",
        "VIP, handle gently",
    ] {
        assert!(contents.contains(&text), "{text} in {contents:?}");
    }
    assert_eq!(conversation["rating"]["comment"], "Vera was happy");

    let (_, found) = app
        .get("/api/search?q=Elmstreet", Some(&org.admin_token))
        .await;
    assert_eq!(
        found["results"].as_array().unwrap().len(),
        1,
        "found before: {found}"
    );

    // Erased: only placeholders remain, and reports still count the conversation.
    let other = app.signup_org("Other").await;
    assert_error(
        &app.delete(
            &format!("/api/contacts/{}", visitor.id),
            Some(&other.admin_token),
        )
        .await,
        404,
        "not_found",
    );
    let (status, _) = app
        .delete(
            &format!("/api/contacts/{}", visitor.id),
            Some(&org.admin_token),
        )
        .await;
    assert_eq!(status, 204);
    let (_, seen) = app
        .get(&format!("/api/sessions/{id}"), Some(&org.admin_token))
        .await;
    let session = &seen["session"];
    assert_eq!(session["client_name"], "Deleted customer");
    assert!(
        session["client_email"].is_null() && session["preview"].is_null(),
        "{session}"
    );
    assert!(session["rating"]["comment"].is_null(), "{session}");
    assert_eq!(session["rating"]["score"], 4);
    let (_, history) = app
        .get(
            &format!("/api/sessions/{id}/messages?after=0&limit=100"),
            Some(&org.admin_token),
        )
        .await;
    assert_eq!(history["messages"], json!([]), "{history}");
    let (_, found) = app
        .get("/api/search?q=Elmstreet", Some(&org.admin_token))
        .await;
    assert_eq!(
        found["hits"].as_array().map(Vec::len).unwrap_or(0),
        0,
        "{found}"
    );
    let (_, export) = app.get(&export_path, Some(&org.admin_token)).await;
    assert!(export["contact"]["email"].is_null(), "{export}");
    assert!(
        !export.to_string().contains("Vera"),
        "nothing of her name: {export}"
    );
    assert_error(
        &app.get("/api/sessions", Some(&visitor.token)).await,
        401,
        "unauthorized",
    );
    let today = chrono::Utc::now().date_naive();
    let (_, report) = app
        .get(
            &format!("/api/reports?from={today}&to={today}"),
            Some(&org.admin_token),
        )
        .await;
    assert_eq!(report["totals"]["opened"], 1, "{report}");
    let (_, audit) = app
        .get("/api/audit?action=customer.erased", Some(&org.admin_token))
        .await;
    assert_eq!(audit["entries"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn closed_conversations_past_the_retention_period_are_deleted_open_ones_kept() {
    let flags = clock_flags();
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    let node = Node::of(ServerProcess::start(&flags).await);
    let n = unique();
    let (_, org) = node
        .post("/api/organizations", None, json!({ "name": "Forgetful", "domain": format!("forget{n}.example.com"),
            "admin": { "name": "Ada", "email": format!("ada{n}@forget.example.com"), "password": "password123" } }))
        .await;
    let admin = org["token"].as_str().unwrap().to_string();
    let org_id = org["organization"]["id"].as_str().unwrap().to_string();
    let (status, body) = node
        .put(
            &format!("/api/organizations/{org_id}"),
            &admin,
            json!({ "settings": { "retention_days": 1 } }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (_, customer) = node
        .post("/api/clients/register", None, json!({ "username": format!("c{n}"), "email": format!("c{n}@x.example.com"), "password": "password123" }))
        .await;
    let token = customer["token"].as_str().unwrap().to_string();
    let mut ids = vec![];
    for text in ["old question", "open question"] {
        let (_, opened) = node
            .post(
                "/api/sessions",
                Some(&token),
                json!({ "organization_id": org_id, "message": text }),
            )
            .await;
        ids.push(opened["session"]["id"].as_str().unwrap().to_string());
    }
    let (status, _) = node
        .put(
            &format!("/api/sessions/{}/close", ids[0]),
            &admin,
            json!({}),
        )
        .await;
    assert_eq!(status, 200);
    node.move_clock(chrono::Utc::now() + Duration::hours(23))
        .await;
    assert_eq!(
        node.get(&format!("/api/sessions/{}", ids[0]), &admin)
            .await
            .0,
        200,
        "not a day yet"
    );
    node.move_clock(chrono::Utc::now() + Duration::hours(25))
        .await;
    assert_eq!(
        node.get(&format!("/api/sessions/{}", ids[0]), &admin)
            .await
            .0,
        404,
        "deleted"
    );
    assert_eq!(
        node.get(&format!("/api/sessions/{}", ids[1]), &admin)
            .await
            .0,
        200,
        "open: kept"
    );
}
