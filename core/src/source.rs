//! YAML text -> one node tree with positions (one parse), the way gopkg.in/yaml.v3 types
//! scalars, plus the index that turns a diagnostic path into a range in the source.
//!
//! serde_yaml gives no positions for values, so the tree is built from saphyr-parser's spanned
//! events. Only the first document counts (the Go decoder reads one document).

use std::collections::{HashMap, HashSet};

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError};

use crate::diagnostic::{Position, Range};

/// Character offsets into the source (saphyr counts characters, not bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub kind: NodeKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    Scalar(Scalar),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Scalar {
    pub value: String,
    /// Quoted, block or `!!str`-tagged: always a string, never resolved.
    pub indicated_string: bool,
    pub tag: Option<String>,
}

/// A scalar typed as yaml.v3's `resolve` types it (YAML 1.2 core schema as Go implements it).
#[derive(Debug, Clone, PartialEq)]
pub enum Resolved {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    /// Unquoted `YYYY-M-D[...]` values; holds the RFC 3339 text Go's JSON encoder would write.
    Timestamp(String),
    Str,
}

/// A problem found while reading the YAML itself; all become `PARSE_ERROR`.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxIssue {
    pub message: String,
    /// A path when the problem belongs to a key (duplicates), else `""`.
    pub path: String,
    pub span: Span,
}

/// The first YAML document of a text, or why there is none.
pub struct Document {
    pub root: Option<Node>,
    pub issues: Vec<SyntaxIssue>,
}

const MAX_DEPTH: usize = 256;
/// Bound on the nodes that alias expansion may copy, so a "billion laughs" document cannot
/// exhaust memory. Nodes written out in the text are bounded by its size instead.
const MAX_ALIAS_NODES: usize = 1_000_000;

enum Frame {
    Seq {
        start: usize,
        anchor: usize,
        items: Vec<Node>,
    },
    Map {
        start: usize,
        anchor: usize,
        entries: Vec<(Node, Node)>,
        key: Option<Node>,
        /// Key texts, indexed once a mapping grows large (keeps duplicate checks linear).
        seen: Option<HashSet<String>>,
    },
}

/// Parses the first document of `text`.
pub fn parse_document(text: &str) -> Document {
    if let Some(doc) = crate::source_fast::parse(text) {
        return doc;
    }
    parse_document_slow(text)
}

/// [`parse_document`] without the fast path: for a caller that already tried it.
pub fn parse_document_slow(text: &str) -> Document {
    let mut builder = Builder::default();
    match builder.run(text) {
        Ok(root) => Document {
            root,
            issues: builder.issues,
        },
        Err(issue) => Document {
            root: None,
            issues: vec![issue],
        },
    }
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    anchors: HashMap<usize, (Node, usize)>,
    nodes: usize,
    issues: Vec<SyntaxIssue>,
}

fn scan_issue(err: &ScanError) -> SyntaxIssue {
    let at = err.marker().index();
    SyntaxIssue {
        message: format!("YAML syntax error: {}", err.info()),
        path: String::new(),
        span: Span { start: at, end: at },
    }
}

fn node_count(node: &Node) -> usize {
    match &node.kind {
        NodeKind::Scalar(_) => 1,
        NodeKind::Seq(items) => 1 + items.iter().map(node_count).sum::<usize>(),
        NodeKind::Map(entries) => {
            1 + entries
                .iter()
                .map(|(k, v)| node_count(k) + node_count(v))
                .sum::<usize>()
        }
    }
}

