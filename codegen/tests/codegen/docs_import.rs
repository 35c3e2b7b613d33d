//! Import robustness: a localized reference the importer has never seen —
//! the English document transliterated into Greek letters, with translated
//! identifiers, labels without the space after their colon, some English
//! left in place and (in one variant) no `<a name>` anchors — imports with
//! nothing unaligned, and renders back to the same document with canonical
//! identifiers. A document with deviations (an unknown section, a missing
//! table row, a missing payload line) reports each at its line and still
//! imports the rest.

use crate::common;

use iothub_codegen::docs::{self, import, Catalog, Status, Unit};
use iothub_codegen::ir::Api;

/// The 1-based number of the first line at or after line index `from` that `is_it` accepts.
fn line_after(doc: &str, from: usize, is_it: impl Fn(&str) -> bool, what: &str) -> usize {
    doc.lines()
        .enumerate()
        .skip(from)
        .find(|(_, l)| is_it(l))
        .map(|(i, _)| i + 1)
        .unwrap_or_else(|| panic!("no {what}"))
}

fn api() -> Api {
    iothub_codegen::load(common::spec_path()).expect("spec loads")
}

/// Latin letters to Greek ones, one for one.
fn greek_char(c: char) -> char {
    const LOWER: &str = "αβψδεφγηιξκλμνοπθρστυωςχυζ";
    const UPPER: &str = "ΑΒΨΔΕΦΓΗΙΞΚΛΜΝΟΠΘΡΣΤΥΩΣΧΥΖ";
    match c {
        'a'..='z' => LOWER.chars().nth(usize::from(c as u8 - b'a')).unwrap_or(c),
        'A'..='Z' => UPPER.chars().nth(usize::from(c as u8 - b'A')).unwrap_or(c),
        _ => c,
    }
}

/// `text` in Greek letters, code spans left as they are.
fn greek(text: &str) -> String {
    let mut out = String::new();
    let mut in_code = false;
    for c in text.chars() {
        if c == '`' {
            in_code = !in_code;
        }
        out.push(if in_code { c } else { greek_char(c) });
    }
    out
}

/// A label line as the fake locale writes it: Greek, and no space after
/// the label's colon.
fn label_line(text: &str) -> String {
    greek(text).replace("**: ", "**:").replace(":** ", ":**")
}

/// Places the fake locale leaves in English.
const ENGLISH_PLACES: &[&str] = &[
    "operation.send-telemetry.summary",
    "operation.get-twin.pseudo-code-sample.heading",
    "response.conflict.property.trace-id.description",
];

/// English text of places left in English, as they appear in the document.
const ENGLISH_TEXTS: &[&str] = &[
    "Post message to telemetry channel - EventHubs by default or other endpoint via routing configuration.",
    "trace ID for correlation with additional diagnostics for the error",
];

struct Fake {
    /// Drop the `<a name>` anchors of headings.
    drop_anchors: bool,
    /// Translate property names, type names and schema names.
    translate_identifiers: bool,
}

/// Splits a table row into its cells with their surrounding spaces.
fn cells(line: &str) -> Vec<&str> {
    let inner = line
        .strip_prefix('|')
        .and_then(|l| l.strip_suffix('|'))
        .expect("table row");
    inner.split('|').collect()
}

fn map_cell(cell: &str, f: impl Fn(&str) -> String) -> String {
    let trimmed = cell.trim();
    if trimmed.is_empty() {
        return cell.to_owned();
    }
    let start = cell.len() - cell.trim_start().len();
    let end = cell.trim_end().len();
    format!("{}{}{}", &cell[..start], f(trimmed), &cell[end..])
}

fn type_name(t: &str) -> String {
    match t {
        "string" => "κείμενο".to_owned(),
        "time" => "χρόνος".to_owned(),
        other => other.to_owned(),
    }
}

