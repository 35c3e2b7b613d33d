//! Telling a mis-indented key from a misspelt one: when an unknown field is a
//! field of a mapping that encloses it, or of one it should be inside, the
//! help says so instead of suggesting a spelling fix.
//!
//! Field lists come from the model's own `Deserialize` impls; what nests in
//! what is written out here, and a test checks it against those lists.

use serde::de::DeserializeOwned;

use super::fields::fields_of;
use super::locate::{steps, Step};
use super::model::*;

/// A mapping of the spec: what a person calls it, its fields, and which of
/// its fields hold (lists of) other mappings.
struct Kind {
    name: &'static str,
    fields: fn() -> &'static [&'static str],
    children: &'static [(&'static str, Id)],
}

/// Index into [`KINDS`].
type Id = usize;

const SPEC: Id = 0;
const OPERATION: Id = 1;
const MESSAGE: Id = 2;
const ALTERNATIVE: Id = 3;
const PROPERTY: Id = 4;
const RESPONSE: Id = 5;
const DOCUMENT: Id = 6;
const CONNECTION: Id = 7;
const STATUS_LAYOUT: Id = 8;
const FRONT_MATTER: Id = 9;
const API: Id = 10;
const TYPE: Id = 11;
const SCHEMA: Id = 12;
const SECTIONS: Id = 13;
const HEADINGS: Id = 14;
const LABELS: Id = 15;
const TABLE_HEADERS: Id = 16;
const AUTHENTICATION: Id = 17;
const SAS: Id = 18;
const CONNACK: Id = 19;
const LIMITS: Id = 20;
const TOPICS: Id = 21;
const DISCONNECT_REASON: Id = 22;
const STATUS_KINDS: Id = 23;
const METADATA: Id = 24;

const fn kind<T: DeserializeOwned>(
    name: &'static str,
    children: &'static [(&'static str, Id)],
) -> Kind {
    Kind {
        name,
        fields: fields_of::<T>,
        children,
    }
}

const KINDS: &[Kind] = &[
    kind::<Spec>(
        "the top level of the spec",
        &[
            ("api", API),
            ("document", DOCUMENT),
            ("types", TYPE),
            ("schemas", SCHEMA),
            ("connection", CONNECTION),
            ("operations", OPERATION),
            ("responses", RESPONSE),
        ],
    ),
    kind::<Operation>(
        "an operation",
        &[
            ("request", MESSAGE),
            ("response", MESSAGE),
            ("message", MESSAGE),
            ("ack", MESSAGE),
            ("alternatives", ALTERNATIVE),
        ],
    ),
    kind::<MessageDef>(
        "a message section (request, response, message, ack)",
        &[("properties", PROPERTY)],
    ),
    kind::<Alternative>("an alternative", &[("properties", PROPERTY)]),
    kind::<Property>("a property", &[]),
    kind::<Response>("a named response", &[("properties", PROPERTY)]),
    kind::<Document>(
        "`document`",
        &[
            ("front-matter", FRONT_MATTER),
            ("sections", SECTIONS),
            ("headings", HEADINGS),
            ("labels", LABELS),
            ("table-headers", TABLE_HEADERS),
        ],
    ),
    kind::<Connection>(
        "`connection`",
        &[
            ("authentication-methods", AUTHENTICATION),
            ("connect-properties", PROPERTY),
            ("sas", SAS),
            ("connack", CONNACK),
            ("limits", LIMITS),
            ("topics", TOPICS),
            ("response-properties", PROPERTY),
            ("status-code", STATUS_LAYOUT),
            ("disconnect-reasons", DISCONNECT_REASON),
        ],
    ),
    kind::<StatusLayout>("`status-code`", &[("kinds", STATUS_KINDS)]),
    kind::<FrontMatter>("`front-matter`", &[("metadata", METADATA)]),
    kind::<ApiInfo>("`api`", &[]),
    kind::<TypeDef>("a type", &[]),
    kind::<SchemaDef>("a schema", &[]),
    kind::<Sections>("`sections`", &[]),
    kind::<Headings>("`headings`", &[]),
    kind::<Labels>("`labels`", &[]),
    kind::<TableHeaders>("`table-headers`", &[]),
    kind::<AuthenticationMethod>("an authentication method", &[]),
    kind::<Sas>("`sas`", &[]),
    kind::<Connack>("`connack`", &[]),
    kind::<Limits>("`limits`", &[]),
    kind::<TopicRules>("`topics`", &[]),
    kind::<DisconnectReason>("a disconnect reason", &[]),
    kind::<StatusKinds>("`kinds`", &[]),
    kind::<MetadataEntry>("a metadata entry", &[]),
];

