//! Rendering the plan in one locale: every unit looked up in the catalog,
//! escaped, and laid out by the compiled-in template
//! (`templates/reference.md`). As msgfmt does, fuzzy and suggested
//! translations are not shown (English is) unless
//! [`Options::use_fuzzy`] asks for them; either way they are reported.

use askama::Template;

use super::catalog::{Catalog, Status};
use super::escape;
use super::front_matter::LOCALE_KEYS;
use super::plan::{AlternativesPlan, Plan, PropertiesPlan, Unit};
use crate::error::Result;

/// How a document is rendered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// Show fuzzy and suggested translations instead of English
    /// (msgfmt's `--use-fuzzy`).
    pub use_fuzzy: bool,
}

/// A place with no entry of its own for which a translation is suggested.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    /// The place's key.
    pub place: String,
    /// The key of the entry whose translation is suggested.
    pub from: String,
}

/// How each place of one rendered document was filled.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Coverage {
    /// Places with a current translation.
    pub translated: usize,
    /// Places whose entry translates older English or is marked fuzzy, by key.
    pub fuzzy: Vec<String>,
    /// New places with a suggested (fuzzy) translation from elsewhere.
    pub suggested: Vec<Suggestion>,
    /// Places with no translation, by key.
    pub missing: Vec<String>,
}

impl Coverage {
    /// Number of places.
    pub fn total(&self) -> usize {
        self.translated + self.fuzzy_count() + self.missing.len()
    }

    /// Places that are fuzzy in gettext's sense: fuzzy or suggested.
    pub fn fuzzy_count(&self) -> usize {
        self.fuzzy.len() + self.suggested.len()
    }

    /// Whether every place has a current translation.
    pub fn is_complete(&self) -> bool {
        self.fuzzy_count() == 0 && self.missing.is_empty()
    }
}

/// The text shown for `unit` in `catalog`'s locale (Markdown inline syntax,
/// unescaped) and how the catalog has it, counted into `coverage`: a
/// current translation; a fuzzy or suggested one (English is shown unless
/// `options` shows fuzzy translations); or none (English).
pub(crate) fn fill(
    catalog: &Catalog,
    unit: &Unit,
    options: Options,
    coverage: &mut Coverage,
) -> (String, Status) {
    let Some(found) = catalog.find_with(unit, options.use_fuzzy) else {
        coverage.missing.push(unit.place.clone());
        return (unit.english.clone(), Status::Missing);
    };
    match found.status {
        Status::Translated => coverage.translated += 1,
        Status::Fuzzy => coverage.fuzzy.push(unit.place.clone()),
        Status::Suggested => coverage.suggested.push(Suggestion {
            place: unit.place.clone(),
            from: found.key.to_owned(),
        }),
        Status::Missing => coverage.missing.push(unit.place.clone()),
    }
    let text = if found.status == Status::Translated || options.use_fuzzy {
        found.entry.msgstr.clone()
    } else {
        unit.english.clone()
    };
    (text, found.status)
}

#[derive(Template)]
#[template(path = "reference.md", escape = "none")]
struct ReferenceView {
    front_matter: Vec<(String, String)>,
    heading_anchor: String,
    heading: String,
    introduction: String,
    operations_heading: String,
    operations: Vec<OperationView>,
    responses_heading: String,
    responses: Vec<ResponseView>,
}

struct OperationView {
    anchor: String,
    title: String,
    summary: String,
    sections: Vec<SectionView>,
    alternatives: Option<AlternativesView>,
    sample_heading: String,
    fence: String,
    sample: String,
}

struct SectionView {
    anchor: &'static str,
    heading: String,
    description: Option<String>,
    topic: Option<String>,
    properties_line: String,
    properties_table: Vec<String>,
    payload: String,
}

struct AlternativesView {
    anchor: &'static str,
    heading: String,
    table: Vec<String>,
}

struct ResponseView {
    anchor: String,
    title: String,
    description: String,
    reason_code: String,
    status: String,
    properties_line: String,
    properties_table: Vec<String>,
    payload: String,
}

struct Renderer<'a> {
    catalog: Option<&'a Catalog>,
    options: Options,
    coverage: Coverage,
}

