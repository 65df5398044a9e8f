//! Semantic versions and version ranges, with the verdicts of Masterminds/semver v3.4.0
//! (the library the Go tool uses): the coercing `NewVersion` parser, `Compare`,
//! `NewConstraint` and `Constraints.Check`.
//!
//! The Go library is regex-driven. Here each regex is a hand-written scanner that accepts
//! the same language and captures the same groups: every optional part of a version starts
//! with its own character (`.`, `-`, `+`), so a greedy left-to-right scan is the only parse
//! and never needs to backtrack. Character classes are ASCII only, like Go's `[0-9]` and
//! `\s` (`[\t\n\f\r ]`), so any other character simply fails to match.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;

/// A version as the coercing parser reads it: `v?MAJOR(.MINOR)?(.PATCH)?(-PRE)?(+BUILD)?`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
    /// Prerelease identifiers without the leading `-`; empty when absent.
    pub pre: String,
    /// Build metadata without the leading `+`; empty when absent.
    pub build: String,
    /// The text that was parsed, kept because tag resolution answers with it (`v2.0.0`).
    pub original: String,
}

/// Why a version was rejected, worded like the Go library's error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionError {
    pub reason: String,
}

impl VersionError {
    fn new(reason: impl Into<String>) -> Self {
        Self {
            reason: reason.into(),
        }
    }
}

impl fmt::Display for VersionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

impl std::error::Error for VersionError {}

impl Version {
    /// Masterminds `NewVersion` with its default `CoerceNewVersion = true`: leading zeros
    /// in MAJOR/MINOR/PATCH are fine, missing MINOR/PATCH are 0, only a lowercase `v` prefix.
    pub fn parse(s: &str) -> Result<Version, VersionError> {
        let (major, minor, patch, pre, build) = Version::scan(s)?;
        Ok(Version {
            major,
            minor,
            patch,
            pre: pre.to_string(),
            build: build.to_string(),
            original: s.to_string(),
        })
    }

    /// [`Version::parse`]'s verdict without building the version.
    pub fn check(s: &str) -> Result<(), VersionError> {
        Version::scan(s).map(|_| ())
    }

    /// The parts of a version text: major, minor, patch, prerelease, build metadata.
    fn scan(s: &str) -> Result<(u64, u64, u64, &str, &str), VersionError> {
        let b = s.as_bytes();
        let sp = scan_version(b, 0, is_digit)
            .filter(|sp| sp.end == b.len())
            .ok_or_else(|| VersionError::new("invalid semantic version"))?;
        let major = parse_segment(text(s, sp.major))?;
        let minor = match sp.minor {
            Some(r) => parse_segment(text(s, r))?,
            None => 0,
        };
        let patch = match sp.patch {
            Some(r) => parse_segment(text(s, r))?,
            None => 0,
        };
        let pre = sp.pre.map_or("", |r| text(s, r));
        let build = sp.build.map_or("", |r| text(s, r));
        if !pre.is_empty() {
            validate_prerelease(pre)?;
        }
        if !build.is_empty() {
            validate_metadata(build)?;
        }
        Ok((major, minor, patch, pre, build))
    }

    /// SemVer precedence (Go's `Version.Compare`): build metadata is ignored, so
    /// `1.0.0+a` and `1.0.0+b` compare equal here although they are not `==`.
    pub fn cmp_precedence(&self, other: &Version) -> Ordering {
        self.major
            .cmp(&other.major)
            .then(self.minor.cmp(&other.minor))
            .then(self.patch.cmp(&other.patch))
            .then_with(|| match (self.pre.is_empty(), other.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => compare_prerelease(&self.pre, &other.pre),
            })
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        if !self.pre.is_empty() {
            write!(f, "-{}", self.pre)?;
        }
        if !self.build.is_empty() {
            write!(f, "+{}", self.build)?;
        }
        Ok(())
    }
}

/// Precedence first; then build and original text, only so that `Ord` agrees with `Eq`.
impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.cmp_precedence(other)
            .then_with(|| self.build.cmp(&other.build))
            .then_with(|| self.original.cmp(&other.original))
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Go's `strconv.ParseUint(s, 10, 64)`; on a digit run its only possible failure is overflow.
fn parse_segment(digits: &str) -> Result<u64, VersionError> {
    let err = |what: &str| {
        VersionError::new(format!(
            "error parsing version segment: strconv.ParseUint: parsing \"{digits}\": {what}"
        ))
    };
    if digits.is_empty() || !digits.bytes().all(is_digit) {
        return Err(err("invalid syntax"));
    }
    digits.bytes().try_fold(0u64, |n, d| {
        n.checked_mul(10)
            .and_then(|n| n.checked_add(u64::from(d - b'0')))
            .ok_or_else(|| err("value out of range"))
    })
}

/// Go's `validatePrerelease`: numeric identifiers must not have a leading zero.
fn validate_prerelease(pre: &str) -> Result<(), VersionError> {
    for id in pre.split('.') {
        if id.is_empty() {
            return Err(VersionError::new("invalid prerelease string"));
        } else if id.bytes().all(is_digit) {
            if id.len() > 1 && id.starts_with('0') {
                return Err(VersionError::new("version segment starts with 0"));
            }
        } else if !id.bytes().all(is_ident) {
            return Err(VersionError::new("invalid prerelease string"));
        }
    }
    Ok(())
}

/// Go's `validateMetadata`: leading zeros are fine in build metadata.
fn validate_metadata(build: &str) -> Result<(), VersionError> {
    if build
        .split('.')
        .all(|id| !id.is_empty() && id.bytes().all(is_ident))
    {
        Ok(())
    } else {
        Err(VersionError::new("invalid metadata string"))
    }
}

/// Go's `comparePrerelease`. An identifier is numeric when `ParseUint` accepts it, so a
/// digit run beyond u64 counts as alphanumeric, as in Go. Numeric identifiers of equal
/// value but different spelling cannot occur in parsed versions; they fall back to a byte
/// comparison so the order stays total.
fn compare_prerelease(a: &str, b: &str) -> Ordering {
    let mut xs = a.split('.');
    let mut ys = b.split('.');
    loop {
        let ord = match (xs.next(), ys.next()) {
            (None, None) => return Ordering::Equal,
            (Some(_), None) => Ordering::Greater,
            (None, Some(_)) => Ordering::Less,
            (Some(x), Some(y)) => compare_pre_part(x, y),
        };
        if ord != Ordering::Equal {
            return ord;
        }
    }
}

fn compare_pre_part(x: &str, y: &str) -> Ordering {
    match (x.is_empty(), y.is_empty()) {
        (true, true) => return Ordering::Equal,
        (true, false) => return Ordering::Less,
        (false, true) => return Ordering::Greater,
        (false, false) => {}
    }
    match (parse_segment(x).ok(), parse_segment(y).ok()) {
        (Some(m), Some(n)) => m.cmp(&n).then_with(|| x.cmp(y)),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => x.cmp(y),
    }
}

