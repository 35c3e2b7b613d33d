//! Injection: translations (and spec prose) holding Markdown or HTML syntax
//! (`|`, backticks, `<script>`, `# `, newlines, list / quote / fence / link
//! definition starts, …) stay inline text of the place they fill. The
//! rendered document, read back with pulldown-cmark, has exactly the block
//! structure of the English one: the same headings, paragraphs, tables with
//! the same cells, code blocks, and no HTML but the `<a name>` anchors.

use crate::common;

use std::path::Path;

use iothub_codegen::docs::{self, Catalog, Entry};
use iothub_codegen::ir::Api;
use iothub_codegen::Error;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// What a reader of the rendered document sees.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Block {
    FrontMatter(Vec<String>),
    Heading(u8, String),
    Paragraph(String),
    Table(Vec<Vec<String>>),
    Code(String),
    /// Any other block (list, quote, rule, HTML block): never expected.
    Other(String),
}

/// The document's top-level blocks with their visible text, and every piece
/// of raw HTML in it.
fn read(markdown: &str) -> (Vec<Block>, Vec<String>) {
    let mut blocks = Vec::new();
    let mut html = Vec::new();
    let mut text = String::new();
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut row: Vec<String> = Vec::new();
    let mut depth = 0usize;
    let mut other: Option<String> = None;
    let options = Options::ENABLE_TABLES | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS;
    for event in Parser::new_ext(markdown, options) {
        match &event {
            Event::Html(h) | Event::InlineHtml(h) => html.push(h.to_string()),
            _ => {}
        }
        match event {
            Event::Start(tag) => {
                if depth == 0 {
                    text.clear();
                    match &tag {
                        Tag::Heading { .. }
                        | Tag::Paragraph
                        | Tag::Table(_)
                        | Tag::CodeBlock(_)
                        | Tag::MetadataBlock(_) => {}
                        t => other = Some(format!("{t:?}")),
                    }
                }
                if matches!(tag, Tag::TableCell) {
                    text.clear();
                }
                depth += 1;
            }
            Event::End(end) => {
                depth -= 1;
                match end {
                    TagEnd::TableCell => row.push(text.trim().to_owned()),
                    TagEnd::TableHead | TagEnd::TableRow => rows.push(std::mem::take(&mut row)),
                    _ => {}
                }
                if depth == 0 {
                    let block = match end {
                        TagEnd::Heading(level) => {
                            Block::Heading(level as u8, text.trim().to_owned())
                        }
                        TagEnd::Paragraph => Block::Paragraph(text.trim().to_owned()),
                        TagEnd::Table => Block::Table(std::mem::take(&mut rows)),
                        TagEnd::CodeBlock => Block::Code(text.clone()),
                        TagEnd::MetadataBlock(_) => {
                            Block::FrontMatter(text.lines().map(str::to_owned).collect())
                        }
                        _ => Block::Other(other.take().unwrap_or_default()),
                    };
                    blocks.push(block);
                }
            }
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            Event::Html(_) | Event::InlineHtml(_) => {}
            Event::Rule => blocks.push(Block::Other("rule".to_owned())),
            _ => {}
        }
    }
    (blocks, html)
}

fn api() -> Api {
    iothub_codegen::load(common::spec_path()).expect("spec loads")
}

