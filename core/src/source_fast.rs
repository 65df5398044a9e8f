//! A fast path for the YAML that contracts and OpenAPI documents are written in.
//!
//! saphyr-parser scans character by character through a token queue; most of the time of a
//! validation went there. This module reads the common subset of YAML in one pass over the
//! bytes and builds exactly the tree [`crate::source::parse_document`] builds from saphyr's
//! events: same values, same styles, same spans (character offsets, following saphyr's
//! conventions, e.g. a quoted scalar's span runs over the blanks and comment that follow it).
//!
//! It answers `None` as soon as the text leaves the subset, and the caller falls back to saphyr.
//! The subset:
//! - block mappings and block sequences (also `- key: value` entries and sequences at the
//!   indentation of their parent key), indented with spaces;
//! - plain scalars on one line, single- and double-quoted scalars on one line;
//! - flow mappings and sequences on one line inside block context (`{a: 1}`, `[a, b]`), and a
//!   root flow collection over several lines (JSON);
//! - comments, blank lines, a leading `---`, and a `---` or `...` ending the first document.
//!
//! Everything else bails out: tabs (outside comments), carriage returns, NUL, byte order marks,
//! anchors, aliases, tags, block scalars, multi-line scalars, a scalar value on the line after
//! its key, `- - x`, root scalars, `---` with nothing after it, complex keys, directives, plain
//! scalars starting with `?` or `:`, empty values and trailing commas in flow collections,
//! implicit mappings in flow sequences, merge keys and duplicate keys (the builder reports
//! those), keys close to saphyr's simple-key length limit, and deep nesting.

use std::cell::Cell;
use std::collections::HashSet;

use crate::source::{Document, Node, NodeKind, Scalar, Span};

/// Collections nested deeper than this go to saphyr (which reports its own limit at 256).
const MAX_DEPTH: usize = 64;
/// saphyr forgets a possible simple key 1024 characters after its start; stay clear of it.
const MAX_KEY_BYTES: usize = 1000;
/// From this many keys on, a mapping indexes its key hashes to find duplicates.
const INDEX_FROM: usize = 16;
/// Equal key hashes checked against the keys themselves before giving up (crafted collisions
/// must not make the duplicate check quadratic).
const MAX_COLLISIONS: usize = 64;

/// The first document of `text`, when it is certainly what the saphyr-based builder would
/// produce (and the builder would report no issue); `None` otherwise.
pub fn parse(text: &str) -> Option<Document> {
    let ascii = prefilter(text.as_bytes())?;
    let (entries, items) = SCRATCH.with(Cell::take);
    let mut p = Fast::new(text, ascii, Nodes, entries, items);
    let root = p.document();
    let (mut entries, mut items) = (p.entries, p.items);
    if entries.capacity() <= SCRATCH_KEEP && items.capacity() <= SCRATCH_KEEP {
        entries.clear();
        items.clear();
        SCRATCH.with(|s| s.set((entries, items)));
    }
    Some(Document {
        root: root?,
        issues: Vec::new(),
    })
}

/// The first document of `text` built by `builder` (see [`Build`]), when the fast path reads it
/// (`None` otherwise, where [`parse`] answers `None`): the root (`None` for an empty document)
/// and the builder, which holds what was built.
pub(crate) fn parse_into<B: Build>(text: &str, builder: B) -> Option<(Option<B::Node>, B)> {
    let ascii = prefilter(text.as_bytes())?;
    let mut p = Fast::new(text, ascii, builder, Vec::new(), Vec::new());
    let root = p.document()?;
    Some((root, p.b))
}

/// `Some(whether the text is ASCII)`, or `None` when it holds a NUL.
fn prefilter(s: &[u8]) -> Option<bool> {
    // NUL ends saphyr's input early (it is its end-of-input marker); with none in the text, 0
    // serves as this parser's end-of-input sentinel. One branch-free pass finds both that and
    // whether character offsets equal byte offsets.
    let (mut any, mut nul) = (0u64, 0u64);
    let mut words = s.chunks_exact(8);
    for w in &mut words {
        let w = u64::from_le_bytes(w.try_into().ok()?);
        any |= w;
        nul |= w.wrapping_sub(ONES) & !w;
    }
    for &b in words.remainder() {
        any |= u64::from(b);
        nul |= u64::from(b == 0) << 7;
    }
    if nul & HIGH != 0 {
        return None;
    }
    Some(any & HIGH == 0)
}

/// What the parser builds from what it reads: [`Nodes`] builds the [`Node`] tree of
/// [`crate::source`]; another builder may keep the same content more compactly. Spans are
/// character offsets, as in [`Node`].
pub(crate) trait Build {
    type Node;
    /// A scalar whose value is `value`, the slice of the text at byte offset `at`.
    fn scalar(&mut self, value: &str, at: usize, quoted: bool, span: Span) -> Self::Node;
    /// A scalar whose value is not a slice of the text (escapes, doubled quotes).
    fn scalar_owned(&mut self, value: String, quoted: bool, span: Span) -> Self::Node;
    /// A sequence of `items[base..]`, which it takes out of `items`.
    fn seq(&mut self, items: &mut Vec<Self::Node>, base: usize, span: Span) -> Self::Node;
    /// A mapping of `entries[base..]`, which it takes out of `entries`.
    fn map(
        &mut self,
        entries: &mut Vec<(Self::Node, Self::Node)>,
        base: usize,
        span: Span,
    ) -> Self::Node;
    fn span(&self, node: &Self::Node) -> Span;
    /// The value of a scalar node; `None` for a collection.
    fn key<'s>(&'s self, node: &'s Self::Node) -> Option<&'s str>;
    /// Whether `node` is a scalar whose value is `key`.
    #[inline]
    fn key_is(&self, node: &Self::Node, key: &str) -> bool {
        self.key(node) == Some(key)
    }
}

