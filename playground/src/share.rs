//! Share links: the whole workspace in the URL fragment, so nothing is sent to any server.
//! `#v1.<base64url(deflate(workspace JSON))>`. The decoder is tolerant: it accepts padded or
//! unpadded, URL-safe or standard base64, a missing `v1.` or a leading `code=`, and
//! uncompressed JSON, so links written by older or hand-made versions still open.

use std::io::{Read, Write};

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine as _;
use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;
use flate2::Compression;

use crate::workspace::Workspace;

/// Links longer than this may be cut by chat tools and some browsers: the UI warns.
pub const LONG_LINK: usize = 8000;
/// Bundles bigger than this (as JSON) are not put in links: browsers cap URLs near 2 MB, and
/// compressing that much on every update would stall typing.
pub const MAX_SHARED_JSON: usize = 1_500_000;
/// What a decoded link may inflate to, against zip bombs in a crafted link.
const MAX_INFLATED: u64 = 20 * 1024 * 1024;
const PREFIX: &str = "v1.";

/// The fragment for `ws`, or why it cannot be shared as a link.
pub fn encode(ws: &Workspace) -> Result<String, String> {
    let json = ws.to_json();
    if json.len() > MAX_SHARED_JSON {
        return Err(format!(
            "the bundle is too big for a link ({} KB); download the .tar.gz to share it",
            json.len() / 1000
        ));
    }
    let mut enc = DeflateEncoder::new(Vec::new(), Compression::best());
    // Writing into a Vec cannot fail.
    let compressed = enc
        .write_all(json.as_bytes())
        .and_then(|()| enc.finish())
        .unwrap_or_default();
    Ok(format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(compressed)))
}

pub fn decode(fragment: &str) -> Result<Workspace, String> {
    let s = fragment.trim().trim_start_matches('#');
    let s = s.strip_prefix("code=").unwrap_or(s);
    let s = s.strip_prefix(PREFIX).unwrap_or(s);
    // Percent-encoding and line breaks come from mail clients and chat tools.
    let cleaned: String = s
        .replace("%3D", "=")
        .replace("%3d", "=")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if cleaned.is_empty() {
        return Err("the link holds no bundle".into());
    }
    let bytes = [URL_SAFE_NO_PAD, URL_SAFE, STANDARD_NO_PAD, STANDARD]
        .iter()
        .find_map(|engine| engine.decode(cleaned.as_bytes()).ok())
        .ok_or("the link is damaged (not base64): was it cut short?")?;
    let json = inflate(&bytes).or_else(|e| {
        // Older links carried the JSON uncompressed.
        String::from_utf8(bytes.clone()).map_err(|_| e)
    })?;
    Workspace::from_json(&json)
}

fn inflate(bytes: &[u8]) -> Result<String, String> {
    let mut out = String::new();
    DeflateDecoder::new(bytes)
        .take(MAX_INFLATED + 1)
        .read_to_string(&mut out)
        .map_err(|_| "the link is damaged (does not inflate): was it cut short?".to_string())?;
    if out.len() as u64 > MAX_INFLATED {
        return Err("the link's bundle is too large".into());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Workspace {
        let mut ws = crate::templates::example("full").unwrap();
        ws.active = "interfaces/openapi.yaml".into();
        ws
    }

    #[test]
    fn round_trip_restores_every_file() {
        let ws = sample();
        let link = encode(&ws).unwrap();
        assert!(link.starts_with("v1."));
        assert!(link[3..]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
        assert_eq!(decode(&format!("#{link}")).unwrap(), ws);
    }

    #[test]
    fn older_and_mangled_links_still_open() {
        let ws = sample();
        let link = encode(&ws).unwrap();
        let body = &link[3..];
        let bytes = URL_SAFE_NO_PAD.decode(body).unwrap();
        let padded_standard = STANDARD.encode(&bytes);
        assert_eq!(
            decode(&padded_standard).unwrap(),
            ws,
            "no prefix, standard, padded"
        );
        let wrapped = format!("code=v1.{}\n{}", &body[..10], &body[10..]);
        assert_eq!(decode(&wrapped).unwrap(), ws, "code= and a line break");
        let plain = URL_SAFE_NO_PAD.encode(ws.to_json());
        assert_eq!(decode(&plain).unwrap(), ws, "uncompressed JSON");
    }

    #[test]
    fn huge_bundles_are_refused_with_a_reason() {
        let mut ws = sample();
        ws.add_file("big.txt", "x".repeat(MAX_SHARED_JSON)).unwrap();
        assert!(encode(&ws).unwrap_err().contains("too big for a link"));
    }

    #[test]
    fn damaged_links_are_errors_not_panics() {
        let link = encode(&sample()).unwrap();
        assert!(decode(&link[..link.len() / 2]).is_err());
        assert!(decode("").is_err());
        assert!(decode("v1.!!!").is_err());
        assert!(decode("v1.AAAA").is_err());
    }
}
