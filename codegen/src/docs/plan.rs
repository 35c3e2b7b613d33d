//! The reference document as a plan: its structure, with every translatable
//! piece a [`Unit`] that names its place. Rendering, the POT template,
//! import and coverage all walk the same plan, so they cannot disagree about
//! what a place is.

use std::collections::HashMap;

use crate::ir::{Api, Interaction, Message, Property, Response, Schema};

use super::sample;

/// One translatable piece of text at one place of the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// The stable key of this place (`operation.get-twin.summary`); the
    /// `msgctxt` of a translation that is specific to this place.
    pub place: String,
    /// The key shared by every place that shows the same English text in the
    /// same role (`table.properties.header.name`); a translation under it
    /// serves every such place that has none of its own.
    pub shared: Option<String>,
    /// The English text (Markdown inline syntax allowed).
    pub english: String,
    /// A key whose translation, of a different English text, is shown (as
    /// fuzzy) when neither the place nor the shared key has one: where an
    /// alternative's text once was, or is close to, its response's.
    pub fallback: Option<String>,
}

impl Unit {
    fn new(place: impl Into<String>, english: impl Into<String>) -> Self {
        Self {
            place: place.into(),
            shared: None,
            english: english.into(),
            fallback: None,
        }
    }

    fn shared(
        place: impl Into<String>,
        shared: impl Into<String>,
        english: impl Into<String>,
    ) -> Self {
        Self {
            place: place.into(),
            shared: Some(shared.into()),
            english: english.into(),
            fallback: None,
        }
    }

    /// The key whose catalog entry serves this place when it has none of its
    /// own: the shared key, else the place.
    pub fn key(&self) -> &str {
        self.shared.as_deref().unwrap_or(&self.place)
    }
}

/// The whole document.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Front matter `title`.
    pub title: Unit,
    /// Front matter `description`.
    pub description: Unit,
    /// Untranslated front matter keys.
    pub metadata: Vec<(String, String)>,
    /// Anchor of the top heading.
    pub heading_anchor: String,
    /// Top heading.
    pub heading: Unit,
    /// Introduction paragraph.
    pub introduction: Unit,
    /// "Operations" heading.
    pub operations_heading: Unit,
    /// The operations.
    pub operations: Vec<OperationPlan>,
    /// "Responses" heading.
    pub responses_heading: Unit,
    /// The named responses.
    pub responses: Vec<ResponsePlan>,
}

/// One operation.
#[derive(Debug, Clone)]
pub struct OperationPlan {
    /// Anchor (the operation's key).
    pub anchor: String,
    /// Heading.
    pub title: Unit,
    /// Summary paragraph.
    pub summary: Unit,
    /// The first message and the success response / acknowledgement.
    pub sections: Vec<SectionPlan>,
    /// Alternative responses / acknowledgements.
    pub alternatives: Option<AlternativesPlan>,
    /// "Pseudo-code Sample" heading.
    pub sample_heading: Unit,
    /// The sample's code (generated, never translated).
    pub sample: String,
}

/// A message section of an operation.
#[derive(Debug, Clone)]
pub struct SectionPlan {
    /// Anchor: `request`, `success-response`, `message`, `success-acknowledgment`.
    pub anchor: &'static str,
    /// Heading.
    pub heading: Unit,
    /// Sentence under the heading.
    pub description: Option<Unit>,
    /// `**Topic name:**` label and the topic, on the first message.
    pub topic: Option<(Unit, String)>,
    /// Properties.
    pub properties: PropertiesPlan,
    /// The payload line.
    pub payload: Unit,
    /// The schema the payload line names, when it is an identifier (a
    /// schema without prose, shown by its name: never translated).
    pub payload_identifier: Option<String>,
}

/// A properties block: "none", or a label and a table.
#[derive(Debug, Clone)]
pub enum PropertiesPlan {
    /// `**Properties**: none`.
    None(Unit),
    /// `**Properties**:` and the table.
    Table {
        /// The label line.
        label: Unit,
        /// Column headers: name, type, required, description.
        header: Box<[Unit; 4]>,
        /// Rows.
        rows: Vec<PropertyRow>,
    },
}

/// A property table row.
#[derive(Debug, Clone)]
pub struct PropertyRow {
    /// Property name (identifier).
    pub name: String,
    /// Type name (identifier).
    pub type_name: String,
    /// "yes" / "no".
    pub required: Unit,
    /// Description, if the spec has one.
    pub description: Option<Unit>,
}

