//! Writing a catalog file: the header (its fields completed, the front
//! matter values as `X-Front-Matter-KEY` fields), the entries in their
//! order with their comments, flags and previous strings, then the
//! obsolete entries — laid out as `msgcat` lays them out.

use super::super::po::{self, Flags, Message};
use super::header;
use super::{Catalog, Entry, Notes};

fn message(context: Option<&str>, entry: &Entry, obsolete: bool) -> Message {
    let Notes {
        comments,
        extracted,
        references,
        wrap,
        flags,
        previous_msgctxt,
        previous_msgid,
    } = entry.notes.clone();
    Message {
        comments,
        extracted,
        references,
        flags: Flags {
            fuzzy: entry.fuzzy,
            wrap,
            other: flags,
        },
        previous_msgctxt,
        previous_msgid,
        msgctxt: context.map(str::to_owned),
        msgid: entry.msgid.clone(),
        msgstr: entry.msgstr.clone(),
        obsolete,
        line: entry.line,
    }
}

impl Catalog {
    /// The catalog as PO text, entries in their order, wrapped at 79
    /// columns as gettext writes it.
    pub fn to_po(&self, project: &str) -> String {
        self.to_po_width(project, po::PAGE_WIDTH)
    }

    /// [`to_po`](Self::to_po) wrapped at `page_width` columns (as
    /// `msgcat --width=N`).
    pub fn to_po_width(&self, project: &str, page_width: usize) -> String {
        let fields = header::complete(&self.header, project, &self.locale, &self.front_matter);
        let header_entry = Entry {
            msgid: String::new(),
            msgstr: header::compose(&fields),
            fuzzy: self.header_fuzzy,
            line: 0,
            notes: self.header_notes.clone(),
        };
        let mut messages = vec![message(None, &header_entry, false)];
        messages.extend(self.entries().map(|(key, e)| message(Some(key), e, false)));
        messages.extend(
            self.obsolete
                .iter()
                .map(|o| message(o.context.as_deref(), &o.entry, true)),
        );
        po::write(&messages, page_width)
    }
}
