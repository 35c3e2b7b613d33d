//! Matching the blocks of one localized document with the spec's plan:
//! operations and their sections, property and alternatives tables, and
//! named responses.

use super::super::markdown::{self, Block};
use super::super::plan::{OperationPlan, ResponsePlan, SectionPlan, Unit};
use super::Unaligned;

/// A translation found for a unit.
pub(super) struct Found<'p> {
    pub(super) unit: &'p Unit,
    pub(super) text: String,
}

pub(super) struct Aligner<'p> {
    pub(super) found: Vec<Found<'p>>,
    pub(super) unaligned: Vec<Unaligned>,
}

impl<'p> Aligner<'p> {
    pub(super) fn take(&mut self, unit: &'p Unit, text: &str) {
        let text = markdown::one_line(text);
        // A place without English has nothing to translate.
        if !text.is_empty() && !unit.english.is_empty() {
            self.found.push(Found { unit, text });
        }
    }

    pub(super) fn miss(&mut self, line: usize, message: impl Into<String>) {
        self.unaligned.push(Unaligned {
            line,
            message: message.into(),
        });
    }

    /// A payload line: for an identifier schema the value after the last
    /// `:` is replaced with the canonical name.
    fn payload(&mut self, unit: &'p Unit, text: &str, identifier: Option<&str>) {
        match identifier {
            Some(name) => match text.rfind(':') {
                Some(i) => self.take(unit, &format!("{} {name}", &text[..=i])),
                None => self.take(unit, text),
            },
            None => self.take(unit, text),
        }
    }