/// The alternatives table of an operation.
#[derive(Debug, Clone)]
pub struct AlternativesPlan {
    /// Anchor: `alternative-responses` or `alternative-acknowledgments`.
    pub anchor: &'static str,
    /// Heading.
    pub heading: Unit,
    /// Whether the table has a Reason Code column (acknowledgements).
    pub with_reason_code: bool,
    /// Column headers.
    pub header: Vec<Unit>,
    /// Rows.
    pub rows: Vec<AlternativeRow>,
}

/// An alternatives table row.
#[derive(Debug, Clone)]
pub struct AlternativeRow {
    /// Reason code.
    pub reason_code: u8,
    /// Status, four hex digits.
    pub status: String,
    /// Name.
    pub title: Unit,
    /// Description.
    pub description: Unit,
}

/// A named response.
#[derive(Debug, Clone)]
pub struct ResponsePlan {
    /// Anchor (the response's key).
    pub anchor: String,
    /// Heading.
    pub title: Unit,
    /// Description paragraph.
    pub description: Unit,
    /// `**Reason Code:**` label.
    pub reason_code_label: Unit,
    /// Reason code.
    pub reason_code: u8,
    /// `**Status:**` label.
    pub status_label: Unit,
    /// Status, four hex digits.
    pub status: String,
    /// Properties.
    pub properties: PropertiesPlan,
    /// Payload line.
    pub payload: Unit,
    /// The schema the payload line names, when it is an identifier.
    pub payload_identifier: Option<String>,
}

/// The slug GitHub and docs.microsoft.com give a heading: lowercase, spaces
/// to `-`, other punctuation dropped.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if (c == ' ' || c == '-') && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_owned()
}

struct Builder<'a> {
    api: &'a Api,
    responses: HashMap<&'a str, &'a Response>,
    schemas: HashMap<&'a str, &'a Schema>,
}