/// Builds [`Node`]s.
pub(crate) struct Nodes;

impl Build for Nodes {
    type Node = Node;

    #[inline]
    fn scalar(&mut self, value: &str, _at: usize, quoted: bool, span: Span) -> Node {
        self.scalar_owned(value.to_owned(), quoted, span)
    }

    #[inline]
    fn scalar_owned(&mut self, value: String, quoted: bool, span: Span) -> Node {
        Node {
            kind: NodeKind::Scalar(Scalar {
                value,
                indicated_string: quoted,
                tag: None,
            }),
            span,
        }
    }

    fn seq(&mut self, items: &mut Vec<Node>, base: usize, span: Span) -> Node {
        Node {
            kind: NodeKind::Seq(items.split_off(base)),
            span,
        }
    }

    fn map(&mut self, entries: &mut Vec<(Node, Node)>, base: usize, span: Span) -> Node {
        Node {
            kind: NodeKind::Map(entries.split_off(base)),
            span,
        }
    }

    #[inline]
    fn span(&self, node: &Node) -> Span {
        node.span
    }

    #[inline]
    fn key<'s>(&'s self, node: &'s Node) -> Option<&'s str> {
        match &node.kind {
            NodeKind::Scalar(s) => Some(&s.value),
            _ => None,
        }
    }
}

/// Entries and items of unfinished collections (see [`Fast::entries`]), kept between calls so
/// that parsing a document allocates only what the tree keeps.
type Scratch = (Vec<(Node, Node)>, Vec<Node>);

thread_local! {
    static SCRATCH: Cell<Scratch> = const { Cell::new((Vec::new(), Vec::new())) };
}

/// Scratch capacity worth keeping for the next call.
const SCRATCH_KEEP: usize = 1024;

#[derive(Clone, Copy, PartialEq, Eq)]
enum LineKind {
    /// A line with content; `pos` is at its first non-space byte.
    Content,
    /// `---` or `...` at column 0; `pos` is at its first byte.
    Marker,
    Eof,
}

#[derive(Clone, Copy)]
struct Line {
    kind: LineKind,
    col: usize,
}

struct Fast<'a, B: Build> {
    /// What the parser builds.
    b: B,
    text: &'a str,
    s: &'a [u8],
    pos: usize,
    /// The line `pos` is on, once the previous line has been consumed.
    line: Line,
    ascii: bool,
    /// A byte offset and its character offset, moved along for non-ASCII texts.
    cur_byte: usize,
    cur_char: usize,
    depth: usize,
    collisions: usize,
    /// Entries and items of the collections being read, innermost last: each collection is
    /// moved out into a vector of exactly its size when it ends.
    entries: Vec<(B::Node, B::Node)>,
    items: Vec<B::Node>,
}

/// Bytes that end a run of plain-scalar characters, or need a closer look (`:`, tabs, CR, a
/// possible byte order mark, and the end-of-input sentinel).
const fn stop_table(flow: bool) -> [bool; 256] {
    let mut t = [false; 256];
    let mut stops: &[u8] = b" \n:\t\r\0\xEF";
    while let [c, rest @ ..] = stops {
        t[*c as usize] = true;
        stops = rest;
    }
    if flow {
        let mut stops: &[u8] = b",[]{}";
        while let [c, rest @ ..] = stops {
            t[*c as usize] = true;
            stops = rest;
        }
    }
    t
}

static BLOCK_STOP: [bool; 256] = stop_table(false);
/// Bytes that end a comment or need a closer look.
static COMMENT_STOP: [bool; 256] = {
    let mut t = [false; 256];
    t[b'\n' as usize] = true;
    t[b'\r' as usize] = true;
    t[0xEF] = true;
    t
};
static FLOW_STOP: [bool; 256] = stop_table(true);
/// Bytes that may end a quoted scalar or need a closer look: quotes, backslashes, control
/// characters and a possible byte order mark.
static QUOTED_STOP: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 0x20 {
        t[c] = true;
        c += 1;
    }
    t[b'"' as usize] = true;
    t[b'\'' as usize] = true;
    t[b'\\' as usize] = true;
    t[0xEF] = true;
    t
};

/// Eight bytes at a time: `ONES` in each byte, and each byte's high bit.
const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// Whether any of the eight bytes of `w` is a line break, a carriage return, or not ASCII: the
/// bytes that may end a comment.
#[inline]
fn may_stop_comment(w: u64) -> bool {
    let nl = w ^ (ONES * u64::from(b'\n'));
    let cr = w ^ (ONES * u64::from(b'\r'));
    ((nl.wrapping_sub(ONES) & !nl) | (cr.wrapping_sub(ONES) & !cr) | w) & HIGH != 0
}

/// Whether any of the eight bytes of `w` is below `!` (blanks, breaks, controls), a `:`, or
/// not ASCII: the bytes that may end a plain scalar in block context.
#[inline]
fn may_stop_block_plain(w: u64) -> bool {
    let below = w.wrapping_sub(ONES * 0x21) & !w;
    let x = w ^ (ONES * u64::from(b':'));
    let colon = x.wrapping_sub(ONES) & !x;
    (below | colon | w) & HIGH != 0
}

