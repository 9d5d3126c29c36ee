//! Files in conversations, as customers and agents use them: upload, send, list, download by
//! each kind of caller; checked by content; images cleaned; links signed, scoped and
//! short-lived; limits, quotas and slow uploads; files deleted with what they belong to. On
//! the embedded store files are in the data directory; on PostgreSQL in an S3-compatible
//! bucket (s3proxy), as an installation of several nodes keeps them.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::lifecycle::{Node, OPERATOR};
use crate::support::*;

const BOUNDARY: &str = "raasel-test-boundary";

/// A multipart form with one part `file` named `name`.
fn form(name: &str, bytes: &[u8]) -> Vec<u8> {
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// Uploads a file into a conversation at `base`.
pub(crate) async fn upload_to(
    base: &str,
    token: &str,
    session: &str,
    name: &str,
    bytes: &[u8],
) -> (u16, Value) {
    let res = reqwest::Client::new()
        .post(format!("{base}/api/sessions/{session}/attachments"))
        .bearer_auth(token)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(form(name, bytes))
        .send()
        .await
        .expect("upload sent");
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn upload(
    app: &TestApp,
    token: &str,
    session: &str,
    name: &str,
    bytes: &[u8],
) -> (u16, Value) {
    upload_to(&app.base, token, session, name, bytes).await
}

/// Uploads and insists on success: the attachment.
async fn uploaded(app: &TestApp, token: &str, session: &str, name: &str, bytes: &[u8]) -> Value {
    let (status, body) = upload(app, token, session, name, bytes).await;
    assert_eq!(status, 201, "upload refused: {body}");
    body["attachment"].clone()
}

/// A download through a signed link: status, headers, bytes.
async fn fetch(base: &str, url: &str) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let res = reqwest::get(format!("{base}{url}"))
        .await
        .expect("download");
    let (status, headers) = (res.status().as_u16(), res.headers().clone());
    (status, headers, res.bytes().await.expect("bytes").to_vec())
}

/// A link to a file for `token`, insisting it is given.
async fn link(app: &TestApp, token: &str, id: &str) -> Value {
    let (status, body) = app
        .get(&format!("/api/attachments/{id}/link"), Some(token))
        .await;
    assert_eq!(status, 200, "no link: {body}");
    body
}

/// A PNG of `w`×`h` carrying a text chunk with a GPS position, and an HTML payload after its end.
fn png_with_payload(w: u32, h: u32) -> Vec<u8> {
    let picture = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([x as u8, y as u8, 128]));
    let mut png = Vec::new();
    image::DynamicImage::ImageRgb8(picture)
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    // A tEXt chunk before IEND (the last 12 bytes): "GPS" keyword, a position.
    let data = b"GPSPosition\x0052.5200,13.4050";
    let mut chunk = (data.len() as u32).to_be_bytes().to_vec();
    chunk.extend_from_slice(b"tEXt");
    chunk.extend_from_slice(data);
    let mut crc_input = b"tEXt".to_vec();
    crc_input.extend_from_slice(data);
    chunk.extend_from_slice(&crc32(&crc_input).to_be_bytes());
    let iend = png.split_off(png.len() - 12);
    png.extend_from_slice(&chunk);
    png.extend_from_slice(&iend);
    png.extend_from_slice(b"<html><script>alert(document.cookie)</script></html>");
    png
}

/// A JPEG carrying an EXIF segment with a GPS tag name in it.
fn jpeg_with_exif() -> Vec<u8> {
    let picture = image::RgbImage::from_fn(64, 48, |x, _| image::Rgb([x as u8 * 3, 90, 30]));
    let mut jpeg = Vec::new();
    image::DynamicImage::ImageRgb8(picture)
        .write_to(
            &mut std::io::Cursor::new(&mut jpeg),
            image::ImageFormat::Jpeg,
        )
        .unwrap();
    let exif = b"Exif\0\0MM\0*\0\0\0\x08GPSLatitude 52.52 GPSLongitude 13.40";
    let mut segment = vec![0xFF, 0xE1];
    segment.extend_from_slice(&((exif.len() + 2) as u16).to_be_bytes());
    segment.extend_from_slice(exif);
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&segment);
    out.extend_from_slice(&jpeg[2..]);
    out
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for b in bytes {
        crc ^= u32::from(*b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

pub(crate) const PDF: &[u8] = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";

/// Every file under `dir`, recursively.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return vec![];
    };
    entries
        .flatten()
        .flat_map(|e| match e.path().is_dir() {
            true => files_under(&e.path()),
            false => vec![e.path()],
        })
        .collect()
}

