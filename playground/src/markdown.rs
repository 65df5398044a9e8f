//! Markdown to HTML for the Doc view. Contract strings end up in the document, so it is
//! treated as untrusted: raw HTML is shown as text, links keep only http(s) targets or point at
//! a heading of the same document, and images become their alt text (nothing is fetched).

use std::collections::{BTreeSet, HashMap};

use pulldown_cmark::{html, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};

/// Heading ids get this prefix, so a document can never reuse an id of the page around it.
pub const ID_PREFIX: &str = "doc-";

pub fn to_safe_html(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES;
    let mut events: Vec<Event<'_>> = Parser::new_ext(markdown, options).collect();
    let ids = name_headings(&mut events);
    let mut dropped_links = Vec::new();
    let events = events.into_iter().filter_map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Some(Event::Text(raw)),
        // The alt text between these stays.
        Event::Start(Tag::Image { .. }) | Event::End(TagEnd::Image) => None,
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let dest_url = if link_type == LinkType::Email {
                None
            } else if is_http(&dest_url) {
                Some(dest_url)
            } else {
                // In-document links (the table of contents) only to headings that exist.
                dest_url
                    .strip_prefix('#')
                    .filter(|anchor| ids.contains(*anchor))
                    .map(|anchor| CowStr::from(format!("#{ID_PREFIX}{anchor}")))
            };
            dropped_links.push(dest_url.is_none());
            dest_url.map(|dest_url| {
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                })
            })
        }
        Event::End(TagEnd::Link) => match dropped_links.pop() {
            Some(true) => None,
            _ => Some(Event::End(TagEnd::Link)),
        },
        other => Some(other),
    });
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, events);
    out
}

/// Gives every heading the id the document's own table of contents links to (the doc
/// generator's slug: lower case, spaces to `-`, other punctuation dropped; repeats get `-1`,
/// `-2`), prefixed with [`ID_PREFIX`]. Returns the slugs.
fn name_headings(events: &mut [Event<'_>]) -> BTreeSet<String> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut ids = BTreeSet::new();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { .. }) = &events[i] {
            let mut text = String::new();
            let mut j = i + 1;
            while j < events.len() && !matches!(events[j], Event::End(TagEnd::Heading(_))) {
                if let Event::Text(t) | Event::Code(t) = &events[j] {
                    text.push_str(t);
                }
                j += 1;
            }
            let base = slug(&text);
            let n = seen.entry(base.clone()).or_insert(0);
            let anchor = if *n == 0 {
                base.clone()
            } else {
                format!("{base}-{n}")
            };
            *n += 1;
            if let Event::Start(Tag::Heading {
                level,
                classes,
                attrs,
                ..
            }) = &events[i]
            {
                let (level, classes, attrs): (HeadingLevel, _, _) =
                    (*level, classes.clone(), attrs.clone());
                events[i] = Event::Start(Tag::Heading {
                    level: demoted(level),
                    id: Some(CowStr::from(format!("{ID_PREFIX}{anchor}"))),
                    classes,
                    attrs,
                });
            }
            if let Some(Event::End(TagEnd::Heading(level))) = events.get(j) {
                let level = demoted(*level);
                events[j] = Event::End(TagEnd::Heading(level));
            }
            ids.insert(anchor);
            i = j;
        }
        i += 1;
    }
    ids
}

/// The page has its own `<h1>`: the document's headings sit one level below it.
fn demoted(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H2,
        HeadingLevel::H2 => HeadingLevel::H3,
        HeadingLevel::H3 => HeadingLevel::H4,
        HeadingLevel::H4 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

fn slug(heading: &str) -> String {
    heading
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

fn is_http(url: &CowStr<'_>) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_html_is_text() {
        let out =
            to_safe_html("# T\n\n<script>alert(1)</script>\n\nhi <img src=x onerror=alert(1)>\n");
        assert!(!out.contains("<script"), "{out}");
        assert!(!out.contains("<img"), "{out}");
        assert!(out.contains("&lt;script&gt;"), "{out}");
    }

    #[test]
    fn only_http_links_survive() {
        let out = to_safe_html("[a](https://x.test/) [b](javascript:alert(1)) [c](data:text/html,x) <mailto:a@b.c>\n\n![i](https://x.test/i.png)");
        assert!(out.contains(r#"<a href="https://x.test/">a</a>"#), "{out}");
        let hrefs: Vec<&str> = out.split("href=\"").skip(1).collect();
        assert_eq!(hrefs.len(), 1, "{out}");
        assert!(hrefs[0].starts_with("https://x.test/"), "{out}");
        assert!(!out.contains("<img"), "{out}");
        assert!(out.contains('b') && out.contains('i'), "{out}");
    }

    #[test]
    fn table_of_contents_links_reach_their_headings() {
        let out = to_safe_html("- [1. Architecture](#1-architecture)\n- [gone](#nowhere)\n\n## 1. Architecture\n\n## 1. Architecture\n");
        assert!(
            out.contains(r##"<a href="#doc-1-architecture">1. Architecture</a>"##),
            "{out}"
        );
        // One level below the page's own h1.
        assert!(out.contains(r#"<h3 id="doc-1-architecture">"#), "{out}");
        assert!(out.contains(r#"<h3 id="doc-1-architecture-1">"#), "{out}");
        assert!(out.contains("</h3>"), "{out}");
        assert!(!out.contains("#nowhere"), "{out}");
    }

    #[test]
    fn tables_render() {
        let out = to_safe_html("| a | b |\n|---|---|\n| 1 | 2 |\n");
        assert!(out.contains("<table>"), "{out}");
    }
}
