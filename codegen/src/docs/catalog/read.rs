//! Reading a catalog file: the PO text (see [`po`](super::super::po)) into
//! entries, header fields and front matter values, every problem located.
//!
//! Front matter values are read from `X-Front-Matter-KEY` header fields;
//! catalogs written before they moved there kept them as entries
//! (`msgctxt "front-matter.meta.KEY"`), which are still read, and so are
//! such entries that `msgmerge` made obsolete (`#~`) — with a warning that
//! says how to move them.

use std::path::Path;

use super::super::front_matter;
use super::super::po::{self, Message};
use super::header::{self, FRONT_MATTER_FIELD};
use super::{Catalog, Entry, Notes, Obsolete, Warning};
use crate::error::Error;

fn notes(m: &Message) -> Notes {
    Notes {
        comments: m.comments.clone(),
        extracted: m.extracted.clone(),
        references: m.references.clone(),
        wrap: m.flags.wrap,
        flags: m.flags.other.clone(),
        previous_msgctxt: m.previous_msgctxt.clone(),
        previous_msgid: m.previous_msgid.clone(),
    }
}

fn entry(m: &Message) -> Entry {
    Entry {
        msgid: m.msgid.clone(),
        msgstr: m.msgstr.clone(),
        fuzzy: m.flags.fuzzy,
        line: m.line,
        notes: notes(m),
    }
}

/// What is wrong, without the entry the catalog error already locates.
fn reason(e: Error) -> String {
    match e {
        Error::InvalidEntry { message, .. } => message,
        other => other.to_string(),
    }
}

/// The primary language subtag of a tag or gettext locale (`sv` of
/// `sv-SE`, `sv_SE`, `sv_SE.UTF-8`), lowercase.
fn language(tag: &str) -> String {
    tag.split(['-', '_', '.', '@'])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase()
}

struct Reading<'a> {
    path: &'a Path,
    text: &'a str,
    catalog: Catalog,
}

impl Reading<'_> {
    fn error(&self, line: usize, message: impl Into<String>) -> Error {
        Error::Catalog {
            path: self.path.to_path_buf(),
            line,
            message: message.into(),
        }
    }

    fn warn(&mut self, line: usize, message: String) {
        self.catalog.warnings.push(Warning { line, message });
    }

    /// The line of header field `name` (the header's when not found).
    fn field_line(&self, header: &Message, name: &str) -> usize {
        let quoted = format!("\"{name}:");
        self.text
            .lines()
            .enumerate()
            .skip(header.line.saturating_sub(1))
            .take_while(|(_, l)| !l.trim().is_empty())
            .find(|(_, l)| l.contains(&quoted))
            .map_or(header.line, |(i, _)| i + 1)
    }

    /// The header entry: fields, front matter fields, comments.
    fn header(&mut self, header: &Message) -> Result<(), Error> {
        for (name, value) in header::parse(&header.msgstr) {
            let line = self.field_line(header, &name);
            if let Some(key) = name.strip_prefix(FRONT_MATTER_FIELD) {
                if self.catalog.front_matter_value(key).is_some() {
                    return Err(self.error(line, format!("header field `{name}` appears twice")));
                }
                self.catalog.set_front_matter(key, &value).map_err(|e| {
                    self.error(line, format!("header field `{name}`: {}", reason(e)))
                })?;
                continue;
            }
            if name == "Content-Type" {
                let charset = value
                    .split(';')
                    .filter_map(|p| p.trim().strip_prefix("charset="))
                    .next()
                    .unwrap_or("UTF-8");
                if !charset.eq_ignore_ascii_case("UTF-8") && charset != "CHARSET" {
                    return Err(self.error(
                        line,
                        format!(
                            "the header says `charset={charset}`: catalogs are UTF-8 (`Content-Type: text/plain; charset=UTF-8`)"
                        ),
                    ));
                }
            }
            if name == "Language"
                && !value.is_empty()
                && language(&value) != language(&self.catalog.locale)
            {
                let locale = self.catalog.locale.clone();
                self.warn(
                    line,
                    format!(
                        "the header says `Language: {value}`, but this is the {locale} catalog (named after its file): set `Language: {locale}`"
                    ),
                );
            }
            self.catalog.header.push((name, value));
        }
        self.catalog.header_notes = notes(header);
        self.catalog.header_fuzzy = header.flags.fuzzy;
        Ok(())
    }

    /// A front matter value kept as an entry (the old form).
    fn legacy_front_matter(&mut self, m: &Message, key: &str) -> Result<(), Error> {
        if !front_matter::is_plain_key(key) {
            return Err(self.error(
                m.line,
                format!(
                    "front matter key `{key}` is not a plain key (letters, digits, `.`, `_`, `-`)"
                ),
            ));
        }
        let field = front_matter::field_of_key(key);
        if self.catalog.front_matter_value(key).is_some() {
            self.warn(
                m.line,
                format!(
                    "front matter `{key}` is both the header field `{field}` and an entry; the header's value is used: remove the entry"
                ),
            );
            return Ok(());
        }
        self.catalog
            .set_front_matter(key, &m.msgstr)
            .map_err(|e| self.error(m.line, reason(e)))?;
        let how = if m.obsolete {
            "was read from an obsolete (`#~`) entry, where `msgmerge` put it"
        } else {
            "is an entry, which `msgmerge` makes obsolete"
        };
        self.warn(
            m.line,
            format!(
                "front matter `{key}` {how}: keep it in the header as `{field}: …` (`iothub-codegen import` writes it so)"
            ),
        );
        Ok(())
    }

    fn message(&mut self, m: &Message) -> Result<(), Error> {
        let context = m.msgctxt.as_deref().unwrap_or_default();
        if let Some(key) = front_matter::key_of_context(context) {
            if !m.obsolete || !m.msgstr.is_empty() {
                return self.legacy_front_matter(m, key);
            }
        }
        if m.obsolete {
            self.catalog.obsolete.push(Obsolete {
                context: m.msgctxt.clone(),
                entry: entry(m),
            });
            return Ok(());
        }
        self.catalog
            .insert(context, entry(m))
            .map_err(|e| self.error(m.line, e.to_string()))
    }
}

impl Catalog {
    /// Reads the catalog at `path`.
    pub fn load(path: &Path, locale: &str) -> Result<Self, Error> {
        let text = std::fs::read(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let text = String::from_utf8(text).map_err(|e| {
            let line = e.as_bytes()[..e.utf8_error().valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1;
            Error::Catalog {
                path: path.to_path_buf(),
                line,
                message: "the file is not valid UTF-8".to_owned(),
            }
        })?;
        Self::parse(&text, path, locale)
    }

    /// Parses catalog `text`; `path` names it in errors.
    pub fn parse(text: &str, path: &Path, locale: &str) -> Result<Self, Error> {
        let messages = po::parse(text).map_err(|problems| Error::Catalog {
            path: path.to_path_buf(),
            line: problems[0].line,
            message: problems
                .iter()
                .map(|p| format!("line {}: {}", p.line, p.message))
                .collect::<Vec<_>>()
                .join("; "),
        })?;
        let mut reading = Reading {
            path,
            text,
            catalog: Catalog::new(locale),
        };
        if let Some((header, rest)) = messages.split_first() {
            reading.header(header)?;
            for m in rest {
                reading.message(m)?;
            }
        }
        Ok(reading.catalog)
    }
}