/// Hostile texts and what a reader must see of each (whitespace runs,
/// newlines included, become one space; code span delimiters disappear).
const HOSTILE: &[(&str, &str)] = &[
    (
        "a | b `c|d` <script>alert(1)</script>",
        "a | b c|d <script>alert(1)</script>",
    ),
    ("# Injected heading", "# Injected heading"),
    (
        "first line\n\n## Injected H2\n\n| x | y |\n| - | - |\n| 1 | 2 |",
        "first line ## Injected H2 | x | y | | - | - | | 1 | 2 |",
    ),
    ("```\nfenced", "``` fenced"),
    (
        "`unbalanced | <script>alert(1)</script>",
        "`unbalanced | <script>alert(1)</script>",
    ),
    ("<script>alert(1)</script>", "<script>alert(1)</script>"),
    ("- item\n- item", "- item - item"),
    ("> quote", "> quote"),
    ("1. first", "1. first"),
    ("2) second", "2) second"),
    ("heading with trailing #", "heading with trailing #"),
    (
        "[ref]: https://example.com/evil",
        "[ref]: https://example.com/evil",
    ),
    ("---", "---"),
    ("***", "***"),
    ("<!-- open comment", "<!-- open comment"),
    ("    indented code", "indented code"),
    ("=====", "====="),
    ("| x | y |", "| x | y |"),
    ("a\u{2028}# b\r\n> c", "a # b > c"),
    ("<a name=\"evil\"></a>anchor", "<a name=\"evil\"></a>anchor"),
    ("`` x | ` y ``", "x | ` y"),
    ("<div>\nblock html\n</div>", "<div> block html </div>"),
    ("x\n---\n# Injected", "x --- # Injected"),
    ("#", "#"),
    ("C#", "C#"),
];

/// Keys whose places cover every kind of place: headings of each level,
/// paragraphs, label lines, table header and body cells, front matter.
const KEYS: &[&str] = &[
    "front-matter.title",
    "front-matter.description",
    "document.heading",
    "document.introduction",
    "section.operations.heading",
    "operation.get-twin.title",
    "operation.get-twin.summary",
    "heading.request",
    "label.topic-name",
    "label.properties-none",
    "payload.empty",
    "table.alternatives.header.status",
    "response.bad-request.title",
    "response.bad-request.description",
    "table.properties.header.name",
    "table.properties.required.yes",
    "operation.receive-commands.message.property.sequence-no.description",
    "operation.receive-commands.alternative-acknowledgments.abandon.title",
    "label.reason-code",
    "label.properties",
];

fn hostile_catalog(api: &Api, text: &str) -> Catalog {
    let plan = docs::plan(api);
    let units = plan.units();
    let mut catalog = Catalog::new("xx-XX");
    for key in KEYS {
        let unit = units
            .iter()
            .find(|u| u.key() == *key)
            .unwrap_or_else(|| panic!("no place with key {key}"));
        catalog
            .insert(key, Entry::new(&unit.english, text))
            .expect("valid entry");
    }
    catalog
}

/// Index of the first block matching `f` in `blocks`.
fn find(blocks: &[Block], f: impl Fn(&Block) -> bool) -> usize {
    blocks.iter().position(f).expect("block present")
}

fn same_shape(english: &[Block], other: &[Block], what: &str) {
    assert_eq!(english.len(), other.len(), "{what}: number of blocks");
    for (i, (e, o)) in english.iter().zip(other).enumerate() {
        match (e, o) {
            (Block::FrontMatter(a), Block::FrontMatter(b)) => {
                assert_eq!(a.len(), b.len(), "{what}: front matter lines {b:?}");
                for (x, y) in a.iter().zip(b) {
                    let key = |l: &str| l.split(':').next().unwrap_or_default().to_owned();
                    assert_eq!(key(x), key(y), "{what}: front matter line `{y}`");
                }
            }
            (Block::Heading(a, _), Block::Heading(b, _)) => {
                assert_eq!(a, b, "{what}: block {i} heading level")
            }
            (Block::Paragraph(_), Block::Paragraph(_)) => {}
            (Block::Code(a), Block::Code(b)) => assert_eq!(a, b, "{what}: code block {i}"),
            (Block::Table(a), Block::Table(b)) => {
                assert_eq!(a.len(), b.len(), "{what}: table {i} rows");
                for (ra, rb) in a.iter().zip(b) {
                    assert_eq!(ra.len(), rb.len(), "{what}: table {i} cells of {rb:?}");
                }
            }
            _ => panic!("{what}: block {i} is {o:?}, in English {e:?}"),
        }
    }
}

