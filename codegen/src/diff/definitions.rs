//! What operations refer to and what the document says: the API's identity,
//! data types, payload schemas and the document's own texts.

use super::change::{Impact, Kind, RustApi};
use super::differ::{At, Differ, Keyed, Listed};
use crate::ir::{DataType, Schema};

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
        let (old, new) = (self.old, self.new);
        // Properties that used a removed type are reported on their own.
        let how = Keyed {
            key: |t: &DataType| t.name.clone(),
            removed: |o: &DataType| Listed {
                kind: Kind::TypeRemoved,
                impact: Impact::compatible(RustApi::Unchanged),
                subject: format!("type {}", o.name),
                detail: "removed".to_owned(),
            },
            added: |n: &DataType| Listed {
                kind: Kind::TypeAdded,
                impact: Impact::compatible(RustApi::Unchanged),
                subject: format!("type {}", n.name),
                detail: "added".to_owned(),
            },
        };
        self.keyed(
            &old.api.types,
            &new.api.types,
            &At::same("types"),
            how,
            |d, o, n, at| {
                let subject = format!("type {}", o.name);
                if o.wire != n.wire {
                    d.push(
                        Kind::TypeEncodingChanged,
                        Impact::BOTH,
                        &subject,
                        format!("wire {:?} → {:?}", o.wire, n.wire),
                        &at.join(".wire"),
                    );
                }
                d.prose(
                    &subject,
                    "description",
                    &o.description,
                    &n.description,
                    &at.join(".description"),
                );
            },
        );
    }

    pub(super) fn schemas(&mut self) {
        let (old, new) = (self.old, self.new);
        let how = Keyed {
            key: |s: &Schema| s.name.clone(),
            removed: |o: &Schema| Listed {
                kind: Kind::SchemaRemoved,
                impact: Impact::compatible(RustApi::Unchanged),
                subject: format!("schema {}", o.name),
                detail: "removed".to_owned(),
            },
            added: |n: &Schema| Listed {
                kind: Kind::SchemaAdded,
                impact: Impact::compatible(RustApi::Unchanged),
                subject: format!("schema {}", n.name),
                detail: "added".to_owned(),
            },
        };
        self.keyed(
            &old.api.schemas,
            &new.api.schemas,
            &At::same("schemas"),
            how,
            |d, o, n, at| {
                let subject = format!("schema {}", o.name);
                if o.content != n.content {
                    d.push(
                        Kind::SchemaContentChanged,
                        Impact::BOTH,
                        &subject,
                        format!("content {:?} → {:?}", o.content, n.content),
                        &at.join(".content"),
                    );
                }
                d.prose_opt(
                    &subject,
                    "text",
                    o.text.as_deref(),
                    n.text.as_deref(),
                    &at.join(".text"),
                );
                d.prose(
                    &subject,
                    "description",
                    &o.description,
                    &n.description,
                    &at.join(".description"),
                );
            },
        );
    }
}