/// Whether any of the eight bytes of `w` may end a quoted scalar or need a closer look (see
/// [`QUOTED_STOP`]; any non-ASCII byte counts, for the byte order mark).
#[inline]
fn may_stop_quoted(w: u64) -> bool {
    let below = w.wrapping_sub(ONES * 0x20) & !w;
    let has = |c: u8| {
        let x = w ^ (ONES * u64::from(c));
        x.wrapping_sub(ONES) & !x
    };
    (below | has(b'"') | has(b'\'') | has(b'\\') | w) & HIGH != 0
}

#[inline]
fn is_flow(c: u8) -> bool {
    matches!(c, b',' | b'[' | b']' | b'{' | b'}')
}

/// What saphyr's `is_blank_or_breakz` says after a `:` (tabs, CR and NUL never get here
/// without making the parser bail first).
#[inline]
fn is_space_or_eol(c: u8) -> bool {
    matches!(c, b' ' | b'\n' | 0)
}

impl<'a, B: Build> Fast<'a, B> {
    fn new(
        text: &'a str,
        ascii: bool,
        b: B,
        entries: Vec<(B::Node, B::Node)>,
        items: Vec<B::Node>,
    ) -> Self {
        Fast {
            b,
            text,
            s: text.as_bytes(),
            pos: 0,
            line: Line {
                kind: LineKind::Eof,
                col: 0,
            },
            ascii,
            cur_byte: 0,
            cur_char: 0,
            depth: 0,
            collisions: 0,
            entries,
            items,
        }
    }

    #[inline]
    fn at(&self, i: usize) -> u8 {
        self.s.get(i).copied().unwrap_or(0)
    }

    #[inline]
    fn cur(&self) -> u8 {
        self.at(self.pos)
    }

    /// The first byte at or after `i` that is not a space (indentation runs are long).
    #[inline]
    fn skip_spaces(&self, mut i: usize) -> usize {
        let s = self.s;
        if s.get(i) != Some(&b' ') {
            return i;
        }
        while let Some(chunk) = s.get(i..i + 8) {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            let x = u64::from_le_bytes(word) ^ (ONES * u64::from(b' '));
            if x != 0 {
                // The lowest byte of `x` that is not zero: the first byte that is not a space.
                return i + (x.trailing_zeros() / 8) as usize;
            }
            i += 8;
        }
        while s.get(i) == Some(&b' ') {
            i += 1;
        }
        i
    }

    fn is_bom(&self, i: usize) -> bool {
        self.s.get(i..i + 3) == Some(&[0xEF, 0xBB, 0xBF][..])
    }

    /// Character offset of byte offset `b` (a char boundary).
    #[inline]
    fn ci(&mut self, b: usize) -> usize {
        if self.ascii {
            b
        } else {
            self.ci_counted(b)
        }
    }

    fn ci_counted(&mut self, b: usize) -> usize {
        let count = |bytes: &[u8]| bytes.iter().filter(|&&x| (x & 0xC0) != 0x80).count();
        if b >= self.cur_byte {
            self.cur_char += count(&self.s[self.cur_byte..b]);
        } else {
            self.cur_char -= count(&self.s[b..self.cur_byte]);
        }
        self.cur_byte = b;
        self.cur_char
    }

    #[inline]
    fn span(&mut self, start: usize, end: usize) -> Span {
        Span {
            start: self.ci(start),
            end: self.ci(end),
        }
    }

    fn enter(&mut self) -> Option<()> {
        self.depth += 1;
        (self.depth <= MAX_DEPTH).then_some(())
    }

    fn null_at(&mut self, b: usize) -> B::Node {
        let at = self.ci(b);
        self.b.scalar("", b, false, Span { start: at, end: at })
    }

    /// Skips a comment from `pos` (at `#`) to the end of its line, leaving `pos` on the break.
    fn skip_comment(&mut self) -> Option<()> {
        let s = self.s;
        let mut i = self.pos;
        loop {
            while let Some(chunk) = s.get(i..i + 8) {
                if may_stop_comment(u64::from_le_bytes(chunk.try_into().ok()?)) {
                    break;
                }
                i += 8;
            }
            while i < s.len() && !COMMENT_STOP[usize::from(s[i])] {
                i += 1;
            }
            match self.at(i) {
                b'\r' => return None,
                0xEF if self.is_bom(i) => return None,
                0xEF => i += 1,
                _ => break,
            }
        }
        self.pos = i;
        Some(())
    }

    /// saphyr's `skip_ws_to_eol` after a token: spaces, then a comment if blanks preceded it.
    fn ws_to_eol(&mut self) -> Option<()> {
        if !matches!(self.cur(), b' ' | b'#') {
            return Some(());
        }
        let start = self.pos;
        self.pos = self.skip_spaces(self.pos);
        if self.cur() == b'#' {
            if self.pos == start {
                return None;
            }
            self.skip_comment()?;
        }
        Some(())
    }

    /// After a line's content: blanks, maybe a comment, then the line break (consumed) or the
    /// end of the input.
    fn end_line(&mut self) -> Option<()> {
        self.pos = self.skip_spaces(self.pos);
        if self.cur() == b'#' {
            if self.pos == 0 || self.s[self.pos - 1] != b' ' {
                return None;
            }
            self.skip_comment()?;
        }
        match self.cur() {
            b'\n' => {
                self.pos += 1;
                Some(())
            }
            0 => Some(()),
            _ => None,
        }
    }