/// The fake localized document made from the English one.
fn fake(english: &str, how: &Fake) -> String {
    let mut out = Vec::new();
    let mut lines = english.lines().peekable();
    // Front matter.
    assert_eq!(lines.next(), Some("---"));
    out.push("---".to_owned());
    for line in lines.by_ref() {
        if line == "---" {
            out.push("ms.contentlocale: el-GR".to_owned());
            out.push("---".to_owned());
            break;
        }
        match line.split_once(": ") {
            Some((key @ ("title" | "description"), value)) => {
                out.push(format!("{key}: {}", greek(value)))
            }
            _ => out.push(line.to_owned()),
        }
    }
    let mut in_fence = false;
    let mut table: Option<&str> = None;
    let mut first_sample = true;
    for line in lines {
        if line.starts_with("```") {
            in_fence = !in_fence;
            out.push(line.to_owned());
            continue;
        }
        if in_fence || line.is_empty() {
            table = None;
            out.push(line.to_owned());
            continue;
        }
        if line.starts_with('#') {
            let hashes = line.chars().take_while(|c| *c == '#').count();
            let rest = line[hashes..].trim_start();
            let (anchor, text) = match rest.strip_prefix("<a name=\"") {
                Some(r) => {
                    let (name, text) = r.split_once("\"></a>").expect("anchor");
                    (Some(name), text)
                }
                None => (None, rest),
            };
            let text = if text == "Pseudo-code Sample" && first_sample {
                // The first sample heading stays English.
                first_sample = false;
                text.to_owned()
            } else {
                greek(text)
            };
            let anchor = match anchor {
                Some(name) if !how.drop_anchors => format!("<a name=\"{name}\"></a>"),
                _ => String::new(),
            };
            out.push(format!("{} {anchor}{text}", "#".repeat(hashes)));
            continue;
        }
        if line.starts_with('|') {
            let row = cells(line);
            let kind = *table.get_or_insert(if row.len() == 4 && row[0].trim() == "Name" {
                "properties"
            } else {
                "alternatives"
            });
            let mapped: Vec<String> = if line.starts_with("| :") {
                row.iter().map(|c| (*c).to_owned()).collect()
            } else if row.iter().any(|c| c.trim() == "Description") {
                row.iter().map(|c| map_cell(c, greek)).collect()
            } else if kind == "properties" {
                row.iter()
                    .enumerate()
                    .map(|(i, c)| match i {
                        0 if how.translate_identifiers => map_cell(c, greek),
                        1 if how.translate_identifiers => map_cell(c, type_name),
                        0 | 1 => (*c).to_owned(),
                        _ if ENGLISH_TEXTS.contains(&c.trim()) && english_cell_kept(&out) => {
                            (*c).to_owned()
                        }
                        _ => map_cell(c, greek),
                    })
                    .collect()
            } else {
                let text_from = row.len() - 2;
                row.iter()
                    .enumerate()
                    .map(|(i, c)| {
                        if i >= text_from {
                            map_cell(c, greek)
                        } else {
                            (*c).to_owned()
                        }
                    })
                    .collect()
            };
            out.push(format!("|{}|", mapped.join("|")));
            continue;
        }
        table = None;
        if ENGLISH_TEXTS.contains(&line) {
            out.push(line.to_owned());
            continue;
        }
        let translated = if how.translate_identifiers {
            label_line(line)
        } else {
            // Keep the schema name of a payload line.
            match line.rsplit_once(": ") {
                Some((label, schema)) if schema == "Twin" || schema == "TwinState" => {
                    format!("{}:{schema}", greek(label))
                }
                _ => label_line(line),
            }
        };
        out.push(translated);
    }
    let mut text = out.join("\n");
    text.push('\n');
    text
}

/// Whether the trace-id row being written is the one of `conflict` (the
/// first response with that row), which stays English.
fn english_cell_kept(out: &[String]) -> bool {
    let last_heading = out
        .iter()
        .rev()
        .find(|l| l.starts_with("### "))
        .expect("a heading");
    last_heading.ends_with(&greek("Conflict"))
}

/// What the imported catalog must give each place.
fn expected(api: &Api, unit: &Unit) -> String {
    if ENGLISH_PLACES.contains(&unit.place.as_str()) {
        return unit.english.clone();
    }
    if let Some(schema) = unit.key().strip_prefix("payload.") {
        let identifier = api
            .schemas
            .iter()
            .any(|s| s.name == schema && s.text.is_none());
        if identifier {
            let label = unit
                .english
                .strip_suffix(schema)
                .expect("payload line ends with its schema")
                .trim_end();
            return format!("{} {schema}", greek(label));
        }
    }
    label_line(&unit.english)
}

fn strip_anchors(line: &str) -> String {
    match line.find("<a name=\"") {
        Some(i) => {
            let end = line[i..].find("</a>").expect("closed anchor") + i + 4;
            format!("{}{}", &line[..i], &line[end..])
        }
        None => line.to_owned(),
    }
}

