//! The reference page of one locale: the document plan laid out as HTML,
//! every section linking to itself in the other locales, every stale place
//! marked, and how much of the page is current.

use askama::Template;

use crate::docs::plan::{AlternativesPlan, Plan, PropertiesPlan, Unit};
use crate::docs::Coverage;

use super::pages::Counts;
use super::text::{Freshness, Texts};
use super::{Locale, PAGE};

/// The notice over a section with fuzzy places.
pub const FUZZY_SECTION: &str =
    "This section has not been translated since the English changed: the marked text is English.";
/// The notice over a section with untranslated places.
pub const MISSING_SECTION: &str =
    "Parts of this section have not been translated yet: the marked text is English.";

/// A link to a page (or a section) in another locale.
pub struct Elsewhere {
    pub tag: String,
    pub name: String,
    pub href: String,
    pub current: bool,
}

pub struct PropertyRow {
    pub name: String,
    pub type_name: String,
    pub required: String,
    pub description: String,
}

pub enum Properties {
    None(String),
    Table {
        label: String,
        header: Vec<String>,
        rows: Vec<PropertyRow>,
    },
}

pub struct Section {
    pub id: String,
    pub heading: String,
    pub description: Option<String>,
    pub topic: Option<(String, String)>,
    pub properties: Properties,
    pub payload: String,
}

pub struct AlternativeRow {
    pub reason_code: Option<u8>,
    pub status: String,
    pub title: String,
    pub description: String,
}

pub struct Alternatives {
    pub id: String,
    pub heading: String,
    pub header: Vec<String>,
    pub rows: Vec<AlternativeRow>,
}

pub struct Operation {
    pub anchor: String,
    pub title: String,
    pub notice: Option<&'static str>,
    pub elsewhere: Vec<Elsewhere>,
    pub summary: String,
    pub sections: Vec<Section>,
    pub alternatives: Option<Alternatives>,
    pub sample_id: String,
    pub sample_heading: String,
    pub sample: String,
}

pub struct Response {
    pub anchor: String,
    pub title: String,
    pub notice: Option<&'static str>,
    pub elsewhere: Vec<Elsewhere>,
    pub description: String,
    pub reason_code_label: String,
    pub reason_code: u8,
    pub status_label: String,
    pub status: String,
    pub properties: Properties,
    pub payload: String,
}

#[derive(Template)]
#[template(path = "site/reference.html")]
pub struct ReferencePage {
    pub lang: String,
    pub dir: &'static str,
    pub title: String,
    pub description: String,
    pub languages: Vec<Elsewhere>,
    pub counts: Counts,
    pub heading_anchor: String,
    pub heading: String,
    pub introduction: String,
    pub operations_heading: String,
    pub operations: Vec<Operation>,
    pub responses_heading: String,
    pub responses: Vec<Response>,
}

fn notice(freshness: Freshness) -> Option<&'static str> {
    match freshness {
        Freshness::Current => None,
        Freshness::Fuzzy => Some(FUZZY_SECTION),
        Freshness::Missing => Some(MISSING_SECTION),
    }
}

/// Links to `fragment` in every locale.
pub fn elsewhere(locales: &[Locale], this: &str, fragment: &str) -> Vec<Elsewhere> {
    locales
        .iter()
        .map(|l| Elsewhere {
            tag: l.tag.clone(),
            name: l.name.clone(),
            href: if fragment.is_empty() {
                format!("../{}/{PAGE}", l.tag)
            } else {
                format!("../{}/{PAGE}#{fragment}", l.tag)
            },
            current: l.tag == this,
        })
        .collect()
}

fn properties(t: &mut Texts<'_>, plan: &PropertiesPlan) -> Properties {
    match plan {
        PropertiesPlan::None(unit) => Properties::None(t.html(unit)),
        PropertiesPlan::Table {
            label,
            header,
            rows,
        } => Properties::Table {
            label: t.html(label),
            header: header.iter().map(|h| t.html(h)).collect(),
            rows: rows
                .iter()
                .map(|r| PropertyRow {
                    name: r.name.clone(),
                    type_name: r.type_name.clone(),
                    required: t.html(&r.required),
                    description: r
                        .description
                        .as_ref()
                        .map(|d| t.html(d))
                        .unwrap_or_default(),
                })
                .collect(),
        },
    }
}

