//! Malformed PO catalogs: every problem is an `Error::Catalog` naming the
//! file and the line (unterminated strings, bad escapes, a missing header,
//! duplicate contexts, plural forms, entries run together, invalid UTF-8),
//! and no mutation or truncation of a real catalog makes loading panic.
//! Writing then reading is total: whatever a catalog holds, `to_po` then
//! `parse` gives it back. The property tests run from a fixed seed.

use crate::common;

use common::{floor_char_boundary, TempDir};

use std::path::{Path, PathBuf};

use iothub_codegen::docs::{self, Catalog, Entry};
use iothub_codegen::Error;
use proptest::prelude::*;
use proptest::test_runner::RngSeed;

/// The property tests' configuration: a fixed seed (whatever
/// `PROPTEST_RNG_SEED` says), so a run is the same on every machine.
fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 256,
        rng_seed: RngSeed::Fixed(0x1077_4ab5),
        ..ProptestConfig::default()
    }
}

fn sv_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../spec/locales/sv-SE.po")
}

fn sv_text() -> String {
    std::fs::read_to_string(sv_path()).expect("sv-SE.po readable")
}

/// A header of three lines and a blank one: entries start at line 5.
const HEADER: &str = "msgid \"\"\nmsgstr \"\"\n\"Language: xx-XX\\n\"\n\n";

/// The error of parsing `text`: its line and message.
fn error(text: &str) -> (usize, String) {
    let path = Path::new("locales/xx-XX.po");
    match Catalog::parse(text, path, "xx-XX") {
        Ok(c) => panic!("accepted: {:?}\n{text}", c.entries().collect::<Vec<_>>()),
        Err(Error::Catalog {
            path: p,
            line,
            message,
        }) => {
            assert_eq!(p, path);
            assert!(!message.is_empty());
            (line, message)
        }
        Err(other) => panic!("not a catalog error: {other}"),
    }
}

#[test]
fn malformed_entries_are_located() {
    let cases: &[(&str, usize, &str)] = &[
        // (body after HEADER, line, part of the message)
        (
            "msgctxt \"a\nmsgid \"b\"\nmsgstr \"c\"\n",
            5,
            "quoted string",
        ),
        (
            "msgctxt \"a\"\nmsgid \"\"\n\"unterminated\nmsgstr \"c\"\n",
            7,
            "quoted string",
        ),
        ("msgctxt \"a\"\nmsgid \"b\"\nmsgstr \"c\\q\"\n", 7, "\\q"),
        (
            "msgctxt \"a\"\nmsgid \"b\"\nmsgstr \"c\\\"\n",
            7,
            "lone backslash",
        ),
        (
            "msgctxt \"a\"\nmsgid \"b\"\nmsgstr \"say \"hi\"\"\n",
            7,
            "unescaped",
        ),
        (
            "msgctxt \"a\"\nmsgid \"b\"\nmsgstr \"c\"\n\nmsgctxt \"a\"\nmsgid \"d\"\nmsgstr \"e\"\n",
            9,
            "already appears at line 5",
        ),
        (
            "msgctxt \"a\"\nmsgid \"b\"\nmsgid_plural \"bs\"\nmsgstr[0] \"c\"\nmsgstr[1] \"cs\"\n",
            7,
            "plural",
        ),
        ("msgctxt \"a\"\nmsgid \"b\"\nmsgstr[0] \"c\"\n", 7, "plural"),
        ("msgctxt \"a\"\nmsgid \"b\"\n", 5, "no `msgstr`"),
        ("msgid \"b\"\nmsgstr \"c\"\n", 5, "no `msgctxt`"),
        ("msgctxt \"a\"\nmsgid \"\"\nmsgstr \"c\"\n", 5, "empty `msgid`"),
        ("hello world\n", 5, "expected `msgctxt`"),
        ("\"orphan\"\n", 5, "continues no"),
        (
            "msgctxt \"a\"\nmsgid \"b\"\nmsgstr \"c\"\nmsgctxt \"d\"\nmsgid \"e\"\nmsgstr \"f\"\n",
            8,
            "blank line",
        ),
        (
            "msgctxt \"a\"\nmsgid \"b\"\nmsgstr \"c\"\nmsgstr \"d\"\n",
            8,
            "second `msgstr`",
        ),
        (
            "msgctxt \"a\"\nmsgid \"b\"\nmsgstr \"c\"\n\n\n\nmsgctxt \"d\"\nmsgid \"e\"\nmsgstr \"f\\x\"\n",
            13,
            "\\x",
        ),
    ];
    for (body, line, part) in cases {
        let text = format!("{HEADER}{body}");
        let (got, message) = error(&text);
        assert_eq!(got, *line, "{body:?}: {message}");
        assert!(message.contains(part), "{body:?}: {message}");
        assert!(
            message.starts_with(&format!("line {line}: ")),
            "{body:?}: {message}"
        );
    }
}