impl Builder {
    fn run(&mut self, text: &str) -> Result<Option<Node>, SyntaxIssue> {
        let mut parser = Parser::new_from_str(text);
        let mut in_document = false;
        let mut eof_at = 0;
        while let Some(next) = parser.next_event() {
            let (event, span) = next.map_err(|e| scan_issue(&e))?;
            let span = Span {
                start: span.start.index(),
                end: span.end.index(),
            };
            eof_at = span.end;
            match event {
                Event::StreamStart | Event::Nothing => {}
                Event::StreamEnd => break,
                Event::DocumentStart(_) => in_document = true,
                Event::DocumentEnd => {
                    if in_document {
                        // A document with no content at all (`---` alone) is null.
                        return Ok(Some(Node {
                            kind: NodeKind::Scalar(Scalar {
                                value: String::new(),
                                indicated_string: false,
                                tag: None,
                            }),
                            span,
                        }));
                    }
                }
                Event::Scalar(value, style, anchor, tag) => {
                    let tag = tag.map(|t| format!("{}{}", t.handle, t.suffix));
                    let indicated_string = style != ScalarStyle::Plain
                        || matches!(tag.as_deref(), Some("!!str" | "tag:yaml.org,2002:str"));
                    let node = Node {
                        kind: NodeKind::Scalar(Scalar {
                            value: value.into_owned(),
                            indicated_string,
                            tag,
                        }),
                        span,
                    };
                    if let Some(root) = self.complete(node, anchor)? {
                        return Ok(Some(root));
                    }
                }
                Event::Alias(id) => {
                    let (node, count) = self.anchors.get(&id).cloned().ok_or(SyntaxIssue {
                        message: "YAML alias refers to an unknown anchor".into(),
                        path: String::new(),
                        span,
                    })?;
                    self.count(count, span)?;
                    if let Some(root) = self.complete(node, 0)? {
                        return Ok(Some(root));
                    }
                }
                Event::SequenceStart(anchor, _) => {
                    self.push(
                        Frame::Seq {
                            start: span.start,
                            anchor,
                            items: Vec::new(),
                        },
                        span,
                    )?;
                }
                Event::MappingStart(anchor, _) => {
                    self.push(
                        Frame::Map {
                            start: span.start,
                            anchor,
                            entries: Vec::new(),
                            key: None,
                            seen: None,
                        },
                        span,
                    )?;
                }
                Event::SequenceEnd | Event::MappingEnd => {
                    let Some(frame) = self.stack.pop() else {
                        continue;
                    };
                    let (node, anchor) = match frame {
                        Frame::Seq {
                            start,
                            anchor,
                            items,
                        } => {
                            let end = items.last().map_or(span.end, |n| n.span.end).max(span.end);
                            let end = if span.start == span.end {
                                items.last().map_or(span.end, |n| n.span.end)
                            } else {
                                end
                            };
                            (
                                Node {
                                    kind: NodeKind::Seq(items),
                                    span: Span { start, end },
                                },
                                anchor,
                            )
                        }
                        Frame::Map {
                            start,
                            anchor,
                            entries,
                            ..
                        } => {
                            let last = entries.last().map(|(_, v)| v.span.end);
                            let end = if span.start == span.end {
                                last.unwrap_or(span.end)
                            } else {
                                span.end
                            };
                            let entries = merge_keys(entries);
                            (
                                Node {
                                    kind: NodeKind::Map(entries),
                                    span: Span { start, end },
                                },
                                anchor,
                            )
                        }
                    };
                    if let Some(root) = self.complete(node, anchor)? {
                        return Ok(Some(root));
                    }
                }
            }
        }
        let _ = eof_at;
        Ok(None)
    }

    fn count(&mut self, n: usize, span: Span) -> Result<(), SyntaxIssue> {
        self.nodes = self.nodes.saturating_add(n);
        if self.nodes > MAX_ALIAS_NODES {
            return Err(SyntaxIssue {
                message: format!(
                    "document too large: aliases expand to more than {MAX_ALIAS_NODES} YAML nodes"
                ),
                path: String::new(),
                span,
            });
        }
        Ok(())
    }

    fn push(&mut self, frame: Frame, span: Span) -> Result<(), SyntaxIssue> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(SyntaxIssue {
                message: format!("YAML nesting deeper than {MAX_DEPTH} levels"),
                path: String::new(),
                span,
            });
        }
        self.stack.push(frame);
        Ok(())
    }

    /// Attaches a finished node to its parent; returns the root when the document is complete.
    fn complete(&mut self, node: Node, anchor: usize) -> Result<Option<Node>, SyntaxIssue> {
        if anchor != 0 {
            let count = node_count(&node);
            self.anchors.insert(anchor, (node.clone(), count));
        }
        let duplicate = match (self.stack.last_mut(), &node.kind) {
            (
                Some(Frame::Map {
                    entries,
                    key: None,
                    seen,
                    ..
                }),
                NodeKind::Scalar(s),
            ) if !is_merge_key(&node) => is_duplicate(entries, seen, &s.value),
            _ => false,
        };
        if duplicate {
            if let NodeKind::Scalar(s) = &node.kind {
                let issue = SyntaxIssue {
                    message: format!(
                        "mapping key \"{}\" is already defined in this mapping; remove one of them",
                        s.value
                    ),
                    path: join_key(&self.current_path(), &s.value),
                    span: node.span,
                };
                self.issues.push(issue);
            }
        }
        match self.stack.last_mut() {
            None => Ok(Some(node)),
            Some(Frame::Seq { items, .. }) => {
                items.push(node);
                Ok(None)
            }
            Some(Frame::Map { entries, key, .. }) => {
                match key.take() {
                    None => *key = Some(node),
                    Some(k) => entries.push((k, node)),
                }
                Ok(None)
            }
        }
    }

    /// The diagnostic path of the collection currently being built (for duplicate-key reports).
    fn current_path(&self) -> String {
        let mut path = String::new();
        for frame in &self.stack {
            match frame {
                Frame::Seq { items, .. } => path.push_str(&format!("[{}]", items.len())),
                Frame::Map { key: Some(k), .. } => {
                    if let NodeKind::Scalar(s) = &k.kind {
                        path = join_key(&path, &s.value);
                    }
                }
                Frame::Map { key: None, .. } => {}
            }
        }
        path
    }
}

