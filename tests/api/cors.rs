//! What a browser page on another origin may read: the public discover route and the API
//! documents from anywhere; the rest of the API and Socket.IO long-polling only from the
//! configured origins; web pages from none.

use reqwest::{Method, Response};
use serde_json::json;

use crate::support::*;

const ALLOWED: &str = "https://console.example.com";
const FOREIGN: &str = "https://shop.example.org";

async fn app_allowing_one_origin() -> TestApp {
    spawn_app_with(|a| a.cors_origins = vec![ALLOWED.into()]).await
}

fn allowed_origin(res: &Response) -> Option<String> {
    res.headers()
        .get("access-control-allow-origin")
        .map(|v| v.to_str().unwrap().to_string())
}

async fn get_from(app: &TestApp, origin: &str, path: &str) -> Response {
    app.http
        .get(format!("{}{path}", app.base))
        .header("origin", origin)
        .send()
        .await
        .unwrap()
}

async fn preflight(app: &TestApp, origin: &str, method: &str, path: &str) -> Response {
    app.http
        .request(Method::OPTIONS, format!("{}{path}", app.base))
        .header("origin", origin)
        .header("access-control-request-method", method)
        .header(
            "access-control-request-headers",
            "content-type,authorization",
        )
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn any_site_may_read_an_organizations_public_profile_and_the_api_documents() {
    let app = app_allowing_one_origin().await;
    let org = app.signup_org("Embedded").await;
    let path = format!("/api/organizations/discover/{}", org.domain);
    let res = get_from(&app, FOREIGN, &path).await;
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(allowed_origin(&res).as_deref(), Some(FOREIGN));
    for doc in ["/api/openapi.json", "/api/asyncapi.json"] {
        let res = get_from(&app, FOREIGN, doc).await;
        assert_eq!(res.status().as_u16(), 200, "{doc}");
        assert_eq!(allowed_origin(&res).as_deref(), Some(FOREIGN), "{doc}");
    }
}

#[tokio::test]
async fn creating_a_visitor_from_another_site_needs_an_allowed_origin() {
    let app = app_allowing_one_origin().await;
    let org = app.signup_org("Embedded").await;
    let visit = |origin: &'static str| {
        app.http
            .post(format!("{}/api/widget/visitors", app.base))
            .header("origin", origin)
            .json(&json!({ "organization_id": org.id }))
            .send()
    };
    // The server still answers (CORS is the browser's rule); the browser may not read it.
    let foreign = visit(FOREIGN).await.unwrap();
    assert_eq!(foreign.status().as_u16(), 201);
    assert_eq!(allowed_origin(&foreign), None);
    let denied = preflight(&app, FOREIGN, "POST", "/api/widget/visitors").await;
    assert_eq!(allowed_origin(&denied), None);

    let allowed = visit(ALLOWED).await.unwrap();
    assert_eq!(allowed.status().as_u16(), 201);
    assert_eq!(allowed_origin(&allowed).as_deref(), Some(ALLOWED));
    let ok = preflight(&app, ALLOWED, "POST", "/api/widget/visitors").await;
    assert!(ok.status().is_success(), "{}", ok.status());
    assert_eq!(allowed_origin(&ok).as_deref(), Some(ALLOWED));
}

#[tokio::test]
async fn the_api_answers_only_allowed_origins_errors_included() {
    let app = app_allowing_one_origin().await;
    let org = app.signup_org("Console").await;
    let path = format!("/api/agents/organization/{}", org.id);
    let read = |origin: &'static str| {
        app.http
            .get(format!("{}{path}", app.base))
            .bearer_auth(&org.admin_token)
            .header("origin", origin)
            .send()
    };
    let ok = read(ALLOWED).await.unwrap();
    assert_eq!(ok.status().as_u16(), 200);
    assert_eq!(allowed_origin(&ok).as_deref(), Some(ALLOWED));
    assert_eq!(allowed_origin(&read(FOREIGN).await.unwrap()), None);

    // An allowed page can read why it was refused, and when to retry.
    let refused = get_from(&app, ALLOWED, "/api/clients/me").await;
    assert_eq!(refused.status().as_u16(), 401);
    assert_eq!(allowed_origin(&refused).as_deref(), Some(ALLOWED));
    let exposed = refused.headers()["access-control-expose-headers"]
        .to_str()
        .unwrap()
        .to_lowercase();
    assert!(exposed.contains("retry-after"), "{exposed}");

    let pre = preflight(&app, ALLOWED, "PUT", "/api/agents/x/status").await;
    assert_eq!(allowed_origin(&pre).as_deref(), Some(ALLOWED));
    let pre = preflight(&app, FOREIGN, "PUT", "/api/agents/x/status").await;
    assert_eq!(allowed_origin(&pre), None);
}

#[tokio::test]
async fn socket_io_long_polling_answers_only_allowed_origins() {
    let app = app_allowing_one_origin().await;
    let handshake = "/socket.io/?EIO=4&transport=polling";
    let ok = get_from(&app, ALLOWED, handshake).await;
    assert_eq!(ok.status().as_u16(), 200);
    assert_eq!(allowed_origin(&ok).as_deref(), Some(ALLOWED));
    let open = ok.text().await.unwrap();
    assert!(open.starts_with('0'), "an Engine.IO open packet: {open}");

    let foreign = get_from(&app, FOREIGN, handshake).await;
    assert_eq!(allowed_origin(&foreign), None);

    let pre = preflight(&app, ALLOWED, "POST", handshake).await;
    assert!(pre.status().is_success(), "{}", pre.status());
    assert_eq!(allowed_origin(&pre).as_deref(), Some(ALLOWED));
    let pre = preflight(&app, FOREIGN, "POST", handshake).await;
    assert_eq!(allowed_origin(&pre), None);
}

#[tokio::test]
async fn without_configured_origins_only_the_public_routes_are_open() {
    let app = spawn_app().await;
    let org = app.signup_org("Closed").await;
    let res = get_from(&app, ALLOWED, &format!("/api/organizations/{}", org.id)).await;
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(allowed_origin(&res), None);
    let res = get_from(&app, ALLOWED, "/socket.io/?EIO=4&transport=polling").await;
    assert_eq!(allowed_origin(&res), None);
    let res = get_from(
        &app,
        FOREIGN,
        &format!("/api/organizations/discover/{}", org.domain),
    )
    .await;
    assert_eq!(allowed_origin(&res).as_deref(), Some(FOREIGN));
}

#[tokio::test]
async fn web_pages_are_never_opened_to_other_origins() {
    let app = app_allowing_one_origin().await;
    for path in ["/", "/console/", "/health"] {
        let res = get_from(&app, ALLOWED, path).await;
        assert_eq!(allowed_origin(&res), None, "{path}");
    }
}