    /// Moves to the next line with content, over blank and comment-only lines.
    fn next_line(&mut self) -> Option<Line> {
        loop {
            let start = self.pos;
            let i = self.skip_spaces(start);
            self.pos = i;
            let col = i - start;
            let line = match self.at(i) {
                0 => Line {
                    kind: LineKind::Eof,
                    col,
                },
                b'\n' => {
                    self.pos += 1;
                    continue;
                }
                b'#' => {
                    self.skip_comment()?;
                    if self.cur() == b'\n' {
                        self.pos += 1;
                    }
                    continue;
                }
                b'\t' | b'\r' => return None,
                b'-' | b'.' if col == 0 && self.is_marker(i) => Line {
                    kind: LineKind::Marker,
                    col,
                },
                _ => Line {
                    kind: LineKind::Content,
                    col,
                },
            };
            self.line = line;
            return Some(line);
        }
    }

    fn is_marker(&self, i: usize) -> bool {
        let three = self.s.get(i..i + 3);
        (three == Some(b"---") || three == Some(b"...")) && is_space_or_eol(self.at(i + 3))
    }

    /// `-` followed by a blank or the end of the line: a block sequence entry.
    fn is_entry(&self, i: usize) -> bool {
        self.at(i) == b'-' && is_space_or_eol(self.at(i + 1))
    }

    fn document(&mut self) -> Option<Option<B::Node>> {
        let mut line = self.next_line()?;
        if line.kind == LineKind::Marker {
            if self.cur() != b'-' {
                return None;
            }
            self.pos += 3;
            self.end_line()?;
            line = self.next_line()?;
            // An explicit document without content is a null scalar: rare, left to saphyr.
            if line.kind != LineKind::Content {
                return None;
            }
        }
        if line.kind == LineKind::Eof {
            return Some(None);
        }
        let col = line.col;
        let root = match self.cur() {
            b'[' | b'{' => {
                let node = self.flow_collection(true)?;
                self.end_line()?;
                self.next_line()?;
                node
            }
            _ if self.is_entry(self.pos) => self.block_seq(col, false)?,
            _ => self.block_map(col, None)?,
        };
        match self.line.kind {
            LineKind::Eof => {}
            LineKind::Marker => {
                if self.cur() == b'.' {
                    // saphyr checks the rest of a `...` line before it ends the document.
                    self.pos += 3;
                    self.end_line()?;
                }
            }
            LineKind::Content => return None,
        }
        Some(Some(root))
    }

    /// Whether `key` may join the entries from `base` on: neither a merge key nor a duplicate
    /// (both left to the builder). Mappings beyond a few keys index their key hashes in
    /// `index`; a hash seen before is checked for real, a bounded number of times.
    fn new_key(&mut self, base: usize, key: &B::Node, index: &mut Option<HashSet<u64>>) -> bool {
        let b = &self.b;
        let Some(k) = b.key(key) else {
            return false;
        };
        if k == "<<" {
            return false;
        }
        let entries = &self.entries[base..];
        let taken = |entries: &[(B::Node, B::Node)]| entries.iter().any(|(e, _)| b.key_is(e, k));
        if entries.len() < INDEX_FROM {
            return !taken(entries);
        }
        let set = index.get_or_insert_with(|| {
            entries
                .iter()
                .map(|(e, _)| b.key(e).map_or(0, key_hash))
                .collect()
        });
        if set.insert(key_hash(k)) {
            return true;
        }
        self.collisions += 1;
        self.collisions <= MAX_COLLISIONS && !taken(entries)
    }

    /// A block mapping in column `col` whose first key is at `pos`, or was already read
    /// (`first`, with `pos` on its `:`).
    fn block_map(&mut self, col: usize, first: Option<B::Node>) -> Option<B::Node> {
        self.enter()?;
        let base = self.entries.len();
        let mut index = None;
        let mut first = first;
        let start = match &first {
            Some(key) => self.b.span(key).start,
            None => self.ci(self.pos),
        };
        loop {
            let key = match first.take() {
                Some(key) => key,
                None => {
                    let key_start = self.pos;
                    let key = self.block_node()?;
                    if self.cur() != b':' || self.pos - key_start > MAX_KEY_BYTES {
                        return None;
                    }
                    key
                }
            };
            if !self.new_key(base, &key, &mut index) {
                return None;
            }
            let colon = self.pos;
            self.pos = self.skip_spaces(self.pos + 1);
            let value = match self.cur() {
                0 | b'\n' | b'#' => {
                    self.end_line()?;
                    let line = self.next_line()?;
                    if line.kind == LineKind::Content && line.col > col {
                        if self.is_entry(self.pos) {
                            self.block_seq(line.col, false)?
                        } else {
                            self.block_map(line.col, None)?
                        }
                    } else if line.kind == LineKind::Content
                        && line.col == col
                        && self.is_entry(self.pos)
                    {
                        self.block_seq(col, true)?
                    } else {
                        self.null_at(colon)
                    }
                }
                b'|' | b'>' => self.block_scalar(col)?,
                _ => {
                    let value = self.block_value()?;
                    self.end_line()?;
                    self.next_line()?;
                    value
                }
            };
            self.entries.push((key, value));
            match self.line {
                Line {
                    kind: LineKind::Content,
                    col: c,
                } if c == col => {
                    if self.is_entry(self.pos) {
                        return None;
                    }
                }
                Line {
                    kind: LineKind::Content,
                    col: c,
                } if c > col => return None,
                _ => break,
            }
        }
        self.depth -= 1;
        let end = self.entries[base..]
            .last()
            .map_or(start, |(_, v)| self.b.span(v).end);
        Some(self.b.map(&mut self.entries, base, Span { start, end }))
    }

