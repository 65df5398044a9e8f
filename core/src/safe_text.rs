//! Untrusted text made safe to print: archive entry names, registry answers, headers and
//! references reach terminals, CI logs and pull-request comments through our messages, so
//! nothing in them may move the cursor, recolour the screen or reorder what is read.
//!
//! [`printable`] is the one place that decides what is shown: control characters (Unicode
//! `Cc`) and format characters (`Cf`: bidirectional overrides and isolates, zero-width
//! characters, the BOM, ...) and the line and paragraph separators are escaped as `\u{202e}`
//! (`\n`, `\t`, `\r` as themselves), and long values are cut with an ellipsis.
//! [`printable_bytes`] does the same for bytes that may not be text at all: binary data is
//! replaced by a short description ([`describe_bytes`]) instead of a screenful of U+FFFD.

use std::fmt;

/// Characters kept of a value by [`Printable`] (names, references, answers quoted in a message).
pub const DEFAULT_MAX_CHARS: usize = 200;

/// How many leading bytes [`describe_bytes`] shows.
const SHOWN_BYTES: usize = 4;

/// The `Cf` (format) characters of Unicode 15.1, as inclusive ranges.
const FORMAT_CHARS: &[(char, char)] = &[
    ('\u{00AD}', '\u{00AD}'),
    ('\u{0600}', '\u{0605}'),
    ('\u{061C}', '\u{061C}'),
    ('\u{06DD}', '\u{06DD}'),
    ('\u{070F}', '\u{070F}'),
    ('\u{0890}', '\u{0891}'),
    ('\u{08E2}', '\u{08E2}'),
    ('\u{180E}', '\u{180E}'),
    ('\u{200B}', '\u{200F}'),
    ('\u{202A}', '\u{202E}'),
    ('\u{2060}', '\u{2064}'),
    ('\u{2066}', '\u{206F}'),
    ('\u{FEFF}', '\u{FEFF}'),
    ('\u{FFF9}', '\u{FFFB}'),
    ('\u{110BD}', '\u{110BD}'),
    ('\u{110CD}', '\u{110CD}'),
    ('\u{13430}', '\u{1343F}'),
    ('\u{1BCA0}', '\u{1BCA3}'),
    ('\u{1D173}', '\u{1D17A}'),
    ('\u{E0001}', '\u{E0001}'),
    ('\u{E0020}', '\u{E007F}'),
];

/// Whether a character must not reach a terminal as it is: `Cc`, `Cf`, U+2028 and U+2029.
pub fn is_unsafe_char(c: char) -> bool {
    c.is_control()
        || c == '\u{2028}'
        || c == '\u{2029}'
        || FORMAT_CHARS
            .iter()
            .any(|&(low, high)| (low..=high).contains(&c))
}

/// `text` safe to print, at most `max_chars` characters long (escapes count with their full
/// length; a cut value ends with `…`).
pub fn printable(text: &str, max_chars: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max_chars.saturating_mul(4)));
    let mut count = 0usize;
    // Where the output may be cut: after the last piece that leaves room for `…`.
    let mut cut = 0usize;
    for c in text.chars() {
        let before = out.len();
        if is_unsafe_char(c) {
            match c {
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                c => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            }
        } else {
            out.push(c);
        }
        count += out[before..].chars().count();
        if count > max_chars {
            out.truncate(cut);
            out.push('…');
            return out;
        }
        if count < max_chars {
            cut = out.len();
        }
    }
    out
}

/// Bytes that should be text (a name, an error body) safe to print: UTF-8 text goes through
/// [`printable`]; anything else, or text that is mostly control characters, is described
/// ([`describe_bytes`]) instead of shown.
pub fn printable_bytes(bytes: &[u8], max_chars: usize) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) if !looks_binary(text) => printable(text, max_chars),
        _ => describe_bytes(bytes),
    }
}

/// A short description of binary data: `4096 bytes starting with 50 4b 03 04`.
pub fn describe_bytes(bytes: &[u8]) -> String {
    match bytes.len() {
        0 => "no bytes".to_string(),
        1 => format!("1 byte ({})", first_bytes(bytes)),
        n => format!("{n} bytes starting with {}", first_bytes(bytes)),
    }
}

