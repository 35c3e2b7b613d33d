//! A unit's text (Markdown inline syntax) as HTML, every character of the
//! text escaped by askama's HTML escaper: code spans, emphasis and links to
//! web or relative addresses become elements; anything else, raw HTML
//! included, shows as text.

use askama::filters::{Escaper, Html};
use pulldown_cmark::{Event, Parser, Tag, TagEnd};

/// `text` escaped for HTML text and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // Writing to a String cannot fail.
    let _ = Html.write_escaped_str(&mut out, text);
    out
}

/// Whether a link target may be followed: a web address, or one relative
/// to the page (no scheme: `javascript:` and `data:` are not).
fn safe_link(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        return true;
    }
    match lower.find(':') {
        None => true,
        Some(colon) => lower[..colon].contains(['/', '?', '#']),
    }
}

/// The HTML of inline Markdown `text`.
pub fn to_html(text: &str) -> String {
    let mut out = String::new();
    // Whether each open link was written as an element.
    let mut links: Vec<bool> = Vec::new();
    let mut paragraphs = 0;
    for event in Parser::new(text) {
        match event {
            Event::Text(t) => out.push_str(&escape(&t)),
            Event::Code(t) => {
                out.push_str("<code>");
                out.push_str(&escape(&t));
                out.push_str("</code>");
            }
            Event::Html(t) | Event::InlineHtml(t) => out.push_str(&escape(&t)),
            Event::SoftBreak => out.push(' '),
            Event::HardBreak => out.push_str("<br>"),
            Event::Start(Tag::Emphasis) => out.push_str("<em>"),
            Event::End(TagEnd::Emphasis) => out.push_str("</em>"),
            Event::Start(Tag::Strong) => out.push_str("<strong>"),
            Event::End(TagEnd::Strong) => out.push_str("</strong>"),
            Event::Start(Tag::Link { dest_url, .. }) => {
                let safe = safe_link(&dest_url);
                if safe {
                    out.push_str(&format!("<a href=\"{}\">", escape(&dest_url)));
                }
                links.push(safe);
            }
            Event::End(TagEnd::Link) => {
                out.push_str(match links.pop() {
                    Some(true) => "</a>",
                    _ => "",
                });
            }
            Event::Start(Tag::Paragraph) => {
                if paragraphs > 0 {
                    out.push(' ');
                }
                paragraphs += 1;
            }
            // Block structure a one-line text should not have: its text
            // stays, its markup goes.
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::to_html;

    #[test]
    fn code_emphasis_and_links_become_elements_and_everything_else_text() {
        assert_eq!(
            to_html("**Payload**: `Twin` <script>alert(1)</script> & *x*"),
            "<strong>Payload</strong>: <code>Twin</code> &#60;script&#62;alert(1)&#60;/script&#62; &#38; <em>x</em>"
        );
        assert_eq!(
            to_html("[a](https://example.com/?q=\"x\") [b](javascript:alert(1)) [c](other.html#x)"),
            "<a href=\"https://example.com/?q=&#34;x&#34;\">a</a> b <a href=\"other.html#x\">c</a>"
        );
        assert_eq!(to_html("# heading"), "heading");
    }
}