/// Why a range was rejected: "improper constraint: <segment>" or "constraint parser error".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConstraintError {
    pub reason: String,
}

impl ConstraintError {
    fn new(reason: impl Into<String>) -> Self {
        Self {
            reason: reason.into(),
        }
    }
}

impl fmt::Display for ConstraintError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

impl std::error::Error for ConstraintError {}

/// A version range: OR-groups (`||`) of AND-terms (space or comma separated).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Constraints {
    /// The range as written, before hyphen ranges were rewritten.
    pub original: String,
    groups: Vec<Vec<Constraint>>,
}

/// One `OP VERSION` term. A wildcard or missing part makes the term "dirty": its version
/// is zero-filled and the flags record which parts were wildcards.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Constraint {
    op: Op,
    version: Version,
    dirty: bool,
    minor_dirty: bool,
    patch_dirty: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    /// No operator or `=`: equality, or tilde when the version has a wildcard.
    Eq,
    Ne,
    Gt,
    Lt,
    /// `>=` or `=>`.
    Ge,
    /// `<=` or `=<`.
    Le,
    /// `~` or `~>`.
    Tilde,
    Caret,
}

impl Constraints {
    /// Masterminds `NewConstraint`. Errors come in Go's order: the first OR segment that
    /// fails the grammar, or the first term whose zero-filled version fails [`Version::parse`].
    /// [`Constraints::parse`]'s verdict (the same error) without building the constraints:
    /// what validation asks of every dependency.
    pub fn check(s: &str) -> Result<(), ConstraintError> {
        let rewritten = rewrite_ranges(s);
        for segment in rewritten.split("||") {
            let terms = scan_and_group(segment)
                .ok_or_else(|| ConstraintError::new(format!("improper constraint: {segment}")))?;
            for (_, cv) in terms {
                let (ver, ..) = Constraint::version_text(segment, &cv);
                Version::check(&ver)
                    .map_err(|_| ConstraintError::new("constraint parser error"))?;
            }
        }
        Ok(())
    }

    pub fn parse(s: &str) -> Result<Constraints, ConstraintError> {
        let rewritten = rewrite_ranges(s);
        let mut groups = Vec::new();
        for segment in rewritten.split("||") {
            let terms = scan_and_group(segment)
                .ok_or_else(|| ConstraintError::new(format!("improper constraint: {segment}")))?;
            let group = terms
                .into_iter()
                .map(|(op, cv)| Constraint::new(segment, op, &cv))
                .collect::<Result<Vec<_>, _>>()?;
            groups.push(group);
        }
        Ok(Constraints {
            original: s.to_string(),
            groups,
        })
    }

    /// Masterminds `Check` with `IncludePrerelease = false`: a prerelease version can only
    /// satisfy an AND-group in which some term's version has a prerelease (v3.4 widened this
    /// from "the same term" to "any term of the group").
    pub fn matches(&self, v: &Version) -> bool {
        self.groups.iter().any(|group| {
            let include_pre = group.iter().any(|c| !c.version.pre.is_empty());
            group.iter().all(|c| c.check(v, include_pre))
        })
    }
}

impl Constraint {
    /// Go's `parseConstraint`: a wildcard or missing part zero-fills the rest and drops the
    /// build metadata; otherwise the version text (with its `v` and build) is parsed as is.
    fn new(segment: &str, op: Op, cv: &Spans) -> Result<Constraint, ConstraintError> {
        let (ver, dirty, minor_dirty, patch_dirty) = Constraint::version_text(segment, cv);
        let version =
            Version::parse(&ver).map_err(|_| ConstraintError::new("constraint parser error"))?;
        Ok(Constraint {
            op,
            version,
            dirty,
            minor_dirty,
            patch_dirty,
        })
    }

    /// The version text a term is checked against, and whether it is dirty (a wildcard or
    /// missing part), in the minor, in the patch.
    fn version_text<'s>(segment: &'s str, cv: &Spans) -> (Cow<'s, str>, bool, bool, bool) {
        let major = text(segment, cv.major);
        let minor = cv.minor.map(|r| text(segment, r));
        let patch = cv.patch.map(|r| text(segment, r));
        let pre = cv
            .pre
            .map_or(String::new(), |r| format!("-{}", text(segment, r)));
        let (ver, minor_dirty, patch_dirty) = match minor {
            _ if is_x(major) => (Cow::Owned(format!("0.0.0{pre}")), false, false),
            None => (Cow::Owned(format!("{major}.0.0{pre}")), true, false),
            Some(mi) if is_x(mi) => (Cow::Owned(format!("{major}.0.0{pre}")), true, false),
            Some(mi) if patch.is_none_or(is_x) => {
                (Cow::Owned(format!("{major}.{mi}.0{pre}")), false, true)
            }
            Some(_) => (
                Cow::Borrowed(text(segment, (cv.start, cv.end))),
                false,
                false,
            ),
        };
        let dirty = is_x(major) || minor_dirty || patch_dirty;
        (ver, dirty, minor_dirty, patch_dirty)
    }

    /// The per-operator functions of constraints.go, branch for branch.
    fn check(&self, v: &Version, include_pre: bool) -> bool {
        if !v.pre.is_empty() && !include_pre {
            return false;
        }
        let c = &self.version;
        let cmp = v.cmp_precedence(c);
        match self.op {
            Op::Eq if self.dirty => self.tilde(v),
            Op::Eq => cmp == Ordering::Equal,
            Op::Ne => {
                if self.dirty {
                    if c.major != v.major {
                        return true;
                    }
                    if self.minor_dirty {
                        return false;
                    }
                    if c.minor != v.minor {
                        return true;
                    }
                    if !self.patch_dirty && c.patch != v.patch {
                        return true;
                    }
                    if self.patch_dirty {
                        return (!v.pre.is_empty() || !c.pre.is_empty())
                            && compare_prerelease(&v.pre, &c.pre) != Ordering::Equal;
                    }
                }
                cmp != Ordering::Equal
            }
            Op::Gt => {
                if !self.dirty || (v.major == c.major && !self.minor_dirty && !self.patch_dirty) {
                    cmp == Ordering::Greater
                } else if v.major != c.major {
                    v.major > c.major
                } else {
                    // `>1` needs 2.0.0 or higher; `>1.1` needs 1.2.0 or higher.
                    !self.minor_dirty && v.minor > c.minor
                }
            }
            Op::Lt => cmp == Ordering::Less,
            Op::Ge => cmp != Ordering::Less,
            Op::Le => {
                if !self.dirty {
                    cmp != Ordering::Greater
                } else {
                    // `<=1.2` admits every 1.2.x; `<=1` every 1.x.y.
                    !(v.major > c.major
                        || (v.major == c.major && v.minor > c.minor && !self.minor_dirty))
                }
            }
            Op::Tilde => self.tilde(v),
            Op::Caret => self.caret(v),
        }
    }

    /// `~1.2.3` is `>=1.2.3 <1.3.0`; `~1` is `>=1.0.0 <2.0.0`; `~0.0.0` and `~*` admit all.
    fn tilde(&self, v: &Version) -> bool {
        let c = &self.version;
        if v.cmp_precedence(c) == Ordering::Less {
            return false;
        }
        if c.major == 0 && c.minor == 0 && c.patch == 0 && !self.minor_dirty && !self.patch_dirty {
            return true;
        }
        v.major == c.major && (v.minor == c.minor || self.minor_dirty)
    }

    /// `^1.2.3` is `>=1.2.3 <2.0.0`; `^0.2.3` is `>=0.2.3 <0.3.0`; `^0.0.3` is `=0.0.3`;
    /// `^0.0` is `<0.1.0`; `^0` is `<1.0.0`. Go's comment says `^*` admits anything, but its
    /// code (kept here) admits only 0.0.0.
    fn caret(&self, v: &Version) -> bool {
        let c = &self.version;
        if v.cmp_precedence(c) == Ordering::Less {
            return false;
        }
        if c.major > 0 || self.minor_dirty {
            return v.major == c.major;
        }
        if v.major > 0 {
            return false;
        }
        if c.minor > 0 || self.patch_dirty {
            return v.minor == c.minor;
        }
        if v.minor > 0 {
            return false;
        }
        v.patch == c.patch
    }
}