fn only_anchors(html: &[String], what: &str) {
    for h in html {
        let ok = (h.starts_with("<a name=\"") && h.ends_with("\">") && !h[9..].contains('<'))
            || h == "</a>";
        assert!(ok, "{what}: raw HTML `{h}` in the document");
        assert!(!h.to_ascii_lowercase().contains("script"), "{what}: {h}");
    }
}

/// The raw Markdown has no `<script` outside code spans and fences.
fn no_raw_script(markdown: &str, what: &str) {
    let mut in_fence = false;
    // The YAML front matter is not Markdown.
    let body = markdown
        .strip_prefix("---\n")
        .and_then(|rest| rest.split_once("\n---\n"))
        .map_or(markdown, |(_, body)| body);
    for line in body.lines() {
        if line.starts_with("```") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            continue;
        }
        // Drop code spans (a run of n backticks up to the next run of n).
        let mut outside = String::new();
        let mut rest = line;
        while let Some(i) = rest.find('`') {
            outside.push_str(&rest[..i]);
            let run = rest[i..].chars().take_while(|c| *c == '`').count();
            let after = &rest[i + run..];
            let closing = "`".repeat(run);
            match after.find(&closing) {
                Some(j) if !after[j + run..].starts_with('`') => rest = &after[j + run..],
                _ => {
                    outside.push_str(&rest[i..i + run]);
                    rest = after;
                }
            }
        }
        outside.push_str(rest);
        assert!(
            !outside.to_ascii_lowercase().contains("<script"),
            "{what}: raw <script in `{line}`"
        );
    }
}

fn english_blocks(api: &Api) -> Vec<Block> {
    let (english, _) = docs::render(api, None).expect("renders");
    let (blocks, html) = read(&english);
    only_anchors(&html, "en-US");
    blocks
}

#[test]
fn hostile_translations_stay_inside_their_places() {
    let api = api();
    let english = english_blocks(&api);
    let heading = |level: u8, text: &'static str| move |b: &Block| matches!(b, Block::Heading(l, t) if *l == level && t == text);
    let paragraph =
        |text: &'static str| move |b: &Block| matches!(b, Block::Paragraph(t) if t == text);
    // Where the English has the places of KEYS.
    let h1 = find(
        &english,
        heading(1, "IoT Hub data plane MQTT 5 API reference"),
    );
    let h2 = find(&english, heading(2, "Operations"));
    let h3 = find(&english, heading(3, "Get Twin"));
    let h4 = find(&english, heading(4, "Request"));
    let h3_response = find(&english, heading(3, "Bad Request"));
    let summary = find(&english, paragraph("Get Twin state"));
    let none = find(&english, paragraph("Properties: none"));
    let payload = find(&english, paragraph("Payload: empty"));
    let topic = find(&english, paragraph("Topic name: $iothub/twin/get"));
    let reason = find(&english, paragraph("Reason Code: 131"));
    let commands_table = find(
        &english,
        |b| matches!(b, Block::Table(rows) if rows.iter().any(|r| r[0] == "sequence-no")),
    );
    let alternatives_table = find(
        &english,
        |b| matches!(b, Block::Table(rows) if rows.iter().any(|r| r.get(2).is_some_and(|c| c == "Abandon"))),
    );
    let get_twin_alternatives = find(
        &english,
        |b| matches!(b, Block::Table(rows) if rows[0] == ["Status", "Name", "Description"]),
    );

    for (hostile, visible) in HOSTILE {
        let what = format!("translation {hostile:?}");
        let catalog = hostile_catalog(&api, hostile);
        let (doc, coverage) = docs::render(&api, Some(&catalog)).expect("renders");
        assert!(coverage.translated > KEYS.len(), "{what}");
        no_raw_script(&doc, &what);
        let (blocks, html) = read(&doc);
        only_anchors(&html, &what);
        same_shape(&english, &blocks, &what);

        for i in [h1, h2, h3, h4, h3_response] {
            let Block::Heading(_, text) = &blocks[i] else {
                unreachable!()
            };
            assert_eq!(text, visible, "{what}: heading {i}");
        }
        for i in [summary, none, payload] {
            assert_eq!(blocks[i], Block::Paragraph((*visible).to_owned()), "{what}");
        }
        assert_eq!(
            blocks[topic],
            Block::Paragraph(format!("{visible} $iothub/twin/get")),
            "{what}"
        );
        assert_eq!(
            blocks[reason],
            Block::Paragraph(format!("{visible} 131")),
            "{what}"
        );
        let Block::Table(rows) = &blocks[commands_table] else {
            unreachable!()
        };
        assert_eq!(
            rows[0],
            [*visible, "Type", "Required", "Description"],
            "{what}"
        );
        assert_eq!(
            rows[1],
            ["sequence-no", "u64", *visible, *visible],
            "{what}"
        );
        assert_eq!(rows[2][..2], ["enqueued-time", "time"], "{what}");
        let Block::Table(rows) = &blocks[alternatives_table] else {
            unreachable!()
        };
        assert_eq!(rows[1][..3], ["131", "0603", *visible], "{what}");
        assert_eq!(rows[0][1], *visible, "{what}: status header");
        let Block::Table(rows) = &blocks[get_twin_alternatives] else {
            unreachable!()
        };
        assert_eq!(rows[1][..2], ["0100", *visible], "{what}: shared title");
        assert_eq!(rows[1][2], *visible, "{what}: shared description");
        assert_eq!(
            rows[2][..3],
            [
                "0101",
                "Not Authorized",
                "Client is not authorized to perform the operation."
            ]
        );
        let Block::FrontMatter(lines) = &blocks[0] else {
            panic!("{what}: no front matter");
        };
        assert!(lines[0].starts_with("title: ") && lines[1].starts_with("description: "));
    }
}