pub fn join_key(parent: &str, key: &str) -> String {
    // Concatenated by hand: `format!` was a tenth of validation time (a path per field).
    let mut out = String::with_capacity(parent.len() + 1 + key.len());
    out.push_str(parent);
    if !parent.is_empty() {
        out.push('.');
    }
    out.push_str(key);
    out
}

/// Whether `key` is already a key of the mapping under construction. Small mappings are
/// scanned; large ones get a set so a document with many keys stays linear.
fn is_duplicate(entries: &[(Node, Node)], seen: &mut Option<HashSet<String>>, key: &str) -> bool {
    const INDEX_FROM: usize = 16;
    if seen.is_none() && entries.len() >= INDEX_FROM {
        *seen = Some(
            entries
                .iter()
                .filter(|(k, _)| !is_merge_key(k))
                .filter_map(|(k, _)| match &k.kind {
                    NodeKind::Scalar(s) => Some(s.value.clone()),
                    _ => None,
                })
                .collect(),
        );
    }
    match seen {
        Some(set) => !set.insert(key.to_string()),
        None => entries.iter().any(|(k, _)| {
            matches!(&k.kind, NodeKind::Scalar(ks) if ks.value == key) && !is_merge_key(k)
        }),
    }
}

fn is_merge_key(node: &Node) -> bool {
    matches!(&node.kind, NodeKind::Scalar(s) if !s.indicated_string && s.value == "<<")
}

/// Applies YAML merge keys (`<<: *base`): merged entries come first and the mapping's own keys
/// override them, as yaml.v3 does.
fn merge_keys(entries: Vec<(Node, Node)>) -> Vec<(Node, Node)> {
    if !entries.iter().any(|(k, _)| is_merge_key(k)) {
        return entries;
    }
    let mut own = Vec::new();
    let mut merged: Vec<(Node, Node)> = Vec::new();
    for (k, v) in entries {
        if !is_merge_key(&k) {
            own.push((k, v));
            continue;
        }
        let sources = match v.kind {
            NodeKind::Map(m) => vec![m],
            NodeKind::Seq(items) => items
                .into_iter()
                .filter_map(|n| match n.kind {
                    NodeKind::Map(m) => Some(m),
                    _ => None,
                })
                .collect(),
            NodeKind::Scalar(_) => Vec::new(),
        };
        for source in sources {
            for (mk, mv) in source {
                let taken = |list: &[(Node, Node)]| list.iter().any(|(k, _)| same_key(k, &mk));
                if !taken(&own) && !taken(&merged) {
                    merged.push((mk, mv));
                }
            }
        }
    }
    merged.retain(|(mk, _)| !own.iter().any(|(k, _)| same_key(k, mk)));
    merged.extend(own);
    merged
}

fn same_key(a: &Node, b: &Node) -> bool {
    match (&a.kind, &b.kind) {
        (NodeKind::Scalar(x), NodeKind::Scalar(y)) => x.value == y.value,
        _ => false,
    }
}

impl Scalar {
    /// Types the scalar the way yaml.v3 does for untyped (interface{}) decoding.
    pub fn resolve(&self) -> Resolved {
        resolve_scalar(&self.value, self.indicated_string)
    }

