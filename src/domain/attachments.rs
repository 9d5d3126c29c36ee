//! Files in conversations: what a message carries, the kinds of file accepted, and how a file's
//! content (never its name or its declared type) decides what it is.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::ids::{AttachmentId, SessionId};
use super::model::Timestamp;

/// Most files one message carries.
pub const MAX_PER_MESSAGE: usize = 10;
/// The operator's per-file limit unless set otherwise (`--max-file-bytes`).
pub const DEFAULT_MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;
/// Longest file name kept (characters).
pub const MAX_NAME_CHARS: usize = 200;
/// Thumbnails fit in a square of this many pixels.
pub const THUMBNAIL_EDGE: u32 = 320;
/// Largest image decoded (pixels): a larger one is refused rather than held in memory.
pub const MAX_IMAGE_PIXELS: u64 = 24_000_000;
/// Bytes looked at to recognise a file.
pub const HEAD_BYTES: usize = 8192;
/// An upload never attached to a message is deleted after this long.
pub const UNSENT_KEPT_SECS: i64 = 24 * 3600;

/// The groups of file types an organization accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FileGroup {
    /// PNG, JPEG, GIF and WebP pictures (re-encoded; shown inline).
    Image,
    Pdf,
    /// Plain UTF-8 text (never markup).
    Text,
    /// Word, Excel, PowerPoint and OpenDocument files.
    Office,
    /// ZIP, gzip, 7-Zip, RAR and tar archives.
    Archive,
}

impl FileGroup {
    pub const ALL: [FileGroup; 5] = [
        FileGroup::Image,
        FileGroup::Pdf,
        FileGroup::Text,
        FileGroup::Office,
        FileGroup::Archive,
    ];
}

/// How a file is shown: images inline, the rest as a download.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    Image,
    File,
}

impl FileKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Image => "image",
            FileKind::File => "file",
        }
    }
}

impl std::str::FromStr for FileKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "image" => Ok(FileKind::Image),
            "file" => Ok(FileKind::File),
            _ => Err("must be one of: image, file".into()),
        }
    }
}

/// An organization's choices about files, within the operator's limits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct FileSettings {
    /// Largest file accepted, in bytes (at most the operator's limit).
    #[schema(required = true)]
    pub max_file_bytes: u64,
    /// The kinds of file accepted (empty: no files).
    #[schema(required = true)]
    pub types: Vec<FileGroup>,
}

impl Default for FileSettings {
    fn default() -> Self {
        FileSettings {
            max_file_bytes: DEFAULT_MAX_FILE_BYTES,
            types: FileGroup::ALL.to_vec(),
        }
    }
}

/// A file as a message carries it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AttachmentRef {
    pub id: AttachmentId,
    pub name: String,
    pub content_type: String,
    pub size: u64,
    pub kind: FileKind,
    #[schema(required = true)]
    pub width: Option<u32>,
    #[schema(required = true)]
    pub height: Option<u32>,
    /// A smaller copy exists (`thumbnail_url` of its link).
    pub thumbnail: bool,
}

/// A message's files as stored with it: JSON, or nothing for none.
pub fn encode_refs(refs: &[AttachmentRef]) -> Option<String> {
    (!refs.is_empty()).then(|| serde_json::to_string(refs).expect("attachment refs serialize"))
}

/// A message's files from their stored form (an unreadable value reads as none).
pub fn decode_refs(stored: Option<&str>) -> Vec<AttachmentRef> {
    stored
        .and_then(|s| serde_json::from_str(s).ok())
        .unwrap_or_default()
}

/// Who put a file in a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Uploader {
    Agent(uuid::Uuid),
    Client(uuid::Uuid),
}

impl Uploader {
    pub fn id(self) -> uuid::Uuid {
        match self {
            Uploader::Agent(id) | Uploader::Client(id) => id,
        }
    }
}

/// A stored file and what is known about it.
#[derive(Debug, Clone, PartialEq)]
pub struct Attachment {
    pub file: AttachmentRef,
    pub organization_id: super::OrgId,
    pub session_id: SessionId,
    pub uploader_id: uuid::Uuid,
    /// Hex SHA-256 of the stored bytes.
    pub sha256: String,
    /// Bytes of the thumbnail (0 without one).
    pub thumbnail_size: u64,
    /// Attached to a message (an unsent upload is deleted after a day).
    pub sent: bool,
    /// Only in private notes so far: the customer never sees it.
    pub internal: bool,
    pub created_at: Timestamp,
}

impl Attachment {
    /// The key of its bytes in the file store.
    pub fn key(&self) -> String {
        key(self.organization_id, self.file.id)
    }

    pub fn thumbnail_key(&self) -> String {
        format!("{}.thumb", self.key())
    }

    /// Bytes it takes in the organization's quota.
    pub fn stored_bytes(&self) -> u64 {
        self.file.size + self.thumbnail_size
    }
}

/// Where a file of an organization lies in the file store.
pub fn key(org: super::OrgId, id: AttachmentId) -> String {
    format!("{org}/{id}")
}

