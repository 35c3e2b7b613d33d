//! `--format json`: everything, places included, for tools.

use iothub_codegen::Location;
use serde_json::{json, Value};

use super::report::Report;

fn location(l: &Location) -> Value {
    json!({ "file": l.file.display().to_string(), "line": l.line, "column": l.column })
}

/// The report as pretty-printed JSON.
pub fn render(report: &Report) -> String {
    let changes: Vec<Value> = report
        .changes
        .iter()
        .map(|c| {
            json!({
                "kind": c.kind.code(),
                "classes": c.classes.iter().map(|k| k.code()).collect::<Vec<_>>(),
                "rust-api": c.rust_api.code(),
                "subject": c.subject,
                "detail": c.detail,
                "old": location(&c.old),
                "new": location(&c.new),
            })
        })
        .collect();
    let semver: Vec<Value> = report
        .bumps
        .iter()
        .map(|b| {
            json!({
                "crate": b.krate,
                "bump": b.bump.code(),
                "reason": b.reason,
                "from": report.version,
                "to": report.version.as_deref().and_then(|v| b.bump.next(v)),
            })
        })
        .collect();
    let catalogs: Vec<Value> = report
        .catalogs
        .iter()
        .map(|e| {
            json!({
                "locale": e.locale,
                "fuzzy": e.fuzzy.len(),
                "missing": e.missing.len(),
                "fuzzy-places": e.fuzzy,
                "missing-places": e.missing,
            })
        })
        .collect();
    let value = json!({
        "old": report.old.display().to_string(),
        "new": report.new.display().to_string(),
        "summary": report.summary(),
        "changes": changes,
        "semver": semver,
        "catalogs": catalogs,
    });
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}