/// An organization with an agent and a customer in one conversation.
struct Chat {
    org: OrgHandle,
    agent: AgentHandle,
    customer: ClientHandle,
    session: String,
}

async fn chat(app: &TestApp) -> Chat {
    let org = app.signup_org("Files").await;
    let agent = app.create_agent(&org, "Agnes", "agent", Some(5)).await;
    let customer = app.visitor(&org, "Vera").await;
    let session = app
        .open_session(&customer, &org, Some("I have a screenshot"))
        .await;
    Chat {
        org,
        agent,
        customer,
        session: session["id"].as_str().unwrap().into(),
    }
}

async fn history(app: &TestApp, token: &str, session: &str) -> Vec<Value> {
    let (status, body) = app
        .get(&format!("/api/sessions/{session}/messages"), Some(token))
        .await;
    assert_eq!(status, 200, "{body}");
    body["messages"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_customer_sends_a_picture_and_the_agent_sees_it_cleaned_with_a_thumbnail() {
    let app = spawn_app().await;
    let c = chat(&app).await;
    let png = png_with_payload(800, 600);
    let file = uploaded(
        &app,
        &c.customer.token,
        &c.session,
        "../../screen shot.png",
        &png,
    )
    .await;
    assert_eq!(file["name"], "screen shot.png", "the name keeps no path");
    assert_eq!(
        (file["kind"].as_str(), file["content_type"].as_str()),
        (Some("image"), Some("image/png"))
    );
    assert_eq!(
        (file["width"].as_u64(), file["height"].as_u64()),
        (Some(800), Some(600))
    );
    assert_eq!(file["thumbnail"], true);
    let id = file["id"].as_str().unwrap();

    let (status, sent) = app
        .post(
            &format!("/api/sessions/{}/messages", c.session),
            Some(&c.customer.token),
            json!({ "content": "", "attachments": [id], "client_msg_id": "shot-1" }),
        )
        .await;
    assert_eq!(status, 201, "{sent}");
    assert_eq!(sent["message"]["content"], "");
    assert_eq!(sent["message"]["attachments"][0]["id"], id);
    let listed = app.session(&c.agent.token, &c.session).await;
    assert_eq!(
        listed["preview"]["content"], "📎 screen shot.png",
        "{listed}"
    );

    // The agent reads it in the history and downloads the cleaned picture.
    let messages = history(&app, &c.agent.token, &c.session).await;
    let carried = messages
        .iter()
        .find(|m| m["client_msg_id"] == "shot-1")
        .unwrap();
    assert_eq!(carried["attachments"][0]["name"], "screen shot.png");
    let (status, listed) = app
        .get(
            &format!("/api/sessions/{}/attachments", c.session),
            Some(&c.agent.token),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(ids(&listed["attachments"]), vec![id.to_string()]);
    let l = link(&app, &c.agent.token, id).await;
    let (status, headers, bytes) = fetch(&app.base, l["url"].as_str().unwrap()).await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "image/png");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(
        headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("sandbox")
    );
    assert!(
        headers["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("inline;")
    );
    assert!(!contains(&bytes, b"GPSPosition"), "the position was kept");
    assert!(
        !contains(&bytes, b"<script"),
        "the payload after the picture was kept"
    );
    let picture = image::load_from_memory(&bytes).expect("a picture");
    assert_eq!((picture.width(), picture.height()), (800, 600));
    let (status, _, thumb) = fetch(&app.base, l["thumbnail_url"].as_str().unwrap()).await;
    assert_eq!(status, 200);
    let thumb = image::load_from_memory(&thumb).expect("a thumbnail");
    assert!(
        thumb.width() <= 320 && thumb.height() <= 320,
        "{}x{}",
        thumb.width(),
        thumb.height()
    );

    // The customer downloads their own picture too.
    let mine = link(&app, &c.customer.token, id).await;
    assert_eq!(fetch(&app.base, mine["url"].as_str().unwrap()).await.0, 200);
}

#[tokio::test]
async fn exif_is_gone_from_a_served_photo() {
    let app = spawn_app().await;
    let c = chat(&app).await;
    let jpeg = jpeg_with_exif();
    assert!(contains(&jpeg, b"GPSLatitude"));
    let file = uploaded(&app, &c.customer.token, &c.session, "photo.jpg", &jpeg).await;
    assert_eq!(file["content_type"], "image/jpeg");
    assert_eq!(
        file["thumbnail"], false,
        "a picture smaller than a thumbnail has none"
    );
    let l = link(&app, &c.customer.token, file["id"].as_str().unwrap()).await;
    assert!(l["thumbnail_url"].is_null());
    let (_, _, bytes) = fetch(&app.base, l["url"].as_str().unwrap()).await;
    assert!(
        !contains(&bytes, b"Exif") && !contains(&bytes, b"GPSLatitude"),
        "EXIF kept"
    );
    image::load_from_memory(&bytes).expect("still a picture");
}

#[tokio::test]
async fn files_are_judged_by_their_content_and_anything_but_a_picture_only_downloads() {
    let app = spawn_app().await;
    let c = chat(&app).await;
    let t = &c.customer.token;
    let svg = b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'><script>alert(2)</script></svg>";
    assert_error(
        &upload(&app, t, &c.session, "logo.svg", svg).await,
        415,
        "unsupported_type",
    );
    let html = b"\n  <!doctype html><script>alert(1)</script>";
    assert_error(
        &upload(&app, t, &c.session, "cat.png", html).await,
        415,
        "unsupported_type",
    );
    assert_error(
        &upload(&app, t, &c.session, "a.exe", b"MZ\x90\x00\x03\x00binary").await,
        415,
        "unsupported_type",
    );
    let broken = b"\x89PNG\r\n\x1a\nthis is no picture at all";
    assert_error(
        &upload(&app, t, &c.session, "broken.png", broken).await,
        415,
        "unsupported_type",
    );
    assert_error(
        &upload(&app, t, &c.session, "empty.txt", b"").await,
        400,
        "validation_failed",
    );

    // A PDF that says it is a picture is a PDF, named as one, and only downloads.
    let file = uploaded(&app, t, &c.session, "invoice.png", PDF).await;
    assert_eq!(
        (file["kind"].as_str(), file["content_type"].as_str()),
        (Some("file"), Some("application/pdf"))
    );
    assert_eq!(file["name"], "invoice.png.pdf");
    let l = link(&app, t, file["id"].as_str().unwrap()).await;
    let (status, headers, bytes) = fetch(&app.base, l["url"].as_str().unwrap()).await;
    assert_eq!(status, 200);
    assert_eq!(bytes, PDF);
    assert_eq!(headers["content-type"], "application/pdf");
    assert!(
        headers["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment;")
    );
    // Plain text is text/plain and downloads.
    let text = uploaded(
        &app,
        t,
        &c.session,
        "notes",
        "Grüße, line 1\nline 2\n".as_bytes(),
    )
    .await;
    assert_eq!(
        (text["name"].as_str(), text["content_type"].as_str()),
        (Some("notes.txt"), Some("text/plain; charset=utf-8"))
    );
    // Nothing refused was kept.
    let (_, usage) = app
        .get("/api/attachments/usage", Some(&c.org.admin_token))
        .await;
    assert_eq!(usage["files"], 2, "{usage}");
}

#[tokio::test]
async fn links_are_signed_short_lived_and_given_only_to_readers() {
    let app = spawn_app().await;
    let c = chat(&app).await;
    let file = uploaded(&app, &c.agent.token, &c.session, "guide.pdf", PDF).await;
    let id = file["id"].as_str().unwrap();
    let path = format!("/api/attachments/{id}/link");
    // Not sent yet: only its uploader sees it among the organization's… and every agent of it.
    assert_error(
        &app.get(&path, Some(&c.customer.token)).await,
        404,
        "not_found",
    );
    let l = link(&app, &c.org.admin_token, id).await;
    // Another organization's admin and another visitor get 404.
    let other = app.signup_org("Other").await;
    assert_error(
        &app.get(&path, Some(&other.admin_token)).await,
        404,
        "not_found",
    );
    let stranger = app.visitor(&c.org, "Stranger").await;
    assert_error(
        &app.get(&path, Some(&stranger.token)).await,
        404,
        "not_found",
    );
    assert_error(&app.get(&path, None).await, 401, "unauthorized");
    // A changed link is refused; so is one moved to another file.
    let url = l["url"].as_str().unwrap();
    let tampered = url.replace("signature=", "signature=0");
    assert_eq!(fetch(&app.base, &tampered).await.0, 401);
    let later = url.replace("expires=", "expires=9");
    assert_eq!(fetch(&app.base, &later).await.0, 401);
    let moved = url.replace(id, &uuid::Uuid::now_v7().to_string());
    assert_eq!(fetch(&app.base, &moved).await.0, 401);
    let expires = chrono::DateTime::parse_from_rfc3339(l["expires_at"].as_str().unwrap()).unwrap();
    let ttl = expires
        .signed_duration_since(chrono::Utc::now())
        .num_seconds();
    assert!(
        (240..=300).contains(&ttl),
        "a link works for minutes, not {ttl} s"
    );

    // Sent in a private note: still hidden from the customer.
    let (status, note) = app
        .post(
            &format!("/api/sessions/{}/messages", c.session),
            Some(&c.agent.token),
            json!({ "content": "internal guide", "internal": true, "attachments": [id] }),
        )
        .await;
    assert_eq!(status, 201, "{note}");
    assert_error(
        &app.get(&path, Some(&c.customer.token)).await,
        404,
        "not_found",
    );
    let (_, listed) = app
        .get(
            &format!("/api/sessions/{}/attachments", c.session),
            Some(&c.customer.token),
        )
        .await;
    assert_eq!(listed["attachments"], json!([]));
    // Then sent to the customer: they may open it.
    app.assign(&c.org.admin_token, &c.session, &c.agent.id)
        .await;
    let (status, sent) = app
        .post(
            &format!("/api/sessions/{}/messages", c.session),
            Some(&c.agent.token),
            json!({ "content": "here is our guide", "attachments": [id] }),
        )
        .await;
    assert_eq!(status, 201, "{sent}");
    let mine = link(&app, &c.customer.token, id).await;
    let (status, _, bytes) = fetch(&app.base, mine["url"].as_str().unwrap()).await;
    assert_eq!((status, bytes.as_slice()), (200, PDF));
}

#[tokio::test]
async fn an_expired_link_is_refused() {
    let node = Node::start().await;
    let org = node.signup_org("Expiring").await;
    let customer = node.register_client().await;
    let session = node.open(&customer, &org, "hello").await;
    let (status, body) = upload_to(&node.server.url, &customer.token, &session, "a.pdf", PDF).await;
    assert_eq!(status, 201, "{body}");
    let id = body["attachment"]["id"].as_str().unwrap();
    let (_, l) = node
        .get(&format!("/api/attachments/{id}/link"), &customer.token)
        .await;
    let url = l["url"].as_str().unwrap();
    assert_eq!(fetch(&node.server.url, url).await.0, 200);
    let later = chrono::Utc::now() + chrono::Duration::minutes(6);
    let (status, _) = node
        .put("/api/operator/clock", OPERATOR, json!({ "now": later }))
        .await;
    assert_eq!(status, 200);
    let res = reqwest::get(format!("{}{url}", node.server.url))
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 401);
    let body: Value = res.json().await.unwrap();
    assert!(
        body["message"].as_str().unwrap().contains("expired"),
        "{body}"
    );
}

#[tokio::test]
async fn a_message_carries_only_its_senders_uploads_to_this_conversation() {
    let app = spawn_app().await;
    let c = chat(&app).await;
    let messages = format!("/api/sessions/{}/messages", c.session);
    let theirs = uploaded(&app, &c.agent.token, &c.session, "a.pdf", PDF).await;
    let res = app
        .post(
            &messages,
            Some(&c.customer.token),
            json!({ "attachments": [theirs["id"]] }),
        )
        .await;
    assert_error(&res, 400, "validation_failed");
    assert!(res.1["fields"]["attachments"].is_string(), "{}", res.1);
    let other_session = app.open_session(&c.customer, &c.org, Some("second")).await;
    let elsewhere = uploaded(
        &app,
        &c.customer.token,
        other_session["id"].as_str().unwrap(),
        "b.pdf",
        PDF,
    )
    .await;
    let res = app
        .post(
            &messages,
            Some(&c.customer.token),
            json!({ "attachments": [elsewhere["id"]] }),
        )
        .await;
    assert_error(&res, 400, "validation_failed");
    let eleven: Vec<String> = (0..11).map(|_| uuid::Uuid::now_v7().to_string()).collect();
    let res = app
        .post(
            &messages,
            Some(&c.customer.token),
            json!({ "content": "x", "attachments": eleven }),
        )
        .await;
    assert_error(&res, 400, "validation_failed");
    assert_error(
        &app.post(
            &messages,
            Some(&c.customer.token),
            json!({ "content": " " }),
        )
        .await,
        400,
        "validation_failed",
    );
    assert_eq!(
        history(&app, &c.customer.token, &c.session).await.len(),
        1,
        "nothing refused was sent"
    );

    // A retried send with the same key sends once; a sent file cannot be removed, an unsent one can.
    let mine = uploaded(&app, &c.customer.token, &c.session, "c.pdf", PDF).await;
    let body =
        json!({ "content": "see attached", "attachments": [mine["id"]], "client_msg_id": "once" });
    let first = app
        .post(&messages, Some(&c.customer.token), body.clone())
        .await;
    let again = app.post(&messages, Some(&c.customer.token), body).await;
    assert_eq!(first.1["message"]["id"], again.1["message"]["id"]);
    let sent_path = format!("/api/attachments/{}", mine["id"].as_str().unwrap());
    assert_error(
        &app.delete(&sent_path, Some(&c.customer.token)).await,
        409,
        "conflict",
    );
    let draft = uploaded(&app, &c.customer.token, &c.session, "d.pdf", PDF).await;
    let draft_path = format!("/api/attachments/{}", draft["id"].as_str().unwrap());
    assert_error(
        &app.delete(&draft_path, Some(&c.agent.token)).await,
        404,
        "not_found",
    );
    assert_eq!(
        app.delete(&draft_path, Some(&c.customer.token)).await.0,
        204
    );
    assert_error(
        &app.get(&format!("{draft_path}/link"), Some(&c.customer.token))
            .await,
        404,
        "not_found",
    );
}

/// Where a test server keeps its files: its data directory, or its bucket on PostgreSQL.
fn file_dir(app: &TestApp, bucket: &Option<(String, PathBuf)>) -> PathBuf {
    match bucket {
        Some((_, dir)) => dir.clone(),
        None => app.dir.path().join("files"),
    }
}

/// Where a test server stages uploads while they arrive: always in its data directory.
fn staging_dir(app: &TestApp, bucket: &Option<(String, PathBuf)>) -> PathBuf {
    match bucket {
        Some(_) => app.dir.path().join("uploading"),
        None => app.dir.path().join("files").join(".incoming"),
    }
}

/// A server whose files go to a bucket the test can look into (on PostgreSQL), with `limits`.
async fn app_with_files(
    limits: impl FnOnce(&mut raasel::config::FileArgs),
) -> (TestApp, Option<(String, PathBuf)>) {
    let bucket = suite_bucket();
    let url = bucket.as_ref().map(|(u, _)| u.clone());
    let app = spawn_app_with(|args| {
        if let Some(url) = url {
            args.files.object_store_url = Some(url);
        }
        limits(&mut args.files);
    })
    .await;
    (app, bucket)
}

#[tokio::test]
async fn a_file_over_the_limit_is_refused_while_it_streams_and_nothing_is_kept() {
    let (app, bucket) = app_with_files(|_| {}).await;
    let c = chat(&app).await;
    // The organization allows 4 KiB; the operator 10 MiB (a larger declared body is refused at once).
    let settings = json!({ "settings": { "attachments": { "max_file_bytes": 4096 } } });
    let res = app
        .put(
            &format!("/api/organizations/{}", c.org.id),
            Some(&c.org.admin_token),
            settings,
        )
        .await;
    assert_eq!(res.0, 200, "{}", res.1);
    let too_big = vec![b'a'; 5000];
    let res = upload(&app, &c.customer.token, &c.session, "big.txt", &too_big).await;
    assert_error(&res, 413, "file_too_large");
    assert!(
        res.1["message"].as_str().unwrap().contains("4 KB"),
        "{}",
        res.1
    );
    let huge = vec![0u8; 11 * 1024 * 1024];
    assert_error(
        &upload(&app, &c.customer.token, &c.session, "huge.bin", &huge).await,
        413,
        "file_too_large",
    );
    let over = json!({ "settings": { "attachments": { "max_file_bytes": 11 * 1024 * 1024 } } });
    let res = app
        .put(
            &format!("/api/organizations/{}", c.org.id),
            Some(&c.org.admin_token),
            over,
        )
        .await;
    assert_error(&res, 400, "validation_failed");
    assert!(
        res.1["fields"]["settings.attachments.max_file_bytes"].is_string(),
        "{}",
        res.1
    );
    let dir = file_dir(&app, &bucket);
    assert_eq!(
        files_under(&dir),
        Vec::<PathBuf>::new(),
        "something of a refused file was kept"
    );
    let staging = staging_dir(&app, &bucket);
    assert!(
        staging.is_dir(),
        "uploads are staged in {}",
        staging.display()
    );
    assert_eq!(
        files_under(&staging),
        Vec::<PathBuf>::new(),
        "a refused upload's staging file was left behind"
    );
    let (_, usage) = app
        .get("/api/attachments/usage", Some(&c.org.admin_token))
        .await;
    assert_eq!(
        (usage["used_bytes"].as_u64(), usage["files"].as_u64()),
        (Some(0), Some(0))
    );

    // Kinds the organization turned off are refused; with none, files are off.
    let pdf_only =
        json!({ "settings": { "attachments": { "max_file_bytes": 4096, "types": ["pdf"] } } });
    app.put(
        &format!("/api/organizations/{}", c.org.id),
        Some(&c.org.admin_token),
        pdf_only,
    )
    .await;
    assert_error(
        &upload(&app, &c.customer.token, &c.session, "a.txt", b"text").await,
        415,
        "unsupported_type",
    );
    uploaded(&app, &c.customer.token, &c.session, "a.pdf", PDF).await;
    let (_, public) = app
        .get(
            &format!("/api/organizations/discover/{}", c.org.domain),
            None,
        )
        .await;
    assert_eq!(
        public["organization"]["attachments"]["types"],
        json!(["pdf"]),
        "{public}"
    );
    let none = json!({ "settings": { "attachments": { "types": [] } } });
    app.put(
        &format!("/api/organizations/{}", c.org.id),
        Some(&c.org.admin_token),
        none,
    )
    .await;
    assert_error(
        &upload(&app, &c.customer.token, &c.session, "b.pdf", PDF).await,
        403,
        "forbidden",
    );
}

#[tokio::test]
async fn an_organization_keeps_files_within_its_quota() {
    let (app, _) = app_with_files(|f| f.org_storage_quota = 2 * PDF.len() as u64 + 10).await;
    let c = chat(&app).await;
    uploaded(&app, &c.customer.token, &c.session, "1.pdf", PDF).await;
    uploaded(&app, &c.customer.token, &c.session, "2.pdf", PDF).await;
    let res = upload(&app, &c.customer.token, &c.session, "3.pdf", PDF).await;
    assert_error(&res, 413, "quota_exceeded");
    let (_, usage) = app
        .get("/api/attachments/usage", Some(&c.org.admin_token))
        .await;
    assert_eq!(
        usage["used_bytes"].as_u64(),
        Some(2 * PDF.len() as u64),
        "{usage}"
    );
    assert_eq!(
        usage["quota_bytes"].as_u64(),
        Some(2 * PDF.len() as u64 + 10)
    );
    assert_error(
        &app.get("/api/attachments/usage", Some(&c.agent.token))
            .await,
        403,
        "forbidden",
    );
    // Another organization has a quota of its own.
    let other = chat(&app).await;
    uploaded(&app, &other.customer.token, &other.session, "1.pdf", PDF).await;
}

/// Starts an upload over a raw connection and sends only part of its body.
async fn stalled_upload(base: &str, token: &str, session: &str) -> tokio::net::TcpStream {
    let addr = base.trim_start_matches("http://");
    let mut conn = tokio::net::TcpStream::connect(addr).await.unwrap();
    let body = form("slow.pdf", &[PDF, &[b' '; 2000]].concat());
    let head = format!(
        "POST /api/sessions/{session}/attachments HTTP/1.1\r\nHost: {addr}\r\n\
         Authorization: Bearer {token}\r\nContent-Type: multipart/form-data; boundary={BOUNDARY}\r\n\
         Content-Length: {}\r\n\r\n",
        body.len()
    );
    conn.write_all(head.as_bytes()).await.unwrap();
    conn.write_all(&body[..body.len() / 2]).await.unwrap();
    conn
}

#[tokio::test]
async fn one_account_runs_few_uploads_at_once() {
    let (app, bucket) = app_with_files(|f| f.uploads_per_account = 1).await;
    let c = chat(&app).await;
    let files = app.server.app.chat.files.clone();
    let slow = stalled_upload(&app.base, &c.customer.token, &c.session).await;
    wait_until(
        "the stalled upload holds the account's turn",
        Duration::from_secs(10),
        || async { files.uploading_accounts() == 1 },
    )
    .await;
    assert_error(
        &upload(&app, &c.customer.token, &c.session, "x.pdf", PDF).await,
        429,
        "rate_limited",
    );
    // Another account uploads meanwhile.
    uploaded(&app, &c.agent.token, &c.session, "agent.pdf", PDF).await;
    // The stalled upload's client goes away: its turn is free again, and its bytes are gone.
    drop(slow);
    wait_until(
        "the account's turn is free again",
        Duration::from_secs(10),
        || async { files.uploading_accounts() == 0 },
    )
    .await;
    uploaded(&app, &c.customer.token, &c.session, "y.pdf", PDF).await;
    let kept = files_under(&file_dir(&app, &bucket));
    assert_eq!(
        kept.len(),
        2,
        "only the two finished uploads are kept: {kept:?}"
    );
}

#[tokio::test]
async fn a_slow_upload_is_cut_off_when_its_time_is_up() {
    let (app, bucket) = app_with_files(|f| f.upload_timeout = Duration::from_secs(1)).await;
    let c = chat(&app).await;
    let mut slow = stalled_upload(&app.base, &c.customer.token, &c.session).await;
    let mut answer = vec![0u8; 4096];
    let n = tokio::time::timeout(Duration::from_secs(20), slow.read(&mut answer))
        .await
        .expect("the slow upload was never answered")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer[..n]);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("upload_timed_out"), "{answer}");
    assert_eq!(
        files_under(&file_dir(&app, &bucket)),
        Vec::<PathBuf>::new(),
        "a cut-off upload left bytes"
    );
    uploaded(&app, &c.customer.token, &c.session, "y.pdf", PDF).await;
}

