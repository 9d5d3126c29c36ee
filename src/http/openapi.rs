//! The OpenAPI document, generated from the handlers' annotations.
//!
//! Each annotation names its operation and the answers particular to it (409, 429, …). The
//! answers that follow from an operation's shape are added here once, so no operation can
//! forget them: 401 and 403 where a token is needed, 400 and 413 where a body is read, 404
//! where an id is in the path, 400 where a query is parsed, 500 everywhere. Every error answer
//! carries the one error body.

use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, Response};
use utoipa::{Modify, OpenApi, ToSchema};

use super::{
    agents, api_tokens, attachments, audit, clients, devices, followup, ops, organizations,
    reports, second_factor, sessions, sso, webhooks, widget, workspace,
};
use crate::error::ErrorBody;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Raasel API",
        description = "Multi-tenant customer-support chat. Errors are `{error, message, fields?}` \
            with stable snake_case codes (`ErrorCode`). The real-time protocol is described by the \
            AsyncAPI document at `/api/asyncapi.json`."
    ),
    servers((url = "/", description = "this server")),
    paths(
        organizations::discover, organizations::directory, organizations::get_one,
        organizations::signup, organizations::update, organizations::list, organizations::delete,
        agents::login, agents::create, agents::get_one, agents::list, agents::available,
        agents::update, agents::change_password, agents::set_status, agents::sessions, agents::delete,
        clients::register, clients::login, clients::me,
        widget::create_visitor,
        sessions::open, sessions::mine, sessions::get_one, sessions::messages, sessions::send,
        sessions::of_org, sessions::active_of_org, sessions::waiting_of_org,
        sessions::assign, sessions::set_status, sessions::close, sessions::reopen,
        sessions::set_labels, sessions::set_priority, sessions::context, sessions::snooze,
        sessions::wake,
        workspace::labels, workspace::create_label, workspace::update_label,
        workspace::delete_label, workspace::canned_replies, workspace::create_canned_reply,
        workspace::update_canned_reply, workspace::delete_canned_reply, workspace::contact,
        workspace::update_contact, workspace::export_contact, workspace::erase_contact, workspace::mentions, workspace::read_mentions,
        workspace::search, ops::set_clock, workspace::teams, workspace::create_team,
        workspace::update_team, workspace::delete_team, sessions::move_to_team,
        followup::leave_email, followup::rate, followup::transcript, followup::redeem,
        followup::rate_by_link, followup::unsubscribe_page, followup::unsubscribe,
        webhooks::list, webhooks::create, webhooks::update, webhooks::delete,
        webhooks::deliveries, webhooks::redeliver, reports::report, reports::csv,
        audit::entries, api_tokens::list, api_tokens::create, api_tokens::revoke,
        attachments::upload, attachments::list, attachments::link, attachments::remove,
        attachments::usage, attachments::download,
        second_factor::start, second_factor::enable, second_factor::status,
        second_factor::remove, devices::list, devices::end_all, devices::end,
        devices::log_out, devices::refresh, sso::get, sso::put, sso::remove, sso::choices, sso::start,
        sso::callback,
    ),
    components(schemas(ErrorBody, crate::domain::webhooks::WebhookBody, crate::files::Variant)),
    modifiers(&Security, &ErrorAnswers),
)]
pub struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        let components = api.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
        components.add_security_scheme(
            "operator",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

struct ErrorAnswers;

impl Modify for ErrorAnswers {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        for item in api.paths.paths.values_mut() {
            for op in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
            ]
            .into_iter()
            .flatten()
            {
                add_shape_answers(op);
                describe_errors(op);
            }
        }
    }
}

/// The answers that follow from what the operation reads.
fn add_shape_answers(op: &mut Operation) {
    let security = op.security.as_deref().unwrap_or_default();
    let needs_token = !security.is_empty();
    // An empty requirement (`{}`) among the alternatives makes the token optional.
    let token_optional = security
        .iter()
        .any(|s| serde_json::to_value(s).is_ok_and(|v| v == serde_json::json!({})));
    let params = op.parameters.as_deref().unwrap_or_default();
    let in_path = params
        .iter()
        .any(|p| matches!(p.parameter_in, ParameterIn::Path));
    let in_query = params
        .iter()
        .any(|p| matches!(p.parameter_in, ParameterIn::Query));
    let mut wanted = vec![500];
    if needs_token {
        wanted.push(401);
        if !token_optional {
            wanted.push(403);
        }
    }
    if op.request_body.is_some() {
        wanted.extend([400, 413]);
    }
    if in_path {
        wanted.push(404);
    }
    if in_query {
        wanted.push(400);
    }
    for status in wanted {
        op.responses
            .responses
            .entry(status.to_string())
            .or_insert_with(|| Response::new("").into());
    }
}