#[test]
fn hostile_front_matter_values_stay_one_yaml_line() {
    let api = api();
    let english = english_blocks(&api);
    let path = Path::new("xx-XX.po");
    for (hostile, _) in HOSTILE {
        // Locale-specific front matter values (not translations) come from
        // the catalog too: header fields, or entries in catalogs written
        // before. A catalog keeps one line of text with no spaces at either
        // end; anything else is refused at its line.
        let escaped = hostile
            .replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace('\n', "\\n")
            .replace('\r', "\\r");
        let title = format!(
            "msgctxt \"front-matter.title\"\nmsgid \"Azure IoT Hub MQTT 5 API reference (preview)\"\nmsgstr \"{escaped}\"\n"
        );
        let legacy = format!(
            "msgid \"\"\nmsgstr \"Language: xx-XX\\n\"\n\n\
             msgctxt \"front-matter.meta.ms.custom\"\nmsgid \"ms.custom\"\nmsgstr \"{escaped}\"\n\n\
             msgctxt \"front-matter.meta.author\"\nmsgid \"author\"\nmsgstr \"{escaped}\"\n\n{title}"
        );
        let header = format!(
            "msgid \"\"\nmsgstr \"\"\n\"Language: xx-XX\\n\"\n\"X-Front-Matter-ms.custom: {escaped}\\n\"\n\
             \"X-Front-Matter-author: {escaped}\\n\"\n\n{title}"
        );
        let one_line = |v: &str| {
            !v.chars()
                .any(|c| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}'))
                && v == v.trim()
        };
        // In the header, a line break ends the field: its value is the
        // first line (the rest are header lines of their own, not front
        // matter).
        let first_line = hostile.split('\n').next().unwrap_or_default();
        for (form, po, value, line) in [
            ("entry", &legacy, *hostile, 4),
            ("header field", &header, first_line, 4),
        ] {
            let what = format!("front matter {hostile:?} as {form}");
            if !one_line(value) {
                match Catalog::parse(po, path, "xx-XX") {
                    Err(Error::Catalog {
                        line: l, message, ..
                    }) => {
                        assert_eq!(l, line, "{what}: {message}");
                        assert!(
                            message.contains("one line") || message.contains("spaces"),
                            "{what}: {message}"
                        );
                    }
                    other => panic!("{what}: not refused: {other:?}"),
                }
                continue;
            }
            let catalog = Catalog::parse(po, path, "xx-XX").expect("catalog parses");
            assert_eq!(
                catalog.front_matter_value("ms.custom"),
                Some(value),
                "{what}"
            );
            let (doc, _) = docs::render(&api, Some(&catalog)).expect("renders");
            let (blocks, html) = read(&doc);
            only_anchors(&html, &what);
            // One more front matter line (ms.custom), every other block as in English.
            let Block::FrontMatter(lines) = &blocks[0] else {
                panic!("{what}: no front matter in\n{doc}");
            };
            let Block::FrontMatter(english_lines) = &english[0] else {
                unreachable!()
            };
            assert_eq!(lines.len(), english_lines.len() + 1, "{what}: {lines:?}");
            assert!(
                lines.last().is_some_and(|l| l.starts_with("ms.custom: ")),
                "{what}"
            );
            assert_eq!(english.len(), blocks.len(), "{what}: blocks\n{doc}");
            same_shape(&english[1..], &blocks[1..], &what);
        }
    }
}