#[tokio::test]
async fn files_are_deleted_with_the_customer_and_with_the_organization() {
    let (app, bucket) = app_with_files(|_| {}).await;
    let c = chat(&app).await;
    let dir = file_dir(&app, &bucket).join(&c.org.id);
    let png = png_with_payload(400, 400);
    let picture = uploaded(&app, &c.customer.token, &c.session, "p.png", &png).await;
    app.post(
        &format!("/api/sessions/{}/messages", c.session),
        Some(&c.customer.token),
        json!({ "attachments": [picture["id"]] }),
    )
    .await;
    assert_eq!(files_under(&dir).len(), 2, "the picture and its thumbnail");
    // The export lists the customer's files.
    let (status, export) = app
        .get(
            &format!("/api/contacts/{}/export", c.customer.id),
            Some(&c.org.admin_token),
        )
        .await;
    assert_eq!(status, 200, "{export}");
    let exported = export["conversations"][0]["messages"].as_array().unwrap();
    assert!(
        exported
            .iter()
            .any(|m| m["attachments"][0]["id"] == picture["id"]),
        "{export}"
    );
    // Erasing the customer deletes their conversations' files.
    let (status, _) = app
        .delete(
            &format!("/api/contacts/{}", c.customer.id),
            Some(&c.org.admin_token),
        )
        .await;
    assert_eq!(status, 204);
    assert_eq!(files_under(&dir), Vec::<PathBuf>::new());
    assert_error(
        &app.get(
            &format!("/api/attachments/{}/link", picture["id"].as_str().unwrap()),
            Some(&c.org.admin_token),
        )
        .await,
        404,
        "not_found",
    );

    // Deleting the organization deletes every file it still has.
    let another = app.visitor(&c.org, "Walter").await;
    let session = app.open_session(&another, &c.org, Some("hi")).await;
    uploaded(
        &app,
        &another.token,
        session["id"].as_str().unwrap(),
        "w.pdf",
        PDF,
    )
    .await;
    assert_eq!(files_under(&dir).len(), 1);
    let (status, _) = app
        .delete(
            &format!("/api/organizations/{}", c.org.id),
            Some(&c.org.admin_token),
        )
        .await;
    assert_eq!(status, 204);
    assert_eq!(
        files_under(&dir),
        Vec::<PathBuf>::new(),
        "the organization's files outlived it"
    );
}

#[tokio::test]
async fn over_a_socket_a_message_carries_its_files_to_the_agent() {
    let app = spawn_app().await;
    let c = chat(&app).await;
    app.assign(&c.org.admin_token, &c.session, &c.agent.id)
        .await;
    let agent = app.socket(&c.agent.token).await;
    let customer = app.socket(&c.customer.token).await;
    let file = uploaded(&app, &c.customer.token, &c.session, "receipt.pdf", PDF).await;
    agent.clear().await;
    let ack = customer
        .call(
            "send_message",
            json!({ "session_id": c.session, "content": "my receipt", "attachments": [file["id"]] }),
        )
        .await;
    assert_eq!(ack["ok"], true, "{ack}");
    assert_eq!(ack["message"]["attachments"][0]["name"], "receipt.pdf");
    let got = agent.wait_for("new_message").await;
    assert_eq!(got["message"]["attachments"][0]["id"], file["id"], "{got}");
    let refused = customer
        .call(
            "send_message",
            json!({ "session_id": c.session, "attachments": [uuid::Uuid::now_v7()] }),
        )
        .await;
    assert_eq!(refused["ok"], false, "{refused}");
    assert_eq!(refused["error"], "validation_failed", "{refused}");
}
