//! Registry requests through a `pacto serve` proxy (a page cannot reach registries itself: they
//! send no CORS headers and their token realms live on other hosts).
//!
//! The URL layout is fixed: the registry `host[:port]` is reached at
//! `<proxy>/registry/<host[:port]>/`, so `/v2/<repo>/manifests/1.0.0` of `ghcr.io` becomes
//! `<proxy>/registry/ghcr.io/v2/<repo>/manifests/1.0.0`. The proxy rewrites what points back
//! at the registry (upload `Location`s, tag-list `Link`s) and the token realm of a Bearer
//! challenge to URLs under the same prefix, so the client uses them as they come: everything
//! after the first request goes to the proxy's origin, and credentials with it.

/// The base URL standing for `registry` (`host[:port]` of a reference) behind the proxy at
/// `proxy` (an absolute `http(s)://` URL; trailing slashes are ignored). Requests append
/// `/v2/…` to it.
pub fn registry_base(proxy: &str, registry: &str) -> String {
    format!("{}/registry/{registry}", proxy.trim_end_matches('/'))
}

/// Whether `proxy` can serve as a proxy base: an absolute `http://` or `https://` URL with a
/// host and without query or fragment.
pub fn is_valid_proxy_url(proxy: &str) -> bool {
    super::url::origin(proxy).is_some() && !proxy.contains(['?', '#']) && !proxy.contains(' ')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_base_joins_the_fixed_layout() {
        assert_eq!(
            registry_base("http://127.0.0.1:8080/", "ghcr.io"),
            "http://127.0.0.1:8080/registry/ghcr.io"
        );
        assert_eq!(
            registry_base("https://portal.example/pacto", "127.0.0.1:5000"),
            "https://portal.example/pacto/registry/127.0.0.1:5000"
        );
    }

    #[test]
    fn proxy_urls_must_be_absolute_http() {
        assert!(is_valid_proxy_url("http://127.0.0.1:8080/"));
        assert!(is_valid_proxy_url("https://portal.example/pacto"));
        assert!(!is_valid_proxy_url("/"));
        assert!(!is_valid_proxy_url("ftp://x/"));
        assert!(!is_valid_proxy_url("http://x/?a=b"));
        assert!(!is_valid_proxy_url("http:///"));
    }
}
