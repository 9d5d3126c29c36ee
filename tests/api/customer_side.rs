//! What each organization shapes of its customers' side: the pre-chat form (answers kept in
//! the customer's record), the sites allowed to embed its widget (the frame's
//! `frame-ancestors` and the widget API's origin check), its default language and its texts
//! per language; bad settings are refused and change nothing.

use serde_json::{Value, json};

use crate::support::*;

async fn put_settings(app: &TestApp, org: &OrgHandle, settings: Value) -> (u16, Value) {
    app.put(
        &format!("/api/organizations/{}", org.id),
        Some(&org.admin_token),
        json!({ "settings": settings }),
    )
    .await
}

async fn profile(app: &TestApp, org: &OrgHandle) -> Value {
    let (status, body) = app
        .get(&format!("/api/organizations/discover/{}", org.domain), None)
        .await;
    assert_eq!(status, 200, "{body}");
    body["organization"].clone()
}

fn form() -> Value {
    json!({
        "name": "required", "email": "required", "phone": "optional",
        "custom": [{ "key": "order", "label": "Order number", "required": true },
                   { "key": "plan", "label": "Your plan", "required": false }]
    })
}

#[tokio::test]
async fn the_prechat_form_asks_before_the_first_message_and_keeps_the_answers() {
    let app = spawn_app().await;
    let org = app.signup_org("Forms").await;
    assert_eq!(
        profile(&app, &org).await["prechat"],
        Value::Null,
        "off by default"
    );
    let (status, body) = put_settings(&app, &org, json!({ "prechat": form() })).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(profile(&app, &org).await["prechat"], form());

    let visitor = app.visitor(&org, "Pia").await;
    let open = |prechat: Value| {
        let (app, visitor, org) = (&app, &visitor, &org);
        async move {
            app.post(
                "/api/sessions",
                Some(&visitor.token),
                json!({ "organization_id": org.id, "message": "hello", "prechat": prechat }),
            )
            .await
        }
    };
    let (status, body) = open(json!({ "name": " ", "email": "nope" })).await;
    assert_eq!(status, 400, "{body}");
    let fields: Vec<&String> = body["fields"].as_object().unwrap().keys().collect();
    assert_eq!(
        fields,
        ["prechat.email", "prechat.fields.order", "prechat.name"]
    );
    let (_, mine) = app.get("/api/sessions", Some(&visitor.token)).await;
    assert_eq!(
        mine["sessions"],
        json!([]),
        "a refused opening stores nothing"
    );
    let (status, _) = app
        .post(
            "/api/sessions",
            Some(&visitor.token),
            json!({ "organization_id": org.id }),
        )
        .await;
    assert_eq!(status, 400, "no answers at all");

    let (status, body) = open(json!({
        "name": "Pia Plant", "email": "pia@example.com", "phone": "+33 1 23 45 67 89",
        "fields": { "order": "A-1042", "unasked": "ignored" }
    }))
    .await;
    assert_eq!(status, 201, "{body}");
    let session = &body["session"];
    assert_eq!(session["client_name"], "Pia Plant");
    let (status, contact) = app
        .get(
            &format!("/api/contacts/{}", visitor.id),
            Some(&org.admin_token),
        )
        .await;
    assert_eq!(status, 200, "{contact}");
    let c = &contact["contact"];
    assert_eq!(c["name"], "Pia Plant");
    assert_eq!(c["email"], "pia@example.com");
    assert_eq!(c["attributes"]["phone"], "+33 1 23 45 67 89");
    assert_eq!(c["attributes"]["order"], "A-1042");
    assert!(c["attributes"].get("unasked").is_none(), "{c}");
    assert!(
        c["attributes"].get("plan").is_none(),
        "an optional field left empty"
    );
}