fn has(id: Id, field: &str) -> bool {
    KINDS.get(id).is_some_and(|k| (k.fields)().contains(&field))
}

/// The kinds of the mappings on `path`, outermost first (list items are
/// their list's kind).
fn chain(path: &[Step<'_>]) -> Vec<Id> {
    let mut out = vec![SPEC];
    for step in path {
        let Step::Key(key) = step else { continue };
        let Some(&current) = out.last() else { break };
        let next = KINDS[current]
            .children
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, id)| *id);
        match next {
            Some(id) => out.push(id),
            None => break,
        }
    }
    out
}

/// Kinds nested in `id`, nearest first (each once).
fn descendants(id: Id) -> Vec<Id> {
    let mut out: Vec<Id> = Vec::new();
    let mut next = 0;
    let mut queue = vec![id];
    while let Some(&current) = queue.get(next) {
        next += 1;
        for (_, child) in KINDS[current].children {
            if !out.contains(child) && *child != id {
                out.push(*child);
                queue.push(*child);
            }
        }
    }
    out
}

/// The help for unknown field `field` at `path` (which ends in the field)
/// when it is a field of an enclosing or an enclosed mapping.
pub(super) fn hint(path: &str, field: &str) -> Option<String> {
    let steps = steps(path);
    let (_, parent) = steps.split_last()?;
    let kinds = chain(parent);
    // The path must reach the mapping the field is in.
    let keys = parent.iter().filter(|s| matches!(s, Step::Key(_))).count();
    if kinds.len() != keys + 1 {
        return None;
    }
    let (&here, enclosing) = kinds.split_last()?;
    let name = |id: Id| KINDS[id].name;
    if let Some(&outer) = enclosing.iter().rev().find(|&&id| has(id, field)) {
        return Some(format!(
            "`{field}` is a field of {}, and here it is inside {}: is it indented too deep?",
            name(outer),
            name(here)
        ));
    }
    let inner = descendants(here).into_iter().find(|&id| has(id, field))?;
    Some(format!(
        "`{field}` is a field of {}, and here it is a field of {}: is it indented too little?",
        name(inner),
        name(here)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_nesting_is_a_field_of_its_kind() {
        for kind in KINDS {
            assert!(!(kind.fields)().is_empty(), "{}", kind.name);
            for (key, child) in kind.children {
                assert!((kind.fields)().contains(key), "{}: {key}", kind.name);
                assert!(*child < KINDS.len());
            }
        }
    }

    #[test]
    fn hints_at_enclosing_and_enclosed_mappings() {
        let deep = hint("operations[0].request.properties[0].payload", "payload").unwrap();
        assert!(deep.contains("field of a message section"), "{deep}");
        assert!(deep.contains("inside a property"), "{deep}");
        let shallow = hint("operations[1].type", "type").unwrap();
        assert!(
            shallow.starts_with("`type` is a field of a property"),
            "{shallow}"
        );
        assert!(shallow.contains("too little"), "{shallow}");
        assert_eq!(hint("operations[1].colour", "colour"), None);
        assert_eq!(hint("nowhere[0].type", "type"), None);
    }
}
