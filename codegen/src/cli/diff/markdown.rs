//! `--format markdown`: a section for a changelog or a review comment.

use iothub_codegen::docs::escape;

use super::report::Report;

/// The report as Markdown.
pub fn render(report: &Report) -> String {
    let mut out = format!(
        "## Spec changes\n\n`{}` → `{}`: {}.\n",
        report.old.display(),
        report.new.display(),
        report.summary()
    );
    if !report.changes.is_empty() {
        out.push_str("\n| Class | Kind | Rust API | Change | Old | New |\n| --- | --- | --- | --- | --- | --- |\n");
        for c in &report.changes {
            out.push_str(&format!(
                "| {} | `{}` | {} | {} | `{}` | `{}` |\n",
                c.class_text(),
                c.kind,
                c.rust_api.code(),
                escape::cell(&format!("{}: {}", c.subject, c.detail)),
                c.old,
                c.new
            ));
        }
    }
    out.push_str("\n### Versions\n\n| Crate | Bump | Why |\n| --- | --- | --- |\n");
    for b in &report.bumps {
        out.push_str(&format!(
            "| `{}` | {} | {} |\n",
            b.krate,
            report.bump_text(b),
            escape::cell(&b.reason)
        ));
    }
    if !report.catalogs.is_empty() {
        out.push_str("\n### Translations\n\n| Locale | Fuzzy | Missing |\n| --- | --- | --- |\n");
        for e in &report.catalogs {
            out.push_str(&format!(
                "| {} | {} | {} |\n",
                e.locale,
                e.fuzzy.len(),
                e.missing.len()
            ));
        }
        if report.verbose {
            for e in &report.catalogs {
                if e.fuzzy.is_empty() && e.missing.is_empty() {
                    continue;
                }
                out.push_str(&format!("\n<details><summary>{}</summary>\n\n", e.locale));
                for place in &e.fuzzy {
                    out.push_str(&format!("- fuzzy: `{place}`\n"));
                }
                for place in &e.missing {
                    out.push_str(&format!("- missing: `{place}`\n"));
                }
                out.push_str("\n</details>\n");
            }
        }
    }
    out
}
