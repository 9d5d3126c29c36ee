//! The public face of organizations: profiles and the directory.

use super::Chat;
use crate::domain::model::{Organization, PublicOrganization};
use crate::error::ApiResult;

/// Most organizations one directory search returns.
pub const MAX_DIRECTORY: u32 = 50;

impl Chat {
    pub async fn public_profile(&self, org: &Organization) -> ApiResult<PublicOrganization> {
        Ok(org.public(self.org_online(org).await?))
    }

    /// Organizations matching `q`, online ones first, then by name.
    pub async fn directory(&self, q: &str, limit: u32) -> ApiResult<Vec<PublicOrganization>> {
        let found = self
            .store
            .search_organizations(q.trim(), MAX_DIRECTORY)
            .await?;
        let mut profiles = Vec::with_capacity(found.len());
        for org in &found {
            profiles.push(self.public_profile(org).await?);
        }
        // Stable: keeps the store's name order within each group.
        profiles.sort_by_key(|p| !p.online);
        profiles.truncate(limit as usize);
        Ok(profiles)
    }
}