/// A byte range `start..end` in the text being scanned.
type Span = (usize, usize);

/// Byte ranges of a version-shaped token, as the Go regexes capture them. `minor`, `patch`,
/// `pre` and `build` exclude their leading `.`, `-` or `+`; `start` includes a `v` prefix.
#[derive(Debug, Clone, Copy)]
struct Spans {
    start: usize,
    end: usize,
    major: Span,
    minor: Option<Span>,
    patch: Option<Span>,
    pre: Option<Span>,
    build: Option<Span>,
}

/// Greedy match of `v?N+(\.N+)?(\.N+)?(-I+(\.I+)*)?(\+I+(\.I+)*)?` at `start`, where N is
/// `num` (digits for versions; digits, `x`, `X`, `*` and `|` in ranges) and I is
/// `[0-9A-Za-z-]`. Returns `None` when not even a major part matches.
fn scan_version(b: &[u8], start: usize, num: fn(u8) -> bool) -> Option<Spans> {
    let mut i = start;
    if b.get(i) == Some(&b'v') && b.get(i + 1).is_some_and(|&c| num(c)) {
        i += 1;
    }
    let major_end = run(b, i, num);
    if major_end == i {
        return None;
    }
    let major = (i, major_end);
    i = major_end;
    let minor = dotted(b, i, num);
    let mut patch = None;
    if let Some((_, e)) = minor {
        i = e;
        patch = dotted(b, i, num);
        if let Some((_, e)) = patch {
            i = e;
        }
    }
    let pre = tagged_idents(b, i, b'-');
    if let Some((_, e)) = pre {
        i = e;
    }
    let build = tagged_idents(b, i, b'+');
    if let Some((_, e)) = build {
        i = e;
    }
    Some(Spans {
        start,
        end: i,
        major,
        minor,
        patch,
        pre,
        build,
    })
}

/// `\.N+` at `i`: the range of the N run.
fn dotted(b: &[u8], i: usize, num: fn(u8) -> bool) -> Option<Span> {
    if b.get(i) != Some(&b'.') {
        return None;
    }
    let end = run(b, i + 1, num);
    (end > i + 1).then_some((i + 1, end))
}

/// `<tag>I+(\.I+)*` at `i`: the range after the tag character.
fn tagged_idents(b: &[u8], i: usize, tag: u8) -> Option<Span> {
    if b.get(i) != Some(&tag) {
        return None;
    }
    let mut end = run(b, i + 1, is_ident);
    if end == i + 1 {
        return None;
    }
    while let Some((_, e)) = dotted(b, end, is_ident) {
        end = e;
    }
    Some((i + 1, end))
}

/// Recognises one OR segment (Go's `validConstraintRegex`) and splits it into terms the way
/// `findConstraintRegex` does:
/// `\s* TERM \s* ((\s+ | ,\s*) TERM \s*)*` with `TERM = OP \s* VERSION`.
/// The longest operator is the only one that can work, since no version starts with an
/// operator character, and the greedy version is the only one a separator can follow.
fn scan_and_group(segment: &str) -> Option<Vec<(Op, Spans)>> {
    let b = segment.as_bytes();
    let mut terms = Vec::new();
    let mut i = skip_ws(b, 0);
    loop {
        let (op, after_op) = scan_op(b, i);
        let cv = scan_version(b, skip_ws(b, after_op), is_range_num)?;
        terms.push((op, cv));
        let k = skip_ws(b, cv.end);
        match b.get(k) {
            None => return Some(terms),
            Some(b',') => i = skip_ws(b, k + 1),
            Some(_) if k > cv.end => i = k,
            Some(_) => return None,
        }
    }
}

fn scan_op(b: &[u8], i: usize) -> (Op, usize) {
    let two = match b.get(i..i.saturating_add(2)) {
        Some(b">=") | Some(b"=>") => Some(Op::Ge),
        Some(b"<=") | Some(b"=<") => Some(Op::Le),
        Some(b"!=") => Some(Op::Ne),
        Some(b"~>") => Some(Op::Tilde),
        _ => None,
    };
    if let Some(op) = two {
        return (op, i + 2);
    }
    match b.get(i) {
        Some(b'=') => (Op::Eq, i + 1),
        Some(b'>') => (Op::Gt, i + 1),
        Some(b'<') => (Op::Lt, i + 1),
        Some(b'~') => (Op::Tilde, i + 1),
        Some(b'^') => (Op::Caret, i + 1),
        _ => (Op::Eq, i),
    }
}

