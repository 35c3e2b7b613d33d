//! Matching tables: a section's properties (label line and table) and an
//! operation's alternatives, row by row.

use super::super::markdown::Block;
use super::super::plan::{self, PropertiesPlan};
use super::aligner::Aligner;

impl<'p> Aligner<'p> {
    /// Matches a properties block (its label line and table, or "none").
    pub(super) fn properties(
        &mut self,
        plan: &'p PropertiesPlan,
        label: Option<(&str, usize)>,
        table: Option<&Block>,
        place: &str,
        line: usize,
    ) {
        if let Some((text, _)) = label {
            let unit = match plan {
                PropertiesPlan::None(u) => u,
                PropertiesPlan::Table { label, .. } => label,
            };
            self.take(unit, text);
        }
        match (plan, table) {
            (
                PropertiesPlan::Table { header, rows, .. },
                Some(Block::Table {
                    rows: doc_rows,
                    line,
                }),
            ) => {
                if let Some((_, cells)) = doc_rows.first() {
                    for (unit, cell) in header.iter().zip(cells) {
                        self.take(unit, cell);
                    }
                }
                let body = doc_rows.get(1..).unwrap_or_default();
                if body.len() != rows.len() {
                    self.miss(
                        *line,
                        format!(
                            "{place}: the table has {} rows, the spec {} properties",
                            body.len(),
                            rows.len()
                        ),
                    );
                }
                // A row is the property it names, else the one at its
                // position (names may be translated), never one taken.
                let mut used = vec![false; rows.len()];
                for (i, (_, cells)) in body.iter().enumerate() {
                    let name = cells.first().map(String::as_str).unwrap_or_default();
                    let by_name = rows
                        .iter()
                        .enumerate()
                        .position(|(j, r)| !used[j] && r.name.eq_ignore_ascii_case(name));
                    let named_elsewhere = |j: usize| {
                        body.iter().any(|(_, c)| {
                            c.first()
                                .is_some_and(|n| rows[j].name.eq_ignore_ascii_case(n))
                        })
                    };
                    let by_position =
                        (i < used.len() && !used[i] && !named_elsewhere(i)).then_some(i);
                    let Some(j) = by_name.or(by_position) else {
                        continue;
                    };
                    used[j] = true;
                    let row = &rows[j];
                    if let Some(cell) = cells.get(2) {
                        self.take(&row.required, cell);
                    }
                    if let (Some(unit), Some(cell)) = (&row.description, cells.get(3)) {
                        self.take(unit, cell);
                    }
                }
            }
            (PropertiesPlan::Table { .. }, other) => {
                let at = other.map_or(label.map_or(line, |(_, l)| l), Block::line);
                self.miss(at, format!("{place}: expected a properties table"));
            }
            (PropertiesPlan::None(_), Some(t)) => self.miss(
                t.line(),
                format!("{place}: the spec has no properties here"),
            ),
            (PropertiesPlan::None(_), None) => {}
        }
    }

    pub(super) fn alternatives(
        &mut self,
        plan: &'p plan::AlternativesPlan,
        blocks: &[Block],
        place: &str,
        heading_line: usize,
    ) {
        let Some(Block::Table { rows, line }) =
            blocks.iter().find(|b| matches!(b, Block::Table { .. }))
        else {
            self.miss(
                blocks.first().map_or(heading_line, Block::line),
                format!("{place}: no alternatives table"),
            );
            return;
        };
        if let Some((_, cells)) = rows.first() {
            for (unit, cell) in plan.header.iter().zip(cells) {
                self.take(unit, cell);
            }
        }
        let status_col = usize::from(plan.with_reason_code);
        let mut used = vec![false; plan.rows.len()];
        // Rows of the spec that some row of the document names by status: a
        // row matched by position must not take one of those.
        let named: Vec<bool> = plan
            .rows
            .iter()
            .map(|r| {
                rows.iter().skip(1).any(|(_, cells)| {
                    cells
                        .get(status_col)
                        .is_some_and(|s| r.status.eq_ignore_ascii_case(s))
                })
            })
            .collect();
        for (i, (row_line, cells)) in rows.iter().skip(1).enumerate() {
            let status = cells
                .get(status_col)
                .map(String::as_str)
                .unwrap_or_default();
            let by_status = plan
                .rows
                .iter()
                .enumerate()
                .position(|(j, r)| !used[j] && r.status.eq_ignore_ascii_case(status));
            let by_position = (i < used.len() && !used[i] && !named[i]).then_some(i);
            let Some(j) = by_status.or(by_position) else {
                self.miss(
                    *row_line,
                    format!("{place}: row with status `{status}` matches no alternative"),
                );
                continue;
            };
            used[j] = true;
            let row = &plan.rows[j];
            if let Some(cell) = cells.get(status_col + 1) {
                self.take(&row.title, cell);
            }
            if let Some(cell) = cells.get(status_col + 2) {
                self.take(&row.description, cell);
            }
        }
        if used.iter().any(|u| !u) {
            self.miss(
                *line,
                format!(
                    "{place}: {} alternatives of the spec are not in the table",
                    used.iter().filter(|u| !**u).count()
                ),
            );
        }
    }
}