    /// A block sequence whose first `-` is at `pos`, in column `col`. An indentless sequence
    /// (at its parent key's column) starts where its first entry's content starts.
    fn block_seq(&mut self, col: usize, indentless: bool) -> Option<B::Node> {
        self.enter()?;
        let base = self.items.len();
        let mut start = None;
        loop {
            let dash = self.pos;
            self.pos += 1;
            // saphyr's BlockEntry token sits after the blanks (and comment) following the `-`.
            self.ws_to_eol()?;
            let entry = self.pos;
            if start.is_none() {
                start = Some(self.ci(if indentless { entry } else { dash }));
            }
            let item = match self.cur() {
                0 | b'\n' => {
                    self.end_line()?;
                    let line = self.next_line()?;
                    if line.kind == LineKind::Content && line.col > col {
                        return None;
                    }
                    self.null_at(entry)
                }
                _ if self.is_entry(self.pos) => return None,
                b'|' | b'>' => self.block_scalar(col)?,
                _ => {
                    let item_col = col + (entry - dash);
                    let node = self.block_node()?;
                    if self.cur() == b':' {
                        if self.pos - entry > MAX_KEY_BYTES {
                            return None;
                        }
                        self.block_map(item_col, Some(node))?
                    } else {
                        self.end_line()?;
                        self.next_line()?;
                        node
                    }
                }
            };
            self.items.push(item);
            match self.line {
                Line {
                    kind: LineKind::Content,
                    col: c,
                } if c == col => {
                    if !self.is_entry(self.pos) {
                        if indentless {
                            break;
                        }
                        return None;
                    }
                }
                Line {
                    kind: LineKind::Content,
                    col: c,
                } if c > col => return None,
                _ => break,
            }
        }
        self.depth -= 1;
        let start = start.unwrap_or(0);
        let end = self.items[base..]
            .last()
            .map_or(start, |n| self.b.span(n).end);
        Some(self.b.seq(&mut self.items, base, Span { start, end }))
    }

    /// A literal (`|`) or folded (`>`) block scalar at `pos`: the value of an entry of the block
    /// collection in column `parent`. Reads through its last line and moves to the next line
    /// with content, as saphyr's `scan_block_scalar` reads it: the first content line sets the
    /// indentation (at least `parent + 1`), lines indented less end the scalar, empty lines
    /// count as breaks, and the span runs from the first content character to the first
    /// character of the line that ends the scalar. Indentation indicators, tabs, a leading empty
    /// line deeper than the first content line, an empty scalar, and a last line that ends the
    /// text without a break are left to saphyr.
    fn block_scalar(&mut self, parent: usize) -> Option<B::Node> {
        let literal = self.cur() == b'|';
        self.pos += 1;
        let chomp = self.cur();
        if matches!(chomp, b'-' | b'+') {
            self.pos += 1;
        }
        self.ws_to_eol()?;
        if self.cur() != b'\n' {
            return None;
        }
        self.pos += 1;
        // Leading empty lines, then the first content line, whose indentation is the scalar's.
        let mut breaks = 0;
        let mut deepest = 0;
        let indent = loop {
            let line = self.pos;
            let i = self.skip_spaces(line);
            deepest = deepest.max(i - line);
            match self.at(i) {
                b'\n' => {
                    breaks += 1;
                    self.pos = i + 1;
                }
                0 | b'\t' | b'\r' => return None,
                _ => {
                    if i - line < deepest.max(parent + 1) {
                        return None;
                    }
                    self.pos = i;
                    break i - line;
                }
            }
        };
        let start = self.pos;
        let mut value = String::new();
        let mut first = true;
        let mut after_blank = false;
        // The first character of the line that ends the scalar, and where that line starts.
        let (end, next) = loop {
            // `pos` is in column `indent` of a content line (on a space if it is deeper).
            let blank = self.cur() == b' ';
            if first {
                value.extend(std::iter::repeat_n('\n', breaks));
            } else if !literal && !after_blank && !blank {
                // Folded: a break between two lines of text is a space; empty lines stay.
                if breaks == 0 {
                    value.push(' ');
                }
                value.extend(std::iter::repeat_n('\n', breaks));
            } else {
                value.extend(std::iter::repeat_n('\n', breaks + 1));
            }
            first = false;
            after_blank = blank;
            breaks = 0;
            let from = self.pos;
            let eol = self.block_line_end(from)?;
            value.push_str(self.text.get(from..eol)?);
            self.pos = eol + 1;
            // Empty lines (no deeper than the scalar), then the next line: more content, or
            // the end of the scalar.
            let ended = loop {
                let line = self.pos;
                let i = self.skip_spaces(line);
                match self.at(i) {
                    b'\n' if i - line <= indent => {
                        breaks += 1;
                        self.pos = i + 1;
                    }
                    0 if i == line => break Some((i, line)),
                    0 | b'\t' | b'\r' => return None,
                    _ if i - line >= indent => {
                        self.pos = line + indent;
                        break None;
                    }
                    _ => break Some((i, line)),
                }
            };
            if let Some(at) = ended {
                break at;
            }
        };
        match chomp {
            b'-' => {}
            b'+' => value.extend(std::iter::repeat_n('\n', breaks + 1)),
            _ => value.push('\n'),
        }
        let span = self.span(start, end);
        let node = self.b.scalar_owned(value, true, span);
        self.pos = next;
        self.next_line()?;
        Some(node)
    }

