//! The OpenAPI document, generated from the handlers' annotations.

use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{agents, clients, organizations, sessions, widget};

#[derive(OpenApi)]
#[openapi(
    info(title = "Raasel API", description = "Multi-tenant customer-support chat. Errors are `{error, message, fields?}` with stable snake_case codes."),
    paths(
        organizations::discover, organizations::directory, organizations::get_one,
        organizations::signup, organizations::update, organizations::list, organizations::delete,
        agents::login, agents::create, agents::get_one, agents::list, agents::available,
        agents::update, agents::change_password, agents::set_status, agents::sessions, agents::delete,
        clients::register, clients::login, clients::me,
        widget::create_visitor,
        sessions::open, sessions::mine, sessions::get_one, sessions::messages, sessions::send,
        sessions::of_org, sessions::active_of_org, sessions::waiting_of_org,
        sessions::assign, sessions::set_status, sessions::close,
    ),
    modifiers(&Security),
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
