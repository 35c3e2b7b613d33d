//! `--format table` (the default): a column table for a terminal.

use super::report::Report;

fn table(rows: &[Vec<String>]) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|i| {
            rows.iter()
                .filter_map(|r| r.get(i))
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            line.push_str(cell);
            if i + 1 < row.len() {
                let pad = widths[i] - cell.chars().count() + 2;
                line.extend(std::iter::repeat_n(' ', pad));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The report as text tables.
pub fn render(report: &Report) -> String {
    let mut out = format!(
        "{} → {}: {}\n",
        report.old.display(),
        report.new.display(),
        report.summary()
    );
    if !report.changes.is_empty() {
        let mut rows = vec![["CLASS", "KIND", "RUST API", "CHANGE", "OLD", "NEW"]
            .map(str::to_owned)
            .to_vec()];
        for c in &report.changes {
            rows.push(vec![
                c.class_text(),
                c.kind.code().to_owned(),
                c.rust_api.code().to_owned(),
                format!("{}: {}", c.subject, c.detail),
                c.old.to_string(),
                c.new.to_string(),
            ]);
        }
        out.push('\n');
        out.push_str(&table(&rows));
    }
    out.push('\n');
    let mut rows = vec![["CRATE", "BUMP", "WHY"].map(str::to_owned).to_vec()];
    for b in &report.bumps {
        rows.push(vec![
            b.krate.to_owned(),
            report.bump_text(b),
            b.reason.clone(),
        ]);
    }
    out.push_str(&table(&rows));
    if !report.catalogs.is_empty() {
        out.push('\n');
        let mut rows = vec![["LOCALE", "FUZZY", "MISSING"].map(str::to_owned).to_vec()];
        for e in &report.catalogs {
            rows.push(vec![
                e.locale.clone(),
                e.fuzzy.len().to_string(),
                e.missing.len().to_string(),
            ]);
        }
        out.push_str(&table(&rows));
        if report.verbose {
            for e in &report.catalogs {
                for place in &e.fuzzy {
                    out.push_str(&format!("{}: fuzzy: {place}\n", e.locale));
                }
                for place in &e.missing {
                    out.push_str(&format!("{}: missing: {place}\n", e.locale));
                }
            }
        }
    }
    out
}
