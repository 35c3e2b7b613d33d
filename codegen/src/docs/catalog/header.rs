//! The header entry of catalogs and of the template: its fields in the
//! order gettext's own tools write them, the values every catalog carries
//! so that `msgfmt --check` has nothing to say, and the locale's front
//! matter values as `X-Front-Matter-KEY` fields — where `msgmerge`,
//! `msgcat`, Poedit and Weblate keep them, as they keep every header field
//! they do not know.

use super::super::front_matter;

/// Field name prefix of a front matter value: `X-Front-Matter-ms.locfileid`.
pub const FRONT_MATTER_FIELD: &str = front_matter::FIELD_PREFIX;

/// `X-Generator` of what this project writes.
pub const GENERATOR: &str = "iothub-codegen";

/// `Plural-Forms` of a catalog that does not say: these catalogs have no
/// plural entries.
pub(super) const PLURAL_FORMS: &str = "nplurals=1; plural=0;";

/// `Content-Type`: catalogs are UTF-8.
pub(super) const CONTENT_TYPE: &str = "text/plain; charset=UTF-8";

/// Fields in the order `xgettext` and `msginit` write them; other fields
/// follow, in the order given.
const ORDER: [&str; 11] = [
    "Project-Id-Version",
    "Report-Msgid-Bugs-To",
    "POT-Creation-Date",
    "PO-Revision-Date",
    "Last-Translator",
    "Language-Team",
    "Language",
    "MIME-Version",
    "Content-Type",
    "Content-Transfer-Encoding",
    "Plural-Forms",
];

/// The fields of header text (`Name: value` lines), in order.
pub(super) fn parse(text: &str) -> Vec<(String, String)> {
    text.split('\n')
        .filter(|line| !line.trim().is_empty())
        .map(|line| match line.split_once(':') {
            Some((name, value)) => (
                name.trim().to_owned(),
                value.strip_prefix(' ').unwrap_or(value).to_owned(),
            ),
            None => (line.trim().to_owned(), String::new()),
        })
        .collect()
}

/// Header text of `fields`: those gettext orders first in its order, then
/// the others as given; one `Name: value\n` line each.
pub(super) fn compose(fields: &[(String, String)]) -> String {
    let rank = |name: &str| ORDER.iter().position(|o| *o == name).unwrap_or(ORDER.len());
    let mut sorted: Vec<&(String, String)> = fields.iter().collect();
    sorted.sort_by_key(|(name, _)| rank(name));
    sorted
        .iter()
        .map(|(name, value)| format!("{name}: {value}\n"))
        .collect()
}

/// The fields every file of this project carries, over `fields` (kept
/// where they do not say otherwise): `Project-Id-Version`, `Language`,
/// `MIME-Version`, `Content-Type`, `Content-Transfer-Encoding` and
/// `X-Generator` as given here; `PO-Revision-Date`, `Last-Translator`,
/// `Language-Team` and `Plural-Forms` added when missing; then
/// `front_matter` as `X-Front-Matter-KEY` fields.
pub(super) fn complete(
    fields: &[(String, String)],
    project: &str,
    language: &str,
    front_matter: &[(String, String)],
) -> Vec<(String, String)> {
    let fixed = [
        ("Project-Id-Version", project),
        ("Language", language),
        ("MIME-Version", "1.0"),
        ("Content-Type", CONTENT_TYPE),
        ("Content-Transfer-Encoding", "8bit"),
    ];
    let defaults = [
        ("PO-Revision-Date", ""),
        ("Last-Translator", ""),
        ("Language-Team", ""),
        ("Plural-Forms", PLURAL_FORMS),
    ];
    let mut out: Vec<(String, String)> = fields
        .iter()
        .filter(|(name, _)| {
            name != "X-Generator"
                && !name.starts_with(FRONT_MATTER_FIELD)
                && !fixed.iter().any(|(f, _)| f == name)
        })
        .cloned()
        .collect();
    for (name, value) in fixed {
        out.push((name.to_owned(), value.to_owned()));
    }
    for (name, value) in defaults {
        if !out.iter().any(|(n, _)| n == name) {
            out.push((name.to_owned(), value.to_owned()));
        }
    }
    out.push(("X-Generator".to_owned(), GENERATOR.to_owned()));
    for (key, value) in front_matter {
        out.push((format!("{FRONT_MATTER_FIELD}{key}"), value.clone()));
    }
    out
}

/// Checks that a field can be written as one header line.
pub(super) fn check_field(name: &str, value: &str) -> Result<(), String> {
    let plain = !name.is_empty() && name.chars().all(|c| c.is_ascii_graphic() && c != ':');
    if !plain {
        return Err(format!(
            "`{name}` is not a header field name (printable ASCII, no `:` or spaces)"
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(format!(
            "the value of `{name}` has control characters or line breaks"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_round_trip_in_gettext_order() {
        let fields = parse(
            "Language: sv-SE\nProject-Id-Version: p\nX-Poedit-Basepath: .\nLast-Translator: \n",
        );
        assert_eq!(fields[3], ("Last-Translator".to_owned(), String::new()));
        let text = compose(&complete(
            &fields,
            "p 1",
            "sv-SE",
            &[("ms.date".to_owned(), "1".to_owned())],
        ));
        assert_eq!(
            text,
            "Project-Id-Version: p 1\nPO-Revision-Date: \nLast-Translator: \nLanguage-Team: \nLanguage: sv-SE\n\
             MIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n\
             Plural-Forms: nplurals=1; plural=0;\nX-Poedit-Basepath: .\nX-Generator: iothub-codegen\n\
             X-Front-Matter-ms.date: 1\n"
        );
        assert!(check_field("X-A", "b").is_ok());
        assert!(check_field("X A", "b").is_err());
        assert!(check_field("X", "a\nb").is_err());
    }
}
