//! The spec against the English reference: every operation, topic, property
//! row, alternative row, named response, payload, QoS and direction that the
//! reference's Markdown shows is in the spec with the same values, and the
//! spec has nothing the reference contradicts.

use crate::common;

use iothub_codegen::ir::{Api, Direction, Interaction, Message, Property};
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// A block of the Markdown document, with inline code and strong text kept
/// in their Markdown form.
#[derive(Debug, Clone, PartialEq)]
enum Block {
    Heading(u8, String),
    Paragraph(String),
    Table(Vec<Vec<String>>),
    Code(String),
}

fn blocks(markdown: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut row: Vec<String> = Vec::new();
    for event in Parser::new_ext(
        markdown,
        Options::ENABLE_TABLES | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS,
    ) {
        match event {
            Event::Start(
                Tag::Heading { .. } | Tag::Paragraph | Tag::CodeBlock(_) | Tag::TableCell,
            ) => text.clear(),
            Event::Start(Tag::Table(_)) => rows.clear(),
            Event::Start(Tag::Strong) | Event::End(TagEnd::Strong) => text.push_str("**"),
            Event::Text(t) => text.push_str(&t),
            Event::Code(c) => {
                text.push('`');
                text.push_str(&c);
                text.push('`');
            }
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            Event::End(TagEnd::Heading(level)) => {
                let level = match level {
                    HeadingLevel::H1 => 1,
                    HeadingLevel::H2 => 2,
                    HeadingLevel::H3 => 3,
                    _ => 4,
                };
                out.push(Block::Heading(level, text.trim().to_owned()));
            }
            Event::End(TagEnd::Paragraph) => out.push(Block::Paragraph(text.trim().to_owned())),
            Event::End(TagEnd::CodeBlock) => out.push(Block::Code(text.clone())),
            Event::End(TagEnd::TableCell) => row.push(text.trim().to_owned()),
            Event::End(TagEnd::TableHead | TagEnd::TableRow) => rows.push(std::mem::take(&mut row)),
            Event::End(TagEnd::Table) => out.push(Block::Table(std::mem::take(&mut rows))),
            _ => {}
        }
    }
    out
}

/// One `###` section of the reference (an operation or a named response),
/// split into its `####` subsections (the part before the first is "").
#[derive(Debug)]
struct Section {
    title: String,
    parts: Vec<(String, Vec<Block>)>,
}

impl Section {
    fn part(&self, heading: &str) -> Option<&[Block]> {
        self.parts
            .iter()
            .find(|(h, _)| h == heading)
            .map(|(_, b)| b.as_slice())
    }
}

/// The sections under each `##` heading.
fn sections(blocks: &[Block]) -> Vec<(String, Vec<Section>)> {
    let mut top: Vec<(String, Vec<Section>)> = Vec::new();
    for block in blocks {
        match block {
            Block::Heading(2, t) => top.push((t.clone(), Vec::new())),
            Block::Heading(3, t) => {
                if let Some((_, list)) = top.last_mut() {
                    list.push(Section {
                        title: t.clone(),
                        parts: vec![(String::new(), Vec::new())],
                    });
                }
            }
            Block::Heading(4, t) => {
                if let Some(s) = top.last_mut().and_then(|(_, l)| l.last_mut()) {
                    s.parts.push((t.clone(), Vec::new()));
                }
            }
            other => {
                if let Some(s) = top.last_mut().and_then(|(_, l)| l.last_mut()) {
                    if let Some((_, part)) = s.parts.last_mut() {
                        part.push(other.clone());
                    }
                }
            }
        }
    }
    top
}

/// The value after a `**Label**:` or `**Label:**` paragraph.
fn labelled<'a>(blocks: &'a [Block], label: &str) -> Option<&'a str> {
    blocks.iter().find_map(|b| match b {
        Block::Paragraph(p) => p
            .strip_prefix(&format!("**{label}**:"))
            .or_else(|| p.strip_prefix(&format!("**{label}:**")))
            .map(str::trim),
        _ => None,
    })
}

fn first_table(blocks: &[Block]) -> Option<&Vec<Vec<String>>> {
    blocks.iter().find_map(|b| match b {
        Block::Table(rows) => Some(rows),
        _ => None,
    })
}

