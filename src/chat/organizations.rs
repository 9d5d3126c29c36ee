//! The public face of organizations: profiles and the directory.

use super::Chat;
use crate::domain::OrgId;
use crate::domain::availability::Availability;
use crate::domain::model::{Agent, OrgState, Organization, PublicOrganization};
use crate::domain::permissions::{self, Steward};
use crate::error::{AccessExt, ApiError, ApiResult};
use crate::fanout::Target;

/// Most organizations one directory search returns.
pub const MAX_DIRECTORY: u32 = 50;

/// The directory's matching rule: `q` appears in the name or the domain, ignoring case.
fn matches(org: &Organization, q: &str) -> bool {
    let q = q.to_lowercase();
    org.name.to_lowercase().contains(&q) || org.domain.contains(&q)
}

impl Chat {
    /// Every organization (the platform operator's list).
    pub async fn organizations(&self) -> ApiResult<Vec<Organization>> {
        Ok(self.store.organizations().await?)
    }

    pub async fn organization_by_domain(&self, domain: &str) -> ApiResult<Organization> {
        self.store
            .organization_by_domain(domain)
            .await?
            .ok_or_else(|| ApiError::not_found("organization"))
    }

    /// The organization, for one of its admins to change.
    pub async fn administered_organization(
        &self,
        admin: &Agent,
        id: OrgId,
    ) -> ApiResult<Organization> {
        permissions::can_administer(admin, id).or_deny("organization")?;
        self.organization(id).await
    }

    /// Renames, moves or reconfigures an organization (its admins); a raised capacity assigns
    /// waiting sessions at once.
    #[tracing::instrument(level = "debug", skip_all, fields(actor = %admin.id, org = %org.id))]
    pub async fn update_organization(
        &self,
        admin: &Agent,
        org: &Organization,
        name: String,
        domain: String,
        settings: crate::domain::model::OrgSettings,
    ) -> ApiResult<Organization> {
        permissions::can_administer(admin, org.id).or_deny("organization")?;
        let raised = settings.max_concurrent_sessions > org.settings.max_concurrent_sessions;
        let rotated = settings.widget_identity_secret != org.settings.widget_identity_secret;
        let requires = settings.require_second_factor && !org.settings.require_second_factor;
        if requires {
            self.may_require_second_factor(admin).await?;
        }
        let updated = self
            .store
            .update_organization(
                org.id,
                &name,
                &domain,
                &settings,
                crate::domain::model::now(),
            )
            .await?
            .ok_or_else(|| ApiError::not_found("organization"))?;
        if rotated {
            self.end_verified_visitors(org.id).await?;
        }
        if raised {
            self.drain_queue(org.id).await?;
        }
        if requires {
            self.on_second_factor_required(org.id).await?;
        }
        Ok(updated)
    }

    /// A changed (or removed) identity secret no longer vouches for the visitors it verified:
    /// their tokens are revoked and the organization's visitor sockets closed (unverified
    /// visitors reconnect with their still valid tokens; verified ones sign in again).
    async fn end_verified_visitors(&self, org: OrgId) -> ApiResult<()> {
        let revoked = self.store.revoke_verified_visitors(org).await?;
        self.fanout.disconnect(Target::OrgVisitors(org)).await;
        tracing::info!(%org, revoked, "identity secret changed; verified visitors' tokens revoked");
        Ok(())
    }

    /// Deletes the organization with everything it owns and closes its agents' and visitors'
    /// sockets (its admins, or the platform operator).
    #[tracing::instrument(level = "debug", skip_all, fields(org = %id))]
    pub async fn delete_organization(&self, who: Steward<'_>, id: OrgId) -> ApiResult<()> {
        permissions::can_delete_organization(who, id).or_deny("organization")?;
        if !self.store.delete_organization(id).await? {
            return Err(ApiError::not_found("organization"));
        }
        self.webhook_subscriptions.forget(id);
        self.log.delete_organization(id).await?;
        self.delete_organization_files(id).await;
        self.fanout.disconnect(Target::OrgAgents(id)).await;
        self.fanout.disconnect(Target::OrgVisitors(id)).await;
        tracing::info!(org = %id, "organization deleted");
        Ok(())
    }

    pub async fn public_profile(&self, org: &Organization) -> ApiResult<PublicOrganization> {
        Ok(org.public(self.org_state(org).await?, self.mail.is_some()))
    }

    /// Organizations matching `q`: those with someone online first (available, then busy),
    /// each group by name.
    pub async fn directory(&self, q: &str, limit: u32) -> ApiResult<Vec<PublicOrganization>> {
        let q = q.trim();
        // Online organizations are few and known to presence; look at them first so none is
        // pushed out of the page by offline ones earlier in the alphabet.
        let mut online = vec![];
        for id in self.presence.online_orgs().await? {
            if let Some(org) = self.store.organization(id).await?
                && matches(&org, q)
            {
                let state = self.org_state(&org).await?;
                if state.availability != Availability::Offline {
                    online.push(org.public(state, self.mail.is_some()));
                }
            }
        }
        online.sort_by(|a, b| {
            a.online
                .cmp(&b.online)
                .reverse()
                .then(a.name.cmp(&b.name))
                .then(a.id.cmp(&b.id))
        });
        online.truncate(limit as usize);
        let wanted = limit as usize - online.len();
        let fill = self
            .store
            .search_organizations(q, limit + online.len() as u32)
            .await?
            .into_iter()
            .filter(|org| !online.iter().any(|p| p.id == org.id))
            .take(wanted)
            .map(|org| {
                let state = offline_state(&org);
                org.public(state, self.mail.is_some())
            })
            .collect::<Vec<_>>();
        online.extend(fill);
        Ok(online)
    }
}

/// The state of an organization nobody of which is online: offline, and when it opens again
/// if it is outside its hours.
fn offline_state(org: &Organization) -> OrgState {
    let now = crate::domain::model::now();
    let reopens = org
        .settings
        .business_hours
        .as_ref()
        .filter(|h| !h.is_open(now))
        .and_then(|h| h.next_opening(now));
    OrgState {
        reopens,
        ..OrgState::offline()
    }
}
