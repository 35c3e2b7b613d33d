//! The static site: every page valid HTML (html-validate), every internal
//! link resolving, each section linking to itself in every other locale, no
//! English on a fully translated page outside identifiers and language
//! names, a fuzzy place shown in English with its marker, untrusted text
//! escaped, right-to-left locales, deterministic output written only when
//! it changes.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use iothub_codegen::docs::{publish, Catalog, Options};
use iothub_codegen::site::{self, Site};

use super::common;

fn api() -> iothub_codegen::ir::Api {
    iothub_codegen::load(common::spec_path()).expect("spec")
}

fn catalogs() -> Vec<Catalog> {
    publish::load_catalogs(&common::root().join("spec/locales")).expect("catalogs")
}

fn page<'a>(site: &'a Site, path: &str) -> &'a str {
    &site
        .pages
        .iter()
        .find(|p| p.path == Path::new(path))
        .unwrap_or_else(|| panic!("no page {path}"))
        .content
}

/// The catalogs folder copied, with `edit` applied to `<locale>.po`.
fn edited_locales(tag: &str, locale: &str, edit: impl Fn(String) -> String) -> common::TempDir {
    let tmp = common::TempDir::new(tag);
    for entry in std::fs::read_dir(common::root().join("spec/locales")).expect("dir") {
        let path = entry.expect("entry").path();
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        if !name.ends_with(".po") {
            continue;
        }
        let mut text = std::fs::read_to_string(&path).expect("read");
        if name == format!("{locale}.po") {
            text = edit(text);
        }
        std::fs::write(tmp.path().join(&name), text).expect("write");
    }
    tmp
}

/// Every `id` of a page.
fn ids(html: &str) -> BTreeSet<String> {
    attribute_values(html, "id").into_iter().collect()
}

/// Every value of attribute `name` in `html`, in order.
fn attribute_values(html: &str, name: &str) -> Vec<String> {
    let needle = format!(" {name}=\"");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(&needle) {
        rest = &rest[i + needle.len()..];
        let end = rest.find('"').expect("closed attribute");
        out.push(rest[..end].replace("&#38;", "&"));
        rest = &rest[end..];
    }
    out
}

/// The section with `id` (from its tag to its matching `</section>`).
fn section<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("<section id=\"{id}\">"))
        .unwrap_or_else(|| panic!("no section {id}"));
    let mut depth = 0;
    let mut at = start;
    loop {
        let open = html[at + 1..].find("<section").map(|i| i + at + 1);
        let close = html[at + 1..]
            .find("</section>")
            .map(|i| i + at + 1)
            .expect("closed");
        match open {
            Some(o) if o < close => {
                depth += 1;
                at = o;
            }
            _ => {
                if depth == 0 {
                    return &html[start..close + "</section>".len()];
                }
                depth -= 1;
                at = close;
            }
        }
    }
}

