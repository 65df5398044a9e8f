//! The little URL handling a registry client needs: resolving `Location` and `Link` targets,
//! comparing origins (credentials only go to the registry's), and form encoding.

/// `scheme://authority` of an absolute http(s) URL, lowercased.
pub fn origin(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return None;
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    if authority.is_empty() {
        return None;
    }
    Some(format!("{scheme}://{authority}").to_ascii_lowercase())
}

/// Resolves `reference` (a `Location` or `Link` target) against the absolute `base` URL:
/// absolute http(s) URLs stay as they are, `//host/…`, `/path`, `?query` and relative paths are
/// resolved (RFC 3986 §5.2, without dot-segment removal). Other schemes are refused (`None`).
pub fn resolve(base: &str, reference: &str) -> Option<String> {
    let reference = reference.trim();
    let reference = reference.split_once('#').map_or(reference, |(r, _)| r);
    if reference.chars().any(|c| c.is_control() || c == ' ') {
        return None;
    }
    let base_origin = origin(base)?;
    let scheme_end = reference.find(['/', '?']).unwrap_or(reference.len());
    if reference[..scheme_end].contains(':') {
        return origin(reference).map(|_| reference.to_string());
    }
    if let Some(rest) = reference.strip_prefix("//") {
        let (scheme, _) = base_origin.split_once("://")?;
        let url = format!("{scheme}://{rest}");
        return origin(&url).map(|_| url);
    }
    let base = base.split_once('#').map_or(base, |(b, _)| b);
    let without_query = base.split_once('?').map_or(base, |(b, _)| b);
    if reference.starts_with('/') {
        return Some(format!("{base_origin}{reference}"));
    }
    if reference.is_empty() {
        return Some(base.to_string());
    }
    if reference.starts_with('?') {
        return Some(format!("{without_query}{reference}"));
    }
    let path = &without_query[base_origin.len().min(without_query.len())..];
    let dir = path.rfind('/').map_or("/", |i| &path[..=i]);
    Some(format!("{base_origin}{dir}{reference}"))
}

/// A URL for messages: no query (upload state, tokens of pre-signed links) and no fragment.
pub fn display(url: &str) -> &str {
    let end = url.find(['?', '#']).unwrap_or(url.len());
    &url[..end]
}

/// Appends a query parameter, keeping the parameters already there.
pub fn with_query_param(url: &str, name: &str, value: &str) -> String {
    let (url, fragment) = url.split_once('#').unwrap_or((url, ""));
    let _ = fragment;
    let sep = if !url.contains('?') {
        "?"
    } else if url.ends_with('?') || url.ends_with('&') {
        ""
    } else {
        "&"
    };
    format!("{url}{sep}{name}={}", form_encode(value))
}

/// `application/x-www-form-urlencoded` value encoding, as Go's `url.QueryEscape`: unreserved
/// characters stay, space becomes `+`, everything else is percent-encoded.
pub fn form_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            b => {
                const HEX: &[u8; 16] = b"0123456789ABCDEF";
                out.push('%');
                out.push(HEX[usize::from(b >> 4)] as char);
                out.push(HEX[usize::from(b & 0xf)] as char);
            }
        }
    }
    out
}
