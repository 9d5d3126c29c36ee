//! The sites allowed to embed an organization's widget: origins (`https://shop.example`,
//! with a port when not the default one). None listed: any site, as before the list existed.

use super::input::Parsed;

/// Most origins one organization lists.
pub const MAX_ALLOWED_ORIGINS: usize = 20;

/// An origin as browsers send it: scheme, host and a port other than the scheme's default,
/// lower-case, without a path.
pub fn origin(s: &str) -> Parsed<String> {
    let s = s.trim().trim_end_matches('/').to_ascii_lowercase();
    let (scheme, rest) = s
        .split_once("://")
        .ok_or_else(|| format!("{s:?} must start with https:// or http://"))?;
    if scheme != "https" && scheme != "http" {
        return Err(format!("{s:?} must start with https:// or http://"));
    }
    let (host, port) = match rest.rsplit_once(':') {
        Some((h, p)) if !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()) => (h, Some(p)),
        _ => (rest, None),
    };
    let host_ok = !host.is_empty()
        && host.len() <= 253
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    if !host_ok || port.is_some_and(|p| p.parse::<u16>().is_err()) {
        return Err(format!(
            "{s:?} is not an origin such as https://shop.example"
        ));
    }
    let default_port = matches!(
        (scheme, port),
        ("https", Some("443")) | ("http", Some("80"))
    );
    Ok(match port {
        Some(p) if !default_port => format!("{scheme}://{host}:{p}"),
        _ => format!("{scheme}://{host}"),
    })
}

/// Checks a whole list; duplicates are dropped.
pub fn origins(sent: &[String]) -> Parsed<Vec<String>> {
    if sent.len() > MAX_ALLOWED_ORIGINS {
        return Err(format!("at most {MAX_ALLOWED_ORIGINS} origins"));
    }
    let mut out: Vec<String> = sent.iter().map(|s| origin(s)).collect::<Parsed<_>>()?;
    out.sort();
    out.dedup();
    Ok(out)
}

/// Whether `origin` (as a browser sent it) may embed the widget of an organization listing
/// `allowed`.
pub fn allows(allowed: &[String], origin: &str) -> bool {
    allowed.is_empty() || self::origin(origin).is_ok_and(|o| allowed.contains(&o))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_normalised_and_checked() {
        assert_eq!(
            origin("HTTPS://Shop.Example/").unwrap(),
            "https://shop.example"
        );
        assert_eq!(
            origin("https://shop.example:443").unwrap(),
            "https://shop.example"
        );
        assert_eq!(
            origin("http://localhost:8080").unwrap(),
            "http://localhost:8080"
        );
        for bad in [
            "shop.example",
            "ftp://x.example",
            "https://",
            "https://a b",
            "https://x:99999",
            "https://x/path",
        ] {
            assert!(origin(bad).is_err(), "{bad}");
        }
        let list = origins(&["https://a.example".into(), "https://A.example/".into()]).unwrap();
        assert_eq!(list, ["https://a.example"]);
        assert!(origins(&vec!["https://a.example".to_string(); 21]).is_err());
    }

    #[test]
    fn an_empty_list_allows_any_site() {
        assert!(allows(&[], "https://anywhere.example"));
        let list = vec!["https://shop.example".to_string()];
        assert!(allows(&list, "https://shop.example"));
        assert!(!allows(&list, "https://evil.example"));
        assert!(!allows(&list, "null"));
    }
}
