//! Registry credentials and the `WWW-Authenticate` challenges of the Docker token protocol
//! (spec `oci-graph-cli.md` §5.2).

use std::fmt;

use super::url::form_encode;

/// What the caller knows about who it is. Never printed: `Debug` redacts it.
#[derive(Clone, Default, PartialEq, Eq)]
pub enum Credentials {
    #[default]
    Anonymous,
    /// Username and password (or a personal access token used as password).
    Basic { username: String, password: String },
    /// A registry token (`PACTO_REGISTRY_TOKEN`), sent as `Authorization: Bearer` as it is,
    /// without a token exchange.
    Token(String),
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::Anonymous => f.write_str("Anonymous"),
            Credentials::Basic { username, .. } => {
                write!(f, "Basic {{ username: {username:?}, password: *** }}")
            }
            Credentials::Token(_) => f.write_str("Token(***)"),
        }
    }
}

impl Credentials {
    /// `Authorization` for a Basic challenge (or a registry without one).
    pub fn direct_authorization(&self) -> Option<String> {
        match self {
            Credentials::Anonymous => None,
            Credentials::Basic { username, password } => {
                Some(basic_authorization(username, password))
            }
            Credentials::Token(token) => Some(format!("Bearer {token}")),
        }
    }

    /// The secrets to keep out of any message.
    pub(crate) fn secrets(&self) -> Vec<&str> {
        match self {
            Credentials::Anonymous => Vec::new(),
            Credentials::Basic { password, .. } => vec![password.as_str()],
            Credentials::Token(token) => vec![token.as_str()],
        }
    }
}

/// `Basic base64(username:password)`.
pub fn basic_authorization(username: &str, password: &str) -> String {
    format!(
        "Basic {}",
        base64(format!("{username}:{password}").as_bytes())
    )
}

/// One challenge of a `WWW-Authenticate` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    /// The scheme, lowercased (`basic`, `bearer`).
    pub scheme: String,
    /// Parameters in order; names lowercased, values unquoted.
    pub params: Vec<(String, String)>,
}

impl Challenge {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn is_bearer(&self) -> bool {
        self.scheme == "bearer"
    }

    pub fn is_basic(&self) -> bool {
        self.scheme == "basic"
    }
}

/// Parses a `WWW-Authenticate` value (RFC 7235): several challenges separated by commas, each
/// a scheme and `name=value` parameters whose values may be quoted strings containing commas.
/// Anything unparseable is skipped rather than refused: the caller only needs Basic or Bearer.
pub fn parse_challenges(header: &str) -> Vec<Challenge> {
    let b = header.as_bytes();
    let mut pos = 0;
    let mut out = Vec::new();
    loop {
        skip(b, &mut pos, |c| c == b',' || is_space(c));
        if pos >= b.len() {
            break;
        }
        let scheme = read_token(b, &mut pos);
        if scheme.is_empty() {
            pos += 1;
            continue;
        }
        let mut challenge = Challenge {
            scheme: scheme.to_ascii_lowercase(),
            params: Vec::new(),
        };
        loop {
            skip(b, &mut pos, |c| c == b',' || is_space(c));
            if pos >= b.len() {
                break;
            }
            let name_start = pos;
            let name = read_token(b, &mut pos);
            if name.is_empty() {
                // A stray character: drop it.
                pos = name_start + 1;
                continue;
            }
            let mut eq = pos;
            skip(b, &mut eq, is_space);
            if b.get(eq) != Some(&b'=') {
                // Not `name=value`: the next challenge's scheme.
                pos = name_start;
                break;
            }
            pos = eq + 1;
            skip(b, &mut pos, is_space);
            let value = if b.get(pos) == Some(&b'"') {
                read_quoted(header, &mut pos)
            } else {
                read_token(b, &mut pos).to_string()
            };
            challenge.params.push((name.to_ascii_lowercase(), value));
        }
        out.push(challenge);
    }
    out
}

fn is_space(c: u8) -> bool {
    c == b' ' || c == b'\t'
}

fn skip(b: &[u8], pos: &mut usize, pred: impl Fn(u8) -> bool) {
    while *pos < b.len() && pred(b[*pos]) {
        *pos += 1;
    }
}

fn is_tchar(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~/:".contains(&c)
}

fn read_token<'a>(b: &'a [u8], pos: &mut usize) -> &'a str {
    let start = *pos;
    skip(b, pos, is_tchar);
    // Token characters are ASCII, so both ends are char boundaries.
    std::str::from_utf8(&b[start..*pos]).unwrap_or_default()
}

/// A quoted string starting at `pos` (on the `"`); backslash escapes the next character. An
/// unterminated string runs to the end.
fn read_quoted(text: &str, pos: &mut usize) -> String {
    let mut out = String::new();
    let mut chars = text[*pos + 1..].char_indices();
    let base = *pos + 1;
    *pos = text.len();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => {
                *pos = base + i + 1;
                break;
            }
            '\\' => {
                if let Some((_, next)) = chars.next() {
                    out.push(next);
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// What a session may do with the repository: the token scope it asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Pull,
    PushPull,
}

impl Access {
    /// `repository:<repo>:pull` or `repository:<repo>:push,pull` (the Go client's order).
    pub fn scope(self, repository: &str) -> String {
        match self {
            Access::Pull => format!("repository:{repository}:pull"),
            Access::PushPull => format!("repository:{repository}:push,pull"),
        }
    }
}

/// The token request URL for a Bearer challenge: the realm with its own query kept, then one
/// `scope` parameter per scope and `service` (always sent, empty when the challenge had none).
pub fn token_url(realm: &str, service: &str, scopes: &[String]) -> String {
    let (realm, _fragment) = realm.split_once('#').unwrap_or((realm, ""));
    let mut url = realm.to_string();
    let mut sep = if realm.contains('?') {
        if realm.ends_with('?') || realm.ends_with('&') {
            ""
        } else {
            "&"
        }
    } else {
        "?"
    };
    for scope in scopes {
        url.push_str(sep);
        url.push_str("scope=");
        url.push_str(&form_encode(scope));
        sep = "&";
    }
    url.push_str(sep);
    url.push_str("service=");
    url.push_str(&form_encode(service));
    url
}

/// Standard base64 with padding (RFC 4648 §4).
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = (u32::from(chunk[0]) << 16)
            | (u32::from(chunk.get(1).copied().unwrap_or(0)) << 8)
            | u32::from(chunk.get(2).copied().unwrap_or(0));
        let sextet = |shift: u32| ALPHABET[((n >> shift) & 0x3f) as usize] as char;
        out.push(sextet(18));
        out.push(sextet(12));
        out.push(if chunk.len() > 1 { sextet(6) } else { '=' });
        out.push(if chunk.len() > 2 { sextet(0) } else { '=' });
    }
    out
}
