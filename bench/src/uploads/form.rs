//! What an upload sends: a PDF of a given size (a PDF header, then pseudo-random filler, so
//! the server's content check accepts it and nothing compresses it) wrapped in a
//! `multipart/form-data` body with one part named `file`.

/// The first bytes of every file: enough for the server to recognise a PDF.
pub const PDF_HEADER: &[u8] = b"%PDF-1.4\n";

/// A PDF of exactly `size` bytes (at least the header) whose filler depends only on `seed`.
pub fn pdf(size: usize, seed: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(size.max(PDF_HEADER.len()));
    out.extend_from_slice(PDF_HEADER);
    let mut state = seed;
    while out.len() < size {
        let word = splitmix64(&mut state).to_le_bytes();
        let take = (size - out.len()).min(word.len());
        out.extend_from_slice(&word[..take]);
    }
    out
}

/// SplitMix64: a fixed sequence of well-mixed 64-bit words from a seed.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A whole multipart body and the `Content-Type` header that goes with it.
pub struct Form {
    pub content_type: String,
    pub body: Vec<u8>,
    /// Where the file lies in the body.
    pub file_at: std::ops::Range<usize>,
}

/// The form of one part named `file` holding `content` under `filename`, with a boundary that
/// does not occur in the content.
pub fn form(filename: &str, content: &[u8]) -> Form {
    let boundary = (0u32..)
        .map(|n| format!("raasel-bench-{n:08x}-6f1c2d9a7b3e"))
        .find(|b| !contains(content, b.as_bytes()))
        .expect("some boundary is free");
    let head = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; \
         filename=\"{filename}\"\r\nContent-Type: application/pdf\r\n\r\n"
    );
    let tail = format!("\r\n--{boundary}--\r\n");
    let mut body = Vec::with_capacity(head.len() + content.len() + tail.len());
    body.extend_from_slice(head.as_bytes());
    body.extend_from_slice(content);
    body.extend_from_slice(tail.as_bytes());
    Form {
        content_type: format!("multipart/form-data; boundary={boundary}"),
        file_at: head.len()..head.len() + content.len(),
        body,
    }
}

/// Whether `needle` occurs in `haystack` (the first byte filters almost every position).
fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    let Some(&first) = needle.first() else {
        return true;
    };
    haystack
        .windows(needle.len())
        .any(|w| w[0] == first && w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pdf_has_its_size_its_header_and_depends_on_its_seed() {
        let a = pdf(1000, 1);
        assert_eq!(a.len(), 1000);
        assert!(a.starts_with(PDF_HEADER));
        assert_eq!(a, pdf(1000, 1));
        assert_ne!(a, pdf(1000, 2));
        assert_eq!(pdf(3, 1), PDF_HEADER);
        assert_eq!(pdf(13, 7).len(), 13);
    }

    #[test]
    fn the_form_holds_the_file_between_its_boundaries() {
        let content = pdf(5000, 3);
        let f = form("a.pdf", &content);
        let boundary = f
            .content_type
            .strip_prefix("multipart/form-data; boundary=")
            .unwrap();
        let head = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n\
             Content-Type: application/pdf\r\n\r\n"
        );
        let tail = format!("\r\n--{boundary}--\r\n");
        assert!(f.body.starts_with(head.as_bytes()));
        assert!(f.body.ends_with(tail.as_bytes()));
        assert_eq!(&f.body[head.len()..f.body.len() - tail.len()], &content[..]);
        assert_eq!(&f.body[f.file_at.clone()], &content[..]);
        // The envelope stays far below the server's 16 KiB allowance.
        assert!(f.body.len() - content.len() < 512);
    }

    #[test]
    fn a_boundary_found_in_the_content_is_not_used() {
        let mut content = PDF_HEADER.to_vec();
        content.extend_from_slice(b"--raasel-bench-00000000-6f1c2d9a7b3e");
        let f = form("b.pdf", &content);
        assert!(
            f.content_type
                .ends_with("boundary=raasel-bench-00000001-6f1c2d9a7b3e")
        );
        assert!(contains(b"xxabcxx", b"abc"));
        assert!(!contains(b"xxabxcx", b"abc"));
    }
}