#[test]
fn the_header_is_required_and_first() {
    let (line, message) = error("msgctxt \"a\"\nmsgid \"b\"\nmsgstr \"c\"\n");
    assert_eq!(line, 1);
    assert!(message.contains("header"), "{message}");
    let (line, message) = error("");
    assert_eq!(line, 1);
    assert!(message.contains("no header"), "{message}");
    let (line, message) = error("# only a comment\n");
    assert_eq!(line, 1);
    assert!(message.contains("no header"), "{message}");
    // An entry before the header.
    let (line, message) = error(&format!(
        "\n\nmsgctxt \"a\"\nmsgid \"b\"\nmsgstr \"c\"\n\n{HEADER}"
    ));
    assert_eq!(line, 3);
    assert!(message.contains("header"), "{message}");
}

#[test]
fn problems_in_the_real_catalog_are_located() {
    let text = sv_text();
    let lines: Vec<&str> = text.lines().collect();
    let target = "msgstr \"Hämta dubbla tillstånd\"";
    let at = lines.iter().position(|l| *l == target).expect("line") + 1;
    let broken = text.replacen(target, "msgstr \"Hämta \\dubbla\"", 1);
    let path = Path::new("spec/locales/sv-SE.po");
    let err = Catalog::parse(&broken, path, "sv-SE").expect_err("bad escape");
    let shown = err.to_string();
    assert!(
        shown.starts_with(&format!(
            "spec/locales/sv-SE.po:{at}: line {at}: unknown escape"
        )),
        "{shown}"
    );
    assert!(matches!(err, Error::Catalog { line, .. } if line == at));

    // Two problems: both reported, the first one's line in the error.
    let second = "msgstr \"Skicka telemetri\"";
    let at2 = lines.iter().position(|l| *l == second).expect("line") + 1;
    let broken = broken.replacen(second, "msgstr \"Skicka", 1);
    let err = Catalog::parse(&broken, path, "sv-SE").expect_err("two problems");
    assert!(matches!(err, Error::Catalog { line, .. } if line == at));
    let shown = err.to_string();
    assert!(shown.contains(&format!("line {at2}: ")), "{shown}");

    // A duplicated entry.
    let entry = "msgctxt \"operation.get-twin.title\"\nmsgid \"Get Twin\"\nmsgstr \"Få dubbla\"\n";
    let first = lines
        .iter()
        .position(|l| *l == "msgctxt \"operation.get-twin.title\"")
        .expect("entry")
        + 1;
    let duplicated = format!("{text}\n{entry}");
    let dup_line = text.lines().count() + 2;
    let err = Catalog::parse(&duplicated, path, "sv-SE").expect_err("duplicate");
    assert!(
        matches!(&err, Error::Catalog { line, message, .. }
            if *line == dup_line && message.contains(&format!("already appears at line {first}"))),
        "{err}"
    );
}