fn alternatives(t: &mut Texts<'_>, op: &str, plan: &AlternativesPlan) -> Alternatives {
    let id = format!("{op}-{}", plan.anchor);
    t.section = id.clone();
    let heading = t.html(&plan.heading);
    let header = plan.header.iter().map(|h| t.html(h)).collect();
    Alternatives {
        id,
        heading,
        header,
        rows: plan
            .rows
            .iter()
            .map(|r| AlternativeRow {
                reason_code: plan.with_reason_code.then_some(r.reason_code),
                status: r.status.clone(),
                title: t.html(&r.title),
                description: t.html(&r.description),
            })
            .collect(),
    }
}

/// The page of `locale` and its coverage.
pub fn page(
    plan: &Plan,
    texts: &mut Texts<'_>,
    locales: &[Locale],
    locale: &Locale,
) -> (ReferencePage, Coverage) {
    let t = texts;
    let unit_html = |t: &mut Texts<'_>, u: &Unit| t.html(u);
    t.section = plan.heading_anchor.clone();
    let title = t.plain(&plan.title);
    let description = t.plain(&plan.description);
    let heading = unit_html(t, &plan.heading);
    let introduction = unit_html(t, &plan.introduction);
    t.section = "operations".to_owned();
    let operations_heading = unit_html(t, &plan.operations_heading);
    let mut operations = Vec::new();
    for op in &plan.operations {
        let from = t.places.len();
        t.section = op.anchor.clone();
        let title = t.html(&op.title);
        let summary = t.html(&op.summary);
        let sections = op
            .sections
            .iter()
            .map(|s| {
                let id = format!("{}-{}", op.anchor, s.anchor);
                t.section = id.clone();
                Section {
                    id,
                    heading: t.html(&s.heading),
                    description: s.description.as_ref().map(|d| t.html(d)),
                    topic: s
                        .topic
                        .as_ref()
                        .map(|(label, topic)| (t.html(label), topic.clone())),
                    properties: properties(t, &s.properties),
                    payload: t.html(&s.payload),
                }
            })
            .collect();
        let alternatives = op
            .alternatives
            .as_ref()
            .map(|a| alternatives(t, &op.anchor, a));
        // The sample's heading is listed under the operation.
        t.section = op.anchor.clone();
        let sample_heading = t.html(&op.sample_heading);
        operations.push(Operation {
            anchor: op.anchor.clone(),
            title,
            notice: notice(t.stalest_since(from)),
            elsewhere: elsewhere(locales, &locale.tag, &op.anchor),
            summary,
            sections,
            alternatives,
            sample_id: format!("{}-pseudo-code-sample", op.anchor),
            sample_heading,
            sample: op.sample.clone(),
        });
    }
    t.section = "responses".to_owned();
    let responses_heading = t.html(&plan.responses_heading);
    let mut responses = Vec::new();
    for r in &plan.responses {
        let from = t.places.len();
        t.section = r.anchor.clone();
        let title = t.html(&r.title);
        let description = t.html(&r.description);
        let reason_code_label = t.html(&r.reason_code_label);
        let status_label = t.html(&r.status_label);
        let properties = properties(t, &r.properties);
        let payload = t.html(&r.payload);
        responses.push(Response {
            anchor: r.anchor.clone(),
            title,
            notice: notice(t.stalest_since(from)),
            elsewhere: elsewhere(locales, &locale.tag, &r.anchor),
            description,
            reason_code_label,
            reason_code: r.reason_code,
            status_label,
            status: r.status.clone(),
            properties,
            payload,
        });
    }
    let coverage = t.coverage.clone();
    let page = ReferencePage {
        lang: locale.tag.clone(),
        dir: locale.dir,
        title,
        description,
        languages: elsewhere(locales, &locale.tag, ""),
        counts: Counts::of(&coverage),
        heading_anchor: plan.heading_anchor.clone(),
        heading,
        introduction,
        operations_heading,
        operations,
        responses_heading,
        responses,
    };
    (page, coverage)
}