/// Every 4xx and 5xx answer carries the error body and says what it means; every answer has a
/// description, as the format requires.
fn describe_errors(op: &mut Operation) {
    for (status, response) in op.responses.responses.iter_mut() {
        let utoipa::openapi::RefOr::T(response) = response else {
            continue;
        };
        let Some(meaning) = error_meaning(status) else {
            if response.description.is_empty() {
                response.description = "success".into();
            }
            continue;
        };
        if response.description.is_empty() {
            response.description = meaning.into();
        }
        if status == "429" {
            response.headers.insert(
                "Retry-After".into(),
                HeaderBuilder::new()
                    .schema(ObjectBuilder::new().schema_type(Type::Integer))
                    .description(Some("seconds to wait"))
                    .build(),
            );
        }
        response.content.insert(
            "application/json".into(),
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name(ErrorBody::name())))
                .build(),
        );
    }
}

fn error_meaning(status: &str) -> Option<&'static str> {
    Some(match status {
        "400" => "validation_failed: malformed or invalid input (`fields` names each problem)",
        "401" => {
            "unauthorized: a missing, invalid, expired or revoked token, or wrong credentials; \
                  second_factor_required: the agent's code is needed too"
        }
        "403" => {
            "forbidden: the caller may not do this; second_factor_setup_required: the \
                  organization requires a second factor the agent has not set up"
        }
        "404" => "not_found: no such object in the caller's reach",
        "408" => "upload_timed_out: the upload did not arrive whole within the upload time limit",
        "409" => "conflict or session_closed",
        "413" => {
            "payload_too_large: the body is over 64 KiB; for uploads file_too_large (over the \
                  file size limit) or quota_exceeded (over the organization's storage quota)"
        }
        "415" => "unsupported_type: the file's content is not of a type the organization accepts",
        "429" => "rate_limited: retry after the `Retry-After` seconds",
        "500" => "internal: something went wrong on the server (the cause is logged)",
        _ => return None,
    })
}

/// The served document: the operations, and the webhooks an organization receives (OpenAPI
/// 3.1 `webhooks`, one per event, each a signed POST of `WebhookBody`).
pub fn document() -> serde_json::Value {
    let mut doc = serde_json::to_value(ApiDoc::openapi()).expect("the document serializes");
    let webhooks: serde_json::Map<String, serde_json::Value> = crate::domain::webhooks::EVENT_DOCS
        .iter()
        .map(|(event, summary)| {
            let operation = serde_json::json!({
                "post": {
                    "operationId": format!("webhook_{}", event.as_str().replace('.', "_")),
                    "summary": summary,
                    "parameters": [
                        { "name": "X-Raasel-Signature", "in": "header", "required": true,
                          "description": "t=<unix seconds>,v1=<hex HMAC-SHA256(secret, \"<t>.<body>\")>",
                          "schema": { "type": "string" } },
                        { "name": "X-Raasel-Event-Id", "in": "header", "required": true, "schema": { "type": "string", "format": "uuid" } },
                        { "name": "X-Raasel-Delivery", "in": "header", "required": true, "schema": { "type": "string", "format": "uuid" } },
                        { "name": "X-Raasel-Event", "in": "header", "required": true, "schema": { "type": "string" } }
                    ],
                    "requestBody": { "required": true, "content": { "application/json": {
                        "schema": { "$ref": "#/components/schemas/WebhookBody" } } } },
                    "responses": { "200": { "description": "received (any 2xx); anything else is retried" } }
                }
            });
            (event.as_str().to_string(), operation)
        })
        .collect();
    doc["webhooks"] = serde_json::Value::Object(webhooks);
    drop_object_defaults(&mut doc);
    doc
}

/// Properties that refer to another schema carry no `default` (generated clients cannot model
/// an object's default; the schema it refers to says what its fields hold).
fn drop_object_defaults(doc: &mut serde_json::Value) {
    let Some(schemas) = doc["components"]["schemas"].as_object_mut() else {
        return;
    };
    for schema in schemas.values_mut() {
        let Some(properties) = schema
            .get_mut("properties")
            .and_then(serde_json::Value::as_object_mut)
        else {
            continue;
        };
        for property in properties.values_mut() {
            let refers = property.get("$ref").is_some() || property.get("oneOf").is_some();
            if let (true, Some(p)) = (refers, property.as_object_mut()) {
                p.remove("default");
            }
        }
    }
}