impl Builder<'_> {
    fn doc(&self, key: &str) -> String {
        self.api.document.text(key).unwrap_or_default().to_owned()
    }

    fn payload(&self, place: &str, schema: &str) -> Unit {
        let shown = self
            .schemas
            .get(schema)
            .and_then(|s| s.text.clone())
            .unwrap_or_else(|| schema.to_owned());
        Unit::shared(
            format!("{place}.payload"),
            format!("payload.{schema}"),
            format!("**{}**: {shown}", self.doc("labels.payload")),
        )
    }

    /// The schema name when `schema` is shown by its name (no prose).
    fn payload_identifier(&self, schema: &str) -> Option<String> {
        self.schemas
            .get(schema)
            .filter(|s| s.text.is_none())
            .map(|s| s.name.clone())
    }

    fn properties(&self, place: &str, properties: &[Property]) -> PropertiesPlan {
        let label = self.doc("labels.properties");
        if properties.is_empty() {
            return PropertiesPlan::None(Unit::shared(
                format!("{place}.properties"),
                "label.properties-none",
                format!("**{label}**: {}", self.doc("labels.none")),
            ));
        }
        let header = ["name", "type", "required", "description"].map(|col| {
            Unit::shared(
                format!("{place}.properties.header.{col}"),
                format!("table.properties.header.{col}"),
                self.doc(&format!("table-headers.{col}")),
            )
        });
        let rows = properties
            .iter()
            .map(|p| {
                let row = format!("{place}.property.{}", slug(&p.name));
                let answer = if p.required { "yes" } else { "no" };
                PropertyRow {
                    name: p.name.clone(),
                    type_name: p.type_name.clone(),
                    required: Unit::shared(
                        format!("{row}.required"),
                        format!("table.properties.required.{answer}"),
                        self.doc(&format!("labels.{answer}")),
                    ),
                    description: p
                        .description
                        .as_ref()
                        .map(|d| Unit::new(format!("{row}.description"), d.clone())),
                }
            })
            .collect();
        PropertiesPlan::Table {
            label: Unit::shared(
                format!("{place}.properties"),
                "label.properties",
                format!("**{label}**:"),
            ),
            header: Box::new(header),
            rows,
        }
    }

    fn heading(&self, place: &str, anchor: &str) -> Unit {
        Unit::shared(
            format!("{place}.heading"),
            format!("heading.{anchor}"),
            self.doc(&format!("headings.{anchor}")),
        )
    }

    fn section(
        &self,
        op: &str,
        anchor: &'static str,
        message: &Message,
        topic: Option<&str>,
    ) -> SectionPlan {
        let place = format!("operation.{op}.{anchor}");
        SectionPlan {
            anchor,
            heading: self.heading(&place, anchor),
            description: message
                .description
                .as_ref()
                .map(|d| Unit::new(format!("{place}.description"), d.clone())),
            topic: topic.map(|t| {
                (
                    Unit::shared(
                        format!("{place}.topic-name"),
                        "label.topic-name",
                        format!("**{}**", self.doc("labels.topic-name")),
                    ),
                    t.to_owned(),
                )
            }),
            properties: self.properties(&place, &message.properties),
            payload: self.payload(&place, &message.payload),
            payload_identifier: self.payload_identifier(&message.payload),
        }
    }

    fn operation(&self, op: &crate::ir::Operation) -> OperationPlan {
        let name = &op.name;
        let rr = op.interaction == Interaction::RequestResponse;
        let (first, success, alternatives) = if rr {
            ("request", "success-response", "alternative-responses")
        } else {
            (
                "message",
                "success-acknowledgment",
                "alternative-acknowledgments",
            )
        };
        let mut sections = vec![self.section(name, first, &op.first, Some(&op.topic.text))];
        if let Some(message) = &op.success {
            sections.push(self.section(name, success, message, None));
        }
        let alternatives = (!op.alternatives.is_empty()).then(|| {
            let place = format!("operation.{name}.{alternatives}");
            let columns: &[&str] = if rr {
                &["status", "name", "description"]
            } else {
                &["reason-code", "status", "name", "description"]
            };
            AlternativesPlan {
                anchor: alternatives,
                heading: self.heading(&place, alternatives),
                with_reason_code: !rr,
                header: columns
                    .iter()
                    .map(|col| {
                        Unit::shared(
                            format!("{place}.header.{col}"),
                            format!("table.alternatives.header.{col}"),
                            self.doc(&format!("table-headers.{col}")),
                        )
                    })
                    .collect(),
                rows: op
                    .alternatives
                    .iter()
                    .map(|a| {
                        let row = format!("{place}.{}", a.name);
                        let response = a
                            .response
                            .as_deref()
                            .and_then(|r| self.responses.get(r).copied());
                        // Shared with the response while the text is the
                        // same; its fallback (fuzzy) once the text differs.
                        let link = |field: &str,
                                    text: fn(&crate::ir::Response) -> &str,
                                    own: &str| {
                            let key = response
                                .map(|r| (format!("response.{}.{field}", r.name), text(r) == own));
                            match key {
                                Some((k, true)) => (Some(k), None),
                                Some((k, false)) => (None, Some(k)),
                                None => (None, None),
                            }
                        };
                        let (title_shared, title_fallback) = link("title", |r| &r.title, &a.title);
                        let (description_shared, description_fallback) =
                            link("description", |r| &r.description, &a.description);
                        AlternativeRow {
                            reason_code: a.reason_code,
                            status: a.status.to_string(),
                            title: Unit {
                                place: format!("{row}.title"),
                                shared: title_shared,
                                english: a.title.clone(),
                                fallback: title_fallback,
                            },
                            description: Unit {
                                place: format!("{row}.description"),
                                shared: description_shared,
                                english: a.description.clone(),
                                fallback: description_fallback,
                            },
                        }
                    })
                    .collect(),
            }
        });
        OperationPlan {
            anchor: name.clone(),
            title: Unit::new(format!("operation.{name}.title"), op.title.clone()),
            summary: Unit::new(format!("operation.{name}.summary"), op.summary.clone()),
            sections,
            alternatives,
            sample_heading: self.heading(
                &format!("operation.{name}.pseudo-code-sample"),
                "pseudo-code-sample",
            ),
            sample: sample::pseudo_code(self.api, op),
        }
    }

    fn response(&self, r: &crate::ir::Response) -> ResponsePlan {
        let place = format!("response.{}", r.name);
        ResponsePlan {
            anchor: r.name.clone(),
            title: Unit::new(format!("{place}.title"), r.title.clone()),
            description: Unit::new(format!("{place}.description"), r.description.clone()),
            reason_code_label: Unit::shared(
                format!("{place}.reason-code"),
                "label.reason-code",
                format!("**{}**", self.doc("labels.reason-code")),
            ),
            reason_code: r.reason_code,
            status_label: Unit::shared(
                format!("{place}.status"),
                "label.status",
                format!("**{}**", self.doc("labels.status")),
            ),
            status: r.status.to_string(),
            properties: self.properties(&place, &r.properties),
            payload: self.payload(&place, &r.payload),
            payload_identifier: self.payload_identifier(&r.payload),
        }
    }
}

