//! What an outsider tries first: text the stores cannot hold, cached private answers, guessing
//! at verified identities, not-yet-valid tokens and names that are no site. Each is refused at
//! the edge, the same way on every storage mode, and changes nothing.

use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::support::*;

/// Strings no person types, each refused wherever a string is taken.
const CONTROLS: [&str; 4] = ["nul \u{0} inside", "bell \u{7}", "del \u{7f}", "c1 \u{85}"];

#[track_caller]
fn assert_control_refused(res: &(u16, Value), field: &str) {
    assert_error(res, 400, "validation_failed");
    assert!(
        res.1["fields"][field].is_string(),
        "the error names {field}: {}",
        res.1
    );
}

#[tokio::test]
async fn control_characters_are_refused_in_every_account_field_and_create_nothing() {
    let app = spawn_app().await;
    let org = app.signup_org("Controls").await;
    for bad in CONTROLS {
        let n = unique();
        let signup = |name: &str, domain: &str, admin_name: &str, email: &str| {
            json!({ "name": name, "domain": domain,
                    "admin": { "name": admin_name, "email": email, "password": PASSWORD } })
        };
        let domain = format!("ok-{n}.example.com");
        let email = format!("a{n}@example.com");
        for (field, body) in [
            ("name", signup(bad, &domain, "Ann", &email)),
            (
                "domain",
                signup("Fine", &format!("{bad}.com"), "Ann", &email),
            ),
            ("admin.name", signup("Fine", &domain, bad, &email)),
            (
                "admin.email",
                signup("Fine", &domain, "Ann", &format!("{bad}@x.com")),
            ),
            ("admin.password", signup("Fine", &domain, "Ann", &email)),
        ] {
            let mut body = body;
            if field == "admin.password" {
                body["admin"]["password"] = json!(format!("long enough {bad}"));
            }
            let res = app.post("/api/organizations", None, body).await;
            assert_control_refused(&res, field);
        }
        let (status, _) = app
            .get(&format!("/api/organizations/discover/{domain}"), None)
            .await;
        assert_eq!(status, 404, "no organization was created");

        let email_nul = format!("{bad}@example.com");
        let res = app
            .post(
                "/api/agents/login",
                None,
                json!({ "email": email_nul, "password": PASSWORD }),
            )
            .await;
        assert_control_refused(&res, "email");
        let res = app
            .post(
                "/api/agents/login",
                None,
                json!({ "email": org.admin_email, "password": PASSWORD, "domain": bad }),
            )
            .await;
        assert_control_refused(&res, "domain");
        let res = app
            .post(
                "/api/clients/login",
                None,
                json!({ "email": email_nul, "password": PASSWORD }),
            )
            .await;
        assert_control_refused(&res, "email");
        let res = app
            .post(
                "/api/clients/register",
                None,
                json!({ "username": format!("u{n}"), "email": email_nul, "password": PASSWORD }),
            )
            .await;
        assert_control_refused(&res, "email");
        for (field, body) in [
            ("name", json!({ "organization_id": org.id, "name": bad })),
            ("domain", json!({ "domain": bad })),
        ] {
            let res = app.post("/api/widget/visitors", None, body).await;
            assert_control_refused(&res, field);
        }
        let res = app
            .post(
                "/api/agents",
                Some(&org.admin_token),
                json!({ "name": bad, "email": format!("b{n}@example.com"), "password": PASSWORD }),
            )
            .await;
        assert_control_refused(&res, "name");
        let res = app
            .put(
                &format!("/api/organizations/{}", org.id),
                Some(&org.admin_token),
                json!({ "settings": { "welcome_message": bad } }),
            )
            .await;
        assert_control_refused(&res, "settings.welcome_message");
    }
    let (status, agents) = app
        .get(
            &format!("/api/agents/organization/{}", org.id),
            Some(&org.admin_token),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(agents["agents"].as_array().unwrap().len(), 1, "{agents}");
}

#[tokio::test]
async fn control_characters_in_conversations_are_refused_and_store_nothing() {
    let app = spawn_app().await;
    let org = app.signup_org("Messages").await;
    let client = app.register_client().await;
    for bad in CONTROLS {
        for (field, body) in [
            (
                "subject",
                json!({ "organization_id": org.id, "subject": bad }),
            ),
            (
                "message",
                json!({ "organization_id": org.id, "message": bad }),
            ),
        ] {
            let res = app.post("/api/sessions", Some(&client.token), body).await;
            assert_control_refused(&res, field);
        }
    }
    let (_, mine) = app.get("/api/sessions", Some(&client.token)).await;
    assert_eq!(mine["sessions"], json!([]), "no session was opened");

    let session = app.open_session(&client, &org, Some("hello")).await;
    let id = session["id"].as_str().unwrap();
    let path = format!("/api/sessions/{id}/messages");
    for bad in CONTROLS {
        let res = app
            .post(&path, Some(&client.token), json!({ "content": bad }))
            .await;
        assert_control_refused(&res, "content");
        let res = app
            .post(&path, Some(&org.admin_token), json!({ "content": bad }))
            .await;
        assert_control_refused(&res, "content");
        let res = app
            .post(
                &path,
                Some(&client.token),
                json!({ "content": "fine", "client_msg_id": bad }),
            )
            .await;
        assert_control_refused(&res, "client_msg_id");
    }
    // Nothing but invisible characters says nothing.
    let res = app
        .post(
            &path,
            Some(&client.token),
            json!({ "content": "\u{200b}\u{200b} \u{feff}" }),
        )
        .await;
    assert_error(&res, 400, "validation_failed");

    // Over a socket too, every storage mode alike.
    let socket = app.socket(&client.token).await;
    for bad in CONTROLS {
        let ack = socket
            .call("send_message", json!({ "session_id": id, "content": bad }))
            .await;
        assert_eq!(
            (ack["ok"].clone(), ack["error"].clone()),
            (json!(false), json!("validation_failed")),
            "{ack}"
        );
    }

    // Lines and tabs are what people type.
    let typed = "first line\nsecond\tcolumn";
    let (status, sent) = app.send(&client.token, id, typed).await;
    assert_eq!(status, 201, "{sent}");
    let (_, history) = app
        .get(&format!("{path}?after=0"), Some(&client.token))
        .await;
    let contents: Vec<&str> = history["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["content"].as_str().unwrap())
        .collect();
    assert_eq!(
        contents,
        ["hello", typed],
        "only the good messages were stored"
    );
}

#[tokio::test]
async fn control_characters_in_query_strings_are_refused() {
    let app = spawn_app().await;
    for q in ["%00", "a%07b", "%C2%85"] {
        let res = app
            .get(&format!("/api/organizations/directory?q={q}"), None)
            .await;
        assert_control_refused(&res, "q");
    }
    let (status, _) = app.get("/api/organizations/directory?q=shop", None).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn private_answers_are_never_cached_and_cors_answers_vary_by_origin() {
    let app = spawn_app_with(|a| a.cors_origins = vec!["https://shop.example.com".into()]).await;
    let org = app.signup_org("Cacheless").await;
    let client = app.register_client().await;
    let session = app.open_session(&client, &org, Some("hi")).await;
    let id = session["id"].as_str().unwrap();
    let visitor_body = json!({ "organization_id": org.id });
    let login_body = json!({ "email": org.admin_email, "password": PASSWORD });
    let requests = [
        app.http
            .post(format!("{}/api/agents/login", app.base))
            .json(&login_body),
        app.http
            .post(format!("{}/api/widget/visitors", app.base))
            .json(&visitor_body),
        app.http
            .get(format!("{}/api/clients/me", app.base))
            .bearer_auth(&client.token),
        app.http
            .get(format!("{}/api/sessions/{id}", app.base))
            .bearer_auth(&client.token),
        app.http
            .get(format!("{}/api/sessions/{id}/messages", app.base))
            .bearer_auth(&client.token),
        app.http
            .get(format!("{}/api/agents/organization/{}", app.base, org.id))
            .bearer_auth(&org.admin_token),
        app.http.get(format!("{}/api/clients/me", app.base)),
    ];
    for req in requests {
        let res = req
            .header("origin", "https://shop.example.com")
            .send()
            .await
            .unwrap();
        let url = res.url().to_string();
        assert_eq!(
            res.headers()
                .get("cache-control")
                .map(|v| v.to_str().unwrap()),
            Some("no-store"),
            "{url}"
        );
        let vary = res
            .headers()
            .get_all("vary")
            .iter()
            .map(|v| v.to_str().unwrap().to_lowercase())
            .collect::<Vec<_>>()
            .join(",");
        assert!(vary.contains("origin"), "{url}: Vary {vary:?}");
    }
}

fn identity_hash(secret: &str, external_id: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key");
    mac.update(external_id.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

async fn set_secret(app: &TestApp, org: &OrgHandle, secret: &str) -> (u16, Value) {
    app.put(
        &format!("/api/organizations/{}", org.id),
        Some(&org.admin_token),
        json!({ "settings": { "widget_identity_secret": secret } }),
    )
    .await
}

async fn verified_visitor(app: &TestApp, org: &OrgHandle, secret: &str, ext: &str) -> (u16, Value) {
    app.post(
        "/api/widget/visitors",
        None,
        json!({ "organization_id": org.id, "external_id": ext, "identity_hash": identity_hash(secret, ext) }),
    )
    .await
}

#[tokio::test]
async fn identity_secrets_are_long_and_a_new_one_ends_verified_visitors() {
    let app = spawn_app().await;
    let org = app.signup_org("Verified").await;
    for short in [
        "x",
        "secret",
        &"s".repeat(31),
        "thirty-two characters with spaces",
    ] {
        let res = set_secret(&app, &org, short).await;
        assert_error(&res, 400, "validation_failed");
        assert!(
            res.1["fields"]["settings.widget_identity_secret"].is_string(),
            "{}",
            res.1
        );
    }
    let first = "a".repeat(32) + "-first";
    assert_eq!(set_secret(&app, &org, &first).await.0, 200);

    let (status, verified) = verified_visitor(&app, &org, &first, "user-1").await;
    assert_eq!(status, 201, "{verified}");
    let verified_token = verified["token"].as_str().unwrap().to_string();
    let anonymous = app.visitor(&org, "Anon").await;
    let socket = app.socket(&verified_token).await;

    // The id is compared exactly as it was signed: not trimmed.
    let padded = " user-1 ";
    let res = app
        .post(
            "/api/widget/visitors",
            None,
            json!({ "organization_id": org.id, "external_id": padded, "identity_hash": identity_hash(&first, "user-1") }),
        )
        .await;
    assert_error(&res, 401, "unauthorized");
    let (status, body) = verified_visitor(&app, &org, &first, padded).await;
    assert_eq!(status, 201, "{body}");
    assert_ne!(body["client"]["id"], verified["client"]["id"]);

    let second = "b".repeat(32) + "-second";
    assert_eq!(set_secret(&app, &org, &second).await.0, 200);
    let (status, _) = app.get("/api/clients/me", Some(&verified_token)).await;
    assert_eq!(status, 401, "the old secret's visitor is signed out");
    assert!(
        socket.wait_closed(std::time::Duration::from_secs(5)).await,
        "the verified visitor's socket was closed"
    );
    let (status, _) = app.get("/api/clients/me", Some(&anonymous.token)).await;
    assert_eq!(status, 200, "unverified visitors keep their tokens");
    let (status, again) = verified_visitor(&app, &org, &second, "user-1").await;
    assert_eq!(status, 201, "{again}");
    assert_eq!(
        again["client"]["id"], verified["client"]["id"],
        "the same record, signed again"
    );
    let (status, _) = app
        .get("/api/clients/me", Some(again["token"].as_str().unwrap()))
        .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn organization_domains_must_name_a_public_site() {
    let app = spawn_app().await;
    let org = app.signup_org("Domained").await;
    for domain in ["localhost", "app.localhost", "127.0.0.1", "intranet"] {
        let res = app
            .post(
                "/api/organizations",
                None,
                json!({ "name": "Local", "domain": domain,
                        "admin": { "name": "Al", "email": format!("al{}@example.com", unique()), "password": PASSWORD } }),
            )
            .await;
        assert_error(&res, 400, "validation_failed");
        let res = app
            .put(
                &format!("/api/organizations/{}", org.id),
                Some(&org.admin_token),
                json!({ "domain": domain }),
            )
            .await;
        assert_error(&res, 400, "validation_failed");
    }
    let (status, found) = app
        .get(&format!("/api/organizations/discover/{}", org.domain), None)
        .await;
    assert_eq!(status, 200, "{found}");
}

#[tokio::test]
async fn a_token_not_yet_valid_is_refused() {
    let app = spawn_app().await;
    let client = app.register_client().await;
    let claims = app.server.app.tokens.verify(&client.token).unwrap();
    let later = app.server.app.tokens.sign(&raasel::auth::Claims {
        nbf: Some(chrono::Utc::now().timestamp() + 600),
        ..claims
    });
    let (status, _) = app.get("/api/clients/me", Some(&later)).await;
    assert_eq!(status, 401);
    assert_eq!(
        SocketClient::connect(&app.base, Some(&later))
            .await
            .err()
            .as_deref(),
        Some("unauthorized")
    );
}

/// The string fields of a request body schema, as dotted paths (one level of nesting, as the
/// API's bodies have).
fn string_fields(doc: &Value, schema: &Value, prefix: &str) -> Vec<String> {
    let schema = resolve(doc, schema);
    let mut fields = vec![];
    for (name, prop) in schema["properties"].as_object().into_iter().flatten() {
        let prop = resolve(doc, prop);
        let path = format!("{prefix}{name}");
        let types: Vec<&str> = match &prop["type"] {
            Value::String(t) => vec![t.as_str()],
            Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        if types.contains(&"string") || prop["oneOf"].is_array() && prop["properties"].is_null() {
            fields.push(path);
        } else if types.contains(&"object") && prop["properties"].is_object() {
            fields.extend(string_fields(doc, prop, &format!("{path}.")));
        }
    }
    fields
}

fn resolve<'a>(doc: &'a Value, v: &'a Value) -> &'a Value {
    match v["$ref"].as_str() {
        Some(r) => resolve(doc, doc.pointer(r.trim_start_matches('#')).expect(r)),
        None => match v["oneOf"].as_array().or(v["anyOf"].as_array()) {
            Some(alts) => alts
                .iter()
                .map(|a| resolve(doc, a))
                .find(|a| a["type"] != "null")
                .unwrap_or(v),
            None => v,
        },
    }
}

/// `{"a": {"b": value}}` for the path `a.b`.
fn body_with(path: &str, value: &str) -> Value {
    path.rsplit('.')
        .fold(json!(value), |inner, key| json!({ key: inner }))
}

#[tokio::test]
async fn a_control_character_in_any_string_field_of_any_route_is_refused_as_invalid() {
    let app = spawn_app().await;
    let (_, doc) = app.get("/api/openapi.json", None).await;
    let org = app.signup_org("Every field").await;
    let client = app.register_client().await;
    let tokens = [
        Some(org.admin_token.as_str()),
        Some(client.token.as_str()),
        Some("operator-secret"),
        None,
    ];
    let some_id = "018f0000-0000-7000-8000-000000000000";
    let mut checked = 0;
    for (path, ops) in doc["paths"].as_object().unwrap() {
        let path = path
            .replace("{organization_id}", &org.id)
            .replace("{id}", some_id)
            .replace("{domain}", &org.domain);
        for (method, op) in ops.as_object().unwrap() {
            let method: reqwest::Method = method.to_uppercase().parse().unwrap();
            let mut cases: Vec<(String, String, Option<Value>)> = vec![];
            if let Some(schema) = op.pointer("/requestBody/content/application~1json/schema") {
                for field in string_fields(&doc, schema, "") {
                    cases.push((
                        field.clone(),
                        path.clone(),
                        Some(body_with(&field, "x\u{0}y")),
                    ));
                }
            }
            for param in op["parameters"].as_array().into_iter().flatten() {
                if param["in"] == "query" {
                    let name = param["name"].as_str().unwrap();
                    cases.push((name.into(), format!("{path}?{name}=x%00y"), None));
                }
            }
            for (field, target, body) in cases {
                // The first caller the route lets past its door meets the input check.
                let mut answer = None;
                for token in tokens {
                    let res = app.call(method.clone(), &target, token, body.clone()).await;
                    assert_ne!(res.0 / 100, 5, "{method} {target} {field}: {}", res.1);
                    assert_ne!(res.0 / 100, 2, "{method} {target} {field} was accepted");
                    if ![401, 403].contains(&res.0) {
                        answer = Some(res);
                        break;
                    }
                }
                let res = answer.unwrap_or_else(|| panic!("{method} {target}: nobody passed"));
                assert_error(&res, 400, "validation_failed");
                assert!(
                    res.1["fields"][&field].is_string(),
                    "{method} {target}: the error names {field}: {}",
                    res.1
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 40, "only {checked} fields were checked");
    let (_, agents) = app
        .get(
            &format!("/api/agents/organization/{}", org.id),
            Some(&org.admin_token),
        )
        .await;
    assert_eq!(
        agents["agents"].as_array().unwrap().len(),
        1,
        "nothing was created"
    );
}

#[tokio::test]
async fn a_body_that_is_not_an_object_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let org = app.signup_org("Arrays").await;
    let admin = Some(org.admin_token.as_str());
    let (status, created) = app
        .post("/api/teams", admin, json!({ "name": "Sales" }))
        .await;
    assert_eq!(status, 201, "{created}");
    let team = format!("/api/teams/{}", created["team"]["id"].as_str().unwrap());
    // Serde reads a struct from an array of its fields in order; the API takes objects only.
    for body in [
        json!([null, null]),
        json!(["Renamed", []]),
        json!("Sales"),
        json!(7),
    ] {
        let res = app.put(&team, admin, body.clone()).await;
        assert_error(&res, 400, "validation_failed");
        assert!(
            res.1["message"].as_str().unwrap().contains("object"),
            "{}",
            res.1
        );
    }
    let (_, teams) = app.get("/api/teams", admin).await;
    let names: Vec<&str> = teams["teams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"Sales") && !names.contains(&"Renamed"),
        "{names:?}"
    );
}