    /// The properties line and the payload line of a part, taken out of
    /// `before` (paragraphs before the table, or all of them) and `after`
    /// (after the table): with a table, the paragraph right before it and
    /// the first after it; without, the last two paragraphs when there are
    /// `others` + 2 of them. Which line is missing cannot be told otherwise:
    /// then neither is taken (nor any other), and that is reported.
    #[allow(clippy::type_complexity)]
    fn tail<'b>(
        &mut self,
        before: &mut Vec<(&'b str, usize)>,
        after: &[(&'b str, usize)],
        table: Option<&Block>,
        others: usize,
        place: &str,
        line: usize,
    ) -> (Option<(&'b str, usize)>, Option<(&'b str, usize)>) {
        match table {
            Some(t) => {
                if after.is_empty() {
                    self.miss(
                        t.line(),
                        format!("{place}: no payload line after the properties table"),
                    );
                }
                if let Some((_, l)) = after.get(1) {
                    self.miss(
                        *l,
                        format!(
                            "{place}: {} paragraphs after the properties table where the spec has 1",
                            after.len()
                        ),
                    );
                }
                (before.pop(), after.first().copied())
            }
            None if before.len() >= others + 2 => {
                let payload = before.pop();
                (before.pop(), payload)
            }
            None => {
                self.miss(
                    before.first().map_or(line, |(_, l)| *l),
                    format!(
                        "{place}: {} paragraphs where the spec has {} (the properties or the payload line is missing)",
                        before.len(),
                        others + 2
                    ),
                );
                before.clear();
                (None, None)
            }
        }
    }

    fn section(&mut self, s: &'p SectionPlan, blocks: &[Block], place: &str, line: usize) {
        let (mut paragraphs, after, table) = paragraphs_around_table(blocks);
        // The topic line is found by its topic.
        let mut topic_label = None;
        if let Some((label, topic)) = &s.topic {
            let pos = paragraphs
                .iter()
                .position(|(t, _)| t.contains(topic.as_str()));
            match pos {
                Some(i) => {
                    let (text, _) = paragraphs.remove(i);
                    let before = text.split(topic.as_str()).next().unwrap_or_default();
                    topic_label = Some((label, before.trim_end().trim_end_matches('`').trim_end()));
                }
                None => self.miss(
                    paragraphs.first().map_or(line, |(_, l)| *l),
                    format!("{place}: no line shows the topic `{topic}`"),
                ),
            }
        }
        let others = usize::from(s.description.is_some());
        let ambiguous = table.is_none() && paragraphs.len() < others + 2;
        let (properties, payload) = self.tail(&mut paragraphs, &after, table, others, place, line);
        if let Some((text, _)) = payload {
            self.payload(&s.payload, text, s.payload_identifier.as_deref());
        }
        if let Some((label, text)) = topic_label {
            self.take(label, text);
        }
        match (&s.description, paragraphs.as_slice()) {
            (Some(unit), [(text, _)]) => self.take(unit, text),
            (None, []) => {}
            (Some(_), []) if ambiguous => {}
            (_, rest) => {
                let at = rest.first().map_or(line, |(_, l)| *l);
                self.miss(
                    at,
                    format!(
                        "{place}: {} paragraphs where the spec has {}",
                        rest.len(),
                        usize::from(s.description.is_some())
                    ),
                );
            }
        }
        self.properties(&s.properties, properties, table, place, line);
    }

    pub(super) fn operation(
        &mut self,
        op: &'p OperationPlan,
        heading: &str,
        heading_line: usize,
        blocks: &[Block],
    ) {
        self.take(&op.title, heading);
        let (intro, parts) = split_at_level(blocks, 4);
        match intro.iter().find_map(paragraph) {
            Some(text) => self.take(&op.summary, text),
            None => self.miss(
                intro.first().map_or(heading_line, Block::line),
                format!("operation `{}`: no summary", op.anchor),
            ),
        }
        // The op's H4 parts in plan order: sections, alternatives, sample.
        let mut expected: Vec<&str> = op.sections.iter().map(|s| s.anchor).collect();
        if let Some(a) = &op.alternatives {
            expected.push(a.anchor);
        }
        expected.push("pseudo-code-sample");
        let claimed = claimed(&parts);
        for (i, (anchor, text, line, body)) in parts.iter().enumerate() {
            let which = anchor
                .as_deref()
                .filter(|a| expected.contains(a))
                .or_else(|| {
                    (anchor.is_none())
                        .then(|| expected.get(i).copied())
                        .flatten()
                        .filter(|a| !claimed.contains(a))
                });
            let place = format!("operation `{}`", op.anchor);
            match which {
                Some("pseudo-code-sample") => self.take(&op.sample_heading, text),
                Some(a) if op.alternatives.as_ref().is_some_and(|x| x.anchor == a) => {
                    if let Some(alts) = &op.alternatives {
                        self.take(&alts.heading, text);
                        self.alternatives(alts, body, &place, *line);
                    }
                }
                Some(a) => {
                    if let Some(s) = op.sections.iter().find(|s| s.anchor == a) {
                        self.take(&s.heading, text);
                        self.section(s, body, &format!("{place}, {a}"), *line);
                    }
                }
                None => self.miss(
                    *line,
                    format!("{place}: section `{text}` matches nothing in the spec"),
                ),
            }
        }
    }

    pub(super) fn response(
        &mut self,
        r: &'p ResponsePlan,
        heading: &str,
        heading_line: usize,
        blocks: &[Block],
    ) {
        self.take(&r.title, heading);
        let (paragraphs, after, table) = paragraphs_around_table(blocks);
        let place = format!("response `{}`", r.anchor);
        // Labels followed by a code span holding the value, found by it;
        // the description comes before them, the properties after.
        let labels = [
            (&r.reason_code_label, r.reason_code.to_string()),
            (&r.status_label, r.status.clone()),
        ];
        let mut found = [false; 2];
        let mut label_texts = Vec::new();
        let mut description: Vec<(&str, usize)> = Vec::new();
        let mut rest: Vec<(&str, usize)> = Vec::new();
        for (text, line) in paragraphs {
            let code_of = |value: &str| format!("`{value}`");
            let label = labels.iter().enumerate().position(|(k, (_, value))| {
                !found[k] && text.trim_end().ends_with(&code_of(value))
            });
            match label {
                Some(k) => {
                    found[k] = true;
                    let (unit, value) = &labels[k];
                    let before = &text[..text.trim_end().len() - code_of(value).len()];
                    label_texts.push((k, *unit, before.trim_end()));
                }
                None if found.iter().any(|f| *f) => rest.push((text, line)),
                None => description.push((text, line)),
            }
        }
        for (k, (_, value)) in labels.iter().enumerate() {
            if !found[k] {
                self.miss(
                    description.first().map_or(heading_line, |(_, l)| *l),
                    format!("{place}: no line ends with `{value}`"),
                );
            }
        }
        // Without the labels, the description is the first paragraph.
        let labelled = found.iter().any(|f| *f);
        if !labelled {
            rest = std::mem::take(&mut description);
        }
        let others = usize::from(!labelled);
        let ambiguous = table.is_none() && rest.len() < others + 2;
        let (properties, payload) =
            self.tail(&mut rest, &after, table, others, &place, heading_line);
        if let Some((text, _)) = payload {
            self.payload(&r.payload, text, r.payload_identifier.as_deref());
        }
        label_texts.sort_by_key(|(k, _, _)| *k);
        for (_, unit, text) in label_texts {
            self.take(unit, text);
        }
        if labelled {
            if let Some((_, l)) = rest.first() {
                self.miss(
                    *l,
                    format!(
                        "{place}: {} paragraphs after the status where the spec has only the properties and payload lines",
                        rest.len()
                    ),
                );
            }
        } else {
            description = rest;
        }
        match description.as_slice() {
            [(text, _)] => self.take(&r.description, text),
            [] if ambiguous && !labelled => {}
            other => self.miss(
                other.first().map_or(heading_line, |(_, l)| *l),
                format!(
                    "{place}: {} description paragraphs where the spec has 1",
                    other.len()
                ),
            ),
        }
        self.properties(&r.properties, properties, table, &place, heading_line);
    }
}

/// The paragraphs of `blocks` (text and line) before its first table (all
/// of them without one) and after it, and the table.
#[allow(clippy::type_complexity)]
fn paragraphs_around_table(
    blocks: &[Block],
) -> (Vec<(&str, usize)>, Vec<(&str, usize)>, Option<&Block>) {
    let table_at = blocks.iter().position(|b| matches!(b, Block::Table { .. }));
    let (mut before, mut after) = (Vec::new(), Vec::new());
    for (i, block) in blocks.iter().enumerate() {
        if let Block::Paragraph { text, line } = block {
            if table_at.is_some_and(|t| i > t) {
                after.push((text.as_str(), *line));
            } else {
                before.push((text.as_str(), *line));
            }
        }
    }
    (before, after, table_at.map(|t| &blocks[t]))
}

/// Anchors that some heading among `parts` carries: an anchorless heading
/// is not matched by position with what another heading names.
pub(super) fn claimed(parts: &[Part]) -> Vec<&str> {
    parts.iter().filter_map(|(a, ..)| a.as_deref()).collect()
}

pub(super) fn paragraph(block: &Block) -> Option<&str> {
    match block {
        Block::Paragraph { text, .. } => Some(text),
        _ => None,
    }
}

type Part = (Option<String>, String, usize, Vec<Block>);

/// Splits blocks at headings of `level`: what comes before the first, and
/// each heading's anchor, text, line and blocks.
pub(super) fn split_at_level(blocks: &[Block], level: u8) -> (Vec<Block>, Vec<Part>) {
    let mut intro = Vec::new();
    let mut parts: Vec<Part> = Vec::new();
    for block in blocks {
        match block {
            Block::Heading {
                level: l,
                anchor,
                text,
                line,
            } if *l == level => {
                parts.push((anchor.clone(), text.clone(), *line, Vec::new()));
            }
            other => match parts.last_mut() {
                Some((_, _, _, body)) => body.push(other.clone()),
                None => intro.push(other.clone()),
            },
        }
    }
    (intro, parts)
}