#[test]
fn every_internal_link_resolves_to_a_page_and_an_id() {
    let site = site::build(&api(), &catalogs(), Options::default()).expect("site");
    let pages: BTreeMap<PathBuf, &str> = site
        .pages
        .iter()
        .map(|p| (p.path.clone(), p.content.as_str()))
        .collect();
    let mut checked = 0;
    for (path, html) in &pages {
        if path.extension().is_none_or(|e| e != "html") {
            continue;
        }
        for href in attribute_values(html, "href")
            .into_iter()
            .chain(attribute_values(html, "src"))
        {
            assert!(
                !href.contains("://") && !href.starts_with('/'),
                "{}: {href} is not relative",
                path.display()
            );
            let (file, fragment) = href.split_once('#').unwrap_or((&href, ""));
            let target = if file.is_empty() {
                path.clone()
            } else {
                let mut t = path.parent().expect("parent").to_path_buf();
                for part in file.split('/') {
                    if part == ".." {
                        t.pop();
                    } else {
                        t.push(part);
                    }
                }
                t
            };
            let content = pages
                .get(&target)
                .unwrap_or_else(|| panic!("{}: {href}: no {}", path.display(), target.display()));
            if !fragment.is_empty() {
                assert!(
                    ids(content).contains(fragment),
                    "{}: {href}: no id {fragment}",
                    path.display()
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 1000, "{checked} links");
}

#[test]
fn each_section_links_to_itself_in_every_other_locale() {
    let site = site::build(&api(), &catalogs(), Options::default()).expect("site");
    let sv = page(&site, "sv-SE/index.html");
    let patch = section(sv, "patch-twin-reported");
    for tag in ["en-US", "cs-CZ", "hu-HU", "pl-PL", "ru-RU"] {
        assert!(
            patch.contains(&format!("<a href=\"../{tag}/index.html#patch-twin-reported\" hreflang=\"{tag}\" lang=\"{tag}\">")),
            "{tag}: {patch}"
        );
        assert!(sv.contains(&format!(
            "<link rel=\"alternate\" hreflang=\"{tag}\" href=\"../{tag}/index.html\">"
        )));
    }
    assert!(sv.starts_with("<!DOCTYPE html>\n<html lang=\"sv-SE\" dir=\"ltr\">"));
    assert!(sv.contains("<link rel=\"canonical\" href=\"index.html\">"));
    let ru = page(&site, "ru-RU/index.html");
    assert!(section(ru, "patch-twin-reported").contains("<h3>"));
    // The same anchors in every locale.
    assert_eq!(ids(sv), ids(ru));
    assert_eq!(ids(sv), ids(page(&site, "en-US/index.html")));
}

/// `html` without every part from `open` to the next `close`.
fn without(html: &str, open: &str, close: &str) -> String {
    let mut kept = String::new();
    let mut rest = html;
    while let Some(i) = rest.find(open) {
        kept.push_str(&rest[..i]);
        let end = rest[i..].find(close).expect("closed") + i + close.len();
        rest = &rest[end..];
    }
    kept.push_str(rest);
    kept
}

/// The visible words of a page outside code, the language switchers and
/// the numbers.
fn words(html: &str) -> BTreeSet<String> {
    let mut text = html.to_owned();
    for (open, close) in [
        ("<head>", "</head>"),
        ("<code>", "</code>"),
        ("<nav class=\"languages\"", "</nav>"),
        ("<ul class=\"elsewhere\">", "</ul>"),
    ] {
        text = without(&text, open, close);
    }
    let mut out = BTreeSet::new();
    let mut in_tag = false;
    let mut word = String::new();
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag && c.is_alphabetic() => word.push(c),
            _ => {
                if !word.is_empty() {
                    out.insert(std::mem::take(&mut word));
                }
            }
        }
    }
    out
}

#[test]
fn a_fully_translated_page_shows_no_english_outside_identifiers_and_language_names() {
    let catalogs = catalogs();
    let site = site::build(&api(), &catalogs, Options::default()).expect("site");
    let english = words(page(&site, "en-US/index.html"));
    for catalog in &catalogs {
        let (_, coverage) = site
            .coverage
            .iter()
            .find(|(t, _)| *t == catalog.locale)
            .expect("coverage");
        assert!(coverage.is_complete(), "{}", catalog.locale);
        // The translators' own words (they may keep an English word).
        let translated: BTreeSet<String> = catalog
            .entries()
            .flat_map(|(_, e)| words(&format!("<p>{}</p>", e.msgstr)))
            .collect();
        let shown = words(page(&site, &format!("{}/index.html", catalog.locale)));
        let leaked: Vec<&String> = shown
            .iter()
            .filter(|w| english.contains(*w) && !translated.contains(*w))
            .collect();
        assert!(
            leaked.is_empty(),
            "{}: English words not from its catalog: {leaked:?}",
            catalog.locale
        );
        assert!(shown.len() > 100, "{}", catalog.locale);
    }
}

#[test]
fn a_fuzzy_place_shows_in_english_with_its_marker_and_on_the_coverage_page() {
    let locales = edited_locales("site-fuzzy", "sv-SE", |po| {
        po.replace(
            "msgctxt \"operation.patch-twin-reported.summary\"\nmsgid \"Patch Twin's reported state\"",
            "msgctxt \"operation.patch-twin-reported.summary\"\nmsgid \"Patch the Twin's reported state\"",
        )
    });
    let catalogs = publish::load_catalogs(locales.path()).expect("catalogs");
    let site = site::build(&api(), &catalogs, Options::default()).expect("site");
    let sv = page(&site, "sv-SE/index.html");
    let patch = section(sv, "patch-twin-reported");
    assert!(
        patch.contains(&format!(
            "<p><span class=\"stale fuzzy\" lang=\"en-US\" data-place=\"operation.patch-twin-reported.summary\" title=\"{}\">Patch Twin&#39;s reported state</span></p>",
            site::FUZZY_NOTE
        )),
        "{patch}"
    );
    assert!(
        patch.contains(&format!(
            "<p class=\"stale-notice\" lang=\"en-US\">{}</p>",
            site::FUZZY_SECTION
        )),
        "{patch}"
    );
    assert_eq!(
        sv.matches("class=\"stale").count(),
        2,
        "one place and one notice"
    );
    assert!(
        sv.contains("<data value=\"368\">368</data> / <data value=\"369\">369</data> · 99 %"),
        "{}",
        &sv[..2000]
    );
    let coverage = page(&site, "sv-SE/coverage.html");
    let fuzzy = section(coverage, "fuzzy");
    assert!(
        fuzzy.contains("<li><a href=\"index.html#patch-twin-reported\"><code>operation.patch-twin-reported.summary</code></a></li>"),
        "{fuzzy}"
    );
    // With fuzzy translations shown: the translation, still marked.
    let shown = site::build(&api(), &catalogs, Options { use_fuzzy: true }).expect("site");
    let patch = section(page(&shown, "sv-SE/index.html"), "patch-twin-reported");
    assert!(
        patch.contains(
            "<span class=\"stale fuzzy\" data-place=\"operation.patch-twin-reported.summary\""
        ),
        "{patch}"
    );
    assert!(patch.contains("Snabb korrigering"), "{patch}");
    // Other locales are untouched.
    assert!(!page(&site, "ru-RU/index.html").contains("class=\"stale"));
}

#[test]
fn catalog_text_with_markup_shows_as_text_and_rtl_locales_are_right_to_left() {
    let locales = edited_locales("site-escape", "sv-SE", |po| {
        po.replace(
            "msgstr \"Snabb korrigering, dubbla rapporterat tillstånd\"",
            "msgstr \"<script>alert(1)</script> <img src=x onerror=alert(2)> [x](javascript:void) [y](https://example.com/a?b=c&d=e)\"",
        )
    });
    std::fs::write(
        locales.path().join("ar-EG.po"),
        "msgid \"\"\nmsgstr \"\"\n\"Content-Type: text/plain; charset=UTF-8\\n\"\n\"Language: ar-EG\\n\"\n",
    )
    .expect("write");
    let catalogs = publish::load_catalogs(locales.path()).expect("catalogs");
    let site = site::build(&api(), &catalogs, Options::default()).expect("site");
    let sv = page(&site, "sv-SE/index.html");
    let patch = section(sv, "patch-twin-reported");
    assert!(patch.contains("<p>&#60;script&#62;alert(1)&#60;/script&#62; &#60;img src=x onerror=alert(2)&#62; [x](javascript:void) [y](https://example.com/a?b=c&#38;d=e)</p>"), "{patch}");
    assert!(!sv.contains("<script>alert") && !sv.contains("href=\"javascript:"));
    let ar = page(&site, "ar-EG/index.html");
    assert!(ar.starts_with("<!DOCTYPE html>\n<html lang=\"ar-EG\" dir=\"rtl\">"));
    assert!(sv.contains(
        "<a href=\"../ar-EG/index.html#get-twin\" hreflang=\"ar-EG\" lang=\"ar-EG\">العربية</a>"
    ));
    assert!(page(&site, "index.html")
        .contains("<a href=\"ar-EG/index.html\" hreflang=\"ar-EG\" lang=\"ar-EG\">العربية</a>"));
}

#[test]
fn every_page_passes_html_validate() {
    let Some(tool) = iothub_test_kit::html_validate("html-validate") else {
        return;
    };
    let tmp = common::TempDir::new("site-validate");
    // A fuzzy place too, so that the markers are validated.
    let locales = edited_locales("site-validate-po", "sv-SE", |po| {
        po.replace(
            "msgid \"Patch Twin's reported state\"",
            "msgid \"Patch the Twin's reported state\"",
        )
    });
    let catalogs = publish::load_catalogs(locales.path()).expect("catalogs");
    let built = site::build(&api(), &catalogs, Options::default()).expect("site");
    site::write(&built, tmp.path()).expect("written");
    let pages: Vec<PathBuf> = built
        .pages
        .iter()
        .filter(|p| p.path.extension().is_some_and(|e| e == "html"))
        .map(|p| tmp.path().join(&p.path))
        .collect();
    assert_eq!(pages.len(), 13);
    let validate = |files: &[PathBuf]| {
        let out = Command::new(&tool)
            .arg("--config")
            .arg(common::root().join("tests/node/htmlvalidate.json"))
            .args(["--formatter", "text"])
            .args(files)
            .output()
            .expect("html-validate runs");
        (
            out.status.success(),
            format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        )
    };
    let (ok, output) = validate(&pages);
    assert!(ok, "{output}");
    // It does check: the sv-SE page with two sections of one id fails.
    let sv = tmp.path().join("sv-SE/index.html");
    let html = std::fs::read_to_string(&sv).expect("page");
    let broken = tmp.path().join("broken.html");
    std::fs::write(
        &broken,
        html.replacen(
            "<section id=\"get-twin-request\">",
            "<section id=\"get-twin\">",
            1,
        ),
    )
    .expect("write");
    let (ok, output) = validate(&[broken]);
    assert!(!ok && output.contains("no-dup-id"), "{output}");
}

#[test]
fn the_site_is_deterministic_and_written_only_when_it_changes() {
    let tmp = common::TempDir::new("site-cli");
    let run = || {
        Command::new(env!("CARGO_BIN_EXE_iothub-codegen"))
            .args(["site", "--out"])
            .arg(tmp.path())
            .current_dir(common::root())
            .output()
            .expect("runs")
    };
    let first = run();
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert_eq!(stdout.matches("wrote ").count(), 15, "{stdout}");
    assert!(
        stdout.contains("sv-SE: 369 places: 369 current, 0 fuzzy, 0 missing"),
        "{stdout}"
    );
    let second = run();
    assert!(!String::from_utf8_lossy(&second.stdout).contains("wrote "));
    let built = site::build(&api(), &catalogs(), Options::default()).expect("site");
    for p in &built.pages {
        assert_eq!(
            std::fs::read_to_string(tmp.path().join(&p.path)).expect("page"),
            p.content
        );
    }
}
