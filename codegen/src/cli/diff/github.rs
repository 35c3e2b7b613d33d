//! `--format github`: GitHub Actions workflow commands, one annotation per
//! change at its place in the new spec (an error when it breaks devices or
//! hubs, a warning when it changes the generated Rust API incompatibly, a
//! notice otherwise), then the summary as plain lines.

use iothub_codegen::diff::RustApi;

use super::report::Report;

/// A message escaped as workflow commands need it.
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value escaped as workflow commands need it.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

/// The report as annotations.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for c in &report.changes {
        let level = if c.is_breaking() {
            "error"
        } else if c.rust_api == RustApi::Breaking {
            "warning"
        } else {
            "notice"
        };
        let at = &c.new;
        out.push_str(&format!(
            "::{level} file={},line={},col={},title={}::{}\n",
            property(&at.file.display().to_string()),
            at.line,
            at.column,
            property(&format!("{} ({})", c.kind, c.class_text())),
            data(&format!(
                "{}: {} (Rust API: {}; was at {})",
                c.subject,
                c.detail,
                c.rust_api.code(),
                c.old
            ))
        ));
    }
    out.push_str(&format!(
        "{} → {}: {}\n",
        report.old.display(),
        report.new.display(),
        report.summary()
    ));
    for b in &report.bumps {
        out.push_str(&format!(
            "{}: {} ({})\n",
            b.krate,
            report.bump_text(b),
            b.reason
        ));
    }
    for e in &report.catalogs {
        out.push_str(&format!(
            "{}: {} fuzzy, {} missing\n",
            e.locale,
            e.fuzzy.len(),
            e.missing.len()
        ));
    }
    out
}
