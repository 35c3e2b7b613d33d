//! The catalogs through the translators' own tools, the real GNU gettext
//! ones: for every committed catalog, `msgfmt --check` is silent, `msgcat`
//! prints the file byte for byte, `msgmerge --update` against the template
//! changes nothing (nothing becomes obsolete), and after `msgmerge` and
//! `msgcat --width=60` `iothub-codegen generate` writes the committed
//! documents byte for byte. After a spec change, `msgmerge` marks fuzzy
//! (or makes obsolete) what `check` calls fuzzy, the writer writes what
//! `msgmerge` wrote, and the documents stay the same. And the PO writer is
//! `msgcat`'s at any width, on text drawn from every script the line
//! breaking tables cover.
//!
//! The tools come from the Debian package `gettext` (`.ci/gettext.sh`
//! installs it). Without them the tests fail under CI (`CI=true`) and print
//! `skipped: …` elsewhere.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::TempDir;
use iothub_codegen::docs::{self, Catalog, Entry};

const LOCALES: [&str; 5] = ["cs-CZ", "hu-HU", "pl-PL", "ru-RU", "sv-SE"];

fn root() -> PathBuf {
    common::root()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs `tool` with `args`; panics with its output unless it succeeds.
fn run(tool: &str, args: &[&Path]) -> Output {
    let out = Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{tool}: {e}"));
    assert!(
        out.status.success(),
        "{tool} {args:?}: {}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    out
}

fn p(s: &str) -> &Path {
    Path::new(s)
}

/// `msgfmt --check` prints nothing about `file`.
fn msgfmt_is_silent(file: &Path) {
    let out = run("msgfmt", &[p("--check"), p("-o"), p("/dev/null"), file]);
    assert!(
        out.stdout.is_empty() && out.stderr.is_empty(),
        "msgfmt --check {}: {}",
        file.display(),
        text(&out.stderr)
    );
}

#[test]
fn every_catalog_survives_msgmerge_msgcat_and_msgfmt_and_renders_the_same_documents() {
    if !common::gettext_tools(
        "every_catalog_survives_msgmerge_msgcat_and_msgfmt_and_renders_the_same_documents",
    ) {
        return;
    }
    let tmp = TempDir::new("gettext");
    let locales = tmp.path().join("spec/locales");
    std::fs::create_dir_all(&locales).expect("temp dir");
    let spec = tmp.path().join("spec/iothub-mqtt5.yaml");
    std::fs::copy(common::spec_path(), &spec).expect("copy spec");
    let committed_locales = root().join("spec/locales");
    let pot = locales.join(docs::POT_FILE);
    let committed_pot = std::fs::read(committed_locales.join(docs::POT_FILE)).expect("POT");
    std::fs::write(&pot, &committed_pot).expect("copy POT");

    // The template: msgfmt is silent, msgcat prints it back.
    msgfmt_is_silent(&pot);
    assert!(
        run("msgcat", &[&pot]).stdout == committed_pot,
        "msgcat changes the POT"
    );

    let api = iothub_codegen::load(&spec).expect("spec loads");
    for tag in LOCALES {
        let committed =
            std::fs::read(committed_locales.join(format!("{tag}.po"))).expect("catalog");
        let po = locales.join(format!("{tag}.po"));
        std::fs::write(&po, &committed).expect("copy catalog");
        msgfmt_is_silent(&po);
        assert!(
            run("msgcat", &[&po]).stdout == committed,
            "{tag}: msgcat changes the catalog"
        );

        // A translator updates the catalog the standard way: nothing
        // changes, nothing becomes obsolete.
        run(
            "msgmerge",
            &[
                p("--quiet"),
                p("--previous"),
                p("--update"),
                p("--backup=off"),
                &po,
                &pot,
            ],
        );
        let merged = std::fs::read(&po).expect("merged");
        assert!(
            merged == committed,
            "{tag}: msgmerge --update changes the catalog:\n{}",
            text(&merged)
        );
        assert!(
            !text(&merged).contains("#~"),
            "{tag}: msgmerge made entries obsolete"
        );

        // Their tool wraps it differently; it is still a clean catalog that
        // reads back to the same one.
        run("msgcat", &[p("--width=60"), p("-o"), &po, &po]);
        let narrow = std::fs::read_to_string(&po).expect("rewrapped");
        assert_ne!(
            narrow.as_bytes(),
            committed.as_slice(),
            "{tag}: --width=60 changed nothing"
        );
        msgfmt_is_silent(&po);
        let reread = Catalog::load(&po, tag).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            reread.warnings().is_empty(),
            "{tag}: {:?}",
            reread.warnings()
        );
        assert!(
            reread.to_po(&docs::project_id(&api)).as_bytes() == committed.as_slice(),
            "{tag}: the rewrapped catalog does not read back to the committed one"
        );
        assert!(
            reread.to_po_width(&docs::project_id(&api), 60) == narrow,
            "{tag}: the writer at 60 columns is not msgcat --width=60"
        );
    }

    // Then `generate`: the committed documents, byte for byte, and the POT.
    let out_dir = tmp.path().join("docs");
    let generate = Command::new(env!("CARGO_BIN_EXE_iothub-codegen"))
        .args([
            p("generate"),
            p("--spec"),
            &spec,
            p("--locales"),
            &locales,
            p("--out"),
            &out_dir,
        ])
        .output()
        .expect("iothub-codegen runs");
    assert!(generate.status.success(), "{}", text(&generate.stderr));
    for tag in LOCALES.iter().copied().chain([docs::SOURCE_LOCALE]) {
        let doc = |dir: &Path| {
            std::fs::read(dir.join(tag).join(docs::DOC_FILE))
                .unwrap_or_else(|e| panic!("{tag}: {e}"))
        };
        assert!(
            doc(&out_dir) == doc(&root().join("docs")),
            "{tag}: the document differs from docs/{tag}/{}",
            docs::DOC_FILE
        );
    }
    assert!(
        std::fs::read(&pot).expect("POT") == committed_pot,
        "generate changed the POT"
    );
    let check = Command::new(env!("CARGO_BIN_EXE_iothub-codegen"))
        .args([
            p("check"),
            p("--spec"),
            &spec,
            p("--locales"),
            &locales,
            p("--docs"),
            &out_dir,
        ])
        .output()
        .expect("iothub-codegen runs");
    let stdout = text(&check.stdout);
    assert!(check.status.success(), "{stdout}{}", text(&check.stderr));
    for tag in LOCALES {
        assert!(
            stdout.lines().any(|l| l.starts_with(&format!("{tag}: "))
                && l.ends_with(" translated, 0 fuzzy, 0 missing")),
            "{tag}: {stdout}"
        );
    }
}

/// A small deterministic generator (xorshift64*), so that every run writes
/// the same text.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).unwrap_or(0)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// Words and marks of the scripts and punctuation that localized
/// documents use.
#[rustfmt::skip]
const WORDS: &[&str] = &[
    "Azure", "IoT", "Hub", "MQTT", "5", "2020-10-01-preview", "api-version:", "`$iothub/twin`",
    "**Payload**:", "(preview)", "[0x97]", "{name}", "a.b.c", "precondition-failed.description",
    "e.g.", "50%", "$5", "+1", "#tag", "C#", "x/y", "a|b", "<br>", "&amp;", "~", "@home", "^",
    "_", "\"quoted\"", "back\\slash", "tab\there", "line\nbreak", "cr\rlf", "end.\n", "it's",
    "don't!", "why?", "a;b", "c:d", "1,000.5", "Referenční", "informace", "rozhraní", "Získat",
    "dvojitou", "žádost", "Podsumowanie", "właściwości", "Tulajdonságok", "kérés", "Hämta",
    "tillstånd", "Получить", "двойника", "свойства", "запрос", "Ελληνικά", "ιδιότητες", "עברית",
    "العربية", "हिन्दी", "ไทย", "ქართული", "հայերեն", "日本語", "の", "リクエスト", "ツイン", "取得", "中文",
    "请求", "属性", "한국어", "요청", "속성", "、", "。", "「引用」", "（括弧）", "！", "？", "：", "ＡＢＣ", "ｶﾀｶﾅ", "–",
    "—", "…", "„cytat”", "“quote”", "‘single’", "«guillemets»", "‹a›", "a\u{a0}b", "\u{a0}",
    "1\u{202f}000", "€10", "£", "¥", "°C", "±", "§", "©", "®", "™", "×", "÷", "→", "⇒", "≤",
    "≠", "∞", "√", "■", "●", "★", "♪", "é", "e\u{301}", "ñ", "ß", "Æ", "ø", "å", "ĳ", "ŉ", "ǅ",
    "ə", "ʼ", "ˈa", "²", "½", "‰", "′", "‼", "⁇", "\u{ad}", "x\u{2010}y", "‑", "ℹ", "№", "⅓",
    "Ⅻ", "〈a〉", "【b】", "『c』", "〜", "ー", "ゃ", "ッ", "ㇰ", "々",
];

/// One to `most` words.
fn sentence(rng: &mut Rng, most: usize) -> String {
    let words = 1 + rng.below(most);
    let mut out = String::new();
    for i in 0..words {
        if i > 0 {
            // Mostly spaces, sometimes none (runs with no break), sometimes
            // two.
            out.push_str(["  ", "", " ", " ", " ", " "][rng.below(6)]);
        }
        out.push_str(rng.pick(WORDS));
    }
    out
}

#[test]
fn the_writer_is_msgcat_at_any_width_on_text_from_every_script() {
    if !common::gettext_tools("the_writer_is_msgcat_at_any_width_on_text_from_every_script") {
        return;
    }
    let mut rng = Rng(0x1077_4ab5_9e37_79b9);
    let mut catalog = Catalog::new("xx-XX");
    catalog
        .set_front_matter("ms.locfileid", "96603330")
        .expect("valid");
    for i in 0..600 {
        let english = sentence(&mut rng, 40);
        let translation = if rng.below(8) == 0 {
            String::new()
        } else {
            sentence(&mut rng, 40)
        };
        let mut entry = Entry {
            fuzzy: rng.below(4) == 0,
            ..Entry::new(&english, &translation)
        };
        if rng.below(5) == 0 {
            entry.notes.comments = vec![sentence(&mut rng, 3), String::new()];
        }
        if rng.below(3) == 0 {
            entry.notes.extracted = vec![sentence(&mut rng, 12)];
        }
        if entry.fuzzy && rng.below(2) == 0 {
            entry.notes.previous_msgid = Some(sentence(&mut rng, 30));
        }
        if rng.below(20) == 0 {
            entry.notes.wrap = Some(false);
        }
        let context = format!(
            "place.{i}.{}",
            ["title", "description", "a-long-key-name.with.parts"][rng.below(3)]
        );
        catalog.insert(&context, entry).expect("valid entry");
    }
    // Obsolete entries (only a file holds them), with and without a
    // translation: msgcat writes them last, drops the untranslated ones.
    let escape = |s: &str| {
        s.replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace('\n', "\\n")
            .replace('\r', "\\r")
            .replace('\t', "\\t")
    };
    let mut obsolete = String::new();
    for i in 0..60 {
        let translation = if i % 7 == 0 {
            String::new()
        } else {
            sentence(&mut rng, 40)
        };
        let fuzzy = if i % 3 == 0 { "#, fuzzy\n" } else { "" };
        obsolete.push_str(&format!(
            "\n{fuzzy}#~| msgid \"{}\"\n#~ msgctxt \"gone.{i}\"\n#~ msgid \"{}\"\n#~ msgstr \"{}\"\n",
            escape(&sentence(&mut rng, 30)),
            escape(&sentence(&mut rng, 40)),
            escape(&translation)
        ));
    }
    let project = "iothub-mqtt5 test";
    let with_obsolete = catalog.to_po(project) + &obsolete;
    let catalog = Catalog::parse(&with_obsolete, Path::new("written.po"), "xx-XX")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(catalog.obsolete().len(), 60);
    let tmp = TempDir::new("gettext-writer");
    let written = tmp.path().join("written.po");
    std::fs::write(&written, catalog.to_po(project)).expect("write");
    for width in [79, 60, 40, 20] {
        let ours = catalog.to_po_width(project, width);
        let theirs = text(
            &run(
                "msgcat",
                &[&PathBuf::from(format!("--width={width}")), &written],
            )
            .stdout,
        );
        if ours != theirs {
            let (a, b): (Vec<&str>, Vec<&str>) = (ours.lines().collect(), theirs.lines().collect());
            let at = a
                .iter()
                .zip(&b)
                .position(|(x, y)| x != y)
                .unwrap_or(a.len().min(b.len()));
            let from = at.saturating_sub(6);
            panic!(
                "width {width}: the writer differs from msgcat at line {}:\nours:\n{}\nmsgcat:\n{}",
                at + 1,
                a[from..(at + 6).min(a.len())].join("\n"),
                b[from..(at + 6).min(b.len())].join("\n")
            );
        }
    }
    // And the catalog reads back from what it wrote.
    let reread = Catalog::load(&written, "xx-XX").expect("reads back");
    assert_eq!(reread.len(), catalog.len());
    assert_eq!(reread.obsolete().len(), 60 - 60_usize.div_ceil(7));
}

#[test]
fn after_a_spec_change_msgmerge_and_check_agree_and_the_documents_stay() {
    if !common::gettext_tools("after_a_spec_change_msgmerge_and_check_agree_and_the_documents_stay")
    {
        return;
    }
    // Two places change their English: one a little (msgmerge keeps the
    // translation, fuzzy, with the old English as `#|`), one a lot
    // (msgmerge leaves the place untranslated and keeps the old entry as
    // `#~`). Either way the documents do not change: fuzzy translations
    // are not shown.
    let tmp = TempDir::new("gettext-change");
    let locales = tmp.path().join("spec/locales");
    std::fs::create_dir_all(&locales).expect("temp dir");
    let spec = tmp.path().join("spec/iothub-mqtt5.yaml");
    let mut changed = std::fs::read_to_string(common::spec_path()).expect("spec");
    for (old, new) in [
        (
            "    summary: Get Twin state\n",
            "    summary: Get the Twin state\n",
        ),
        (
            "    summary: Receive and handle commands\n",
            "    summary: Commands from the cloud, one at a time, until completed\n",
        ),
    ] {
        assert_eq!(changed.matches(old).count(), 1, "spec changed shape");
        changed = changed.replacen(old, new, 1);
    }
    std::fs::write(&spec, changed).expect("changed spec");
    for tag in LOCALES {
        let name = format!("{tag}.po");
        std::fs::copy(root().join("spec/locales").join(&name), locales.join(&name)).expect("copy");
    }
    let codegen = |args: &[&Path]| {
        let out = Command::new(env!("CARGO_BIN_EXE_iothub-codegen"))
            .args(args)
            .output()
            .expect("iothub-codegen runs");
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
        text(&out.stdout)
    };
    let generate = |out: &Path, fuzzy: bool| {
        let mut args = vec![
            p("generate"),
            p("--spec"),
            &spec,
            p("--locales"),
            &locales,
            p("--out"),
            out,
        ];
        if fuzzy {
            args.push(p("--use-fuzzy"));
        }
        codegen(&args);
    };
    // Before the translators update their catalogs, and after.
    let (before, before_fuzzy) = (tmp.path().join("before"), tmp.path().join("before-fuzzy"));
    generate(&before, false);
    generate(&before_fuzzy, true);
    let pot = locales.join(docs::POT_FILE);
    let api = iothub_codegen::load(&spec).expect("spec loads");
    for tag in LOCALES {
        let po = locales.join(format!("{tag}.po"));
        run(
            "msgmerge",
            &[
                p("--quiet"),
                p("--previous"),
                p("--update"),
                p("--backup=off"),
                &po,
                &pot,
            ],
        );
        let merged = std::fs::read_to_string(&po).expect("merged");
        assert!(
            merged.contains(
                "#, fuzzy\n#| msgctxt \"operation.get-twin.summary\"\n#| msgid \"Get Twin state\"\nmsgctxt \"operation.get-twin.summary\"\n"
            ),
            "{tag}: msgmerge did not mark the changed place fuzzy"
        );
        assert!(
            merged.contains("\n#~ msgctxt \"operation.receive-commands.summary\"\n#~ msgid \"Receive and handle commands\"\n"),
            "{tag}: msgmerge did not keep the old entry"
        );
        msgfmt_is_silent(&po);
        // What msgmerge wrote is what the writer writes.
        let catalog = Catalog::load(&po, tag).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            catalog.to_po(&docs::project_id(&api)) == merged,
            "{tag}: the writer differs from msgmerge"
        );
    }
    let (after, after_fuzzy) = (tmp.path().join("after"), tmp.path().join("after-fuzzy"));
    generate(&after, false);
    generate(&after_fuzzy, true);
    for tag in LOCALES.iter().copied().chain([docs::SOURCE_LOCALE]) {
        let doc = |dir: &Path| {
            std::fs::read_to_string(dir.join(tag).join(docs::DOC_FILE)).expect("document")
        };
        assert!(
            doc(&before) == doc(&after),
            "{tag}: msgmerge changed the document"
        );
        // With fuzzy translations shown, the fuzzy one still is; the
        // obsolete one is not (gettext made the place untranslated).
        let get_twin = |dir: &Path| common::section(&doc(dir), "get-twin").to_owned();
        assert_eq!(get_twin(&before_fuzzy), get_twin(&after_fuzzy), "{tag}");
        assert!(
            doc(&after_fuzzy).contains("Commands from the cloud, one at a time, until completed")
        );
    }
    let report = codegen(&[
        p("check"),
        p("--spec"),
        &spec,
        p("--locales"),
        &locales,
        p("--docs"),
        &after,
    ]);
    for tag in LOCALES {
        assert!(
            report.contains(&format!(
                "{tag}: 369 places: 367 translated, 1 fuzzy, 1 missing"
            )),
            "{report}"
        );
    }
    for line in [
        "  fuzzy: operation.get-twin.summary (translates older English or is marked fuzzy; English shown; it was made for «Get Twin state»)",
        "  missing: operation.receive-commands.summary (shown in English; an obsolete `#~` entry keeps its translation of older English)",
        "  obsolete: operation.receive-commands.summary (line ",
    ] {
        assert!(report.contains(line), "{line}\n{report}");
    }
}