fn check_round_trip(how: &Fake) {
    let api = api();
    let (english, _) = docs::render(&api, None).expect("renders");
    let doc = fake(&english, how);
    assert_eq!(doc.lines().count(), english.lines().count() + 1);
    // The fake is really foreign: hardly any English word is left.
    for word in [
        "Request\n",
        "**Properties**",
        "**Payload**",
        "Operations",
        "Responses",
        "| Name |",
    ] {
        assert!(!doc.contains(word), "{word} left in the fake document");
    }
    if how.drop_anchors {
        assert!(!doc.contains("<a name"));
    }
    if how.translate_identifiers {
        assert!(doc.contains(&greek("| sequence-no |")));
        assert!(doc.contains(&greek("**Payload**:TwinState")));
        assert!(doc.contains("| κείμενο |"));
    }

    let imported = import::import(&api, "el-GR", &doc);
    assert_eq!(imported.unaligned, [], "nothing should be unaligned");
    let catalog = &imported.catalog;
    assert_eq!(catalog.locale, "el-GR");
    assert_eq!(
        catalog.front_matter(),
        [("ms.contentlocale".to_owned(), "el-GR".to_owned())]
    );

    let plan = docs::plan(&api);
    for unit in plan.units() {
        let want = expected(&api, unit);
        assert_eq!(
            catalog.lookup(unit),
            (want.as_str(), Status::Translated),
            "place {}",
            unit.place
        );
    }
    // Left-in-English places that share a key got entries of their own.
    let own = catalog
        .get("operation.get-twin.pseudo-code-sample.heading")
        .expect("own entry");
    assert_eq!(own.msgstr, "Pseudo-code Sample");
    assert_eq!(
        catalog
            .get("heading.pseudo-code-sample")
            .expect("shared")
            .msgstr,
        greek("Pseudo-code Sample")
    );

    // Rendered back: the fake document, with anchors and canonical identifiers.
    let (rendered, coverage) = docs::render(&api, Some(catalog)).expect("renders");
    assert!(coverage.fuzzy.is_empty() && coverage.missing.is_empty());
    assert_eq!(coverage.translated, plan.units().len());
    let rendered_lines: Vec<&str> = rendered.lines().collect();
    let fake_lines: Vec<&str> = doc.lines().collect();
    let english_lines: Vec<&str> = english.lines().collect();
    assert_eq!(rendered_lines.len(), fake_lines.len());
    let mut in_table = false;
    for (i, (r, f)) in rendered_lines.iter().zip(&fake_lines).enumerate() {
        // English line i-1 is fake line i (the fake has one more front
        // matter line, before the body).
        let e = if i > 0 { english_lines[i - 1] } else { "" };
        let want = if f.starts_with("| ") && in_table && !f.starts_with("| :") {
            let (ec, fc) = (cells(e), cells(f));
            if ec.len() == 4 && !ec[0].trim().chars().all(|c| c.is_ascii_digit()) {
                // A property row: name and type canonical.
                format!("|{}|{}|{}|", ec[0], ec[1], fc[2..].join("|"))
            } else {
                (*f).to_owned()
            }
        } else if let (Some((label, _)), Some(("**Payload**", schema @ ("Twin" | "TwinState")))) =
            (f.rsplit_once(':'), e.rsplit_once(": "))
        {
            // A payload line: the schema name canonical.
            format!("{label}: {schema}")
        } else if e.starts_with("**") && e.ends_with('`') {
            // A label and its code: the template puts a space between.
            f.replacen(":**`", ":** `", 1)
        } else {
            (*f).to_owned()
        };
        in_table = f.starts_with('|');
        assert_eq!(strip_anchors(r), strip_anchors(&want), "line {}", i + 1);
        if !how.drop_anchors {
            assert_eq!(*r, want, "line {}: anchors kept", i + 1);
        }
    }
    // Identifiers are canonical, never the document's translations.
    assert!(rendered.contains("| sequence-no | u64 | "));
    assert!(rendered.contains("| Content Type | string | "));
    assert!(!rendered.contains(&greek("sequence-no")));
    assert!(!rendered.contains("κείμενο"));
    assert!(rendered.contains(&format!("{} TwinState\n", greek("**Payload**:"))));
    assert!(rendered.contains(&format!("{} Twin\n", greek("**Payload**:"))));
    assert!(rendered.contains("ms.contentlocale: el-GR\n---\n"));
}

#[test]
fn a_foreign_document_with_anchors_imports_completely() {
    check_round_trip(&Fake {
        drop_anchors: false,
        translate_identifiers: true,
    });
}