#[test]
fn invalid_utf8_is_located_by_load() {
    let tmp = TempDir::new("utf8");
    let path = tmp.0.join("xx-XX.po");
    let mut bytes = HEADER.as_bytes().to_vec();
    bytes.extend_from_slice(b"msgctxt \"a\"\nmsgid \"b\"\nmsgstr \"caf\xe9 \xff\"\n");
    std::fs::write(&path, &bytes).expect("write");
    match Catalog::load(&path, "xx-XX") {
        Err(Error::Catalog {
            path: p,
            line,
            message,
        }) => {
            assert_eq!(p, path);
            assert_eq!(line, 7);
            assert!(message.contains("UTF-8"), "{message}");
        }
        other => panic!("expected a catalog error, got {other:?}"),
    }
    // On the first line, too.
    std::fs::write(&path, b"\xfe\xffmsgid \"\"\n").expect("write");
    assert!(matches!(
        Catalog::load(&path, "xx-XX"),
        Err(Error::Catalog { line: 1, .. })
    ));
    // The real catalog with one byte broken in the middle.
    let mut real = std::fs::read(sv_path()).expect("sv-SE.po");
    let at = real.len() / 2;
    let line = real[..at].iter().filter(|&&b| b == b'\n').count() + 1;
    real[at] = 0xff;
    std::fs::write(&path, &real).expect("write");
    assert!(matches!(
        Catalog::load(&path, "sv-SE"),
        Err(Error::Catalog { line: l, .. }) if l == line
    ));
    // A missing file is an I/O error naming it.
    let missing = tmp.0.join("missing.po");
    assert!(matches!(
        Catalog::load(&missing, "xx-XX"),
        Err(Error::Io { path, .. }) if path == missing
    ));
}

#[test]
fn crlf_line_endings_read_the_same() {
    let text = sv_text();
    let path = Path::new("sv-SE.po");
    let lf = Catalog::parse(&text, path, "sv-SE").expect("parses");
    let crlf = Catalog::parse(&text.replace('\n', "\r\n"), path, "sv-SE").expect("parses");
    assert_eq!(
        lf.entries().collect::<Vec<_>>(),
        crlf.entries().collect::<Vec<_>>()
    );
    assert_eq!(lf.front_matter(), crlf.front_matter());
}

// ---- never panics ----

/// Parses `text`: `Ok` with entries located at their `msgctxt` lines and
/// surviving a write / read round trip, or a located catalog error.
fn check(text: &str) -> Result<(), TestCaseError> {
    let path = Path::new("mutated.po");
    let lines: Vec<&str> = text.split('\n').collect();
    match Catalog::parse(text, path, "sv-SE") {
        Ok(catalog) => {
            for (key, entry) in catalog.entries() {
                prop_assert!(
                    entry.line >= 1 && entry.line <= lines.len(),
                    "{key}: {}",
                    entry.line
                );
                prop_assert!(
                    lines[entry.line - 1].starts_with("msgctxt"),
                    "{key}: line {} is `{}`",
                    entry.line,
                    lines[entry.line - 1]
                );
            }
            let written = catalog.to_po("iothub-mqtt5 test");
            let again = Catalog::parse(&written, path, "sv-SE");
            prop_assert!(
                again.is_ok(),
                "written catalog does not parse: {:?}",
                again.err()
            );
            let again = again.unwrap_or_default();
            prop_assert_eq!(strip(&catalog), strip(&again));
            prop_assert_eq!(&catalog.front_matter(), &again.front_matter());
            Ok(())
        }
        Err(Error::Catalog {
            path: p,
            line,
            message,
        }) => {
            prop_assert_eq!(p, path);
            prop_assert!(
                line >= 1 && line <= lines.len() + 1,
                "line {line}: {message}"
            );
            prop_assert!(!message.is_empty());
            Ok(())
        }
        Err(other) => Err(TestCaseError::fail(format!("unexpected error: {other}"))),
    }
}

fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("\"".to_owned()),
        Just("\\".to_owned()),
        Just("\\n".to_owned()),
        Just("\n".to_owned()),
        Just("\r\n".to_owned()),
        Just("\n\n".to_owned()),
        Just("msgctxt \"x\"\n".to_owned()),
        Just("msgid \"\"\n".to_owned()),
        Just("msgstr \"\"\n".to_owned()),
        Just("msgid_plural \"p\"\n".to_owned()),
        Just("msgstr[0] \"\"\n".to_owned()),
        Just("#~ ".to_owned()),
        Just("#, fuzzy\n".to_owned()),
        Just("#| msgid \"old\"\n".to_owned()),
        Just("\\q".to_owned()),
        Just("\u{0}".to_owned()),
        Just("é€😀".to_owned()),
        Just("\"\"".to_owned()),
        Just("front-matter.meta.".to_owned()),
        Just(" ".to_owned()),
        "[a-z\" \\\\]{0,8}",
    ]
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn truncated_catalogs_never_panic(cut in 0usize..40_000) {
        let text = sv_text();
        let cut = floor_char_boundary(&text, cut % (text.len() + 1));
        check(&text[..cut])?;
    }

    #[test]
    fn spliced_catalogs_never_panic(at in 0usize..40_000, len in 0usize..12, insert in fragment()) {
        let text = sv_text();
        let start = floor_char_boundary(&text, at % (text.len() + 1));
        let end = floor_char_boundary(&text, start + len);
        check(&format!("{}{}{}", &text[..start], insert, &text[end..]))?;
    }

    #[test]
    fn reordered_lines_never_panic(a in 0usize..1000, b in 0usize..1000, op in 0u8..4) {
        let text = sv_text();
        let mut lines: Vec<&str> = text.split('\n').collect();
        let (a, b) = (a % lines.len(), b % lines.len());
        match op {
            0 => { lines.remove(a); }
            1 => { let l = lines[a]; lines.insert(b, l); }
            2 => lines.swap(a, b),
            _ => { lines[a] = ""; }
        }
        check(&lines.join("\n"))?;
    }

    #[test]
    fn arbitrary_text_never_panics(body in "(msgctxt |msgid |msgstr |#, fuzzy|\"|\\\\|\n|[a-z ]){0,60}") {
        check(&format!("{HEADER}{body}"))?;
    }

    #[test]
    fn broken_bytes_never_panic(at in 0usize..40_000, byte in 0x80u8..=0xff) {
        let mut bytes = std::fs::read(sv_path()).expect("readable");
        let at = at % bytes.len();
        bytes[at] = byte;
        let tmp = TempDir::new("bytes");
        let path = tmp.0.join("sv-SE.po");
        std::fs::write(&path, &bytes).expect("write");
        match Catalog::load(&path, "sv-SE") {
            Ok(_) => {}
            Err(Error::Catalog { line, .. }) => {
                let lines = bytes.iter().filter(|&&b| b == b'\n').count() + 1;
                prop_assert!(line >= 1 && line <= lines);
            }
            Err(other) => return Err(TestCaseError::fail(format!("unexpected: {other}"))),
        }
    }
}

/// Text that PO strings must carry through: quotes, backslashes, escapes
/// spelled out, line breaks, tabs, `#` and keywords at line starts, spaces.
fn po_text(min: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("\"".to_owned()),
            Just("\\".to_owned()),
            Just("\\n".to_owned()),
            Just("\n".to_owned()),
            Just("\r".to_owned()),
            Just("\r\n".to_owned()),
            Just("\t".to_owned()),
            Just("\n#, fuzzy\n".to_owned()),
            Just("\nmsgid \"x\"\n".to_owned()),
            Just("\n\n".to_owned()),
            Just(" ".to_owned()),
            Just("é€😀".to_owned()),
            Just("\u{0}".to_owned()),
            "[a-zA-Z ]{1,30}",
        ],
        min..8,
    )
    .prop_map(|parts| parts.concat())
}