    /// `self.resolve() == Resolved::Null`, without resolving (no number parsing, no timestamp
    /// text): keys and string fields ask this of every scalar.
    pub fn is_null(&self) -> bool {
        !self.indicated_string && is_null_text(&self.value)
    }
}

/// The plain scalars [`resolve_plain`] reads as null.
fn is_null_text(text: &str) -> bool {
    matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

/// [`Scalar::resolve`] of a scalar given by its value and whether it is an indicated string.
pub fn resolve_scalar(value: &str, indicated_string: bool) -> Resolved {
    if indicated_string {
        return Resolved::Str;
    }
    resolve_plain(value)
}

/// [`Node::to_json_lossy`] of a scalar given by its value and whether it is an indicated string.
pub fn scalar_to_json_lossy(value: &str, indicated_string: bool) -> serde_json::Value {
    use serde_json::Value;
    match resolve_scalar(value, indicated_string) {
        Resolved::Null => Value::Null,
        Resolved::Bool(b) => Value::Bool(b),
        Resolved::Int(i) => Value::from(i),
        Resolved::Uint(u) => Value::from(u),
        Resolved::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Value::from(f as i64),
        Resolved::Float(f) => serde_json::Number::from_f64(f)
            .map_or_else(|| Value::String(value.to_string()), Value::Number),
        Resolved::Timestamp(t) => Value::String(t),
        Resolved::Str => Value::String(value.to_string()),
    }
}

fn resolve_plain(text: &str) -> Resolved {
    if is_null_text(text) {
        return Resolved::Null;
    }
    match text {
        "true" | "True" | "TRUE" => return Resolved::Bool(true),
        "false" | "False" | "FALSE" => return Resolved::Bool(false),
        ".nan" | ".NaN" | ".NAN" => return Resolved::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Resolved::Float(f64::INFINITY)
        }
        "-.inf" | "-.Inf" | "-.INF" => return Resolved::Float(f64::NEG_INFINITY),
        _ => {}
    }
    let first = text.as_bytes().first().copied().unwrap_or(b' ');
    match first {
        b'.' => match go_parse_float(text) {
            Some(f) => Resolved::Float(f),
            None => Resolved::Str,
        },
        b'0'..=b'9' | b'+' | b'-' => {
            if let Some(ts) = parse_timestamp(text) {
                return Resolved::Timestamp(ts);
            }
            let plain: String = text.chars().filter(|&c| c != '_').collect();
            if let Some(i) = go_parse_int(&plain) {
                return Resolved::Int(i);
            }
            if let Some(u) = go_parse_uint(&plain) {
                return Resolved::Uint(u);
            }
            if is_yaml_style_float(&plain) {
                if let Some(f) = go_parse_float(&plain) {
                    return Resolved::Float(f);
                }
            }
            Resolved::Str
        }
        _ => Resolved::Str,
    }
}