#[tokio::test]
async fn bad_settings_for_the_customers_side_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    let org = app.signup_org("Strict").await;
    let before = app
        .get(
            &format!("/api/organizations/{}", org.id),
            Some(&org.admin_token),
        )
        .await
        .1;
    let too_many: Vec<Value> = (0..6)
        .map(|i| json!({ "key": format!("k{i}"), "label": "L", "required": false }))
        .collect();
    for (bad, field) in [
        (
            json!({ "prechat": { "name": "sometimes" } }),
            "settings.prechat",
        ),
        (
            json!({ "prechat": { "custom": too_many } }),
            "settings.prechat",
        ),
        (
            json!({ "prechat": { "custom": [{ "key": "Bad Key", "label": "x", "required": true }] } }),
            "settings.prechat",
        ),
        (
            json!({ "allowed_origins": ["shop.example"] }),
            "settings.allowed_origins",
        ),
        (
            json!({ "allowed_origins": ["https://shop.example/path"] }),
            "settings.allowed_origins",
        ),
        (json!({ "rating_style": "stars" }), "wrong type"),
        (json!({ "default_locale": "xx" }), "wrong type"),
        (
            json!({ "texts": { "de": { "welcome_message": "x".repeat(1001) } } }),
            "settings.texts",
        ),
        (
            json!({ "email_after_secs": -1 }),
            "settings.email_after_secs",
        ),
    ] {
        let res = put_settings(&app, &org, bad.clone()).await;
        assert_eq!(res.0, 400, "{bad}: {}", res.1);
        assert_eq!(res.1["error"], "validation_failed");
        let named = res.1["fields"]
            .as_object()
            .map(|f| f.keys().cloned().collect::<Vec<_>>());
        assert!(
            res.1.to_string().contains(field),
            "{bad}: {field} not named in {named:?} {}",
            res.1
        );
    }
    let after = app
        .get(
            &format!("/api/organizations/{}", org.id),
            Some(&org.admin_token),
        )
        .await
        .1;
    assert_eq!(before, after);

    let (status, body) = put_settings(
        &app,
        &org,
        json!({
            "default_locale": "de", "rating_style": "faces", "email_after_secs": 600,
            "allowed_origins": ["HTTPS://Shop.Example/", "https://shop.example:443"],
            "texts": { "de": { "welcome_message": "Hallo!", "offline_message": " " }, "fr": {} }
        }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let s = &body["organization"]["settings"];
    assert_eq!(s["allowed_origins"], json!(["https://shop.example"]));
    assert_eq!(s["texts"], json!({ "de": { "welcome_message": "Hallo!" } }));
    let p = profile(&app, &org).await;
    assert_eq!(p["default_locale"], "de");
    assert_eq!(p["rating_style"], "faces");
    assert_eq!(p["texts"]["de"]["welcome_message"], "Hallo!");
    assert!(
        p.get("allowed_origins").is_none(),
        "the public profile does not list them"
    );
}

fn frame_ancestors(res: &reqwest::Response) -> String {
    let csp = res
        .headers()
        .get("content-security-policy")
        .expect("a policy")
        .to_str()
        .unwrap();
    csp.split(';')
        .map(str::trim)
        .find(|d| d.starts_with("frame-ancestors"))
        .unwrap_or_else(|| panic!("no frame-ancestors in {csp}"))
        .to_string()
}

#[tokio::test]
async fn only_the_organizations_sites_embed_its_widget() {
    let app = spawn_app().await;
    let org = app.signup_org("Fenced").await;
    let open = app.signup_org("Open House").await;
    let (status, body) = put_settings(
        &app,
        &org,
        json!({ "allowed_origins": ["https://shop.example", "http://localhost:3000"] }),
    )
    .await;
    assert_eq!(status, 200, "{body}");

    let page = |domain: String| {
        let base = app.base.clone();
        async move {
            reqwest::get(format!("{base}/widget/?org={domain}"))
                .await
                .unwrap()
        }
    };
    let fenced = page(org.domain.clone()).await;
    assert_eq!(fenced.status(), 200);
    assert_eq!(
        frame_ancestors(&fenced),
        "frame-ancestors 'self' http://localhost:3000 https://shop.example"
    );
    assert_eq!(
        frame_ancestors(&page(open.domain.clone()).await),
        "frame-ancestors *"
    );
    assert_eq!(
        frame_ancestors(&page("nobody.example".into()).await),
        "frame-ancestors *"
    );

    // The widget API itself: another site's page is refused, the listed ones and this
    // server's own widget window are served.
    let visitor = |origin: Option<&'static str>, org_id: String| {
        let base = app.base.clone();
        async move {
            let mut req = reqwest::Client::new()
                .post(format!("{base}/api/widget/visitors"))
                .json(&json!({ "organization_id": org_id }));
            if let Some(o) = origin {
                req = req.header("origin", o);
            }
            let res = req.send().await.unwrap();
            (res.status().as_u16(), res.json::<Value>().await.unwrap())
        }
    };
    let refused = visitor(Some("https://evil.example"), org.id.clone()).await;
    assert_error(&refused, 403, "forbidden");
    assert_eq!(
        visitor(Some("https://shop.example"), org.id.clone())
            .await
            .0,
        201
    );
    assert_eq!(visitor(None, org.id.clone()).await.0, 201);
    let own = app.base.clone();
    let own: &'static str = Box::leak(own.into_boxed_str());
    assert_eq!(visitor(Some(own), org.id.clone()).await.0, 201);
    assert_eq!(
        visitor(Some("https://evil.example"), open.id.clone())
            .await
            .0,
        201,
        "an organization listing no site is embedded anywhere"
    );
}