/// Go's `rewriteRange`: every match of `\s*(V)\s+-\s+(V)\s*` (found left to right over the
/// whole string, before the `||` split) is replaced by `>= A, <= B `. Like Go, each
/// replacement hits the *first* occurrence of the matched text in the string as rewritten so
/// far, which is not always the matched spot (`1 - 2 - 3 || 1 2 - 3`). That search makes
/// the rewrite quadratic in the number of ranges, as in Go; real ranges have one or two.
fn rewrite_ranges(s: &str) -> Cow<'_, str> {
    let b = s.as_bytes();
    // A range needs whitespace right before its dash (see `range_tail`): without one there is
    // nothing to rewrite, and the version automaton below need not run.
    if !b.windows(2).any(|w| is_ws(w[0]) && w[1] == b'-') {
        return Cow::Borrowed(s);
    }
    // (whole match, first version, second version)
    let mut found: Vec<(Span, Span, Span)> = Vec::new();
    let mut pos = 0;
    while pos < b.len() {
        let token_start = skip_ws(b, pos);
        let token_end = run(b, token_start, |c| !is_ws(c));
        if token_start == token_end {
            break;
        }
        // The first version must end where the token ends, since whitespace must follow it.
        // The cheap test first: the tail after the token, then the version automaton.
        let hit = range_tail(b, token_end).and_then(|(second, end)| {
            leftmost_version_suffix(b, token_start, token_end).map(|first| {
                let start = if first == token_start { pos } else { first };
                ((start, end), (first, token_end), second)
            })
        });
        match hit {
            Some((whole, first, second)) => {
                pos = whole.1;
                found.push((whole, first, second));
            }
            None => pos = token_end,
        }
    }
    if found.is_empty() {
        return Cow::Borrowed(s);
    }
    let mut out = s.to_string();
    for (whole, first, second) in found {
        let replacement = format!(">= {}, <= {} ", text(s, first), text(s, second));
        out = out.replacen(text(s, whole), &replacement, 1);
    }
    Cow::Owned(out)
}

/// `\s+-\s+(V)\s*` right after the first version: the second version's text and the end.
fn range_tail(b: &[u8], i: usize) -> Option<(Span, usize)> {
    let dash = skip_ws(b, i);
    if dash == i || b.get(dash) != Some(&b'-') {
        return None;
    }
    let v = skip_ws(b, dash + 1);
    if v == dash + 1 {
        return None;
    }
    let cv = scan_version(b, v, is_range_num)?;
    Some(((cv.start, cv.end), skip_ws(b, cv.end)))
}

/// States of a DFA for the range-version language, used to find the leftmost `p` in
/// `b[start..end]` such that `b[p..end]` is a whole version. Running all start positions at
/// once (keeping the earliest start per state) keeps the search linear on hostile input.
#[derive(Clone, Copy)]
enum St {
    Start,
    V,
    Major,
    Dot1,
    Minor,
    Dot2,
    Patch,
    PreDash,
    Pre,
    PreDot,
    Plus,
    Build,
    BuildDot,
}

const ALL_STATES: [St; 13] = [
    St::Start,
    St::V,
    St::Major,
    St::Dot1,
    St::Minor,
    St::Dot2,
    St::Patch,
    St::PreDash,
    St::Pre,
    St::PreDot,
    St::Plus,
    St::Build,
    St::BuildDot,
];

fn step(st: St, c: u8) -> Option<St> {
    let n = is_range_num(c);
    let id = is_ident(c);
    match st {
        St::Start if c == b'v' => Some(St::V),
        St::Start | St::V | St::Major if n => Some(St::Major),
        St::Dot1 | St::Minor if n => Some(St::Minor),
        St::Dot2 | St::Patch if n => Some(St::Patch),
        St::Major if c == b'.' => Some(St::Dot1),
        St::Minor if c == b'.' => Some(St::Dot2),
        St::Major | St::Minor | St::Patch if c == b'-' => Some(St::PreDash),
        St::PreDash | St::Pre | St::PreDot if id => Some(St::Pre),
        St::Pre if c == b'.' => Some(St::PreDot),
        St::Major | St::Minor | St::Patch | St::Pre if c == b'+' => Some(St::Plus),
        St::Plus | St::Build | St::BuildDot if id => Some(St::Build),
        St::Build if c == b'.' => Some(St::BuildDot),
        _ => None,
    }
}

fn leftmost_version_suffix(b: &[u8], start: usize, end: usize) -> Option<usize> {
    let mut earliest: [Option<usize>; 13] = [None; 13];
    for (p, &c) in b.iter().enumerate().take(end).skip(start) {
        earliest[St::Start as usize] = Some(p);
        let mut next: [Option<usize>; 13] = [None; 13];
        for st in ALL_STATES {
            if let (Some(from), Some(to)) = (earliest[st as usize], step(st, c)) {
                let slot = &mut next[to as usize];
                *slot = Some(slot.map_or(from, |s| s.min(from)));
            }
        }
        earliest = next;
    }
    [St::Major, St::Minor, St::Patch, St::Pre, St::Build]
        .iter()
        .filter_map(|&st| earliest[st as usize])
        .min()
}

fn is_digit(c: u8) -> bool {
    c.is_ascii_digit()
}

/// A version part in a range: Go's `[0-9|x|X|\*]`, which also admits `|`.
fn is_range_num(c: u8) -> bool {
    c.is_ascii_digit() || matches!(c, b'x' | b'X' | b'*' | b'|')
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'-'
}

/// Go regexp's `\s`.
fn is_ws(c: u8) -> bool {
    matches!(c, b'\t' | b'\n' | 0x0c | b'\r' | b' ')
}

fn is_x(s: &str) -> bool {
    matches!(s, "x" | "X" | "*")
}

fn run(b: &[u8], i: usize, pred: fn(u8) -> bool) -> usize {
    i + b
        .get(i..)
        .map_or(0, |rest| rest.iter().take_while(|&&c| pred(c)).count())
}

fn skip_ws(b: &[u8], i: usize) -> usize {
    run(b, i, is_ws)
}