    /// The line break ending a block scalar's content line that starts at `from`; `None` at
    /// the end of the text, or for a tab, a carriage return or a byte order mark on the way.
    fn block_line_end(&self, from: usize) -> Option<usize> {
        let s = self.s;
        let mut i = from;
        loop {
            while let Some(chunk) = s.get(i..i + 8) {
                let w = u64::from_le_bytes(chunk.try_into().ok()?);
                let tab = w ^ (ONES * u64::from(b'\t'));
                if may_stop_comment(w) || (tab.wrapping_sub(ONES) & !tab & HIGH) != 0 {
                    break;
                }
                i += 8;
            }
            match s.get(i) {
                None | Some(b'\t' | b'\r' | 0) => return None,
                Some(b'\n') => return Some(i),
                Some(0xEF) if self.is_bom(i) => return None,
                Some(_) => i += 1,
            }
        }
    }

    /// A node on a block line (after `key: ` or `- `) that is not a key, up to the end of its
    /// token.
    fn block_value(&mut self) -> Option<B::Node> {
        let node = self.block_node()?;
        if self.cur() == b':' {
            return None;
        }
        Some(node)
    }

    /// A scalar or one-line flow collection in block context. When a key indicator (`:`
    /// followed by a blank or the end of the line) follows it, `pos` ends on that `:`, and
    /// only then is `pos` on a `:`.
    #[inline(always)]
    fn block_node(&mut self) -> Option<B::Node> {
        let node = match self.cur() {
            b'[' | b'{' => self.flow_collection(false)?,
            b'"' | b'\'' => self.quoted()?,
            c if !plain_start(c, self.at(self.pos + 1), false) => return None,
            _ => self.plain(false)?,
        };
        let i = self.skip_spaces(self.pos);
        if self.at(i) == b':' {
            if !is_space_or_eol(self.at(i + 1)) {
                return None;
            }
            self.pos = i;
        }
        Some(node)
    }

    /// A plain scalar on one line; `pos` ends after its last non-blank character.
    #[inline(always)]
    fn plain(&mut self, flow: bool) -> Option<B::Node> {
        let s = self.s;
        let start = self.pos;
        let mut i = start;
        let end;
        loop {
            // A run of non-blank characters.
            let stop = if flow { &FLOW_STOP } else { &BLOCK_STOP };
            loop {
                if !flow {
                    // Eight bytes at a time while none can stop a block plain scalar.
                    while let Some(chunk) = s.get(i..i + 8) {
                        let w = u64::from_le_bytes(chunk.try_into().ok()?);
                        if may_stop_block_plain(w) {
                            break;
                        }
                        i += 8;
                    }
                }
                while i < s.len() && !stop[usize::from(s[i])] {
                    i += 1;
                }
                match self.at(i) {
                    b':' => {
                        let n = self.at(i + 1);
                        if is_space_or_eol(n) || (flow && is_flow(n)) {
                            break;
                        }
                        i += 1;
                    }
                    b'\t' | b'\r' => return None,
                    0xEF if self.is_bom(i) => return None,
                    0xEF => i += 1,
                    _ => break,
                }
            }
            let run_end = i;
            let mut j = i;
            while self.at(j) == b' ' {
                j += 1;
            }
            if j == i {
                end = run_end;
                break;
            }
            match self.at(j) {
                0 | b'\n' | b'#' => {
                    end = run_end;
                    break;
                }
                b':' if is_space_or_eol(self.at(j + 1)) || (flow && is_flow(self.at(j + 1))) => {
                    end = run_end;
                    break;
                }
                c if flow && is_flow(c) => {
                    end = run_end;
                    break;
                }
                // saphyr rejects `-` followed by a flow indicator inside flow collections.
                b'-' if flow && is_flow(self.at(j + 1)) => return None,
                b'\t' | b'\r' => return None,
                _ => i = j,
            }
        }
        if end == start {
            return None;
        }
        self.pos = end;
        // Both ends are at ASCII bytes (or the end of the text): char boundaries.
        let value = self.text.get(start..end)?;
        let span = self.span(start, end);
        Some(self.b.scalar(value, start, false, span))
    }

    /// A single- or double-quoted scalar on one line. Its span runs to the end of the blanks
    /// and comment after the closing quote (saphyr's `skip_ws_to_eol`).
    fn quoted(&mut self) -> Option<B::Node> {
        let s = self.s;
        let start = self.pos;
        let double = s[start] == b'"';
        let mut i = start + 1;
        // Built only once an escape or a doubled quote makes the value differ from the text.
        let mut value = String::new();
        let mut escaped = false;
        let mut from = i;
        loop {
            // Eight bytes at a time while none can end the scalar or need a look, then bytes.
            while let Some(chunk) = s.get(i..i + 8) {
                if may_stop_quoted(u64::from_le_bytes(chunk.try_into().ok()?)) {
                    break;
                }
                i += 8;
            }
            while i < s.len() && !QUOTED_STOP[usize::from(s[i])] {
                i += 1;
            }
            let c = self.at(i);
            match c {
                0 | b'\n' | b'\r' | b'\t' => return None,
                0xEF if self.is_bom(i) => return None,
                b'\'' if !double => {
                    if self.at(i + 1) == b'\'' {
                        value.push_str(self.text.get(from..i)?);
                        value.push('\'');
                        escaped = true;
                        i += 2;
                        from = i;
                    } else {
                        break;
                    }
                }
                b'"' if double => break,
                b'\\' if double => {
                    value.push_str(self.text.get(from..i)?);
                    let (ch, len) = escape(&s[i + 1..])?;
                    value.push(ch);
                    escaped = true;
                    i += 1 + len;
                    from = i;
                }
                _ => i += 1,
            }
        }
        let rest = self.text.get(from..i)?;
        self.pos = i + 1;
        self.ws_to_eol()?;
        let end = self.pos;
        let span = self.span(start, end);
        Some(if escaped {
            value.push_str(rest);
            self.b.scalar_owned(value, true, span)
        } else {
            self.b.scalar(rest, from, true, span)
        })
    }