/// The first few bytes in hex: `50 4b 03 04`.
pub fn first_bytes(bytes: &[u8]) -> String {
    let shown: Vec<String> = bytes
        .iter()
        .take(SHOWN_BYTES)
        .map(|b| format!("{b:02x}"))
        .collect();
    shown.join(" ")
}

/// NUL anywhere, or more than one character in eight a control character.
fn looks_binary(text: &str) -> bool {
    let mut total = 0usize;
    let mut control = 0usize;
    for c in text.chars() {
        if c == '\0' {
            return true;
        }
        total += 1;
        if c.is_control() && !matches!(c, '\n' | '\r' | '\t') {
            control += 1;
        }
    }
    control * 8 > total
}

/// Shows a value through [`printable`] with [`DEFAULT_MAX_CHARS`], for `format!` arguments.
pub struct Printable<'a>(pub &'a str);

impl fmt::Display for Printable<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&printable(self.0, DEFAULT_MAX_CHARS))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_and_format_characters_are_escaped() {
        assert_eq!(printable("a\u{1b}[31mb", 100), "a\\u{1b}[31mb");
        assert_eq!(printable("line\nnext\ttab\r", 100), "line\\nnext\\ttab\\r");
        for c in [
            '\u{200E}',
            '\u{200F}',
            '\u{202A}',
            '\u{202B}',
            '\u{202C}',
            '\u{202D}',
            '\u{202E}',
            '\u{2066}',
            '\u{2067}',
            '\u{2068}',
            '\u{2069}',
            '\u{FEFF}',
            '\u{200B}',
            '\u{2028}',
            '\u{7f}',
            '\u{85}',
            '\u{E0041}',
        ] {
            let shown = printable(&format!("x{c}y"), 100);
            assert_eq!(shown, format!("x\\u{{{:x}}}y", u32::from(c)));
            assert!(shown.is_ascii(), "{shown}");
        }
    }

    #[test]
    fn no_character_survives_unescaped_if_it_is_unsafe() {
        // Every scalar value: what comes out never holds an unsafe character, and safe ones
        // come out as themselves.
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            let shown = printable(&format!("a{c}b"), 100);
            assert!(!shown.chars().any(is_unsafe_char), "U+{:04X}", u32::from(c));
            if !is_unsafe_char(c) {
                assert_eq!(shown, format!("a{c}b"));
            }
        }
    }

    #[test]
    fn ordinary_text_is_kept_as_it_is() {
        for text in [
            "docs/openapi.yaml",
            "Grüße, 日本語, émoji 🚀",
            "a\\u{202e}b",
            "",
        ] {
            assert_eq!(printable(text, 100), text);
        }
    }

    #[test]
    fn long_values_are_cut_with_an_ellipsis() {
        let long = "a".repeat(4096);
        let shown = printable(&long, 50);
        assert_eq!(shown.chars().count(), 50);
        assert!(shown.ends_with('…'));
        assert_eq!(printable(&"a".repeat(50), 50), "a".repeat(50));
        // An escape is never cut in half.
        let shown = printable(&"\u{202e}".repeat(100), 20);
        assert_eq!(shown, format!("{}…", "\\u{202e}".repeat(2)));
        assert_eq!(printable("abc", 0), "…");
    }

    #[test]
    fn binary_data_is_described() {
        assert_eq!(
            printable_bytes(b"PK\x03\x04\x14\x00\x00\x00\x08\x00", 100),
            "10 bytes starting with 50 4b 03 04"
        );
        assert_eq!(
            printable_bytes(&[0xff, 0xfe], 100),
            "2 bytes starting with ff fe"
        );
        assert_eq!(
            printable_bytes(b"\x01\x02\x03a", 100),
            "4 bytes starting with 01 02 03 61"
        );
        assert_eq!(printable_bytes(b"plain text", 100), "plain text");
        assert_eq!(describe_bytes(b""), "no bytes");
        assert_eq!(describe_bytes(b"\x1f"), "1 byte (1f)");
    }

    #[test]
    fn the_display_wrapper_uses_the_default_length() {
        let shown = Printable(&"x".repeat(1000)).to_string();
        assert_eq!(shown.chars().count(), DEFAULT_MAX_CHARS);
    }
}
