//! Import: recover a catalog from a localized reference document by aligning
//! it with the spec's plan — by anchors where the document has them, by
//! position where it does not — and report, with line numbers, what could
//! not be aligned. Identifiers the document translated are not taken: the
//! canonical identifier stays.

use std::collections::HashMap;

use super::catalog::{Catalog, Entry};
use super::markdown::{self, Block};
use super::plan::{self, OperationPlan, Plan, PropertiesPlan, ResponsePlan, SectionPlan, Unit};
use crate::ir::Api;

/// Something in the document that could not be matched with the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unaligned {
    /// Line in the document.
    pub line: usize,
    /// What did not fit.
    pub message: String,
}

/// The result of an import.
#[derive(Debug, Clone)]
pub struct Import {
    /// The recovered catalog.
    pub catalog: Catalog,
    /// What could not be aligned.
    pub unaligned: Vec<Unaligned>,
}

/// A translation found for a unit.
struct Found<'p> {
    unit: &'p Unit,
    text: String,
}

struct Aligner<'p> {
    found: Vec<Found<'p>>,
    unaligned: Vec<Unaligned>,
}

impl<'p> Aligner<'p> {
    fn take(&mut self, unit: &'p Unit, text: &str) {
        let text = markdown::one_line(text);
        if !text.is_empty() {
            self.found.push(Found { unit, text });
        }
    }

    fn miss(&mut self, line: usize, message: impl Into<String>) {
        self.unaligned.push(Unaligned {
            line,
            message: message.into(),
        });
    }

