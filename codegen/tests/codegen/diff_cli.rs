//! `iothub-codegen diff`: the real spec against itself and against itself
//! with one operation added, exact locations, the four formats,
//! `--fail-on`, and `--against` in a git repository made here.

use std::path::Path;
use std::process::{Command, Output};

use iothub_codegen::diff::{self, Bump, Class, Kind, RustApi, SpecFile};
use iothub_codegen::docs::publish;

use super::common;

fn codegen(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_iothub-codegen"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The workspace's catalogs folder, as an argument.
fn locales() -> String {
    let dir = common::root().join("spec/locales");
    dir.to_str().expect("utf-8").to_owned()
}

fn spec_text() -> String {
    std::fs::read_to_string(common::spec_path()).expect("spec")
}

const ADDED: &str = "  - name: get-twin-metadata
    title: Get Twin Metadata
    summary: Get the metadata of the Twin
    interaction: request-response
    direction: c2s
    qos: 0
    topic: $iothub/twin/metadata
    request:
      payload: empty
    response:
      payload: Twin
    alternatives:
      - response: bad-request

  - name: send-telemetry
";

/// The real spec with `from` (found once) replaced by `to`.
fn edited(from: &str, to: &str) -> String {
    let text = spec_text();
    assert_eq!(text.matches(from).count(), 1, "{from:?}");
    text.replacen(from, to, 1)
}

/// The real spec with the QoS of Receive Twin Desired State Changes raised.
fn qos_edited() -> String {
    edited(
        "qos: 0\n    topic: $iothub/twin/patch/desired",
        "qos: 1\n    topic: $iothub/twin/patch/desired",
    )
}

/// The 1-based line of the first line of `text` that contains `needle`
/// after the line containing `after`.
fn line_of(text: &str, after: &str, needle: &str) -> usize {
    let start = text.lines().position(|l| l.contains(after)).expect("after");
    start
        + 1
        + text
            .lines()
            .skip(start)
            .position(|l| l.contains(needle))
            .expect("needle")
}

#[test]
fn the_real_spec_against_itself_is_no_change_and_exits_0() {
    let spec = common::spec_path();
    let spec = spec.to_str().expect("utf-8");
    let out = codegen(&common::root(), &["diff", spec, spec, "--fail-on", "any"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains(": no change"), "{stdout}");
    assert!(stdout.contains("iothub-client    none"), "{stdout}");
    for locale in ["cs-CZ", "hu-HU", "pl-PL", "ru-RU", "sv-SE"] {
        assert!(stdout.contains(&format!("{locale}   0      0")), "{stdout}");
    }
}

#[test]
fn one_operation_added_is_compatible_a_minor_bump_and_its_places_are_missing_everywhere() {
    let old = SpecFile::parse(&spec_text(), Path::new("old.yaml")).expect("old");
    let new_text = edited("  - name: send-telemetry\n", ADDED);
    let new = SpecFile::parse(&new_text, Path::new("new.yaml")).expect("new");
    let changes = diff::diff(&old, &new);
    assert_eq!(changes.len(), 1, "{changes:#?}");
    let change = &changes[0];
    assert_eq!(change.kind, Kind::OperationAdded);
    assert_eq!(change.classes, [Class::Compatible]);
    assert_eq!(change.rust_api, RustApi::Additive);
    assert_eq!(
        change.new.line,
        line_of(&new_text, "", "name: get-twin-metadata")
    );
    let bumps: Vec<Bump> = diff::bumps(&changes).iter().map(|b| b.bump).collect();
    assert_eq!(bumps, [Bump::Minor, Bump::Minor]);

    let catalogs = publish::load_catalogs(&common::root().join("spec/locales")).expect("catalogs");
    let effects = diff::effects(&old.api, &new.api, &catalogs).expect("effects");
    assert_eq!(effects.len(), 5);
    for effect in effects {
        assert!(effect.fuzzy.is_empty(), "{effect:?}");
        // Its own texts; headings, labels, payloads and the shared
        // response's texts are translated already.
        assert_eq!(
            effect.missing,
            [
                "operation.get-twin-metadata.title",
                "operation.get-twin-metadata.summary"
            ],
            "{}",
            effect.locale
        );
    }
}

#[test]
fn an_operation_removed_breaks_both_and_is_located_where_it_was() {
    let text = spec_text();
    let start = text
        .find("  - name: receive-twin-desired-state-changes\n")
        .expect("op");
    let end = text.find("  - name: send-telemetry\n").expect("next");
    let new_text = format!("{}{}", &text[..start], &text[end..]);
    let old = SpecFile::parse(&text, Path::new("old.yaml")).expect("old");
    let new = SpecFile::parse(&new_text, Path::new("new.yaml")).expect("new");
    let changes = diff::diff(&old, &new);
    assert_eq!(changes.len(), 1, "{changes:#?}");
    assert_eq!(changes[0].kind, Kind::OperationRemoved);
    assert_eq!(
        changes[0].classes,
        [Class::BreakingForDevices, Class::BreakingForHubs]
    );
    assert_eq!(
        changes[0].old.line,
        line_of(&text, "", "name: receive-twin-desired-state-changes")
    );
    assert_eq!(changes[0].old.column, 5);
    // In the new spec: the list it left.
    let list = new_text
        .lines()
        .position(|l| l == "operations:")
        .expect("list")
        + 1;
    assert_eq!(changes[0].new.line, list);
}

#[test]
fn json_markdown_and_github_formats_locate_the_change_in_both_files() {
    let tmp = common::TempDir::new("diff-formats");
    let new_text = qos_edited();
    std::fs::write(tmp.path().join("new.yaml"), &new_text).expect("write");
    let spec = common::spec_path();
    let old = spec.to_str().expect("utf-8");
    let line = line_of(
        &new_text,
        "name: receive-twin-desired-state-changes",
        "qos:",
    );

    let locales = &locales();
    let out = codegen(
        tmp.path(),
        &[
            "diff",
            old,
            "new.yaml",
            "--format",
            "json",
            "--locales",
            locales,
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let change = &json["changes"][0];
    assert_eq!(json["changes"].as_array().map(Vec::len), Some(1), "{json}");
    assert_eq!(change["kind"], "qos-changed");
    assert_eq!(
        change["classes"],
        serde_json::json!(["breaking-for-devices", "breaking-for-hubs"])
    );
    assert_eq!(change["detail"], "QoS 0 → 1");
    for side in ["old", "new"] {
        assert_eq!(change[side]["line"], line, "{side}");
        // At the value, as the validator's diagnostics are.
        assert_eq!(change[side]["column"], 10, "{side}");
    }
    assert_eq!(change["new"]["file"], "new.yaml");
    assert_eq!(json["semver"][0]["crate"], "iothub-client");
    assert_eq!(json["semver"][0]["bump"], "major");
    assert_eq!(json["semver"][1]["bump"], "major");
    assert_eq!(json["catalogs"].as_array().map(Vec::len), Some(5));

    let out = codegen(tmp.path(), &["diff", old, "new.yaml", "--format", "github"]);
    let stdout = text(&out.stdout);
    assert!(
        stdout.starts_with(&format!(
            "::error file=new.yaml,line={line},col=10,title=qos-changed (breaking-for-devices%2C breaking-for-hubs)::operation receive-twin-desired-state-changes: QoS 0 → 1"
        )),
        "{stdout}"
    );

    let out = codegen(
        tmp.path(),
        &["diff", old, "new.yaml", "--format", "markdown"],
    );
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("## Spec changes\n"), "{stdout}");
    assert!(
        stdout.contains(&format!(
            "| breaking-for-devices, breaking-for-hubs | `qos-changed` | unchanged | operation receive-twin-desired-state-changes: QoS 0 → 1 | `{old}:{line}:10` | `new.yaml:{line}:10` |"
        )),
        "{stdout}"
    );
    // Outside a workspace the crates' version is unknown.
    assert!(stdout.contains("| `iothub-client` | major | "), "{stdout}");
    // Inside, the next version is shown as Cargo reads semver.
    let new_file = tmp.path().join("new.yaml");
    let new_file = new_file.to_str().expect("utf-8");
    let out = codegen(
        &common::root(),
        &["diff", old, new_file, "--format", "markdown"],
    );
    let stdout = text(&out.stdout);
    let version = env!("CARGO_PKG_VERSION");
    let next = Bump::Major.next(version).expect("semver");
    assert!(
        stdout.contains(&format!("| `iothub-client` | major ({version} → {next}) |")),
        "{stdout}"
    );
}

#[test]
fn fail_on_breaking_exits_1_and_a_docs_change_does_not() {
    let tmp = common::TempDir::new("diff-fail-on");
    std::fs::write(tmp.path().join("qos.yaml"), qos_edited()).expect("write");
    std::fs::write(
        tmp.path().join("docs.yaml"),
        edited("summary: Get Twin state", "summary: Get the Twin state"),
    )
    .expect("write");
    let spec = common::spec_path();
    let old = spec.to_str().expect("utf-8");
    let out = codegen(
        tmp.path(),
        &["diff", old, "qos.yaml", "--fail-on", "breaking"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains(
            "error: --fail-on breaking: 1 change: 1 breaking for devices, 1 breaking for hubs"
        ),
        "{}",
        text(&out.stderr)
    );
    let locales = &locales();
    let out = codegen(
        tmp.path(),
        &[
            "diff",
            old,
            "docs.yaml",
            "--fail-on",
            "breaking",
            "--verbose",
            "--locales",
            locales,
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("\nsv-SE: fuzzy: operation.get-twin.summary\n"),
        "{stdout}"
    );
    let out = codegen(tmp.path(), &["diff", old, "docs.yaml", "--fail-on", "any"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn a_spec_that_does_not_load_is_an_input_error_and_arguments_are_checked() {
    let tmp = common::TempDir::new("diff-bad");
    std::fs::write(tmp.path().join("bad.yaml"), "api: [").expect("write");
    let spec = common::spec_path();
    let old = spec.to_str().expect("utf-8");
    let out = codegen(tmp.path(), &["diff", old, "bad.yaml"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("bad.yaml:2:1: error[syntax]"), "{stderr}");
    for args in [
        &["diff", old][..],
        &["diff", old, old, "--against", "HEAD"],
        &["diff", "--spec", old],
    ] {
        let out = codegen(tmp.path(), args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .env_remove("GIT_DIR")
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", text(&out.stderr));
}

#[test]
fn against_head_1_compares_the_previous_commit_with_the_working_copy() {
    let tmp = common::TempDir::new("diff-git");
    let repo = tmp.path();
    std::fs::create_dir_all(repo.join("api")).expect("dir");
    let spec = repo.join("api/spec.yaml");
    std::fs::write(&spec, spec_text()).expect("write");
    git(repo, &["init", "-q"]);
    git(repo, &["add", "."]);
    git(repo, &["commit", "-q", "-m", "first"]);
    let new_text = qos_edited();
    std::fs::write(&spec, &new_text).expect("write");
    git(repo, &["commit", "-q", "-am", "raise a QoS"]);

    let locales = &locales();
    let out = codegen(
        &repo.join("api"),
        &[
            "diff",
            "--against",
            "HEAD~1",
            "--spec",
            "spec.yaml",
            "--locales",
            locales,
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(json["old"], "HEAD~1:api/spec.yaml");
    assert_eq!(json["changes"][0]["kind"], "qos-changed");
    assert_eq!(json["changes"][0]["old"]["file"], "HEAD~1:api/spec.yaml");
    let line = line_of(
        &new_text,
        "name: receive-twin-desired-state-changes",
        "qos:",
    );
    assert_eq!(json["changes"][0]["old"]["line"], line);

    // HEAD against the working copy: nothing changed since.
    let out = codegen(
        &repo.join("api"),
        &[
            "diff",
            "--against",
            "HEAD",
            "--spec",
            "spec.yaml",
            "--locales",
            locales,
        ],
    );
    assert!(
        text(&out.stdout).contains(": no change"),
        "{}",
        text(&out.stdout)
    );

    let out = codegen(
        &repo.join("api"),
        &["diff", "--against", "no-such-ref", "--spec", "spec.yaml"],
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("spec.yaml: cannot read it at git revision `no-such-ref`"),
        "{stderr}"
    );
}