#[test]
fn a_foreign_document_without_anchors_aligns_by_position() {
    check_round_trip(&Fake {
        drop_anchors: true,
        translate_identifiers: true,
    });
}

/// 1-based line of the first line of `doc` equal to `line`.
fn line_of(doc: &str, line: &str) -> usize {
    doc.lines()
        .position(|l| l == line)
        .unwrap_or_else(|| panic!("no line `{line}`"))
        + 1
}

fn lookup(catalog: &Catalog, api: &Api, place: &str) -> (String, Status) {
    let plan = docs::plan(api);
    let unit = plan
        .units()
        .into_iter()
        .find(|u| u.place == place)
        .unwrap_or_else(|| panic!("no place {place}"));
    let (text, status) = catalog.lookup(unit);
    (text.to_owned(), status)
}

/// Removes the line equal to `line` that follows line `after` (1-based).
fn remove_line_after(doc: &str, after: usize, line: &str) -> String {
    let mut lines: Vec<&str> = doc.lines().collect();
    let i = lines[after..]
        .iter()
        .position(|l| *l == line)
        .unwrap_or_else(|| panic!("no `{line}` after line {after}"))
        + after;
    lines.remove(i);
    // Drop the blank line it leaves, too.
    if lines.get(i).is_some_and(|l| l.is_empty()) && lines.get(i - 1).is_some_and(|l| l.is_empty())
    {
        lines.remove(i);
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

#[test]
fn deviations_are_reported_at_their_lines_and_the_rest_is_imported() {
    let api = api();
    let (english, _) = docs::render(&api, None).expect("renders");
    let base = fake(
        &english,
        &Fake {
            drop_anchors: false,
            translate_identifiers: false,
        },
    );
    assert_eq!(import::import(&api, "el-GR", &base).unaligned, []);

    // 1. An unknown operation section between two known ones.
    let patch_heading = format!(
        "### <a name=\"patch-twin-reported\"></a>{}",
        greek("Patch Twin Reported")
    );
    let extra = "### <a name=\"local-notes\"></a>Σημειώσεις\n\nΜόνο για αυτή τη γλώσσα.\n\n";
    let mut doc = base.replacen(&patch_heading, &format!("{extra}{patch_heading}"), 1);
    // 2. A property row missing: `user-id` of the commands message.
    let commands = line_of(
        &doc,
        &format!(
            "### <a name=\"receive-commands\"></a>{}",
            greek("Receive Commands")
        ),
    );
    let user_id_row = format!(
        "| user-id | string | {} | {} |",
        greek("no"),
        greek("User identity (provided by sender)")
    );
    doc = remove_line_after(&doc, commands, &user_id_row);
    // 3. The payload line of the request of `patch-twin-reported` missing
    //    (after its properties table).
    let patch = line_of(&doc, &patch_heading);
    doc = remove_line_after(&doc, patch, &format!("{}:TwinState", greek("**Payload**")));
    // 4. The payload line of the `not-modified` response missing (no table).
    let not_modified_heading =
        format!("### <a name=\"not-modified\"></a>{}", greek("Not Modified"));
    let not_modified = line_of(&doc, &not_modified_heading);
    doc = remove_line_after(&doc, not_modified, &label_line("**Payload**: empty"));

    let extra_line = line_of(&doc, "### <a name=\"local-notes\"></a>Σημειώσεις");
    let commands = line_of(
        &doc,
        &format!(
            "### <a name=\"receive-commands\"></a>{}",
            greek("Receive Commands")
        ),
    );
    let commands_table = line_after(
        &doc,
        commands,
        |l| l.starts_with(&format!("| {} |", greek("Name"))),
        "commands table",
    );
    let patch = line_of(&doc, &patch_heading);
    let patch_response = line_after(
        &doc,
        patch,
        |l| l.starts_with("#### <a name=\"success-response\">"),
        "success response of patch",
    );
    let not_modified = line_of(&doc, &not_modified_heading);
    let next_response = line_after(
        &doc,
        not_modified,
        |l| l.starts_with("### "),
        "next response",
    );

    let imported = import::import(&api, "el-GR", &doc);
    let unaligned = &imported.unaligned;
    let report = format!("{unaligned:#?}");
    assert_eq!(unaligned.len(), 4, "{report}");
    let at = |f: &dyn Fn(usize) -> bool, word: &str| {
        assert!(
            unaligned
                .iter()
                .any(|u| f(u.line) && u.message.contains(word)),
            "no report containing `{word}` at the expected line: {report}"
        );
    };
    at(&|l| l == extra_line, "Σημειώσεις");
    // One row of the commands' table was removed.
    let rows = api
        .operation("receive-commands")
        .expect("receive-commands")
        .first
        .properties
        .len();
    at(&|l| l == commands_table, &format!("{} rows", rows - 1));
    at(&|l| l > patch && l < patch_response, "payload");
    at(&|l| l > not_modified && l < next_response, "not-modified");
    let mut lines: Vec<usize> = unaligned.iter().map(|u| u.line).collect();
    lines.sort_unstable();
    assert_eq!(
        lines,
        unaligned.iter().map(|u| u.line).collect::<Vec<_>>(),
        "sorted by line"
    );

    // The rest is imported, and nothing is imported into the wrong place.
    let catalog = &imported.catalog;
    let greek_of = |place: &str| {
        let plan = docs::plan(&api);
        let unit = plan
            .units()
            .into_iter()
            .find(|u| u.place == place)
            .expect("place")
            .clone();
        expected(&api, &unit)
    };
    for place in [
        "operation.get-twin.summary",
        "operation.patch-twin-reported.title",
        "operation.patch-twin-reported.summary",
        "operation.patch-twin-reported.request.properties",
        "operation.patch-twin-reported.success-response.property.version.description",
        "operation.receive-commands.message.property.message-id.description",
        "operation.receive-commands.message.property.correlation-id.description",
        "operation.receive-commands.message.property.content-encoding.description",
        "operation.receive-commands.message.properties.header.name",
        "response.not-modified.title",
        "response.not-modified.description",
        "response.not-modified.status",
        "response.timeout.payload",
    ] {
        assert_eq!(
            lookup(catalog, &api, place),
            (greek_of(place), Status::Translated),
            "{place}"
        );
    }
    // The missing row's description is missing, not taken from its neighbour.
    assert_eq!(
        lookup(
            catalog,
            &api,
            "operation.receive-commands.message.property.user-id.description"
        )
        .1,
        Status::Missing
    );
    // The unknown section's text went nowhere.
    let (rendered, _) = docs::render(&api, Some(catalog)).expect("renders");
    assert!(!rendered.contains("Σημειώσεις") && !rendered.contains("Μόνο για"));
    // The missing payload lines were not replaced by their neighbours: no
    // entry of their own, the shared translation (from the other places).
    for place in [
        "operation.patch-twin-reported.request.payload",
        "operation.patch-twin-reported.request.properties",
        "response.not-modified.payload",
        "response.not-modified.properties",
    ] {
        assert!(
            catalog.get(place).is_none(),
            "{place}: {:?}",
            catalog.get(place)
        );
        assert_eq!(
            lookup(catalog, &api, place),
            (greek_of(place), Status::Translated),
            "{place}"
        );
    }
}

#[test]
fn an_anchorless_extra_section_in_an_anchored_document_is_reported() {
    let api = api();
    let (english, _) = docs::render(&api, None).expect("renders");
    let base = fake(
        &english,
        &Fake {
            drop_anchors: false,
            translate_identifiers: false,
        },
    );
    // Without an anchor, in the middle of anchored operations: it must not
    // take the place of the operation at its position.
    let heading = format!(
        "### <a name=\"receive-direct-methods\"></a>{}",
        greek("Receive Direct Methods")
    );
    let doc = base.replacen(&heading, &format!("### Ξένο\n\nΚείμενο.\n\n{heading}"), 1);
    let imported = import::import(&api, "el-GR", &doc);
    let line = line_of(&doc, "### Ξένο");
    assert_eq!(imported.unaligned.len(), 1, "{:#?}", imported.unaligned);
    assert_eq!(imported.unaligned[0].line, line);
    for place in [
        "operation.receive-direct-methods.title",
        "operation.receive-direct-methods.summary",
    ] {
        let (text, status) = lookup(&imported.catalog, &api, place);
        assert_eq!(status, Status::Translated, "{place}");
        assert!(
            !text.contains("Ξένο") && !text.contains("Κείμενο"),
            "{place}: {text}"
        );
    }

    // The same at the end of the operations of an anchorless document.
    let bare = fake(
        &english,
        &Fake {
            drop_anchors: true,
            translate_identifiers: true,
        },
    );
    let responses = format!("## {}", greek("Responses"));
    let doc = bare.replacen(
        &responses,
        &format!("### Ξένο\n\nΚείμενο.\n\n{responses}"),
        1,
    );
    let imported = import::import(&api, "el-GR", &doc);
    assert_eq!(imported.unaligned.len(), 1, "{:#?}", imported.unaligned);
    assert_eq!(imported.unaligned[0].line, line_of(&doc, "### Ξένο"));
    assert!(imported.unaligned[0].message.contains("Ξένο"));
}

#[test]
fn every_committed_document_imports_to_itself() {
    // Import of a generated document gives a catalog that renders it again,
    // byte for byte: the importer inverts the renderer.
    let api = api();
    let docs_dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs");
    let mut seen = 0;
    for entry in std::fs::read_dir(&docs_dir).expect("docs") {
        let dir = entry.expect("entry").path();
        let tag = dir
            .file_name()
            .and_then(|n| n.to_str())
            .expect("tag")
            .to_owned();
        if tag == docs::SOURCE_LOCALE {
            continue;
        }
        let text = std::fs::read_to_string(dir.join(docs::DOC_FILE)).expect("document");
        let imported = import::import(&api, &tag, &text);
        assert_eq!(imported.unaligned, [], "{tag}");
        let (rendered, coverage) = docs::render(&api, Some(&imported.catalog)).expect("renders");
        assert!(rendered == text, "{tag}: the document does not render back");
        assert!(
            coverage.missing.is_empty() && coverage.fuzzy.is_empty(),
            "{tag}"
        );
        seen += 1;
    }
    assert!(seen >= 5, "only {seen} localized documents");
}

#[test]
fn front_matter_lines_that_are_not_plain_keys_are_reported() {
    let api = api();
    let (english, _) = docs::render(&api, None).expect("renders");
    let doc = english.replacen(
        "---\n",
        "---\n# a YAML comment: not a key\n- item: in a list\n: no key\nms.custom: kept\n",
        1,
    );
    let imported = import::import(&api, "el-GR", &doc);
    assert_eq!(
        imported.catalog.front_matter(),
        [("ms.custom".to_owned(), "kept".to_owned())]
    );
    let lines: Vec<usize> = imported.unaligned.iter().map(|u| u.line).collect();
    assert_eq!(lines, [3, 4], "{:#?}", imported.unaligned);
    let (rendered, _) = docs::render(&api, Some(&imported.catalog)).expect("renders");
    assert!(rendered.contains("\nms.custom: kept\n---\n"));
    assert!(!rendered.contains("- item") && !rendered.contains("YAML comment"));
}

#[test]
fn front_matter_values_are_text_in_the_catalog_and_yaml_in_the_document() {
    let api = api();
    let (english, _) = docs::render(&api, None).expect("renders");
    let body = &english[english.find("\n---\n").expect("front matter end") + 5..];
    let doc = format!(
        "---\ntitle: 'It''s the reference'\ndescription: \"Say \\\"hi\\\"\"\nms.locfileid: \"96603561\"\nms.custom: \"a: b\"\nms.block: >-\n---\n{body}"
    );
    let imported = import::import(&api, "xx-XX", &doc);
    let block = imported
        .unaligned
        .iter()
        .find(|u| u.message.contains("block scalar"));
    assert_eq!(block.map(|u| u.line), Some(6), "{:?}", imported.unaligned);
    let extras = &imported.catalog.front_matter();
    assert!(
        extras.contains(&("ms.locfileid".to_owned(), "96603561".to_owned())),
        "{extras:?}"
    );
    assert!(
        extras.contains(&("ms.custom".to_owned(), "a: b".to_owned())),
        "{extras:?}"
    );
    assert!(!extras.iter().any(|(k, _)| k == "ms.block"));

    let (text, _) = docs::render(&api, Some(&imported.catalog)).expect("renders");
    let front = &text[..=text.find("\n---\n").expect("front matter end")];
    assert!(front.contains("\ntitle: It's the reference\n"), "{front}");
    assert!(front.contains("\ndescription: Say \"hi\"\n"), "{front}");
    assert!(front.contains("\nms.locfileid: \"96603561\"\n"), "{front}");
    assert!(front.contains("\nms.custom: \"a: b\"\n"), "{front}");

    // A second import of the rendered document changes nothing.
    let again = import::import(&api, "xx-XX", &text);
    assert_eq!(
        again.catalog.front_matter(),
        imported.catalog.front_matter()
    );
    assert_eq!(
        docs::render(&api, Some(&again.catalog)).expect("renders").0,
        text
    );
}