    /// Blanks between flow tokens: spaces, comments after a blank and, in a multi-line
    /// collection, line breaks.
    fn flow_ws(&mut self, multi: bool) -> Option<()> {
        // Most tokens follow each other directly (`,` after a value).
        if !matches!(self.cur(), b' ' | b'\n' | b'#' | b'\t' | b'\r') {
            return Some(());
        }
        let mut blank = self.pos > 0 && matches!(self.s[self.pos - 1], b' ' | b'\n');
        loop {
            match self.cur() {
                b' ' => {
                    self.pos = self.skip_spaces(self.pos);
                    blank = true;
                }
                b'\n' if multi => {
                    self.pos += 1;
                    blank = true;
                    // Column 0 could hold a document marker or a directive.
                    if matches!(self.cur(), b'-' | b'.' | b'%') {
                        return None;
                    }
                }
                b'#' if blank => self.skip_comment()?,
                b'\n' | b'#' | b'\t' | b'\r' => return None,
                _ => return Some(()),
            }
        }
    }

    /// A flow sequence or mapping at `pos`; on one line unless `multi`. Its span ends after
    /// the blanks and comment following the closing bracket.
    fn flow_collection(&mut self, multi: bool) -> Option<B::Node> {
        self.enter()?;
        let open = self.pos;
        let start = self.ci(open);
        let map = self.cur() == b'{';
        let close = if map { b'}' } else { b']' };
        self.pos += 1;
        self.ws_to_eol()?;
        self.flow_ws(multi)?;
        let base = if map {
            self.entries.len()
        } else {
            self.items.len()
        };
        let mut index = None;
        if self.cur() != close {
            loop {
                if map {
                    let key = self.flow_key(multi)?;
                    if !self.new_key(base, &key, &mut index) {
                        return None;
                    }
                    // `pos` is on the `:`.
                    self.pos += 1;
                    self.flow_ws(multi)?;
                    if matches!(self.cur(), b',' | b'}' | b']') {
                        return None;
                    }
                    let value = self.flow_node(multi)?;
                    self.entries.push((key, value));
                } else {
                    let item = self.flow_node(multi)?;
                    self.items.push(item);
                }
                self.flow_ws(multi)?;
                match self.cur() {
                    b',' => {
                        self.pos += 1;
                        self.ws_to_eol()?;
                        self.flow_ws(multi)?;
                        if matches!(self.cur(), b',' | b']' | b'}') {
                            return None;
                        }
                    }
                    c if c == close => break,
                    _ => return None,
                }
            }
        }
        self.pos += 1;
        self.ws_to_eol()?;
        let end = self.ci(self.pos);
        self.depth -= 1;
        let span = Span { start, end };
        Some(if map {
            self.b.map(&mut self.entries, base, span)
        } else {
            self.b.seq(&mut self.items, base, span)
        })
    }

    /// A flow mapping key and its `:`; `pos` ends on the `:`.
    fn flow_key(&mut self, multi: bool) -> Option<B::Node> {
        let c = self.cur();
        if c == b'"' || c == b'\'' {
            let key = self.quoted()?;
            // The `:` must follow on the same line (it may touch a JSON-like key).
            if self.cur() != b':' {
                return None;
            }
            return Some(key);
        }
        if !plain_start(c, self.at(self.pos + 1), true) {
            return None;
        }
        let key = self.plain(true)?;
        while self.cur() == b' ' {
            self.pos += 1;
        }
        let n = self.at(self.pos + 1);
        if self.cur() != b':' || !(n == b' ' || (multi && n == b'\n')) {
            return None;
        }
        Some(key)
    }

    /// A node inside a flow collection: a scalar or a nested collection.
    fn flow_node(&mut self, multi: bool) -> Option<B::Node> {
        match self.cur() {
            b'[' | b'{' => self.flow_collection(multi),
            b'"' | b'\'' => self.quoted(),
            c if plain_start(c, self.at(self.pos + 1), true) => {
                let node = self.plain(true)?;
                if multi {
                    // A plain scalar ending a line would continue on the next one unless an
                    // indicator or a comment comes first.
                    let mut i = self.pos;
                    while matches!(self.at(i), b' ' | b'\n') {
                        i += 1;
                    }
                    if i > self.pos
                        && self.s[self.pos..i].contains(&b'\n')
                        && !matches!(self.at(i), b',' | b']' | b'}' | b'#')
                    {
                        return None;
                    }
                }
                Some(node)
            }
            _ => None,
        }
    }
}

/// FNV-1a: cheap, and good enough to index mapping keys (collisions are checked).
fn key_hash(key: &str) -> u64 {
    key.bytes().fold(0xCBF2_9CE4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01B3)
    })
}