/// An attachment as its uploader and readers see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AttachmentView {
    #[serde(flatten)]
    pub file: AttachmentRef,
    pub session_id: SessionId,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl From<&Attachment> for AttachmentView {
    fn from(a: &Attachment) -> Self {
        AttachmentView {
            file: a.file.clone(),
            session_id: a.session_id,
            created_at: a.created_at,
        }
    }
}

/// What a file's content says it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileType {
    pub group: FileGroup,
    pub mime: &'static str,
    /// The extensions that fit it; the first is added to a name without one of them.
    pub extensions: &'static [&'static str],
}

const fn ty(group: FileGroup, mime: &'static str, extensions: &'static [&'static str]) -> FileType {
    FileType {
        group,
        mime,
        extensions,
    }
}

pub const PNG: FileType = ty(FileGroup::Image, "image/png", &["png"]);
pub const JPEG: FileType = ty(FileGroup::Image, "image/jpeg", &["jpg", "jpeg"]);
const GIF: FileType = ty(FileGroup::Image, "image/gif", &["gif"]);
const WEBP: FileType = ty(FileGroup::Image, "image/webp", &["webp"]);
const PDF: FileType = ty(FileGroup::Pdf, "application/pdf", &["pdf"]);
const TEXT: FileType = ty(
    FileGroup::Text,
    "text/plain; charset=utf-8",
    &["txt", "csv", "log", "md", "json"],
);
const ZIP: FileType = ty(FileGroup::Archive, "application/zip", &["zip"]);
const GZIP: FileType = ty(FileGroup::Archive, "application/gzip", &["gz", "tgz"]);
const SEVEN_ZIP: FileType = ty(FileGroup::Archive, "application/x-7z-compressed", &["7z"]);
const RAR: FileType = ty(FileGroup::Archive, "application/vnd.rar", &["rar"]);
const TAR: FileType = ty(FileGroup::Archive, "application/x-tar", &["tar"]);

/// Office documents in a ZIP container, told apart by the name's extension.
const OFFICE_ZIP: [FileType; 6] = [
    ty(
        FileGroup::Office,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        &["docx"],
    ),
    ty(
        FileGroup::Office,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &["xlsx"],
    ),
    ty(
        FileGroup::Office,
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        &["pptx"],
    ),
    ty(
        FileGroup::Office,
        "application/vnd.oasis.opendocument.text",
        &["odt"],
    ),
    ty(
        FileGroup::Office,
        "application/vnd.oasis.opendocument.spreadsheet",
        &["ods"],
    ),
    ty(
        FileGroup::Office,
        "application/vnd.oasis.opendocument.presentation",
        &["odp"],
    ),
];
/// Older office documents (OLE compound files), by extension.
const OFFICE_OLE: [FileType; 3] = [
    ty(FileGroup::Office, "application/msword", &["doc"]),
    ty(FileGroup::Office, "application/vnd.ms-excel", &["xls"]),
    ty(FileGroup::Office, "application/vnd.ms-powerpoint", &["ppt"]),
];

/// Recognises a file by its first bytes (`head`); `text` says whether the whole file is
/// UTF-8 without control characters. The name only tells apart documents sharing one
/// container (a `.docx` and a `.zip` are both ZIP files). Markup (HTML, SVG, XML) is never
/// recognised: a browser could run it.
pub fn recognise(head: &[u8], name: &str, text: bool) -> Option<FileType> {
    let starts = |magic: &[u8]| head.starts_with(magic);
    if starts(b"\x89PNG\r\n\x1a\n") {
        return Some(PNG);
    }
    if starts(&[0xFF, 0xD8, 0xFF]) {
        return Some(JPEG);
    }
    if starts(b"GIF87a") || starts(b"GIF89a") {
        return Some(GIF);
    }
    if starts(b"RIFF") && head.get(8..12) == Some(b"WEBP") {
        return Some(WEBP);
    }
    if starts(b"%PDF-") {
        return Some(PDF);
    }
    if starts(b"PK\x03\x04") {
        return Some(zip_document(head, name));
    }
    if starts(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return office(&OFFICE_OLE, name);
    }
    if starts(&[0x1F, 0x8B]) {
        return Some(GZIP);
    }
    if starts(&[0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C]) {
        return Some(SEVEN_ZIP);
    }
    if starts(b"Rar!\x1a\x07") {
        return Some(RAR);
    }
    if head.get(257..262) == Some(b"ustar") {
        return Some(TAR);
    }
    (text && !is_markup(head)).then_some(TEXT)
}

/// A ZIP file: an office document when it is one and its name says which, else an archive.
fn zip_document(head: &[u8], name: &str) -> FileType {
    let contains = |needle: &[u8]| head.windows(needle.len()).any(|w| w == needle);
    let document = contains(b"[Content_Types].xml") || contains(b"mimetypeapplication/vnd.oasis");
    match document {
        true => office(&OFFICE_ZIP, name).unwrap_or(ZIP),
        false => ZIP,
    }
}

fn office(known: &[FileType], name: &str) -> Option<FileType> {
    let ext = extension(name)?;
    known
        .iter()
        .find(|t| t.extensions.contains(&ext.as_str()))
        .copied()
}

/// Text a browser would read as markup: it opens with `<` (HTML, SVG, XML).
fn is_markup(head: &[u8]) -> bool {
    let text = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    text.iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| *b == b'<')
}

