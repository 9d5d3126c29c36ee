//! Download links: short-lived and signed, given only to someone allowed to read the
//! conversation. A leaked link stops working within minutes; a changed one never works.

use hmac::{Hmac, Mac};

use crate::domain::AttachmentId;

/// How long a download link works.
pub const LINK_TTL_SECS: i64 = 300;

/// Which copy of a file a link opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Variant {
    Full,
    Thumbnail,
}

impl Variant {
    fn as_str(self) -> &'static str {
        match self {
            Variant::Full => "full",
            Variant::Thumbnail => "thumbnail",
        }
    }
}

/// Why a link was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum BadLink {
    Expired,
    Tampered,
}

#[derive(Clone)]
pub struct FileLinks {
    key: Vec<u8>,
}

impl FileLinks {
    /// Links signed with a key derived from `secret` (the server's token secret), so a link
    /// is never a token and a token never a link.
    pub fn new(secret: &[u8]) -> FileLinks {
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret).expect("HMAC takes any key");
        mac.update(b"raasel file links");
        FileLinks {
            key: mac.finalize().into_bytes().to_vec(),
        }
    }

    fn mac(&self, id: AttachmentId, variant: Variant, expires: i64) -> Hmac<sha2::Sha256> {
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&self.key).expect("HMAC takes any key");
        mac.update(format!("{id}:{}:{expires}", variant.as_str()).as_bytes());
        mac
    }

    /// The path of a link to `id`, working until `expires` (Unix seconds).
    pub fn path(&self, id: AttachmentId, variant: Variant, expires: i64) -> String {
        let sig = hex::encode(self.mac(id, variant, expires).finalize().into_bytes());
        format!(
            "/api/files/{id}?variant={}&expires={expires}&signature={sig}",
            variant.as_str()
        )
    }

    /// Checks a link's signature (in constant time), then its time.
    pub fn check(
        &self,
        id: AttachmentId,
        variant: Variant,
        expires: i64,
        signature: &str,
        now: i64,
    ) -> Result<(), BadLink> {
        let sent = hex::decode(signature).map_err(|_| BadLink::Tampered)?;
        self.mac(id, variant, expires)
            .verify_slice(&sent)
            .map_err(|_| BadLink::Tampered)?;
        match now <= expires {
            true => Ok(()),
            false => Err(BadLink::Expired),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_works_until_it_expires_and_never_when_changed() {
        let links = FileLinks::new(b"secret");
        let id = AttachmentId::new();
        let path = links.path(id, Variant::Full, 1000);
        let sig = path.rsplit('=').next().unwrap();
        assert_eq!(links.check(id, Variant::Full, 1000, sig, 999), Ok(()));
        assert_eq!(
            links.check(id, Variant::Full, 1000, sig, 1001),
            Err(BadLink::Expired)
        );
        assert_eq!(
            links.check(id, Variant::Full, 2000, sig, 999),
            Err(BadLink::Tampered)
        );
        assert_eq!(
            links.check(id, Variant::Thumbnail, 1000, sig, 999),
            Err(BadLink::Tampered)
        );
        let other = FileLinks::new(b"other");
        assert_eq!(
            other.check(id, Variant::Full, 1000, sig, 999),
            Err(BadLink::Tampered)
        );
    }
}