/// Whether `c` (followed by `n`) starts a plain scalar this parser reads the way saphyr does.
fn plain_start(c: u8, n: u8, flow: bool) -> bool {
    match c {
        b'-' => !(is_space_or_eol(n) || (flow && is_flow(n)) || n == b'\t' || n == b'\r'),
        b'?' | b':' | b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|'
        | b'>' | b'\'' | b'"' | b'%' | b'@' | b'`' | b' ' | b'\t' | b'\r' | b'\n' | 0 => false,
        _ => true,
    }
}

/// A double-quoted escape (the text after the backslash): the character and the bytes used.
fn escape(rest: &[u8]) -> Option<(char, usize)> {
    let simple = match *rest.first()? {
        b'0' => '\0',
        b'a' => '\x07',
        b'b' => '\x08',
        b't' => '\t',
        b'n' => '\n',
        b'v' => '\x0b',
        b'f' => '\x0c',
        b'r' => '\r',
        b'e' => '\x1b',
        b' ' => ' ',
        b'"' => '"',
        b'/' => '/',
        b'\\' => '\\',
        b'N' => '\u{85}',
        b'_' => '\u{a0}',
        b'L' => '\u{2028}',
        b'P' => '\u{2029}',
        b'x' | b'u' | b'U' => {
            let len = match rest[0] {
                b'x' => 2,
                b'u' => 4,
                _ => 8,
            };
            let digits = rest.get(1..1 + len)?;
            let mut code = 0u32;
            for &d in digits {
                code = (code << 4) | char::from(d).to_digit(16)?;
            }
            return Some((char::from_u32(code)?, 1 + len));
        }
        _ => return None,
    };
    Some((simple, 1))
}

#[cfg(test)]
mod tests {
    use super::parse;
    use crate::source::parse_document_slow;

    /// Whether the fast path reads `text`, having checked that it reads it exactly as saphyr.
    fn agrees(text: &str) -> bool {
        let Some(fast) = parse(text) else {
            return false;
        };
        let slow = parse_document_slow(text);
        assert_eq!(fast.root, slow.root, "{text:?}");
        assert_eq!(fast.issues, slow.issues, "{text:?}");
        true
    }

    #[test]
    fn block_scalars_read_as_saphyr_reads_them() {
        let headers = [
            "|", ">", "|-", "|+", ">-", ">+", "| # c", ">+  # c", "|2", ">-1", "|#c", "|\t",
        ];
        // Lines relative to the scalar's indentation: (extra spaces, text); `None` is an empty
        // line made of that many spaces.
        type Line = (usize, Option<&'static str>);
        let bodies: [&[Line]; 16] = [
            &[(0, Some("x"))],
            &[(0, Some("x")), (0, Some("y"))],
            &[(0, Some("x")), (0, None), (0, Some("y"))],
            &[(0, Some("x")), (2, Some("y")), (0, Some("z"))],
            &[(0, None), (0, Some("x"))],
            &[(0, Some("x")), (0, None), (0, None)],
            &[(0, Some("x")), (1, None), (0, Some("y"))],
            &[(0, Some("x")), (3, None), (0, Some("y"))],
            &[(2, None), (0, Some("x"))],
            &[
                (0, Some("a # not a comment")),
                (0, Some("b: c")),
                (0, Some("- d")),
            ],
            &[(0, Some("é ü 😀")), (1, Some("ä")), (0, Some("ö"))],
            &[
                (0, Some("x")),
                (2, Some("y")),
                (0, None),
                (2, Some("z")),
                (0, Some("w")),
            ],
            &[(0, Some("x\ty"))],
            &[(0, Some("x")), (0, Some("  "))],
            &[(0, Some("'q' \"r\" \\ {s} [t]"))],
            &[
                (0, Some("x")),
                (0, None),
                (1, Some("y")),
                (0, None),
                (0, Some("z")),
            ],
        ];
        // (document before the header, indentation of the enclosing collection, how an entry
        // after it starts).
        let contexts: [(&str, usize, &str); 6] = [
            ("k: ", 0, "next: 1"),
            ("a:\n  k: ", 2, "  next: 1"),
            ("- ", 0, "- 2"),
            ("k:\n- ", 0, "- 2"),
            ("- k: ", 2, "  next: 1"),
            ("a:\n  - b: 1\n    k: ", 4, "    next: 1"),
        ];
        let afters = [
            "",
            "{next}\n",
            "# c\n{next}\n",
            "\n\n{next}\n",
            "  \n{next}\n",
            "---\nz\n",
        ];
        let (mut total, mut fast) = (0, 0);
        for (before, parent, next) in contexts {
            for header in headers {
                for body in bodies {
                    for deeper in [1, 2, 4] {
                        for after in afters {
                            let indent = parent + deeper;
                            let mut text = format!("{before}{header}\n");
                            for (extra, line) in body {
                                text.push_str(&" ".repeat(indent + extra));
                                text.push_str(line.unwrap_or(""));
                                text.push('\n');
                            }
                            text.push_str(&after.replace("{next}", next));
                            total += 1;
                            if agrees(&text) {
                                fast += 1;
                            }
                        }
                    }
                }
            }
        }
        // Most of them are read by the fast path (not those with indicators, tabs, ...).
        assert!(fast * 2 > total, "{fast} of {total} read fast");
        // A last line without a break, an empty scalar, a deeper leading empty line.
        for text in ["k: |\n  x", "k: |\nn: 1\n", "k: |\n    \n  x\n", "k: >\n\n"] {
            agrees(text);
        }
    }
}