/// The plan of the reference document of `api`.
pub fn plan(api: &Api) -> Plan {
    let b = Builder {
        api,
        responses: api.responses.iter().map(|r| (r.name.as_str(), r)).collect(),
        schemas: api.schemas.iter().map(|s| (s.name.as_str(), s)).collect(),
    };
    let d = &api.document;
    Plan {
        title: Unit::new("front-matter.title", d.title.clone()),
        description: Unit::new("front-matter.description", d.description.clone()),
        metadata: d.metadata.clone(),
        heading_anchor: slug(&d.heading),
        heading: Unit::new("document.heading", d.heading.clone()),
        introduction: Unit::new("document.introduction", d.introduction.clone()),
        operations_heading: Unit::new("section.operations.heading", b.doc("sections.operations")),
        operations: api.operations.iter().map(|o| b.operation(o)).collect(),
        responses_heading: Unit::new("section.responses.heading", b.doc("sections.responses")),
        responses: api.responses.iter().map(|r| b.response(r)).collect(),
    }
}

impl PropertiesPlan {
    /// Its units, in document order.
    pub fn units(&self) -> Vec<&Unit> {
        match self {
            Self::None(unit) => vec![unit],
            Self::Table {
                label,
                header,
                rows,
            } => {
                let mut out = vec![label];
                out.extend(header.iter());
                for row in rows {
                    out.push(&row.required);
                    out.extend(row.description.as_ref());
                }
                out
            }
        }
    }
}

impl Plan {
    /// Every unit, in document order.
    pub fn units(&self) -> Vec<&Unit> {
        let mut out = vec![
            &self.title,
            &self.description,
            &self.heading,
            &self.introduction,
            &self.operations_heading,
        ];
        for op in &self.operations {
            out.extend([&op.title, &op.summary]);
            for s in &op.sections {
                out.push(&s.heading);
                out.extend(s.description.as_ref());
                out.extend(s.topic.as_ref().map(|(label, _)| label));
                out.extend(s.properties.units());
                out.push(&s.payload);
            }
            if let Some(a) = &op.alternatives {
                out.push(&a.heading);
                out.extend(a.header.iter());
                for row in &a.rows {
                    out.extend([&row.title, &row.description]);
                }
            }
            out.push(&op.sample_heading);
        }
        out.push(&self.responses_heading);
        for r in &self.responses {
            out.extend([
                &r.title,
                &r.description,
                &r.reason_code_label,
                &r.status_label,
            ]);
            out.extend(r.properties.units());
            out.push(&r.payload);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::slug;

    #[test]
    fn every_place_of_the_real_spec_has_english_and_a_unique_key() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/iothub-mqtt5.yaml");
        let api = crate::load(path).expect("the real spec loads");
        let plan = super::plan(&api);
        let units = plan.units();
        let mut places = std::collections::HashSet::new();
        for unit in &units {
            // A label key the spec's document section lacks would show up empty.
            assert!(
                !unit.english.trim().is_empty(),
                "{} has no English",
                unit.place
            );
            assert!(
                !unit.english.contains("****"),
                "{} has an empty label",
                unit.place
            );
            assert!(
                places.insert(unit.place.as_str()),
                "{} appears twice",
                unit.place
            );
        }
        assert!(units.len() > 300);
    }

    #[test]
    fn slugs_like_the_reference() {
        assert_eq!(
            slug("IoT Hub data plane MQTT 5 API reference"),
            "iot-hub-data-plane-mqtt-5-api-reference"
        );
        assert_eq!(
            slug("Receive Twin Desired State Changes"),
            "receive-twin-desired-state-changes"
        );
        assert_eq!(slug("Content Type"), "content-type");
    }
}