/// The scanners only stop next to ASCII bytes, so spans are char boundaries; `get` keeps
/// that an invariant rather than a panic.
fn text(s: &str, (start, end): Span) -> &str {
    s.get(start..end).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        assert_eq!(Version::check(s), Ok(()), "{s:?}: check and parse disagree");
        match Version::parse(s) {
            Ok(v) => v,
            Err(e) => panic!("{s:?} should parse: {e}"),
        }
    }

    fn c(s: &str) -> Constraints {
        assert_eq!(
            Constraints::check(s),
            Ok(()),
            "{s:?}: check and parse disagree"
        );
        match Constraints::parse(s) {
            Ok(c) => c,
            Err(e) => panic!("{s:?} should parse: {e}"),
        }
    }

    fn version_err(s: &str) -> String {
        assert_eq!(Version::check(s), Version::parse(s).map(|_| ()), "{s:?}");
        match Version::parse(s) {
            Ok(v) => panic!("{s:?} should fail, got {v:?}"),
            Err(e) => e.reason,
        }
    }

    fn constraint_err(s: &str) -> String {
        assert_eq!(
            Constraints::check(s),
            Constraints::parse(s).map(|_| ()),
            "{s:?}"
        );
        match Constraints::parse(s) {
            Ok(c) => panic!("{s:?} should fail, got {c:?}"),
            Err(e) => e.reason,
        }
    }

    #[test]
    fn spec_valid_versions() {
        for s in [
            "1.0.0",
            "1",
            "1.2",
            "v1.2.3",
            "01.02.03",
            "1.0.0-rc.1+build.5",
            "1.0.0+20240101",
            "2024-01-15",
        ] {
            v(s);
        }
    }

    #[test]
    fn spec_invalid_versions() {
        for s in [
            "not-semver",
            "latest",
            "1.2.3.4",
            "V1.0.0",
            "1.0.0-alpha_1",
            "1.0.0+",
            "1.0.0 ",
            "1.0.0-alpha..1",
        ] {
            assert_eq!(version_err(s), "invalid semantic version", "{s:?}");
        }
        assert_eq!(version_err("1.0.0-01"), "version segment starts with 0");
        assert_eq!(
            version_err("1.0.0-alpha.01"),
            "version segment starts with 0"
        );
    }

    #[test]
    fn coercion_fills_parts() {
        let x = v("v1.2");
        assert_eq!((x.major, x.minor, x.patch), (1, 2, 0));
        assert_eq!(x.original, "v1.2");
        assert_eq!(x.to_string(), "1.2.0");
        let y = v("01.02.03");
        assert_eq!((y.major, y.minor, y.patch), (1, 2, 3));
        let z = v("2024-01-15");
        assert_eq!((z.major, z.minor, z.patch), (2024, 0, 0));
        assert_eq!(z.pre, "01-15");
        let w = v("1.0.0-rc.1+build.5");
        assert_eq!((w.pre.as_str(), w.build.as_str()), ("rc.1", "build.5"));
        assert_eq!(w.to_string(), "1.0.0-rc.1+build.5");
        assert_eq!(v("1.0.0-0a").pre, "0a");
        assert_eq!(v("1.0.0+007").build, "007");
        assert_eq!(v("1--").pre, "-");
    }

    #[test]
    fn version_boundaries() {
        let max = u64::MAX.to_string();
        let x = v(&format!("{max}.{max}.{max}"));
        assert_eq!((x.major, x.minor, x.patch), (u64::MAX, u64::MAX, u64::MAX));
        assert_eq!(v(&format!("000{max}")).major, u64::MAX);
        assert_eq!(
            version_err("18446744073709551616"),
            "error parsing version segment: strconv.ParseUint: parsing \"18446744073709551616\": value out of range"
        );
        assert!(Version::parse("1.18446744073709551616").is_err());
        assert!(Version::parse("1.0.99999999999999999999999").is_err());
        // A huge numeric prerelease identifier is still valid (it is only compared as text).
        v("1.0.0-99999999999999999999999");
        for s in [
            "",
            " ",
            "\t",
            "v",
            "vv1",
            "v.1",
            ".1",
            "1.",
            "1..2",
            "1.2.",
            "-1",
            "+1",
            "1-",
            "1+a+b",
            "1.0.0\n",
            "1.0.0-é",
            "１.２.３",
            "1.0.0+ü",
            "💥",
            "v١",
        ] {
            assert_eq!(version_err(s), "invalid semantic version", "{s:?}");
        }
    }

    #[test]
    fn precedence_follows_semver() {
        let ordered = [
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
            "1.0.1",
            "1.1.0",
            "2.0.0",
            "10.0.0",
        ];
        for pair in ordered.windows(2) {
            assert!(v(pair[0]) < v(pair[1]), "{} < {}", pair[0], pair[1]);
        }
        // Numeric identifiers sort below alphanumeric ones, and beyond u64 they are text.
        assert!(v("1.0.0-999") < v("1.0.0-a"));
        assert!(v("1.0.0-18446744073709551615") < v("1.0.0-18446744073709551616"));
        // Build metadata is ignored for precedence but breaks ties so Ord agrees with Eq.
        assert_eq!(v("1.0.0+a").cmp_precedence(&v("1.0.0+b")), Ordering::Equal);
        assert_eq!(v("v1.0.0").cmp_precedence(&v("1.0.0")), Ordering::Equal);
        assert!(v("1.0.0+a") < v("1.0.0+b"));
        assert_ne!(v("v1.0.0").cmp(&v("1.0.0")), Ordering::Equal);
        assert_eq!(v("1.0.0").cmp(&v("1.0.0")), Ordering::Equal);
    }

    #[test]
    fn spec_valid_ranges() {
        for s in [
            "^2.0.0",
            "~1.0",
            "~1.0.0",
            ">= 2.0.0, < 4.0.0",
            ">=2.0.0,<4.0.0",
            ">=1.0.0 <2.0.0",
            "1.x",
            "2.X.x",
            "*",
            "x",
            "1.2.3",
            "=1.0.0",
            "!=1.2.3",
            "~>1.2",
            "=>1.0, =<2.0",
            "v1.2.3",
            "^1.0.0 || ^2.0.0",
            "1.0.0 - 2.0.0",
            ">1.0.0-alpha.1",
            "~1.2.3-beta+build.7",
            "1.0.0-2.0.0",
        ] {
            c(s);
        }
    }

    #[test]
    fn spec_invalid_ranges() {
        for (s, reason) in [
            ("not-a-range", "improper constraint: not-a-range"),
            ("latest", "improper constraint: latest"),
            (" ", "improper constraint:  "),
            ("^1.0.0 ||", "improper constraint: "),
            ("||", "improper constraint: "),
            ("^1.0.0,", "improper constraint: ^1.0.0,"),
            ("1.2.3.4", "improper constraint: 1.2.3.4"),
            ("1.0.0-01", "constraint parser error"),
            (">>1.0.0", "improper constraint: >>1.0.0"),
            ("1.0.0 -2.0.0", "improper constraint: 1.0.0 -2.0.0"),
            ("^", "improper constraint: ^"),
            ("**", "constraint parser error"),
            ("", "improper constraint: "),
        ] {
            assert_eq!(constraint_err(s), reason, "{s:?}");
        }
    }

    #[test]
    fn range_grammar_edges() {
        for s in [
            " ^1.0.0 ",
            "> 1.0.0",
            ">=1.0.0 , <2.0.0",
            "1,2",
            "1.x.xx",
            "v*",
            "x.1",
            "01.2.3",
            "1.2.3+build",
            "1 - 2||3",
            "^1.0.0||^2.0.0",
            "1.x-alpha",
        ] {
            c(s);
        }
        for (s, reason) in [
            (",1", "improper constraint: ,1"),
            ("1,,2", "improper constraint: 1,,2"),
            ("1 , , 2", "improper constraint: 1 , , 2"),
            ("|||", "improper constraint: "),
            ("V1", "improper constraint: V1"),
            ("==1", "improper constraint: ==1"),
            ("<>1", "improper constraint: <>1"),
            ("1.0.0_1", "improper constraint: 1.0.0_1"),
            ("1.0.0\u{b}", "improper constraint: 1.0.0\u{b}"),
            ("^1.0.0 || 2 - 3 - 4", "improper constraint: >= 2, <= 3 - 4"),
            (">=1 - 2", "improper constraint: >=>= 1, <= 2 "),
            ("1 - 2||3 - 4", "improper constraint: 3 - 4"),
            ("~１.０", "improper constraint: ~１.０"),
            ("xx", "constraint parser error"),
            ("1|2", "constraint parser error"),
            ("1 |2", "constraint parser error"),
            ("1.x-01", "constraint parser error"),
            ("18446744073709551616", "constraint parser error"),
        ] {
            assert_eq!(constraint_err(s), reason, "{s:?}");
        }
        c("18446744073709551615.x");
    }

    #[test]
    fn hyphen_range_rewrite_is_goish() {
        assert_eq!(rewrite_ranges("1.0.0 - 2.0.0"), ">= 1.0.0, <= 2.0.0 ");
        assert_eq!(rewrite_ranges("  1 - 2  "), ">= 1, <= 2 ");
        assert_eq!(rewrite_ranges("1.0.0-2.0.0"), "1.0.0-2.0.0");
        assert_eq!(rewrite_ranges("1 - 2 || 1 - 2"), ">= 1, <= 2 ||>= 1, <= 2 ");
        assert_eq!(rewrite_ranges("a1 - 2"), "a>= 1, <= 2 ");
        assert_eq!(rewrite_ranges("1.2.3.4 - 5"), "1.>= 2.3.4, <= 5 ");
        // Go replaces the first occurrence of the matched text, here inside the first rewrite.
        assert_eq!(
            rewrite_ranges("1 - 2 - 3 || 1 2 - 3"),
            ">= 1, <=>= 2, <= 3  || 1 2 - 3"
        );
        assert_eq!(rewrite_ranges("é 1 - 2 é"), "é>= 1, <= 2 é");
    }

    #[test]
    fn caret() {
        let r = c("^1.2.3");
        assert!(r.matches(&v("1.2.3")));
        assert!(r.matches(&v("1.9.0")));
        assert!(!r.matches(&v("1.2.2")));
        assert!(!r.matches(&v("2.0.0")));
        assert!(!r.matches(&v("1.5.0-beta")));
        assert!(c("^0.3.0").matches(&v("0.3.9")));
        assert!(!c("^0.3.0").matches(&v("0.4.0")));
        assert!(c("^0.0.3").matches(&v("0.0.3")));
        assert!(!c("^0.0.3").matches(&v("0.0.4")));
        assert!(c("^0.0").matches(&v("0.0.9")));
        assert!(!c("^0.0").matches(&v("0.1.0")));
        assert!(c("^0").matches(&v("0.9.0")));
        assert!(!c("^0").matches(&v("1.0.0")));
        assert!(c("^1.x").matches(&v("1.4.0")));
        // Go's comment says `^*` admits anything; its code admits only 0.0.0.
        assert!(c("^*").matches(&v("0.0.0")));
        assert!(!c("^*").matches(&v("0.0.1")));
        assert!(!c("^*").matches(&v("7.0.0")));
    }

    #[test]
    fn tilde() {
        let r = c("~1.2.3");
        assert!(r.matches(&v("1.2.9")));
        assert!(!r.matches(&v("1.3.0")));
        assert!(!r.matches(&v("1.2.2")));
        assert!(c("~1").matches(&v("1.9.9")));
        assert!(!c("~1").matches(&v("2.0.0")));
        assert!(c("~>1.2").matches(&v("1.2.7")));
        assert!(!c("~>1.2").matches(&v("1.3.0")));
        assert!(c("~0.0.0").matches(&v("5.0.0")));
    }

    #[test]
    fn wildcards_and_comparisons() {
        assert!(c("*").matches(&v("0.0.1")));
        assert!(!c("*").matches(&v("1.0.0-alpha")));
        assert!(c("1.x").matches(&v("1.5.0")));
        assert!(!c("1.x").matches(&v("2.0.0")));
        assert!(c("1.2.x").matches(&v("1.2.7")));
        assert!(!c("1.2.x").matches(&v("1.3.0")));
        assert!(c("=1.0.0").matches(&v("v1.0.0+meta")));
        assert!(!c("=1.0.0").matches(&v("1.0.1")));
        assert!(c("!=1.2.3").matches(&v("1.2.4")));
        assert!(!c("!=1.2.3").matches(&v("1.2.3")));
        assert!(!c("!=4.x").matches(&v("4.1.0")));
        assert!(c("!=4.x").matches(&v("5.0.0")));
        assert!(!c("!=4.1.x").matches(&v("4.1.2")));
        assert!(c("!=4.1.x").matches(&v("4.2.0")));
        assert!(!c(">11").matches(&v("11.1.0")));
        assert!(c(">11").matches(&v("12.0.0")));
        assert!(!c(">11.1").matches(&v("11.1.5")));
        assert!(c(">11.1").matches(&v("11.2.0")));
        assert!(c(">*").matches(&v("0.0.1")));
        assert!(!c(">*").matches(&v("0.0.0")));
        assert!(c("<=1.2").matches(&v("1.2.9")));
        assert!(!c("<=1.2").matches(&v("1.3.0")));
        assert!(c("<=1").matches(&v("1.9.0")));
        assert!(c("<2").matches(&v("1.9.9")));
        assert!(!c("<2").matches(&v("2.0.0")));
        let and = c(">= 2.0.0, < 4.0.0");
        assert!(and.matches(&v("3.9.9")));
        assert!(!and.matches(&v("4.0.0")));
        assert!(!and.matches(&v("1.9.9")));
    }

    #[test]
    fn hyphen_range_and_or() {
        let r = c("1.0.0 - 2.0.0");
        assert!(r.matches(&v("1.0.0")));
        assert!(r.matches(&v("2.0.0")));
        assert!(!r.matches(&v("2.0.1")));
        assert!(!r.matches(&v("0.9.9")));
        let or = c("^1.0.0 || ^2.0.0");
        assert!(or.matches(&v("1.5.0")));
        assert!(or.matches(&v("2.5.0")));
        assert!(!or.matches(&v("3.0.0")));
    }

    #[test]
    fn prereleases_need_a_prerelease_in_the_group() {
        let r = c(">1.0.0-alpha.1");
        assert!(r.matches(&v("1.0.0-beta")));
        assert!(r.matches(&v("1.0.0")));
        assert!(!r.matches(&v("1.0.0-alpha.1")));
        // v3.4: one prerelease term opens the whole AND group, even for other versions.
        let group = c(">=1.2.0-alpha, <2.0.0");
        assert!(group.matches(&v("1.3.0-beta")));
        assert!(!c(">=1.2.0, <2.0.0").matches(&v("1.3.0-beta")));
        // ...but not the other OR groups.
        let or = c("^1.0.0-0 || ^2.0.0");
        assert!(or.matches(&v("1.1.0-rc.1")));
        assert!(!or.matches(&v("2.1.0-rc.1")));
        assert!(c("~1.2.3-beta+build.7").matches(&v("1.2.3-rc.1")));
        assert!(!c("1.0.0-2.0.0").matches(&v("1.0.0-1.0.0")));
        assert!(c("1.0.0-2.0.0").matches(&v("1.0.0-2.0.0")));
    }

    /// Check tables of the Go library's own tests (constraints_test.go), run through
    /// `Constraints`; every group has one term, so v3.4's group-wide prerelease rule agrees.
    #[test]
    fn masterminds_check_tables() {
        let cases = [
            ("=2.0.0", "1.2.3", false),
            ("=2.0.0", "2.0.0", true),
            ("=2.0", "1.2.3", false),
            ("=2.0", "2.0.0", true),
            ("=2.0", "2.0.1", true),
            ("4.1", "4.1.0", true),
            ("!=4.1.0", "4.1.0", false),
            ("!=4.1.0", "4.1.1", true),
            ("!=4.1", "4.1.0", false),
            ("!=4.1", "4.1.1", false),
            ("!=4.1", "5.1.0-alpha.1", false),
            ("!=4.1-alpha", "4.1.0", true),
            ("!=4.1", "5.1.0", true),
            ("<11", "0.1.0", true),
            ("<11", "11.1.0", false),
            ("<1.1", "0.1.0", true),
            ("<1.1", "1.1.0", false),
            ("<1.1", "1.1.1", false),
            ("<=11", "1.2.3", true),
            ("<=11", "12.2.3", false),
            ("<=11", "11.2.3", true),
            ("<=1.1", "1.2.3", false),
            ("<=1.1", "0.1.0", true),
            ("<=1.1", "1.1.0", true),
            ("<=1.1", "1.1.1", true),
            (">1.1", "4.1.0", true),
            (">1.1", "1.1.0", false),
            (">0", "0", false),
            (">0", "1", true),
            (">0", "0.0.1-alpha", false),
            (">0.0", "0.0.1-alpha", false),
            (">0-0", "0.0.1-alpha", false),
            (">0.0-0", "0.0.1-alpha", false),
            (">0", "0.0.0-alpha", false),
            (">0-0", "0.0.0-alpha", false),
            (">0.0.0-0", "0.0.0-alpha", true),
            (">1.2.3-alpha.1", "1.2.3-alpha.2", true),
            (">1.2.3-alpha.1", "1.3.3-alpha.2", true),
            (">11", "11.1.0", false),
            (">11.1", "11.1.0", false),
            (">11.1", "11.1.1", false),
            (">11.1", "11.2.1", true),
            (">=11", "11.1.2", true),
            (">=11.1", "11.1.2", true),
            (">=11.1", "11.0.2", false),
            (">=1.1", "4.1.0", true),
            (">=1.1", "1.1.0", true),
            (">=1.1", "0.0.9", false),
            (">=0", "0.0.1-alpha", false),
            (">=0.0", "0.0.1-alpha", false),
            (">=0-0", "0.0.1-alpha", true),
            (">=0.0-0", "0.0.1-alpha", true),
            (">=0", "0.0.0-alpha", false),
            (">=0-0", "0.0.0-alpha", true),
            (">=0.0.0-0", "0.0.0-alpha", true),
            (">=0.0.0-0", "1.2.3", true),
            (">=0.0.0-0", "3.4.5-beta.1", true),
            ("<0", "0.0.0-alpha", false),
            ("<0-z", "0.0.0-alpha", true),
            (">=0", "0", true),
            ("=0", "1", false),
            ("*", "1", true),
            ("*", "4.5.6", true),
            ("*", "1.2.3-alpha.1", false),
            ("*-0", "1.2.3-alpha.1", true),
            ("2.*", "1", false),
            ("2.*", "3.4.5", false),
            ("2.*", "2.1.1", true),
            ("2.1.*", "2.1.1", true),
            ("2.1.*", "2.2.1", false),
            ("2", "1", false),
            ("2", "3.4.5", false),
            ("2", "2.1.1", true),
            ("2.1", "2.1.1", true),
            ("2.1", "2.2.1", false),
            ("~1.2.3", "1.2.4", true),
            ("~1.2.3", "1.3.4", false),
            ("~1.2", "1.2.4", true),
            ("~1.2", "1.3.4", false),
            ("~1", "1.2.4", true),
            ("~1", "2.3.4", false),
            ("~0.2.3", "0.2.5", true),
            ("~0.2.3", "0.3.5", false),
            ("~1.2.3-beta.2", "1.2.3-beta.4", true),
            ("~1.2.3-beta.2", "1.2.4-beta.2", true),
            ("~1.2.3-beta.2", "1.3.4-beta.2", false),
            ("^1.2.3", "1.8.9", true),
            ("^1.2.3", "2.8.9", false),
            ("^1.2.3", "1.2.1", false),
            ("^1.1.0", "2.1.0", false),
            ("^1.2.0", "2.2.1", false),
            ("^1.2.0", "1.2.1-alpha.1", false),
            ("^1.2.0-alpha.0", "1.2.1-alpha.1", true),
            ("^1.2.0-alpha.0", "1.2.1-alpha.0", true),
            ("^1.2.0-alpha.2", "1.2.0-alpha.1", false),
            ("^1.2", "1.8.9", true),
            ("^1.2", "2.8.9", false),
            ("^1", "1.8.9", true),
            ("^1", "2.8.9", false),
            ("^0.2.3", "0.2.5", true),
            ("^0.2.3", "0.5.6", false),
            ("^0.2", "0.2.5", true),
            ("^0.2", "0.5.6", false),
            ("^0.0.3", "0.0.3", true),
            ("^0.0.3", "0.0.4", false),
            ("^0.0", "0.0.3", true),
            ("^0.0", "0.1.4", false),
            ("^0.0", "1.0.4", false),
            ("^0", "0.2.3", true),
            ("^0", "1.1.4", false),
            ("^0.2.3-beta.2", "0.2.3-beta.4", true),
            ("^0.2.3-beta.2", "0.2.4-beta.2", true),
            ("^0.2.3-beta.2", "0.3.4-beta.2", false),
            ("^0.2.3-beta.2", "0.2.3-beta.2", true),
            ("~0.0.0", "1.2.3", true),
            ("0.x.x", "1.2.3", false),
            ("0.0.x", "1.2.3", false),
            ("0.0.0", "1.2.3", false),
            ("^0.0.0", "1.2.3", false),
            ("= 2.0", "2.0.0", true),
            ("4.1.x", "4.1.3", true),
            ("1.x", "1.4", true),
            ("!=4.1-alpha", "4.1.0-alpha", false),
            ("!=4.1-alpha", "4.1.1-alpha", false),
            ("!=4.x", "5.1.0", true),
            ("!=4.x", "4.1.0", false),
            ("!=4.1.x", "4.2.0", true),
            ("!=4.2.x", "4.2.3", false),
            ("<1.x", "1.1.1", false),
            ("<1.x", "0.1.1", true),
            ("<1.x", "2.0.0", false),
            ("<1.1.x", "1.2.1", false),
            ("<1.1.x", "1.1.500", false),
            ("<1.1.x", "1.0.500", true),
            ("<1.2.x", "1.1.1", true),
            (">=1.1", "4.1.0-beta", false),
            ("<=1.1", "0.1.0-alpha", false),
            ("<=1.1-a", "0.1.0-alpha", true),
            ("<=1.x", "1.1.0", true),
            ("<=2.x", "3.0.0", false),
            ("<=1.1.x", "1.2.500", false),
            ("<=4.5", "3.4.0", true),
            ("<=4.5", "3.7.0", true),
            ("<=4.5", "4.6.3", false),
            (">1.1, <2", "1.1.1", false),
            (">1.1, <2", "1.2.1", true),
            (">1.1, <3", "4.3.2", false),
            (">=1.1, <2, !=1.2.3", "1.2.3", false),
            (">1.1    <3", "4.3.2", false),
            (">=1.1    <2    !=1.2.3", "1.2.3", false),
            (">=1.1, <2, !=1.2.3 || > 3", "4.1.2", true),
            (">=1.1, <2, !=1.2.3 || > 3", "3.1.2", false),
            (">=1.1, <2, !=1.2.3 || >= 3", "3.0.0", true),
            (">=1.1, <2, !=1.2.3 || > 3", "3.0.0", false),
            (">=1.1, <2, !=1.2.3 || > 3", "1.2.3", false),
            (">= 1.1 <2 != 1.2.3 || >= 3", "3.0.0", true),
            ("> 1.1, <     2", "1.1.1", false),
            ("1.1 - 2", "1.1.1", true),
            ("1.5.0 - 4.5", "3.7.0", true),
            ("1.1-3", "4.3.2", false),
            ("^1.1", "1.1.1", true),
            ("^1.1", "4.3.2", false),
            ("^1.x", "1.1.1", true),
            ("^2.x", "1.1.1", false),
            ("^1.x", "2.1.1", false),
            ("^1.x", "1.1.1-beta1", false),
            ("^1.1.2-alpha", "1.2.1-beta1", true),
            ("^1.2.x-alpha", "1.1.1-beta1", false),
            ("^0.0.1", "0.0.1", true),
            ("^0.0.1", "0.3.1", false),
            ("~*", "2.1.1", true),
            ("~1", "1.4", true),
            ("~1.x", "2.1.1", false),
            ("~1.x", "1.3.5", true),
            ("~1.1", "1.1.1-alpha", false),
            ("~1.1-alpha", "1.1.1-beta", true),
            ("~1.1.1-beta", "1.1.1-alpha", false),
            ("~1.1.1-beta", "1.1.1", true),
            ("~1.2.3", "1.2.2", false),
            ("~1.1", "1.2.3", false),
            ("~1.3", "2.4.5", false),
            ("^1.1.1-alpha", "1.1.1-beta", true),
            ("^1.1.1-beta", "1.1.1-alpha", false),
            ("~1.3.6-alpha", "1.3.5-beta", false),
            ("~1.3.5-alpha", "1.3.5-beta", true),
            ("1.0.0 - 2.0.0 <=2.0.0", "1.5.0", true),
            ("1.0.0 - 2.0.0, <=2.0.0", "1.5.0", true),
        ];
        for (range, version, expected) in cases {
            assert_eq!(
                c(range).matches(&v(version)),
                expected,
                "{range} vs {version}"
            );
        }
    }

    #[test]
    fn masterminds_parse_tables() {
        for (range, ors, first_group) in [
            (">= 1.1", 1, 1),
            (">40.50.60, < 50.70", 1, 2),
            ("2.0", 1, 1),
            ("v2.3.5-20161202202307-sha.e8fc5e5", 1, 1),
            (">= 1.2.3 < 2.0", 1, 2),
            (">= 1.2.3 < 2.0 || => 3.0 < 4", 2, 2),
            (">= 1.2.3, < 2.0 || => 3.0, < 4", 2, 2),
            ("3 - 4 || => 3.0, < 4", 2, 2),
            ("12.3.34 ~1.2.3", 1, 2),
            ("1.0.0 - 2.0.0, <=2.0.0", 1, 3),
        ] {
            let parsed = c(range);
            assert_eq!(parsed.groups.len(), ors, "{range}");
            assert_eq!(parsed.groups[0].len(), first_group, "{range}");
        }
        for range in [
            ">= bar",
            "BAR >= 1.2.3",
            "12.3.4.1234",
            "12.23.4.1234",
            "12.3.34~ 1.2.3",
        ] {
            constraint_err(range);
        }
        for (range, rewritten) in [
            ("2 - 3", ">= 2, <= 3 "),
            ("2 - 3, 2 - 3", ">= 2, <= 3 ,>= 2, <= 3 "),
            ("2 - 3, 4.0.0 - 5.1", ">= 2, <= 3 ,>= 4.0.0, <= 5.1 "),
            ("2 - 3 4.0.0 - 5.1", ">= 2, <= 3 >= 4.0.0, <= 5.1 "),
            ("1.0.0 - 2.0.0 <=2.0.0", ">= 1.0.0, <= 2.0.0 <=2.0.0"),
        ] {
            assert_eq!(rewrite_ranges(range), rewritten, "{range}");
        }
    }

    #[test]
    fn errors_display_their_reason() {
        let e = Version::parse("x").err();
        assert_eq!(
            e.map(|e| e.to_string()).as_deref(),
            Some("invalid semantic version")
        );
        let e = Constraints::parse("nope").err();
        assert_eq!(
            e.map(|e| e.to_string()).as_deref(),
            Some("improper constraint: nope")
        );
        assert_eq!(c("^1 || 2").original, "^1 || 2");
    }

    #[test]
    fn hostile_inputs_stay_fast() {
        let digits = "1".repeat(200_000);
        assert!(Version::parse(&digits).is_err());
        assert!(Constraints::parse(&digits).is_err());
        let dashed = "1-".repeat(100_000);
        assert!(Constraints::parse(&dashed).is_ok());
        let pipes = "|".repeat(100_001);
        assert!(Constraints::parse(&pipes).is_err());
    }
}