/// Go's `strconv.ParseInt(s, 0, 64)` without underscores (they were already removed).
fn go_parse_int(s: &str) -> Option<i64> {
    let (neg, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let magnitude = go_parse_uint(digits)?;
    if neg {
        if magnitude <= i64::MAX as u64 + 1 {
            Some((magnitude as i128).wrapping_neg() as i64)
        } else {
            None
        }
    } else if magnitude <= i64::MAX as u64 {
        Some(magnitude as i64)
    } else {
        None
    }
}

/// Go's `strconv.ParseUint(s, 0, 64)`: `0x`, `0o`, `0b` prefixes and legacy leading-zero octal.
fn go_parse_uint(s: &str) -> Option<u64> {
    let lower = s.get(..2).map(|p| p.to_ascii_lowercase());
    let (radix, digits) = match lower.as_deref() {
        Some("0x") => (16, &s[2..]),
        Some("0o") => (8, &s[2..]),
        Some("0b") => (2, &s[2..]),
        _ if s.len() > 1 && s.starts_with('0') => (8, &s[1..]),
        _ => (10, s),
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    u64::from_str_radix(digits, radix).ok()
}

/// yaml.v3's `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn is_yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// Go's `strconv.ParseFloat(s, 64)` for the decimal forms YAML can reach; out-of-range is an
/// error in Go, so an infinite result is rejected here too.
fn go_parse_float(s: &str) -> Option<f64> {
    let lower = s.to_ascii_lowercase();
    let body = lower.trim_start_matches(['+', '-']);
    if body.starts_with("inf") || body.starts_with("nan") || body.contains('_') {
        return None;
    }
    let f: f64 = s.parse().ok()?;
    if f.is_infinite() {
        return None;
    }
    Some(f)
}

/// yaml.v3 accepts `YYYY-M-D`, optionally followed by a time (`T`, `t` or space separated).
/// Returns the RFC 3339 form Go's `time.Time` JSON encoding produces.
fn parse_timestamp(s: &str) -> Option<String> {
    let b = s.as_bytes();
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return None;
    }
    let year: u32 = s.get(..4)?.parse().ok()?;
    let rest = &s[5..];
    let (month, rest) = take_num(rest, 1, 2)?;
    let rest = rest.strip_prefix('-')?;
    let (day, rest) = take_num(rest, 1, 2)?;
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let date = format!("{year:04}-{month:02}-{day:02}");
    if rest.is_empty() {
        return Some(format!("{date}T00:00:00Z"));
    }
    let (with_zone, rest) = match rest.as_bytes().first() {
        Some(b'T' | b't') => (true, &rest[1..]),
        Some(b' ') => (false, &rest[1..]),
        _ => return None,
    };
    let (hour, rest) = take_num(rest, 1, 2)?;
    let rest = rest.strip_prefix(':')?;
    let (minute, rest) = take_num(rest, 1, 2)?;
    let rest = rest.strip_prefix(':')?;
    let (second, mut rest) = take_num(rest, 1, 2)?;
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let mut fraction = String::new();
    if let Some(r) = rest.strip_prefix('.') {
        let n = r.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 || n > 9 {
            return None;
        }
        fraction = r[..n].trim_end_matches('0').to_string();
        rest = &r[n..];
    }
    let zone = if with_zone {
        match rest {
            "Z" => "Z".to_string(),
            _ => {
                let sign = rest.as_bytes().first().copied();
                if !matches!(sign, Some(b'+' | b'-')) || rest.len() != 6 || &rest[3..4] != ":" {
                    return None;
                }
                let hh: u32 = rest.get(1..3)?.parse().ok()?;
                let mm: u32 = rest.get(4..6)?.parse().ok()?;
                if hh > 23 || mm > 59 {
                    return None;
                }
                if hh == 0 && mm == 0 {
                    "Z".to_string()
                } else {
                    rest.to_string()
                }
            }
        }
    } else if rest.is_empty() {
        "Z".to_string()
    } else {
        return None;
    };
    let fraction = if fraction.is_empty() {
        fraction
    } else {
        format!(".{fraction}")
    };
    Some(format!(
        "{date}T{hour:02}:{minute:02}:{second:02}{fraction}{zone}"
    ))
}

fn take_num(s: &str, min: usize, max: usize) -> Option<(u32, &str)> {
    let n = s.bytes().take(max).take_while(u8::is_ascii_digit).count();
    if n < min {
        return None;
    }
    Some((s[..n].parse().ok()?, &s[n..]))
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Path segment of a diagnostic path (`interfaces[0].port`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Key(String),
    Index(usize),
}

pub fn split_path(path: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let (key, mut rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !key.is_empty() {
            out.push(Segment::Key(key.to_string()));
        }
        while let Some(r) = rest.strip_prefix('[') {
            let Some(close) = r.find(']') else { break };
            match r[..close].parse() {
                Ok(i) => out.push(Segment::Index(i)),
                Err(_) => out.push(Segment::Key(r[..close].to_string())),
            }
            rest = &r[close + 1..];
        }
    }
    out
}

impl Node {
    /// The value as loosely typed JSON (NaN and infinities become their source text), with
    /// whole floats as integers so that `1` and `1.0` compare equal, as after a JSON round trip.
    pub fn to_json_lossy(&self) -> serde_json::Value {
        use serde_json::Value;
        match &self.kind {
            NodeKind::Scalar(s) => scalar_to_json_lossy(&s.value, s.indicated_string),
            NodeKind::Seq(items) => Value::Array(items.iter().map(Node::to_json_lossy).collect()),
            NodeKind::Map(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.key_text(), v.to_json_lossy()))
                    .collect(),
            ),
        }
    }

    /// The text form of a mapping key (`null` keys are empty).
    pub fn key_text(&self) -> String {
        match &self.kind {
            NodeKind::Scalar(s) if s.is_null() => String::new(),
            NodeKind::Scalar(s) => s.value.clone(),
            _ => String::new(),
        }
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.kind {
            NodeKind::Map(entries) => entries
                .iter()
                .find(|(k, _)| matches!(&k.kind, NodeKind::Scalar(s) if s.value == key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// The node at `path`, or the deepest existing ancestor (for a missing field: the object
    /// that lacks it).
    pub fn locate(&self, path: &str) -> &Node {
        self.locate_segments(&split_path(path))
    }

    /// Like [`Node::locate`], for keys that may contain dots or brackets (OpenAPI paths).
    pub fn locate_segments(&self, path: &[Segment]) -> &Node {
        let mut node = self;
        for seg in path {
            let next = match (seg, &node.kind) {
                (Segment::Key(k), NodeKind::Map(_)) => node.get(k),
                (Segment::Index(i), NodeKind::Seq(items)) => items.get(*i),
                (Segment::Index(i), NodeKind::Map(_)) => node.get(&i.to_string()),
                _ => None,
            };
            match next {
                Some(n) => node = n,
                None => break,
            }
        }
        node
    }
}

/// Converts character offsets to 1-based lines and UTF-16 columns. Nothing is computed until the
/// first look-up (most parsed files never need one); then one pass over the text counts lines
/// and characters per block of [`BLOCK`] bytes, and a look-up reads at most one block.
pub struct LineIndex<'a> {
    text: &'a str,
    marks: std::cell::OnceCell<Marks>,
}

/// Bytes per block of the line index.
const BLOCK: usize = 4096;

struct Marks {
    ascii: bool,
    /// Where each block starts.
    at: Vec<Mark>,
}

/// The state at a byte offset: characters (UTF-8 leading bytes) before it, the 0-based line it
/// is on, and where that line starts (byte and character offsets).
#[derive(Clone, Copy)]
struct Mark {
    chars: usize,
    line: usize,
    line_byte: usize,
    line_char: usize,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        LineIndex {
            text,
            marks: std::cell::OnceCell::new(),
        }
    }

    fn marks(&self) -> &Marks {
        self.marks.get_or_init(|| marks(self.text))
    }

    pub fn position(&self, char_offset: usize) -> Position {
        let marks = self.marks();
        // The last block that starts at or before the offset (the first one always does).
        let k = if marks.ascii {
            char_offset / BLOCK
        } else {
            marks
                .at
                .partition_point(|m| m.chars <= char_offset)
                .saturating_sub(1)
        };
        let k = k.min(marks.at.len().saturating_sub(1));
        let mut m = marks.at.get(k).copied().unwrap_or(Mark {
            chars: 0,
            line: 0,
            line_byte: 0,
            line_char: 0,
        });
        if marks.ascii {
            // Characters are bytes and UTF-16 units: count the breaks up to the offset.
            let from = (k * BLOCK).min(self.text.len());
            let target = char_offset.clamp(from, self.text.len());
            let part = self.text.as_bytes().get(from..target).unwrap_or(&[]);
            let breaks = count_newlines(part);
            if let (true, Some(last)) = (breaks > 0, part.iter().rposition(|&b| b == b'\n')) {
                m.line_byte = from + last + 1;
            }
            return Position {
                line: u32::try_from(m.line + breaks + 1).unwrap_or(u32::MAX),
                column: u32::try_from(target - m.line_byte + 1).unwrap_or(u32::MAX),
            };
        }
        for &b in self.text.as_bytes().get(k * BLOCK..).unwrap_or(&[]) {
            if b & 0xC0 != 0x80 {
                if m.chars == char_offset {
                    break;
                }
                m.chars += 1;
            }
            if b == b'\n' {
                m.line += 1;
                m.line_char = m.chars;
            }
        }
        // The line start as a byte offset: after the last break before the offset.
        let line_byte = if m.line == 0 {
            0
        } else {
            line_start_byte(self.text, marks, k, m)
        };
        let column: usize = self
            .text
            .get(line_byte..)
            .unwrap_or("")
            .chars()
            .take(char_offset.saturating_sub(m.line_char))
            .map(char::len_utf16)
            .sum();
        Position {
            line: u32::try_from(m.line + 1).unwrap_or(u32::MAX),
            column: u32::try_from(column + 1).unwrap_or(u32::MAX),
        }
    }

    pub fn range(&self, span: Span) -> Range {
        Range {
            start: self.position(span.start),
            end: self.position(span.end.max(span.start)),
        }
    }
}

/// One pass over the text: the state at the start of every block.
fn marks(text: &str) -> Marks {
    let bytes = text.as_bytes();
    let ascii = text.is_ascii();
    let mut at = Vec::with_capacity(bytes.len() / BLOCK + 1);
    let mut m = Mark {
        chars: 0,
        line: 0,
        line_byte: 0,
        line_char: 0,
    };
    for block in bytes.chunks(BLOCK) {
        at.push(m);
        let chars = if ascii {
            block.len()
        } else {
            leading_bytes(block)
        };
        let breaks = count_newlines(block);
        if breaks > 0 {
            if let Some(last) = block.iter().rposition(|&b| b == b'\n') {
                m.line_byte = at.len().saturating_sub(1) * BLOCK + last + 1;
                m.line_char = m.chars
                    + if ascii {
                        last + 1
                    } else {
                        leading_bytes(&block[..=last])
                    };
            }
        }
        m.chars += chars;
        m.line += breaks;
    }
    if at.is_empty() {
        at.push(m);
    }
    Marks { ascii, at }
}

/// The byte offset where the line of `m` (reached from block `k`) starts.
fn line_start_byte(text: &str, marks: &Marks, k: usize, m: Mark) -> usize {
    let start = marks.at.get(k).copied();
    // The line started before block `k` when no break was read after the block start.
    if start.is_some_and(|s| s.line == m.line) {
        return start.map_or(0, |s| s.line_byte);
    }
    let bytes = text.as_bytes();
    let from = k * BLOCK;
    // The break that started the line is the (m.line - start.line)-th one from the block start.
    let wanted = m.line - start.map_or(0, |s| s.line);
    let mut seen = 0;
    for (i, &b) in bytes.get(from..).unwrap_or(&[]).iter().enumerate() {
        if b == b'\n' {
            seen += 1;
            if seen == wanted {
                return from + i + 1;
            }
        }
    }
    0
}

/// Characters in a slice of UTF-8 text that starts and ends anywhere: its leading bytes.
fn leading_bytes(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b & 0xC0 != 0x80).count()
}

/// The high bit of each byte of the (little-endian) word `w` that is a line break, exactly.
#[inline]
fn newline_mask(w: &[u8]) -> u64 {
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    let mut word = [0u8; 8];
    word.copy_from_slice(w);
    let x = u64::from_le_bytes(word) ^ 0x0A0A_0A0A_0A0A_0A0A;
    // A byte of `x` is zero exactly when neither its low seven bits nor its high bit are set.
    !(((x & LOW7) + LOW7) | x) & !LOW7
}

fn count_newlines(bytes: &[u8]) -> usize {
    let mut words = bytes.chunks_exact(8);
    let mut n = 0;
    for w in &mut words {
        n += newline_mask(w).count_ones() as usize;
    }
    n + words.remainder().iter().filter(|&&b| b == b'\n').count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(s: &str) -> Resolved {
        resolve_plain(s)
    }

    #[test]
    fn typing_follows_yaml_v3() {
        assert_eq!(resolve("8080"), Resolved::Int(8080));
        assert_eq!(resolve("0x1F90"), Resolved::Int(8080));
        assert_eq!(resolve("0o17"), Resolved::Int(15));
        assert_eq!(resolve("0777"), Resolved::Int(511));
        assert_eq!(resolve("0b101"), Resolved::Int(5));
        assert_eq!(resolve("1_000"), Resolved::Int(1000));
        assert_eq!(resolve("08"), Resolved::Float(8.0));
        assert_eq!(resolve("8080.5"), Resolved::Float(8080.5));
        assert_eq!(resolve("1.0"), Resolved::Float(1.0));
        assert_eq!(resolve(".5"), Resolved::Float(0.5));
        assert_eq!(resolve("1e400"), Resolved::Str);
        assert_eq!(resolve("18446744073709551615"), Resolved::Uint(u64::MAX));
        assert_eq!(resolve("99999999999999999999"), Resolved::Float(1e20));
        assert_eq!(resolve("-9223372036854775808"), Resolved::Int(i64::MIN));
        assert_eq!(resolve("yes"), Resolved::Str);
        assert_eq!(resolve("True"), Resolved::Bool(true));
        assert_eq!(resolve("~"), Resolved::Null);
        assert!(matches!(resolve(".NaN"), Resolved::Float(f) if f.is_nan()));
        assert_eq!(resolve("-.inf"), Resolved::Float(f64::NEG_INFINITY));
        assert_eq!(resolve("1.2.3"), Resolved::Str);
        assert_eq!(resolve("-"), Resolved::Str);
    }

    #[test]
    fn timestamps_become_rfc3339() {
        assert_eq!(
            resolve("2024-01-15"),
            Resolved::Timestamp("2024-01-15T00:00:00Z".into())
        );
        assert_eq!(
            resolve("2024-1-5 10:04:05.500"),
            Resolved::Timestamp("2024-01-05T10:04:05.5Z".into())
        );
        assert_eq!(
            resolve("2024-01-15T10:00:00+02:00"),
            Resolved::Timestamp("2024-01-15T10:00:00+02:00".into())
        );
        assert_eq!(resolve("2024-13-01"), Resolved::Str);
        assert_eq!(resolve("2024-01-15x"), Resolved::Str);
    }

    #[test]
    fn positions_are_utf16_and_one_based() {
        let text = "a: 1\nb: \"é😀\" x\n";
        let idx = LineIndex::new(text);
        assert_eq!(idx.position(0), Position { line: 1, column: 1 });
        assert_eq!(idx.position(5), Position { line: 2, column: 1 });
        // 'x' is char 13 on line 2: b, :, space, ", é, 😀, ", space -> 8 chars, 9 UTF-16 units.
        assert_eq!(
            idx.position(5 + 8),
            Position {
                line: 2,
                column: 10
            }
        );
    }

    #[test]
    fn positions_match_a_plain_count_across_blocks() {
        // Lines of every length, some crossing block boundaries, ASCII and not.
        let mut ascii = String::new();
        for i in 0..3000 {
            ascii.push_str(&"x".repeat(i % 37));
            ascii.push('\n');
            if i % 500 == 0 {
                ascii.push_str(&"y".repeat(5000));
            }
        }
        let other = ascii.replace("xxx", "é😀x");
        for text in ["", "\n", "a", "ab\n\nc", ascii.as_str(), other.as_str()] {
            let idx = LineIndex::new(text);
            let chars: Vec<char> = text.chars().collect();
            let (mut line, mut column) = (1, 1);
            for (offset, c) in chars.iter().enumerate() {
                if offset % 7 == 0 {
                    assert_eq!(
                        idx.position(offset),
                        Position { line, column },
                        "offset {offset} of {} chars",
                        chars.len()
                    );
                }
                if *c == '\n' {
                    (line, column) = (line + 1, 1);
                } else {
                    column += c.len_utf16() as u32;
                }
            }
            // Beyond the end: the last line, its length as the column.
            let end = idx.position(chars.len() + 10);
            assert_eq!(end, idx.position(chars.len()));
        }
    }

    #[test]
    fn duplicate_keys_and_first_document_only() {
        let doc = parse_document("a: 1\nb:\n  c: 1\n  c: 2\n---\nz: [\n");
        assert_eq!(doc.issues.len(), 1);
        assert_eq!(doc.issues[0].path, "b.c");
        assert!(doc.root.is_some());
    }

    #[test]
    fn aliases_expand_and_are_bounded() {
        let doc = parse_document("a: &x {k: v}\nb: *x\n");
        let root = doc.root.expect("root");
        assert_eq!(root.locate("b.k").span, root.locate("a.k").span);
        let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            bomb.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let doc = parse_document(&bomb);
        assert!(doc.root.is_none());
        assert!(doc.issues[0].message.contains("too large"));
    }

    #[test]
    fn merge_keys_apply() {
        let doc = parse_document("base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\n");
        let root = doc.root.expect("root");
        let m = root.locate("m");
        let NodeKind::Map(entries) = &m.kind else {
            panic!("map")
        };
        assert_eq!(entries.len(), 2);
        assert!(matches!(&root.locate("m.y").kind, NodeKind::Scalar(s) if s.value == "3"));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = "[".repeat(10_000);
        let doc = parse_document(&text);
        assert!(doc.root.is_none());
        assert_eq!(doc.issues.len(), 1);
    }

    #[test]
    fn split_paths() {
        assert_eq!(
            split_path("interfaces[0].port"),
            vec![
                Segment::Key("interfaces".into()),
                Segment::Index(0),
                Segment::Key("port".into())
            ]
        );
        assert!(split_path("").is_empty());
    }
}