    /// Matches a properties block (its label line and table, or "none").
    fn properties(
        &mut self,
        plan: &'p PropertiesPlan,
        label: Option<(&str, usize)>,
        table: Option<&Block>,
        place: &str,
        line: usize,
    ) {
        if let Some((text, _)) = label {
            let unit = match plan {
                PropertiesPlan::None(u) => u,
                PropertiesPlan::Table { label, .. } => label,
            };
            self.take(unit, text);
        }
        match (plan, table) {
            (
                PropertiesPlan::Table { header, rows, .. },
                Some(Block::Table {
                    rows: doc_rows,
                    line,
                }),
            ) => {
                if let Some((_, cells)) = doc_rows.first() {
                    for (unit, cell) in header.iter().zip(cells) {
                        self.take(unit, cell);
                    }
                }
                let body = doc_rows.get(1..).unwrap_or_default();
                if body.len() != rows.len() {
                    self.miss(
                        *line,
                        format!(
                            "{place}: the table has {} rows, the spec {} properties",
                            body.len(),
                            rows.len()
                        ),
                    );
                }
                // A row is the property it names, else the one at its
                // position (names may be translated), never one taken.
                let mut used = vec![false; rows.len()];
                for (i, (_, cells)) in body.iter().enumerate() {
                    let name = cells.first().map(String::as_str).unwrap_or_default();
                    let by_name = rows
                        .iter()
                        .enumerate()
                        .position(|(j, r)| !used[j] && r.name.eq_ignore_ascii_case(name));
                    let named_elsewhere = |j: usize| {
                        body.iter().any(|(_, c)| {
                            c.first()
                                .is_some_and(|n| rows[j].name.eq_ignore_ascii_case(n))
                        })
                    };
                    let by_position =
                        (i < used.len() && !used[i] && !named_elsewhere(i)).then_some(i);
                    let Some(j) = by_name.or(by_position) else {
                        continue;
                    };
                    used[j] = true;
                    let row = &rows[j];
                    if let Some(cell) = cells.get(2) {
                        self.take(&row.required, cell);
                    }
                    if let (Some(unit), Some(cell)) = (&row.description, cells.get(3)) {
                        self.take(unit, cell);
                    }
                }
            }
            (PropertiesPlan::Table { .. }, other) => {
                let at = other.map_or(label.map_or(line, |(_, l)| l), Block::line);
                self.miss(at, format!("{place}: expected a properties table"));
            }
            (PropertiesPlan::None(_), Some(t)) => self.miss(
                t.line(),
                format!("{place}: the spec has no properties here"),
            ),
            (PropertiesPlan::None(_), None) => {}
        }
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

    fn section(
        &mut self,
        api: &Api,
        s: &'p SectionPlan,
        blocks: &[Block],
        place: &str,
        line: usize,
    ) {
        let (mut paragraphs, after, table) = paragraphs_around_table(blocks);
        let identifier = identifier_schema(api, &s.payload);
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
            self.payload(&s.payload, text, identifier.as_deref());
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

    fn operation(
        &mut self,
        api: &Api,
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
                        self.section(api, s, body, &format!("{place}, {a}"), *line);
                    }
                }
                None => self.miss(
                    *line,
                    format!("{place}: section `{text}` matches nothing in the spec"),
                ),
            }
        }
    }

    fn alternatives(
        &mut self,
        plan: &'p plan::AlternativesPlan,
        blocks: &[Block],
        place: &str,
        heading_line: usize,
    ) {
        let Some(Block::Table { rows, line }) =
            blocks.iter().find(|b| matches!(b, Block::Table { .. }))
        else {
            self.miss(
                blocks.first().map_or(heading_line, Block::line),
                format!("{place}: no alternatives table"),
            );
            return;
        };
        if let Some((_, cells)) = rows.first() {
            for (unit, cell) in plan.header.iter().zip(cells) {
                self.take(unit, cell);
            }
        }
        let status_col = usize::from(plan.with_reason_code);
        let mut used = vec![false; plan.rows.len()];
        // Rows of the spec that some row of the document names by status: a
        // row matched by position must not take one of those.
        let named: Vec<bool> = plan
            .rows
            .iter()
            .map(|r| {
                rows.iter().skip(1).any(|(_, cells)| {
                    cells
                        .get(status_col)
                        .is_some_and(|s| r.status.eq_ignore_ascii_case(s))
                })
            })
            .collect();
        for (i, (row_line, cells)) in rows.iter().skip(1).enumerate() {
            let status = cells
                .get(status_col)
                .map(String::as_str)
                .unwrap_or_default();
            let by_status = plan
                .rows
                .iter()
                .enumerate()
                .position(|(j, r)| !used[j] && r.status.eq_ignore_ascii_case(status));
            let by_position = (i < used.len() && !used[i] && !named[i]).then_some(i);
            let Some(j) = by_status.or(by_position) else {
                self.miss(
                    *row_line,
                    format!("{place}: row with status `{status}` matches no alternative"),
                );
                continue;
            };
            used[j] = true;
            let row = &plan.rows[j];
            if let Some(cell) = cells.get(status_col + 1) {
                self.take(&row.title, cell);
            }
            if let Some(cell) = cells.get(status_col + 2) {
                self.take(&row.description, cell);
            }
        }
        if used.iter().any(|u| !u) {
            self.miss(
                *line,
                format!(
                    "{place}: {} alternatives of the spec are not in the table",
                    used.iter().filter(|u| !**u).count()
                ),
            );
        }
    }

    fn response(
        &mut self,
        api: &Api,
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
            self.payload(
                &r.payload,
                text,
                identifier_schema(api, &r.payload).as_deref(),
            );
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
fn claimed(parts: &[Part]) -> Vec<&str> {
    parts.iter().filter_map(|(a, ..)| a.as_deref()).collect()
}

fn paragraph(block: &Block) -> Option<&str> {
    match block {
        Block::Paragraph { text, .. } => Some(text),
        _ => None,
    }
}

/// The schema name when a payload unit shows an identifier schema.
fn identifier_schema(api: &Api, unit: &Unit) -> Option<String> {
    let schema = unit.shared.as_deref()?.strip_prefix("payload.")?;
    api.schema(schema)
        .filter(|s| s.text.is_none())
        .map(|s| s.name.clone())
}

type Part = (Option<String>, String, usize, Vec<Block>);

/// Splits blocks at headings of `level`: what comes before the first, and
/// each heading's anchor, text, line and blocks.
fn split_at_level(blocks: &[Block], level: u8) -> (Vec<Block>, Vec<Part>) {
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

/// Imports the localized reference `text` of `locale`.
pub fn import(api: &Api, locale: &str, text: &str) -> Import {
    let plan = plan::plan(api);
    let mut a = Aligner {
        found: Vec::new(),
        unaligned: Vec::new(),
    };
    let mut catalog = Catalog::new(locale);

    let (front, _) = markdown::front_matter(text);
    for (key, raw, line) in front {
        // Values are kept as text; rendering writes them back as YAML.
        let value = unquote(&raw);
        match key.as_str() {
            _ if raw.starts_with(['|', '>']) => a.miss(
                line,
                format!("front matter `{key}` is a YAML block scalar; write it on one line"),
            ),
            "title" => a.take(&plan.title, &value),
            "description" => a.take(&plan.description, &value),
            _ if plan.metadata.iter().any(|(k, v)| *k == key && *v == value) => {}
            _ if key.chars().chain(value.chars()).any(char::is_control) => {
                a.miss(line, format!("front matter `{key}` has control characters"))
            }
            _ if !is_plain_key(&key) => a.miss(
                line,
                format!("front matter line `{key}: …` is not a plain `key: value` line"),
            ),
            _ => catalog.front_matter.push((key, value)),
        }
    }

    let blocks = markdown::blocks(text);
    align_body(api, &plan, &blocks, &mut a);

    let Aligner {
        found,
        mut unaligned,
    } = a;
    for (key, entry) in entries(&found) {
        catalog.insert(&key, entry);
    }
    unaligned.sort_by_key(|u| u.line);
    Import { catalog, unaligned }
}

fn align_body<'p>(api: &Api, plan: &'p Plan, blocks: &[Block], a: &mut Aligner<'p>) {
    let (top, sections) = split_at_level(blocks, 2);
    match top.iter().find_map(|b| match b {
        Block::Heading { level: 1, text, .. } => Some(text),
        _ => None,
    }) {
        Some(h) => a.take(&plan.heading, h),
        None => a.miss(1, "no top-level `#` heading"),
    }
    match top.iter().find_map(paragraph) {
        Some(p) => a.take(&plan.introduction, p),
        None => a.miss(1, "no introduction paragraph"),
    }
    let mut seen_ops = false;
    for (i, (anchor, text, line, body)) in sections.iter().enumerate() {
        let is_ops = anchor.as_deref().map_or(i == 0, |x| x == "operations");
        let is_resp = anchor.as_deref().map_or(i == 1, |x| x == "responses");
        let (_, items) = split_at_level(body, 3);
        if is_ops && !seen_ops {
            seen_ops = true;
            a.take(&plan.operations_heading, text);
            let claimed = claimed(&items);
            for (j, (anchor, heading, line, item)) in items.iter().enumerate() {
                let op = match anchor {
                    Some(x) => plan.operations.iter().find(|o| &o.anchor == x),
                    None => plan
                        .operations
                        .get(j)
                        .filter(|o| !claimed.contains(&o.anchor.as_str())),
                };
                match op {
                    Some(op) => a.operation(api, op, heading, *line, item),
                    None => a.miss(*line, format!("operation `{heading}` is not in the spec")),
                }
            }
        } else if is_resp {
            a.take(&plan.responses_heading, text);
            let claimed = claimed(&items);
            for (j, (anchor, heading, line, item)) in items.iter().enumerate() {
                let r = match anchor {
                    Some(x) => plan.responses.iter().find(|r| &r.anchor == x),
                    None => plan
                        .responses
                        .get(j)
                        .filter(|r| !claimed.contains(&r.anchor.as_str())),
                };
                match r {
                    Some(r) => a.response(api, r, heading, *line, item),
                    None => a.miss(*line, format!("response `{heading}` is not in the spec")),
                }
            }
        } else {
            a.miss(
                *line,
                format!("section `{text}` matches nothing in the spec"),
            );
        }
    }
}

/// A front matter key that YAML reads as itself (`ms.locfileid`).
pub(crate) fn is_plain_key(key: &str) -> bool {
    key.starts_with(|c: char| c.is_ascii_alphanumeric())
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// A one-line front matter value as text: double quotes with their escapes,
/// single quotes with `''`, or plain.
fn unquote(value: &str) -> String {
    let v = value.trim();
    if let Some(inner) = v
        .strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .filter(|_| v.len() >= 2)
    {
        let mut out = String::new();
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                match chars.next() {
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    Some(other) => out.push(other),
                    None => out.push('\\'),
                }
            } else {
                out.push(c);
            }
        }
        out
    } else if let Some(inner) = v
        .strip_prefix('\'')
        .and_then(|r| r.strip_suffix('\''))
        .filter(|_| v.len() >= 2)
    {
        inner.replace("''", "'")
    } else {
        v.to_owned()
    }
}

