//! The web surfaces (customer app at `/`, agent console at `/console/`, widget loader at
//! `/widget.js` and its chat window at `/widget/`, the demo page at `/demo`), built by the front
//! end's own npm scripts into `web/dist`.
//!
//! Release builds carry the files inside the binary; debug builds read `web/dist` from disk;
//! `--web-dir` serves another directory (front-end development). Hashed assets are cached
//! forever, everything else revalidates by ETag; a precompressed `.gz` twin is sent to browsers
//! that accept gzip.

use std::borrow::Cow;
use std::path::{Component, Path};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use sha2::{Digest, Sha256};

use crate::state::App;

#[derive(rust_embed::Embed)]
#[folder = "web/dist/"]
struct Built;

/// Where the page files come from.
#[derive(Clone, Copy, Debug)]
enum WebFiles<'a> {
    /// The files built into the binary (read from `web/dist` in debug builds).
    Built,
    /// A directory on disk (`--web-dir`).
    Dir(&'a Path),
}

impl<'a> WebFiles<'a> {
    fn configured(dir: Option<&'a Path>) -> Self {
        dir.map_or(WebFiles::Built, WebFiles::Dir)
    }
}

/// One file and its entity tag.
struct File {
    bytes: Cow<'static, [u8]>,
    etag: String,
}

impl WebFiles<'_> {
    async fn read(&self, path: &str) -> Option<File> {
        match self {
            WebFiles::Built => Built::get(path).map(|f| File {
                etag: hex::encode(&f.metadata.sha256_hash()[..12]),
                bytes: f.data,
            }),
            WebFiles::Dir(root) => {
                let bytes = tokio::fs::read(root.join(path)).await.ok()?;
                Some(File {
                    etag: hex::encode(&Sha256::digest(&bytes)[..12]),
                    bytes: Cow::Owned(bytes),
                })
            }
        }
    }
}

const BASE_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; \
form-action 'self'";

/// How a page may be framed: the widget's chat window by the organization's allowed sites
/// (any site when it lists none), the rest nowhere.
#[derive(Clone, PartialEq, Eq)]
enum Framing {
    Anywhere,
    Only(Vec<String>),
    Nowhere,
}

/// What a request path resolves to.
enum Target {
    File(String),
    Redirect(&'static str),
    NotFound,
}

/// Maps a request path to a file of the build. The demo page exists only in demo mode.
fn resolve(path: &str, demo: bool) -> Target {
    match path {
        "/console" => return Target::Redirect("/console/"),
        "/widget" => return Target::Redirect("/widget/"),
        "/demo" | "/demo/" if demo => return Target::File("demo/index.html".into()),
        _ => {}
    }
    let Some(relative) = safe_relative(path) else {
        return Target::NotFound;
    };
    if !demo && (relative == "demo" || relative.starts_with("demo/")) {
        return Target::NotFound;
    }
    if relative.is_empty() || relative.ends_with('/') {
        return Target::File(format!("{relative}index.html"));
    }
    Target::File(relative)
}

/// The path without its leading slash, when it names nothing outside the build directory.
fn safe_relative(path: &str) -> Option<String> {
    let relative = path.strip_prefix('/')?;
    let ok = !relative.contains(['%', '\\', '\0'])
        && Path::new(relative)
            .components()
            .all(|c| matches!(c, Component::Normal(_)));
    ok.then(|| relative.to_string())
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "webmanifest" => "application/manifest+json",
        "woff2" => "font/woff2",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn cache_control(path: &str) -> &'static str {
    if path.starts_with("assets/") {
        "public, max-age=31536000, immutable"
    } else if path == "widget.js" {
        // The loader's name is fixed (sites embed it); let a new release reach them soon.
        "public, max-age=300"
    } else {
        "no-cache"
    }
}

fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|e| {
            let mut parts = e.split(';');
            let name = parts.next().unwrap_or("").trim();
            let refused = parts.any(|p| p.trim().replace(' ', "") == "q=0");
            (name == "gzip" || name == "*") && !refused
        })
}

/// Serves the web surfaces; the router's fallback for everything outside `/api`.
pub async fn serve(State(app): State<App>, req: Request) -> Response {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "GET, HEAD")],
        )
            .into_response();
    }
    let path = match resolve(req.uri().path(), app.config.demo) {
        Target::Redirect(to) => return Redirect::permanent(to).into_response(),
        Target::NotFound => return not_found(),
        Target::File(path) => path,
    };
    let files = &WebFiles::configured(app.config.web_dir.as_deref());
    let (path, file) = match files.read(&path).await {
        Some(file) => (path, file),
        // Client-side routes of the console open the console.
        None if path.starts_with("console/") && !path.starts_with("console/assets/") => {
            let index = "console/index.html".to_string();
            match files.read(&index).await {
                Some(file) => (index, file),
                None => return not_found(),
            }
        }
        None => return not_found(),
    };
    let framing = match path.starts_with("widget/") {
        true => widget_framing(&app, req.uri().query()).await,
        false => Framing::Nowhere,
    };
    respond(files, &path, file, req.headers(), framing).await
}