impl Renderer<'_> {
    /// The text of a unit in this locale, unescaped.
    fn raw(&mut self, unit: &Unit) -> String {
        match self.catalog {
            Some(catalog) => fill(catalog, unit, self.options, &mut self.coverage).0,
            None => unit.english.clone(),
        }
    }

    fn inline(&mut self, unit: &Unit) -> String {
        escape::inline(&self.raw(unit))
    }

    fn heading(&mut self, unit: &Unit) -> String {
        escape::heading(&self.raw(unit))
    }

    fn cell(&mut self, unit: &Unit) -> String {
        escape::cell(&self.raw(unit))
    }

    fn properties(&mut self, plan: &PropertiesPlan) -> (String, Vec<String>) {
        match plan {
            PropertiesPlan::None(unit) => (self.inline(unit), Vec::new()),
            PropertiesPlan::Table {
                label,
                header,
                rows,
            } => {
                let label = self.inline(label);
                let header: Vec<String> = header.iter().map(|h| self.cell(h)).collect();
                let mut lines = vec![
                    format!("| {} |", header.join(" | ")),
                    "| :--- | :--- | :------- | :---------- |".to_owned(),
                ];
                for row in rows {
                    let required = self.cell(&row.required);
                    let description = row
                        .description
                        .as_ref()
                        .map(|d| self.cell(d))
                        .unwrap_or_default();
                    lines.push(format!(
                        "| {} | {} | {required} | {description} |",
                        escape::cell(&row.name),
                        escape::cell(&row.type_name)
                    ));
                }
                (label, lines)
            }
        }
    }

    fn alternatives(&mut self, plan: &AlternativesPlan) -> AlternativesView {
        let header: Vec<String> = plan.header.iter().map(|h| self.cell(h)).collect();
        let separator = if plan.with_reason_code {
            "| :---------- | :----- | :--- | :---------- |"
        } else {
            "| :----- | :--- | :---------- |"
        };
        let mut table = vec![format!("| {} |", header.join(" | ")), separator.to_owned()];
        for row in &plan.rows {
            let title = self.cell(&row.title);
            let description = self.cell(&row.description);
            let status = escape::cell(&row.status);
            table.push(if plan.with_reason_code {
                format!(
                    "| {} | {status} | {title} | {description} |",
                    row.reason_code
                )
            } else {
                format!("| {status} |  {title} | {description} |")
            });
        }
        AlternativesView {
            anchor: plan.anchor,
            heading: self.heading(&plan.heading),
            table,
        }
    }
}

/// Renders `plan` with `catalog` (English when `None`), fuzzy translations
/// not shown; also returns how every place was filled.
pub fn render(plan: &Plan, catalog: Option<&Catalog>) -> Result<(String, Coverage)> {
    render_with(plan, catalog, Options::default())
}

/// [`render`] with `options`.
pub fn render_with(
    plan: &Plan,
    catalog: Option<&Catalog>,
    options: Options,
) -> Result<(String, Coverage)> {
    let mut r = Renderer {
        catalog,
        options,
        coverage: Coverage::default(),
    };
    let mut front_matter = vec![
        (
            "title".to_owned(),
            escape::front_matter(&r.raw(&plan.title)),
        ),
        (
            "description".to_owned(),
            escape::front_matter(&r.raw(&plan.description)),
        ),
    ];
    let extra = catalog.map(Catalog::front_matter).unwrap_or_default();
    // A key naming the locale always names the catalog's.
    let value_of = |key: &str, value: &str| match catalog {
        Some(c) if LOCALE_KEYS.contains(&key) => escape::front_matter(&c.locale),
        _ => escape::front_matter(value),
    };
    for (key, value) in &plan.metadata {
        let value = extra
            .iter()
            .find(|(k, _)| k == key)
            .map_or(value, |(_, v)| v);
        front_matter.push((key.clone(), value_of(key, value)));
    }
    // Keys were checked plain when the catalog was read; values are text.
    for (key, value) in extra {
        if !plan.metadata.iter().any(|(k, _)| k == key) && key != "title" && key != "description" {
            front_matter.push((key.clone(), value_of(key, value)));
        }
    }
    let view = ReferenceView {
        front_matter,
        heading_anchor: plan.heading_anchor.clone(),
        heading: r.heading(&plan.heading),
        introduction: r.inline(&plan.introduction),
        operations_heading: r.heading(&plan.operations_heading),
        operations: plan
            .operations
            .iter()
            .map(|op| OperationView {
                anchor: op.anchor.clone(),
                title: r.heading(&op.title),
                summary: r.inline(&op.summary),
                sections: op
                    .sections
                    .iter()
                    .map(|s| {
                        let heading = r.heading(&s.heading);
                        let description = s.description.as_ref().map(|d| r.inline(d));
                        let topic = s.topic.as_ref().map(|(label, topic)| {
                            format!("{} {}", r.inline(label), escape::code(topic))
                        });
                        let (properties_line, properties_table) = r.properties(&s.properties);
                        SectionView {
                            anchor: s.anchor,
                            heading,
                            description,
                            topic,
                            properties_line,
                            properties_table,
                            payload: r.inline(&s.payload),
                        }
                    })
                    .collect(),
                alternatives: op.alternatives.as_ref().map(|a| r.alternatives(a)),
                sample_heading: r.heading(&op.sample_heading),
                fence: escape::fence(&op.sample),
                sample: op.sample.clone(),
            })
            .collect(),
        responses_heading: r.heading(&plan.responses_heading),
        responses: plan
            .responses
            .iter()
            .map(|resp| {
                let title = r.heading(&resp.title);
                let description = r.inline(&resp.description);
                let reason_code = format!(
                    "{} `{}`",
                    r.inline(&resp.reason_code_label),
                    resp.reason_code
                );
                let status = format!("{} `{}`", r.inline(&resp.status_label), resp.status);
                let (properties_line, properties_table) = r.properties(&resp.properties);
                ResponseView {
                    anchor: resp.anchor.clone(),
                    title,
                    description,
                    reason_code,
                    status,
                    properties_line,
                    properties_table,
                    payload: r.inline(&resp.payload),
                }
            })
            .collect(),
    };
    let text = view.render()?;
    Ok((text, r.coverage))
}