/// The name's extension, lower-cased.
pub fn extension(name: &str) -> Option<String> {
    let (stem, ext) = name.rsplit_once('.')?;
    (!stem.is_empty() && !ext.is_empty()).then(|| ext.to_ascii_lowercase())
}

/// A file name fit to keep and show: its last path part, without control characters, at
/// most `MAX_NAME_CHARS`, ending with an extension that fits what the file is.
pub fn file_name(sent: &str, ty: &FileType) -> String {
    let last = sent.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = last
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>'))
        .collect();
    let mut name: String = clean.trim().trim_start_matches('.').to_string();
    if name.is_empty() {
        name = "file".into();
    }
    let fits = extension(&name).is_some_and(|e| ty.extensions.contains(&e.as_str()));
    let suffix = match (fits, ty.extensions.first()) {
        (false, Some(ext)) => format!(".{ext}"),
        _ => String::new(),
    };
    let room = MAX_NAME_CHARS.saturating_sub(suffix.chars().count());
    let kept: String = name.chars().take(room).collect();
    format!("{kept}{suffix}")
}

/// Checks, a chunk at a time, that a file is UTF-8 text without control characters other
/// than tab, line feed, carriage return and form feed.
#[derive(Debug, Default)]
pub struct TextCheck {
    pending: Vec<u8>,
    failed: bool,
}

impl TextCheck {
    pub fn feed(&mut self, chunk: &[u8]) {
        if self.failed {
            return;
        }
        self.pending.extend_from_slice(chunk);
        let (valid, rest) = match std::str::from_utf8(&self.pending) {
            Ok(s) => (s.len(), 0),
            Err(e) if e.error_len().is_none() => {
                (e.valid_up_to(), self.pending.len() - e.valid_up_to())
            }
            Err(_) => {
                self.failed = true;
                return;
            }
        };
        let text = std::str::from_utf8(&self.pending[..valid]).unwrap_or_default();
        if text
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{c}'))
        {
            self.failed = true;
            return;
        }
        self.pending.drain(..self.pending.len() - rest);
    }

    /// The whole file was text.
    pub fn is_text(&self) -> bool {
        !self.failed && self.pending.is_empty()
    }
}

/// A human size, for messages: `10 MB`, `512 KB`.
pub fn human_size(bytes: u64) -> String {
    const MB: u64 = 1024 * 1024;
    match bytes {
        b if b >= MB && b % MB == 0 => format!("{} MB", b / MB),
        b if b >= MB => format!("{:.1} MB", b as f64 / MB as f64),
        b => format!("{} KB", b.div_ceil(1024)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_decides_not_the_name() {
        assert_eq!(
            recognise(b"\x89PNG\r\n\x1a\n....", "a.pdf", false),
            Some(PNG)
        );
        assert_eq!(
            recognise(b"%PDF-1.4 x", "a.png", false).map(|t| t.group),
            Some(FileGroup::Pdf)
        );
        assert_eq!(recognise(b"<html><script>", "a.png", true), None);
        assert_eq!(
            recognise(b"\xEF\xBB\xBF  <svg onload=x>", "a.txt", true),
            None
        );
        assert_eq!(recognise(b"hello", "a.txt", true), Some(TEXT));
        assert_eq!(recognise(b"\x00\x01binary", "a.txt", false), None);
    }

    #[test]
    fn zip_documents_by_container_and_name() {
        let docx = b"PK\x03\x04....[Content_Types].xml....";
        assert_eq!(
            recognise(docx, "cv.docx", false).map(|t| t.group),
            Some(FileGroup::Office)
        );
        assert_eq!(recognise(docx, "cv.zip", false), Some(ZIP));
        assert_eq!(recognise(b"PK\x03\x04 plain", "cv.docx", false), Some(ZIP));
    }

    #[test]
    fn names_are_cleaned_and_get_a_fitting_extension() {
        assert_eq!(file_name("../../etc/passwd", &TEXT), "passwd.txt");
        assert_eq!(file_name("C:\\x\\shot.PNG", &PNG), "shot.PNG");
        assert_eq!(file_name("invoice.png", &PDF), "invoice.png.pdf");
        assert_eq!(file_name("\u{7}", &PDF), "file.pdf");
        assert_eq!(
            file_name(&"a".repeat(500), &PDF).chars().count(),
            MAX_NAME_CHARS
        );
    }

    #[test]
    fn text_is_checked_across_chunks() {
        let mut t = TextCheck::default();
        let s = "héllo wörld".as_bytes();
        t.feed(&s[..2]);
        t.feed(&s[2..]);
        assert!(t.is_text());
        let mut bad = TextCheck::default();
        bad.feed(b"ok\x00no");
        assert!(!bad.is_text());
        let mut cut = TextCheck::default();
        cut.feed(&"é".as_bytes()[..1]);
        assert!(!cut.is_text());
    }

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(human_size(10 * 1024 * 1024), "10 MB");
        assert_eq!(human_size(1500), "2 KB");
    }
}
