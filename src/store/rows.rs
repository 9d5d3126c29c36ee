//! Decoding rows into domain entities, the same way for every SQL backend: `row_decoders!`
//! expands to one set of decoders for a backend's row type.

/// Defines `organization`, `agent`, `client`, `session`, `message`, `read_state` and `all`
/// for rows of type `$row`.
macro_rules! row_decoders {
    ($row:ty) => {
        use anyhow::{Result, anyhow};
        use sqlx::Row;
        use uuid::Uuid;

        use crate::domain::ids::*;
        use crate::domain::model::*;

        fn parse<T: std::str::FromStr<Err = String>>(row: &$row, col: &str) -> Result<T> {
            let s: String = row.try_get(col)?;
            s.parse().map_err(|e| anyhow!("column {col}: {e}"))
        }

        fn opt_u32(row: &$row, col: &str) -> Result<Option<u32>> {
            let v: Option<i64> = row.try_get(col)?;
            Ok(v.map(|v| v as u32))
        }

        pub fn organization(row: &$row) -> Result<Organization> {
            let settings: String = row.try_get("settings")?;
            Ok(Organization {
                id: OrgId(row.try_get("id")?),
                name: row.try_get("name")?,
                domain: row.try_get("domain")?,
                settings: serde_json::from_str(&settings)?,
                created_at: row.try_get("created_at")?,
                updated_at: row.try_get("updated_at")?,
            })
        }

        pub fn agent(row: &$row) -> Result<Agent> {
            Ok(Agent {
                id: AgentId(row.try_get("id")?),
                organization_id: OrgId(row.try_get("organization_id")?),
                name: row.try_get("name")?,
                email: row.try_get("email")?,
                role: parse(row, "role")?,
                status: parse(row, "status")?,
                online: false,
                max_concurrent_sessions: opt_u32(row, "max_concurrent_sessions")?,
                last_assigned_at: row.try_get("last_assigned_at")?,
                created_at: row.try_get("created_at")?,
                updated_at: row.try_get("updated_at")?,
                token_version: row.try_get("token_version")?,
            })
        }

        pub fn client(row: &$row) -> Result<Client> {
            Ok(Client {
                id: ClientId(row.try_get("id")?),
                username: row.try_get("username")?,
                email: row.try_get("email")?,
                name: row.try_get("name")?,
                organization_id: row
                    .try_get::<Option<Uuid>, _>("organization_id")?
                    .map(OrgId),
                external_id: row.try_get("external_id")?,
                created_at: row.try_get("created_at")?,
                token_version: row.try_get("token_version")?,
            })
        }

        pub fn session(row: &$row) -> Result<Session> {
            Ok(Session {
                id: SessionId(row.try_get("id")?),
                organization_id: OrgId(row.try_get("organization_id")?),
                client_id: ClientId(row.try_get("client_id")?),
                client_name: row.try_get("client_name")?,
                client_email: row.try_get("client_email")?,
                agent_id: row.try_get::<Option<Uuid>, _>("agent_id")?.map(AgentId),
                status: parse(row, "status")?,
                subject: row.try_get("subject")?,
                last_seq: row.try_get("last_seq")?,
                last_message_at: row.try_get("last_message_at")?,
                queued_at: row.try_get("queued_at")?,
                created_at: row.try_get("created_at")?,
                updated_at: row.try_get("updated_at")?,
                closed_at: row.try_get("closed_at")?,
                assigned_at: row.try_get("assigned_at")?,
                snoozed: row.try_get("snoozed")?,
                snoozed_until: row.try_get("snoozed_until")?,
                awaiting_since: row.try_get("awaiting_since")?,
                first_response_at: row.try_get("first_response_at")?,
                team_id: row.try_get::<Option<Uuid>, _>("team_id")?.map(TeamId),
                priority: parse(row, "priority")?,
                labels: crate::domain::labels::decode(row.try_get("labels")?),
                preview: MessagePreview::decode(
                    row.try_get::<Option<String>, _>("preview")?.as_deref(),
                ),
            })
        }

        pub fn message(row: &$row) -> Result<Message> {
            Ok(Message {
                id: MessageId(row.try_get("id")?),
                organization_id: OrgId(row.try_get("organization_id")?),
                session_id: SessionId(row.try_get("session_id")?),
                seq: row.try_get("seq")?,
                sender_type: parse(row, "sender_type")?,
                sender_id: row.try_get("sender_id")?,
                sender_name: row.try_get("sender_name")?,
                content: row.try_get("content")?,
                client_msg_id: row.try_get("client_msg_id")?,
                created_at: row.try_get("created_at")?,
                internal: row.try_get("internal")?,
                attachments: crate::domain::attachments::decode_refs(
                    row.try_get::<Option<String>, _>("attachments")?.as_deref(),
                ),
            })
        }

        pub fn read_state(row: &$row) -> Result<ReadState> {
            Ok(ReadState {
                delivered_seq: row.try_get("delivered_seq")?,
                read_seq: row.try_get("read_seq")?,
            })
        }

        pub fn label(row: &$row) -> Result<crate::domain::labels::Label> {
            Ok(crate::domain::labels::Label {
                id: LabelId(row.try_get("id")?),
                organization_id: OrgId(row.try_get("organization_id")?),
                name: row.try_get("name")?,
                color: row.try_get("color")?,
                created_at: row.try_get("created_at")?,
            })
        }

        /// A team without its members (read separately).
        pub fn team(row: &$row) -> Result<crate::domain::teams::Team> {
            Ok(crate::domain::teams::Team {
                id: TeamId(row.try_get("id")?),
                organization_id: OrgId(row.try_get("organization_id")?),
                name: row.try_get("name")?,
                is_default: row.try_get("is_default")?,
                members: Vec::new(),
                business_hours: crate::domain::hours::stored(row.try_get("business_hours")?),
                created_at: row.try_get("created_at")?,
            })
        }

        pub fn canned_reply(row: &$row) -> Result<crate::domain::canned::CannedReply> {
            Ok(crate::domain::canned::CannedReply {
                id: CannedReplyId(row.try_get("id")?),
                organization_id: OrgId(row.try_get("organization_id")?),
                owner_id: row.try_get::<Option<Uuid>, _>("owner_id")?.map(AgentId),
                shortcut: row.try_get("shortcut")?,
                content: row.try_get("content")?,
                created_at: row.try_get("created_at")?,
                updated_at: row.try_get("updated_at")?,
            })
        }

        pub fn mention(row: &$row) -> Result<crate::domain::mentions::Mention> {
            Ok(crate::domain::mentions::Mention {
                id: row.try_get("id")?,
                organization_id: OrgId(row.try_get("organization_id")?),
                agent_id: AgentId(row.try_get("agent_id")?),
                session_id: SessionId(row.try_get("session_id")?),
                seq: row.try_get("seq")?,
                author_name: row.try_get("author_name")?,
                excerpt: row.try_get("excerpt")?,
                created_at: row.try_get("created_at")?,
                read_at: row.try_get("read_at")?,
            })
        }

        pub fn contact_details(row: &$row) -> Result<crate::domain::contacts::ContactDetails> {
            let attributes: String = row.try_get("attributes")?;
            Ok(crate::domain::contacts::ContactDetails {
                name: row.try_get("name")?,
                email: row.try_get("email")?,
                attributes: serde_json::from_str(&attributes)?,
            })
        }

        pub fn rating(row: &$row) -> Result<crate::domain::ratings::Rating> {
            Ok(crate::domain::ratings::Rating {
                score: u8::try_from(row.try_get::<i64, _>("score")?).unwrap_or(0),
                comment: row.try_get("comment")?,
                rated_at: row.try_get("rated_at")?,
            })
        }

        pub fn outgoing_email(row: &$row) -> Result<crate::domain::email::OutgoingEmail> {
            let kind: String = row.try_get("kind")?;
            Ok(crate::domain::email::OutgoingEmail {
                id: row.try_get("id")?,
                organization_id: OrgId(row.try_get("organization_id")?),
                session_id: SessionId(row.try_get("session_id")?),
                client_id: ClientId(row.try_get("client_id")?),
                kind: crate::domain::email::EmailKind::parse(&kind)
                    .ok_or_else(|| anyhow::anyhow!("unknown e-mail kind {kind:?}"))?,
                to: row.try_get("to_address")?,
                due_at: row.try_get("due_at")?,
                attempts: row.try_get("attempts")?,
                created_at: row.try_get("created_at")?,
            })
        }

        fn webhook_event(row: &$row, col: &str) -> Result<crate::domain::webhooks::WebhookEvent> {
            let s: String = row.try_get(col)?;
            serde_json::from_value(serde_json::Value::String(s.clone()))
                .map_err(|_| anyhow!("unknown webhook event {s:?}"))
        }

        pub fn endpoint(row: &$row) -> Result<crate::domain::webhooks::Endpoint> {
            let events: String = row.try_get("events")?;
            Ok(crate::domain::webhooks::Endpoint {
                id: row.try_get("id")?,
                organization_id: OrgId(row.try_get("organization_id")?),
                url: row.try_get("url")?,
                events: events
                    .split(',')
                    .filter(|e| !e.is_empty())
                    .filter_map(|e| {
                        serde_json::from_value(serde_json::Value::String(e.into())).ok()
                    })
                    .collect(),
                paused: row.try_get("paused")?,
                failures: row.try_get("failures")?,
                created_at: row.try_get("created_at")?,
            })
        }

        pub fn delivery(row: &$row) -> Result<crate::domain::webhooks::Delivery> {
            Ok(crate::domain::webhooks::Delivery {
                id: row.try_get("id")?,
                event_id: row.try_get("event_id")?,
                endpoint_id: row.try_get("endpoint_id")?,
                event: webhook_event(row, "event")?,
                state: row.try_get("state")?,
                attempts: row.try_get("attempts")?,
                last_status: row.try_get("last_status")?,
                last_error: row.try_get("last_error")?,
                created_at: row.try_get("created_at")?,
                delivered_at: row.try_get("delivered_at")?,
            })
        }

        pub fn outgoing_delivery(row: &$row) -> Result<crate::domain::webhooks::Outgoing> {
            Ok(crate::domain::webhooks::Outgoing {
                id: row.try_get("id")?,
                event_id: row.try_get("event_id")?,
                endpoint_id: row.try_get("endpoint_id")?,
                organization_id: OrgId(row.try_get("organization_id")?),
                event: webhook_event(row, "event")?,
                body: row.try_get("body")?,
                attempts: row.try_get("attempts")?,
                created_at: row.try_get("created_at")?,
            })
        }

        pub fn api_token(row: &$row) -> Result<crate::domain::api_tokens::ApiToken> {
            let scopes: String = row.try_get("scopes")?;
            Ok(crate::domain::api_tokens::ApiToken {
                id: row.try_get("id")?,
                organization_id: OrgId(row.try_get("organization_id")?),
                name: row.try_get("name")?,
                scopes: scopes
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .filter_map(|s| {
                        serde_json::from_value(serde_json::Value::String(s.into())).ok()
                    })
                    .collect(),
                created_by: AgentId(row.try_get("created_by")?),
                created_at: row.try_get("created_at")?,
                last_used_at: row.try_get("last_used_at")?,
            })
        }

        pub fn audit_entry(row: &$row) -> Result<crate::domain::audit::AuditEntry> {
            let details: String = row.try_get("details")?;
            Ok(crate::domain::audit::AuditEntry {
                id: row.try_get("id")?,
                organization_id: OrgId(row.try_get("organization_id")?),
                at: row.try_get("at")?,
                actor_kind: row.try_get("actor_kind")?,
                actor_id: row.try_get("actor_id")?,
                actor_name: row.try_get("actor_name")?,
                action: row.try_get("action")?,
                target: row.try_get("target")?,
                details: serde_json::from_str(&details).unwrap_or(serde_json::Value::Null),
                ip: row.try_get("ip")?,
            })
        }

        pub fn attachment(row: &$row) -> Result<crate::domain::attachments::Attachment> {
            use crate::domain::attachments::{Attachment, AttachmentRef};
            let kind: String = row.try_get("kind")?;
            Ok(Attachment {
                file: AttachmentRef {
                    id: AttachmentId(row.try_get("id")?),
                    name: row.try_get("name")?,
                    content_type: row.try_get("content_type")?,
                    size: row.try_get::<i64, _>("size")? as u64,
                    kind: kind.parse().map_err(|e| anyhow!("column kind: {e}"))?,
                    width: opt_u32(row, "width")?,
                    height: opt_u32(row, "height")?,
                    thumbnail: row.try_get::<i64, _>("thumbnail_size")? > 0,
                },
                organization_id: OrgId(row.try_get("organization_id")?),
                session_id: SessionId(row.try_get("session_id")?),
                uploader_id: row.try_get("uploader_id")?,
                sha256: row.try_get("sha256")?,
                thumbnail_size: row.try_get::<i64, _>("thumbnail_size")? as u64,
                sent: row.try_get("sent")?,
                internal: row.try_get("internal")?,
                created_at: row.try_get("created_at")?,
            })
        }

        pub fn second_factor(row: &$row) -> Result<crate::domain::second_factor::SecondFactor> {
            let secret: String = row.try_get("secret")?;
            Ok(crate::domain::second_factor::SecondFactor {
                agent_id: AgentId(row.try_get("agent_id")?),
                organization_id: OrgId(row.try_get("organization_id")?),
                secret: base32::decode(base32::Alphabet::Rfc4648 { padding: false }, &secret)
                    .ok_or_else(|| anyhow!("column secret: not base32"))?,
                enabled_at: row.try_get("enabled_at")?,
                last_step: row.try_get("last_step")?,
                created_at: row.try_get("created_at")?,
            })
        }

        pub fn device(row: &$row) -> Result<crate::domain::devices::Device> {
            Ok(crate::domain::devices::Device {
                id: DeviceId(row.try_get("id")?),
                organization_id: OrgId(row.try_get("organization_id")?),
                agent_id: AgentId(row.try_get("agent_id")?),
                token_version: row.try_get("token_version")?,
                name: row.try_get("name")?,
                address: row.try_get("address")?,
                started_at: row.try_get("started_at")?,
                last_used_at: row.try_get("last_used_at")?,
                expires_at: row.try_get("expires_at")?,
                refresh_hash: row.try_get("refresh_hash")?,
                previous_hash: row.try_get("previous_hash")?,
                rotated_at: row.try_get("rotated_at")?,
            })
        }

        pub fn sso_provider(row: &$row) -> Result<crate::domain::sso::SsoProvider> {
            let domains: String = row.try_get("allowed_domains")?;
            Ok(crate::domain::sso::SsoProvider {
                organization_id: OrgId(row.try_get("organization_id")?),
                issuer: row.try_get("issuer")?,
                client_id: row.try_get("client_id")?,
                client_secret: row.try_get("client_secret")?,
                label: row.try_get("label")?,
                allowed_domains: serde_json::from_str(&domains)
                    .map_err(|e| anyhow!("column allowed_domains: {e}"))?,
                create_agents: row.try_get("create_agents")?,
                required: row.try_get("required")?,
                break_glass_agent_id: row
                    .try_get::<Option<uuid::Uuid>, _>("break_glass_agent_id")?
                    .map(AgentId),
                updated_at: row.try_get("updated_at")?,
            })
        }

        pub fn sso_login(row: &$row) -> Result<crate::domain::sso::SsoLogin> {
            Ok(crate::domain::sso::SsoLogin {
                state_hash: row.try_get("state_hash")?,
                organization_id: OrgId(row.try_get("organization_id")?),
                nonce: row.try_get("nonce")?,
                verifier: row.try_get("verifier")?,
                expires_at: row.try_get("expires_at")?,
            })
        }

        pub fn message_hit(row: &$row) -> Result<crate::store::MessageHit> {
            Ok(crate::store::MessageHit {
                session_id: SessionId(row.try_get("session_id")?),
                seq: row.try_get("seq")?,
                created_at: row.try_get("created_at")?,
            })
        }

        /// Decodes every row with `f`.
        pub fn all<T>(rows: Vec<$row>, f: fn(&$row) -> Result<T>) -> Result<Vec<T>> {
            rows.iter().map(f).collect()
        }
    };
}

pub(crate) use row_decoders;
