//! What operations refer to and what the document says: the API's identity,
//! data types, payload schemas and the document's own texts.

use super::change::{Impact, Kind, RustApi};
use super::differ::{find, At, Differ};

impl Differ<'_> {
    pub(super) fn info(&mut self) {
        let (o, n) = (&self.old.api.info, &self.new.api.info);
        if o.api_version != n.api_version {
            self.push(
                Kind::ApiVersionChanged,
                Impact::breaking(true, true, RustApi::Unchanged),
                "api",
                format!("api-version {} → {}", o.api_version, n.api_version),
                &At::same("api.api-version"),
            );
        }
        if o.version != n.version {
            self.push(
                Kind::VersionChanged,
                Impact::compatible(RustApi::Unchanged),
                "api",
                format!("version {} → {}", o.version, n.version),
                &At::same("api.version"),
            );
        }
        self.prose("api", "name", &o.name, &n.name, &At::same("api.name"));
    }

    pub(super) fn document(&mut self) {
        let (o, n) = (&self.old.api.document, &self.new.api.document);
        let subject = "document";
        self.prose(
            subject,
            "title",
            &o.title,
            &n.title,
            &At::same("document.front-matter.title"),
        );
        self.prose(
            subject,
            "description",
            &o.description,
            &n.description,
            &At::same("document.front-matter.description"),
        );
        let metadata = |d: &crate::ir::Document| {
            d.metadata
                .iter()
                .map(|(k, v)| format!("{k}: {v}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        self.prose(
            subject,
            "front matter",
            &metadata(o),
            &metadata(n),
            &At::same("document.front-matter.metadata"),
        );
        self.prose(
            subject,
            "heading",
            &o.heading,
            &n.heading,
            &At::same("document.heading"),
        );
        self.prose(
            subject,
            "introduction",
            &o.introduction,
            &n.introduction,
            &At::same("document.introduction"),
        );
        for (key, before) in &o.texts {
            if let Some(after) = n.text(key) {
                self.prose(
                    subject,
                    key,
                    before,
                    after,
                    &At::same(format!("document.{key}")),
                );
            }
        }
    }

    pub(super) fn types(&mut self) {
        let (old, new) = (&self.old.api.types, &self.new.api.types);
        for (i, o) in old.iter().enumerate() {
            let subject = format!("type {}", o.name);
            let Some(j) = find(new, &o.name, |t| &t.name) else {
                // Properties that used it are reported on their own.
                self.push(
                    Kind::TypeRemoved,
                    Impact::compatible(RustApi::Unchanged),
                    subject,
                    "removed",
                    &At::pair(format!("types[{i}]"), "types"),
                );
                continue;
            };
            let n = &new[j];
            let at = At::pair(format!("types[{i}]"), format!("types[{j}]"));
            if o.wire != n.wire {
                self.push(
                    Kind::TypeEncodingChanged,
                    Impact::BOTH,
                    &subject,
                    format!("wire {:?} → {:?}", o.wire, n.wire),
                    &at.join(".wire"),
                );
            }
            self.prose(
                &subject,
                "description",
                &o.description,
                &n.description,
                &at.join(".description"),
            );
        }
        for (j, n) in new.iter().enumerate() {
            if find(old, &n.name, |t| &t.name).is_none() {
                self.push(
                    Kind::TypeAdded,
                    Impact::compatible(RustApi::Unchanged),
                    format!("type {}", n.name),
                    "added",
                    &At::pair("types", format!("types[{j}]")),
                );
            }
        }
    }

    pub(super) fn schemas(&mut self) {
        let (old, new) = (&self.old.api.schemas, &self.new.api.schemas);
        for (i, o) in old.iter().enumerate() {
            let subject = format!("schema {}", o.name);
            let Some(j) = find(new, &o.name, |s| &s.name) else {
                self.push(
                    Kind::SchemaRemoved,
                    Impact::compatible(RustApi::Unchanged),
                    subject,
                    "removed",
                    &At::pair(format!("schemas[{i}]"), "schemas"),
                );
                continue;
            };
            let n = &new[j];
            let at = At::pair(format!("schemas[{i}]"), format!("schemas[{j}]"));
            if o.content != n.content {
                self.push(
                    Kind::SchemaContentChanged,
                    Impact::BOTH,
                    &subject,
                    format!("content {:?} → {:?}", o.content, n.content),
                    &at.join(".content"),
                );
            }
            self.prose_opt(
                &subject,
                "text",
                o.text.as_deref(),
                n.text.as_deref(),
                &at.join(".text"),
            );
            self.prose(
                &subject,
                "description",
                &o.description,
                &n.description,
                &at.join(".description"),
            );
        }
        for (j, n) in new.iter().enumerate() {
            if find(old, &n.name, |s| &s.name).is_none() {
                self.push(
                    Kind::SchemaAdded,
                    Impact::compatible(RustApi::Unchanged),
                    format!("schema {}", n.name),
                    "added",
                    &At::pair("schemas", format!("schemas[{j}]")),
                );
            }
        }
    }
}
