//! Markdown to HTML for the Doc view. Contract strings end up in the document, so it is
//! treated as untrusted: raw HTML is shown as text, links keep only http(s) targets, and images
//! become their alt text (nothing is fetched from anywhere).

use pulldown_cmark::{html, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};

pub fn to_safe_html(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES;
    let mut dropped_links = Vec::new();
    let events = Parser::new_ext(markdown, options).filter_map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Some(Event::Text(raw)),
        // The alt text between these stays.
        Event::Start(Tag::Image { .. }) | Event::End(TagEnd::Image) => None,
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let safe = is_http(&dest_url) && link_type != LinkType::Email;
            dropped_links.push(!safe);
            safe.then_some(Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }))
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
    fn tables_render() {
        let out = to_safe_html("| a | b |\n|---|---|\n| 1 | 2 |\n");
        assert!(out.contains("<table>"), "{out}");
    }
}