/// Catalog entries from what was found: per key, the translation of the
/// place that owns the key, else the most frequent one (the first on a tie);
/// places whose translation differs get an entry of their own.
fn entries(found: &[Found<'_>]) -> Vec<(String, Entry)> {
    let mut keys: Vec<&str> = Vec::new();
    let mut by_key: HashMap<&str, Vec<&Found<'_>>> = HashMap::new();
    for f in found {
        let key = f.unit.key();
        if !by_key.contains_key(key) {
            keys.push(key);
        }
        by_key.entry(key).or_default().push(f);
    }
    let entry = |unit: &Unit, text: &str| Entry {
        msgid: unit.english.clone(),
        msgstr: text.to_owned(),
        fuzzy: false,
        line: 0,
    };
    let mut out: Vec<(String, Entry)> = Vec::new();
    let mut written: std::collections::HashSet<String> = std::collections::HashSet::new();
    for key in keys {
        let group = &by_key[key];
        let owner = group.iter().find(|f| f.unit.place == key);
        let chosen = match owner {
            Some(o) => o.text.as_str(),
            None => {
                let mut counts: Vec<(&str, usize)> = Vec::new();
                for f in group {
                    match counts.iter_mut().find(|(t, _)| *t == f.text) {
                        Some((_, n)) => *n += 1,
                        None => counts.push((&f.text, 1)),
                    }
                }
                // max_by_key keeps the last maximum; reverse to prefer the first.
                counts
                    .iter()
                    .rev()
                    .max_by_key(|(_, n)| *n)
                    .map_or("", |(t, _)| *t)
            }
        };
        let first = group[0].unit;
        out.push((key.to_owned(), entry(first, chosen)));
        written.insert(key.to_owned());
        for f in group {
            if f.text != chosen && f.unit.place != key && written.insert(f.unit.place.clone()) {
                out.push((f.unit.place.clone(), entry(f.unit, &f.text)));
            }
        }
    }
    out
}
