//! Front matter of a localized document as the catalogs keep it: which keys
//! are plain (YAML reads them as themselves), which values a catalog keeps
//! (one line of text), how a one-line value becomes text, the header field
//! (`X-Front-Matter-KEY`) of locale-specific values and the `msgctxt`
//! prefix they had before, which keys name the document's locale, and
//! which dates say when its translation was revised. Used by both the
//! catalog reader and import.

/// `msgctxt` prefix of locale-specific front matter values when catalogs
/// kept them as entries (still read; `msgmerge` makes such entries
/// obsolete, so they are written as header fields now).
pub const PREFIX: &str = "front-matter.meta.";

/// Header field prefix of locale-specific front matter values.
pub const FIELD_PREFIX: &str = "X-Front-Matter-";

/// Front matter keys whose date (`MM/DD/YYYY`) says when the document's
/// translation was last revised, most telling first: the catalog's
/// `PO-Revision-Date`.
pub const REVISION_DATE_KEYS: &[&str] = &["ms.lasthandoff", "ms.date"];

/// Front matter keys whose value is the document's locale tag: always the
/// target locale in a generated or imported document.
pub const LOCALE_KEYS: &[&str] = &["ms.contentlocale"];

/// The front matter key of a catalog context, if it is one.
pub fn key_of_context(context: &str) -> Option<&str> {
    context.strip_prefix(PREFIX)
}

/// The catalog context of front matter key `key`.
pub fn context_of_key(key: &str) -> String {
    format!("{PREFIX}{key}")
}

/// The catalog header field of front matter key `key`.
pub fn field_of_key(key: &str) -> String {
    format!("{FIELD_PREFIX}{key}")
}

/// Checks that a catalog can keep `value` as a front matter value: one
/// line, no control characters, no spaces at either end (a header field
/// holds one line, and tools may trim it). Says what is wrong.
pub fn check_value(value: &str) -> Result<(), &'static str> {
    if value
        .chars()
        .any(|c| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{85}'))
    {
        Err("is not one line of text (it has line breaks or control characters)")
    } else if value != value.trim() {
        Err("has spaces at its start or end")
    } else {
        Ok(())
    }
}

/// `PO-Revision-Date` (`YYYY-MM-DD 00:00+0000`) from the first of
/// [`REVISION_DATE_KEYS`] among `front_matter` whose value is a date
/// `MM/DD/YYYY`.
pub fn revision_date<'a>(
    front_matter: impl IntoIterator<Item = (&'a str, &'a str)> + Clone,
) -> Option<String> {
    REVISION_DATE_KEYS.iter().find_map(|want| {
        let (_, value) = front_matter.clone().into_iter().find(|(k, _)| k == want)?;
        let mut parts = value.trim().split('/');
        let (month, day, year) = (parts.next()?, parts.next()?, parts.next()?);
        let number = |s: &str, digits: std::ops::RangeInclusive<usize>, max: u32| {
            s.parse::<u32>().ok().filter(|&n| {
                digits.contains(&s.len())
                    && s.bytes().all(|b| b.is_ascii_digit())
                    && n >= 1
                    && n <= max
            })
        };
        let (month, day, year) = (
            number(month, 1..=2, 12)?,
            number(day, 1..=2, 31)?,
            number(year, 4..=4, 9999)?,
        );
        parts
            .next()
            .is_none()
            .then(|| format!("{year:04}-{month:02}-{day:02} 00:00+0000"))
    })
}

/// A front matter key that YAML reads as itself (`ms.locfileid`).
pub fn is_plain_key(key: &str) -> bool {
    key.starts_with(|c: char| c.is_ascii_alphanumeric())
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// A one-line front matter value as text: double quotes with their escapes,
/// single quotes with `''`, or plain.
pub fn unquote(value: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_keys_and_values() {
        assert!(is_plain_key("ms.locfileid"));
        assert!(!is_plain_key("-x"));
        assert!(!is_plain_key("a: b"));
        assert_eq!(unquote("\"96603561\""), "96603561");
        assert_eq!(unquote("'it''s'"), "it's");
        assert_eq!(unquote(" plain "), "plain");
        assert_eq!(key_of_context(&context_of_key("ms.date")), Some("ms.date"));
        assert_eq!(key_of_context("operation.x"), None);
        assert_eq!(field_of_key("ms.date"), "X-Front-Matter-ms.date");
        assert!(check_value("96603330").is_ok() && check_value("").is_ok());
        assert!(check_value("a\nb").is_err() && check_value(" a").is_err());
    }

    #[test]
    fn revision_dates() {
        let fm = [("ms.date", "11/19/2020"), ("ms.lasthandoff", "03/29/2021")];
        assert_eq!(revision_date(fm).as_deref(), Some("2021-03-29 00:00+0000"));
        assert_eq!(
            revision_date([("ms.date", "11/19/2020")]).as_deref(),
            Some("2020-11-19 00:00+0000")
        );
        assert_eq!(revision_date([("ms.date", "2020-11-19")]), None);
        assert_eq!(revision_date([("ms.date", "13/01/2020")]), None);
        assert_eq!(revision_date([("other", "11/19/2020")]), None);
    }
}