/// Property rows of a part: `(name, type, yes/no, description)`; none when
/// the part says `**Properties**: none`.
fn property_rows(blocks: &[Block]) -> Vec<Vec<String>> {
    match labelled(blocks, "Properties") {
        Some("none") => Vec::new(),
        Some("") => {
            let rows = first_table(blocks).expect("properties table");
            assert_eq!(rows[0], ["Name", "Type", "Required", "Description"]);
            rows[1..].to_vec()
        }
        other => panic!("unexpected Properties paragraph {other:?}"),
    }
}

fn spec_rows(properties: &[Property]) -> Vec<Vec<String>> {
    properties
        .iter()
        .map(|p| {
            vec![
                p.name.clone(),
                p.type_name.clone(),
                if p.required { "yes" } else { "no" }.to_owned(),
                p.description.clone().unwrap_or_default(),
            ]
        })
        .collect()
}

fn payload_text(api: &Api, schema: &str) -> String {
    let s = api.schema(schema).expect("schema exists");
    s.text.clone().unwrap_or_else(|| s.name.clone())
}

fn check_message(api: &Api, what: &str, blocks: &[Block], message: &Message) {
    assert_eq!(
        property_rows(blocks),
        spec_rows(&message.properties),
        "{what}: properties"
    );
    assert_eq!(
        labelled(blocks, "Payload"),
        Some(payload_text(api, &message.payload).as_str()),
        "{what}: payload"
    );
    let description = blocks.iter().find_map(|b| match b {
        Block::Paragraph(p) if !p.starts_with("**") => Some(p.clone()),
        _ => None,
    });
    assert_eq!(description, message.description, "{what}: description");
}

/// QoS and direction of the operation's first PUBLISH on its topic in the
/// pseudo-code sample.
fn sample_publish(code: &str, topic: &str) -> (Direction, u8) {
    let lines: Vec<&str> = code.lines().map(str::trim).collect();
    for (i, line) in lines.iter().enumerate() {
        let direction = match *line {
            "-> PUBLISH" => Direction::C2s,
            "<- PUBLISH" => Direction::S2c,
            _ => continue,
        };
        let qos = lines[i + 1].strip_prefix("QoS: ").expect("QoS line");
        if lines[i + 2] == format!("Topic: {topic}") {
            return (direction, qos.parse().expect("QoS number"));
        }
    }
    panic!("no PUBLISH on {topic} in sample:\n{code}");
}