/// Who may frame the widget's chat window of the organization its `org` parameter names.
async fn widget_framing(app: &App, query: Option<&str>) -> Framing {
    let domain = form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .find(|(k, _)| k == "org")
        .map(|(_, v)| v.trim().to_lowercase());
    let Some(domain) = domain.filter(|d| !d.is_empty()) else {
        return Framing::Anywhere;
    };
    match app.chat.store.organization_by_domain(&domain).await {
        Ok(Some(org)) if !org.settings.allowed_origins.is_empty() => {
            Framing::Only(org.settings.allowed_origins)
        }
        Ok(_) => Framing::Anywhere,
        Err(e) => {
            tracing::warn!(error = %e, "the widget's allowed sites could not be read: framing refused");
            Framing::Nowhere
        }
    }
}

async fn respond(
    files: &WebFiles<'_>,
    path: &str,
    file: File,
    headers: &HeaderMap,
    framing: Framing,
) -> Response {
    let etag = format!("\"{}\"", file.etag);
    let mut res = if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag))
    {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let compressed = match accepts_gzip(headers) {
            true => files.read(&format!("{path}.gz")).await,
            false => None,
        };
        let mut res = match compressed {
            Some(gz) => {
                let mut res = Response::new(Body::from(gz.bytes));
                res.headers_mut()
                    .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
                res
            }
            None => Response::new(Body::from(file.bytes)),
        };
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(content_type(path)),
        );
        res
    };
    let h = res.headers_mut();
    h.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache_control(path)),
    );
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    if path.ends_with(".html") {
        page_security_headers(h, framing);
    }
    res
}

/// The Content-Security-Policy and framing rules of an HTML page.
fn page_security_headers(h: &mut HeaderMap, framing: Framing) {
    let policy = match &framing {
        Framing::Anywhere => format!("{BASE_POLICY}; frame-ancestors *"),
        Framing::Only(sites) => {
            format!("{BASE_POLICY}; frame-ancestors 'self' {}", sites.join(" "))
        }
        Framing::Nowhere => format!("{BASE_POLICY}; frame-src 'self'; frame-ancestors 'none'"),
    };
    if let Ok(v) = HeaderValue::from_str(&policy) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    if framing == Framing::Nowhere {
        h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
}

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "not found\n",
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(t: Target) -> Option<String> {
        match t {
            Target::File(f) => Some(f),
            _ => None,
        }
    }

    #[test]
    fn paths_map_to_files_of_the_build() {
        assert_eq!(file(resolve("/", false)).as_deref(), Some("index.html"));
        assert_eq!(
            file(resolve("/console/", false)).as_deref(),
            Some("console/index.html")
        );
        assert_eq!(
            file(resolve("/assets/app-1a2b.js", false)).as_deref(),
            Some("assets/app-1a2b.js")
        );
        assert!(matches!(resolve("/console", false), Target::Redirect(_)));
    }

    #[test]
    fn the_demo_page_exists_only_in_demo_mode() {
        assert!(matches!(resolve("/demo", false), Target::NotFound));
        assert!(matches!(
            resolve("/demo/index.html", false),
            Target::NotFound
        ));
        assert_eq!(
            file(resolve("/demo", true)).as_deref(),
            Some("demo/index.html")
        );
    }

    #[test]
    fn nothing_outside_the_build_is_reachable() {
        for path in [
            "/../Cargo.toml",
            "/assets/../../x",
            "/%2e%2e/x",
            "/a\\b",
            "//etc",
        ] {
            assert!(matches!(resolve(path, true), Target::NotFound), "{path}");
        }
    }

    #[test]
    fn gzip_is_sent_only_when_accepted() {
        let mut h = HeaderMap::new();
        assert!(!accepts_gzip(&h));
        h.insert(header::ACCEPT_ENCODING, "br, gzip;q=0.8".parse().unwrap());
        assert!(accepts_gzip(&h));
        h.insert(header::ACCEPT_ENCODING, "gzip;q=0".parse().unwrap());
        assert!(!accepts_gzip(&h));
    }
}