/// Each entry's context, texts and fuzziness — as gettext writes it: an
/// empty translation is never marked fuzzy.
fn strip(c: &Catalog) -> Vec<(String, String, String, bool)> {
    c.entries()
        .map(|(k, e)| {
            let fuzzy = e.fuzzy && !e.msgstr.is_empty();
            (k.to_owned(), e.msgid.clone(), e.msgstr.clone(), fuzzy)
        })
        .collect()
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn writing_then_reading_gives_back_every_catalog(
        entries in proptest::collection::vec((po_text(1), po_text(1), po_text(0), any::<bool>()), 0..12),
        front in proptest::collection::vec(("[a-z][a-z0-9._-]{0,12}", po_text(0)), 0..4),
    ) {
        let mut catalog = Catalog::new("sv-SE");
        for (context, msgid, msgstr, fuzzy) in entries {
            // Refused: a context of the front matter's, and what gettext
            // cannot keep (U+0000 anywhere, U+0004 in a context or English);
            // the strategy makes no empty contexts or English.
            let cut = |s: &str, separator: bool| s.contains('\0') || (separator && s.contains('\u{4}'));
            let refused = context.starts_with("front-matter.meta.")
                || cut(&context, true)
                || cut(&msgid, true)
                || cut(&msgstr, false);
            let entry = Entry { fuzzy, ..Entry::new(&msgid, &msgstr) };
            prop_assert_eq!(catalog.insert(&context, entry).is_err(), refused);
        }
        for (key, value) in front {
            // A front matter value is one line of text with no spaces at
            // either end (it is a header field).
            let one_line = !value.chars().any(|c| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}'))
                && value == value.trim();
            prop_assert_eq!(catalog.set_front_matter(&key, &value).is_ok(), one_line);
        }
        let written = catalog.to_po("iothub-mqtt5 test");
        let again = Catalog::parse(&written, Path::new("written.po"), "sv-SE");
        prop_assert!(again.is_ok(), "{:?}\n{}", again.err(), written);
        let again = again.unwrap_or_default();
        prop_assert_eq!(strip(&catalog), strip(&again));
        prop_assert_eq!(catalog.front_matter(), again.front_matter());
    }
}

#[test]
fn a_comment_between_the_strings_of_an_entry_is_located_not_misread() {
    // Found by `spliced_catalogs_never_panic`: polib appends the strings
    // after a `#` line to the comment, so the entry's msgid came out empty
    // (or cut) while the line check had accepted the file.
    let text = sv_text();
    let lines: Vec<&str> = text.split('\n').collect();
    let at = lines
        .iter()
        .enumerate()
        .skip(5)
        .position(|(i, l)| *l == "msgid \"\"" && lines[i + 1].starts_with('"'))
        .map(|p| p + 5)
        .expect("a multi-line msgid");
    for comment in ["#, fuzzy", "# translator", "#~ old", "#"] {
        let mut mutated = lines.clone();
        mutated.insert(at + 1, comment);
        let (line, message) = error(&mutated.join("\n"));
        assert_eq!(line, at + 2, "{comment}: {message}");
        assert!(
            message.contains("comment inside an entry"),
            "{comment}: {message}"
        );
    }
}

#[test]
fn a_line_of_spaces_between_entries_is_located_not_merged() {
    let text = sv_text();
    let first_gap = text.find("\n\nmsgctxt").expect("entries") + 1;
    let mutated = format!("{} {}", &text[..first_gap], &text[first_gap..]);
    let line = text[..first_gap].matches('\n').count() + 1;
    let (at, message) = error(&mutated);
    assert_eq!(at, line, "{message}");
    assert!(message.contains("only spaces"), "{message}");
}

#[test]
fn the_committed_catalogs_load_and_round_trip() {
    let api = iothub_codegen::load(common::spec_path()).expect("spec loads");
    for tag in ["cs-CZ", "hu-HU", "pl-PL", "ru-RU", "sv-SE"] {
        let path = sv_path().with_file_name(format!("{tag}.po"));
        let text = std::fs::read_to_string(&path).expect("readable");
        check(&text).unwrap_or_else(|e| panic!("{tag}: {e}"));
        let catalog = Catalog::load(&path, tag).expect("loads");
        // Written back, the committed file is byte for byte what `import` wrote.
        assert_eq!(catalog.to_po(&docs::project_id(&api)), text, "{tag}");
    }
}
