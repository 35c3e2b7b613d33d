//! A PO file as GNU gettext sees it: messages with their comments, flags
//! and previous strings, active or obsolete (`#~`). No plural forms: these
//! catalogs do not use them, and the reader refuses them.

/// The flags of a message (`#, fuzzy, no-wrap`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Flags {
    /// `fuzzy`: the translation needs review; not used unless asked for.
    pub fuzzy: bool,
    /// `no-wrap` (`Some(false)`) or `wrap` (`Some(true)`); the last one
    /// read wins. Only `no-wrap` is written, as gettext does.
    pub wrap: Option<bool>,
    /// Any other flag (`c-format`, …), kept in the order read.
    pub other: Vec<String>,
}

/// One message: the header (empty `msgid`, no context) or an entry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Message {
    /// Translator comments (`# …`), one per line.
    pub comments: Vec<String>,
    /// Extracted comments (`#. …`), one per line.
    pub extracted: Vec<String>,
    /// References (`#: file:line`), one per token.
    pub references: Vec<String>,
    /// Flags (`#, …`).
    pub flags: Flags,
    /// `#| msgctxt`: the context the fuzzy translation was made for.
    pub previous_msgctxt: Option<String>,
    /// `#| msgid`: the English the fuzzy translation was made for.
    pub previous_msgid: Option<String>,
    /// `msgctxt`, if any.
    pub msgctxt: Option<String>,
    /// `msgid`.
    pub msgid: String,
    /// `msgstr`.
    pub msgstr: String,
    /// Written as `#~` lines: kept, not used.
    pub obsolete: bool,
    /// Line of its first `msgctxt` / `msgid` line (0 when made in memory).
    pub line: usize,
}

impl Message {
    /// Whether it is the header entry.
    pub fn is_header(&self) -> bool {
        self.msgctxt.is_none() && self.msgid.is_empty() && !self.obsolete
    }
}