#[test]
fn spec_matches_the_english_reference() {
    let Some(sources) = common::sources_dir("spec_matches_the_english_reference") else {
        return;
    };
    let markdown =
        std::fs::read_to_string(sources.join("reference/en-US/iot-hub-mqtt-5-reference.md"))
            .expect("English reference readable");
    let api = iothub_codegen::load(common::root().join("spec/iothub-mqtt5.yaml"))
        .unwrap_or_else(|e| panic!("{e}"));
    let blocks = blocks(&markdown);
    let top = sections(&blocks);
    let d = &api.document;

    assert_eq!(
        blocks.iter().find_map(|b| match b {
            Block::Heading(1, t) => Some(t.as_str()),
            _ => None,
        }),
        Some(d.heading.as_str())
    );
    assert!(
        blocks.contains(&Block::Paragraph(d.introduction.clone())),
        "introduction"
    );
    assert!(
        markdown.contains(&format!("title: {}\n", d.title)),
        "front matter title"
    );
    assert!(
        markdown.contains(&format!("description: {}\n", d.description)),
        "front matter description"
    );
    for (key, value) in &d.metadata {
        assert!(
            markdown.contains(&format!(" {key}: {value}\n")),
            "front matter {key}"
        );
    }

    let titles: Vec<&str> = top.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(
        titles,
        [
            d.text("sections.operations").unwrap(),
            d.text("sections.responses").unwrap()
        ]
    );
    let (_, operations) = &top[0];
    let (_, responses) = &top[1];

    // Operations: same list, same order, same content.
    let names: Vec<&str> = operations.iter().map(|s| s.title.as_str()).collect();
    let spec_names: Vec<&str> = api.operations.iter().map(|o| o.title.as_str()).collect();
    assert_eq!(names, spec_names, "operations");
    let mut checked_rows = 0;
    for (section, op) in operations.iter().zip(&api.operations) {
        let what = &op.title;
        let intro = section.part("").expect("summary");
        assert_eq!(
            intro,
            [Block::Paragraph(op.summary.clone())],
            "{what}: summary"
        );
        let (first, success, alternatives) = match op.interaction {
            Interaction::RequestResponse => (
                "headings.request",
                "headings.success-response",
                "headings.alternative-responses",
            ),
            _ => (
                "headings.message",
                "headings.success-acknowledgment",
                "headings.alternative-acknowledgments",
            ),
        };
        let first = section
            .part(d.text(first).unwrap())
            .unwrap_or_else(|| panic!("{what}: first message"));
        assert_eq!(
            labelled(first, "Topic name"),
            Some(format!("`{}`", op.topic.text).as_str()),
            "{what}: topic"
        );
        check_message(&api, what, first, &op.first);
        checked_rows += op.first.properties.len();

        match (section.part(d.text(success).unwrap()), &op.success) {
            (Some(blocks), Some(message)) => {
                check_message(&api, what, blocks, message);
                checked_rows += message.properties.len();
            }
            (None, None) => {}
            (doc, spec) => panic!(
                "{what}: success section in reference {} / spec {}",
                doc.is_some(),
                spec.is_some()
            ),
        }

        let rows: Vec<Vec<String>> = match section.part(d.text(alternatives).unwrap()) {
            Some(blocks) => first_table(blocks).expect("alternatives table").clone(),
            None => Vec::new(),
        };
        let spec_rows: Vec<Vec<String>> = op
            .alternatives
            .iter()
            .map(|a| match op.interaction {
                Interaction::RequestResponse => {
                    vec![a.status.to_string(), a.title.clone(), a.description.clone()]
                }
                _ => vec![
                    a.reason_code.to_string(),
                    a.status.to_string(),
                    a.title.clone(),
                    a.description.clone(),
                ],
            })
            .collect();
        if rows.is_empty() {
            assert!(
                spec_rows.is_empty(),
                "{what}: spec has alternatives the reference lacks"
            );
        } else {
            assert_eq!(rows[1..].to_vec(), spec_rows, "{what}: alternatives");
            checked_rows += spec_rows.len();
        }

        let sample = section
            .part(d.text("headings.pseudo-code-sample").unwrap())
            .expect("sample");
        let Some(Block::Code(code)) = sample.first() else {
            panic!("{what}: sample code")
        };
        assert_eq!(
            sample_publish(code, &op.topic.text),
            (op.direction, op.qos),
            "{what}: direction and QoS"
        );
    }

    // Named responses: same list, same order, same content.
    let names: Vec<&str> = responses.iter().map(|s| s.title.as_str()).collect();
    let spec_names: Vec<&str> = api.responses.iter().map(|r| r.title.as_str()).collect();
    assert_eq!(names, spec_names, "responses");
    for (section, response) in responses.iter().zip(&api.responses) {
        let what = &response.title;
        let blocks = section.part("").expect("response body");
        assert_eq!(
            blocks[0],
            Block::Paragraph(response.description.clone()),
            "{what}: description"
        );
        assert_eq!(
            labelled(blocks, "Reason Code"),
            Some(format!("`{}`", response.reason_code).as_str()),
            "{what}"
        );
        assert_eq!(
            labelled(blocks, "Status"),
            Some(format!("`{}`", response.status).as_str()),
            "{what}"
        );
        assert_eq!(
            property_rows(blocks),
            spec_rows(&response.properties),
            "{what}: properties"
        );
        assert_eq!(
            labelled(blocks, "Payload"),
            Some(payload_text(&api, &response.payload).as_str()),
            "{what}"
        );
        checked_rows += response.properties.len();
    }

    // Every heading and label the reference uses is prose the spec carries.
    for block in &blocks {
        if let Block::Heading(4, text) = block {
            assert!(
                d.texts
                    .iter()
                    .any(|(k, v)| k.starts_with("headings.") && v == text),
                "heading {text}"
            );
        }
    }
    for label in [
        "labels.topic-name",
        "labels.properties",
        "labels.payload",
        "labels.reason-code",
        "labels.status",
    ] {
        let text = d.text(label).unwrap();
        assert!(markdown.contains(&format!("**{text}")), "label {label}");
    }
    assert!(
        checked_rows > 0 && !api.operations.is_empty() && !api.responses.is_empty(),
        "nothing was compared"
    );
    println!(
        "reference conformance: {} operations, {} responses, {checked_rows} table rows checked",
        api.operations.len(),
        api.responses.len()
    );
}