/// The spec with `from` (exactly one occurrence) replaced by `to`.
fn patched_spec(replacements: &[(&str, &str)]) -> Api {
    let mut text = std::fs::read_to_string(common::spec_path()).expect("spec readable");
    for (from, to) in replacements {
        assert_eq!(text.matches(from).count(), 1, "{from}");
        text = text.replacen(from, to, 1);
    }
    iothub_codegen::parse(&text, &common::spec_path()).expect("patched spec loads")
}

/// A YAML double-quoted scalar of `s`.
fn yaml(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\u{2028}' => out.push_str("\\L"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[test]
fn hostile_spec_prose_stays_inside_its_places() {
    let english = english_blocks(&api());
    for (hostile, visible) in HOSTILE {
        let what = format!("spec text {hostile:?}");
        let y = yaml(hostile);
        let api = patched_spec(&[
            ("    title: Get Twin\n", &format!("    title: {y}\n")),
            (
                "    summary: Get Twin state\n",
                &format!("    summary: {y}\n"),
            ),
            (
                "          description: Sequence number of the message\n",
                &format!("          description: {y}\n"),
            ),
            ("        title: Abandon\n", &format!("        title: {y}\n")),
            (
                "    description: Operation is in conflict with another ongoing operation.\n",
                &format!("    description: {y}\n"),
            ),
        ]);
        let (doc, _) = docs::render(&api, None).expect("renders");
        no_raw_script(&doc, &what);
        let (blocks, html) = read(&doc);
        only_anchors(&html, &what);
        same_shape(&english, &blocks, &what);
        assert!(
            blocks.contains(&Block::Heading(3, (*visible).to_owned())),
            "{what}: operation title"
        );
        let summary = find(&blocks, |b| *b == Block::Heading(3, (*visible).to_owned())) + 1;
        assert_eq!(
            blocks[summary],
            Block::Paragraph((*visible).to_owned()),
            "{what}"
        );
        assert!(
            blocks.contains(&Block::Paragraph((*visible).to_owned())),
            "{what}: response description"
        );
        let table = blocks
            .iter()
            .find_map(|b| match b {
                Block::Table(rows) if rows.iter().any(|r| r[0] == "sequence-no") => Some(rows),
                _ => None,
            })
            .expect("commands table");
        assert_eq!(table[1], ["sequence-no", "u64", "yes", *visible], "{what}");
        let alternatives = blocks
            .iter()
            .find_map(|b| match b {
                Block::Table(rows) if rows[0].len() == 4 && rows[0][0] == "Reason Code" => {
                    Some(rows)
                }
                _ => None,
            })
            .expect("acknowledgments table");
        assert_eq!(alternatives[1][..3], ["131", "0603", *visible], "{what}");
    }
}
