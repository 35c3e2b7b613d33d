//! Status codes: four hex digits, no reserved bits, kind bits agreeing with
//! the reason code; and a layout whose masks make sense (statuses are
//! checked only under a sound layout).

use marked_yaml::Spanned;

use crate::diagnostic::DiagnosticKind;
use crate::spec::model::{Spec, Text};
use crate::spec::number::Number;
use crate::spec::source::Source;
use crate::status::{reason_is_success, StatusKind, StatusLayout, StatusProblem};

/// Reports a status code that a list uses twice (one enum cannot hold it twice).
/// `items` are (status text, where to report it).
fn unique_codes<'a>(
    items: impl Iterator<Item = (&'a Text, &'a Text)>,
    what: &str,
    layout: &StatusLayout,
    source: &mut Source,
) {
    let mut seen: Vec<(u16, &Text)> = Vec::new();
    for (status, at) in items {
        let Ok(parsed) = layout.parse(status) else {
            continue;
        };
        if let Some((_, first)) = seen.iter().find(|(c, _)| *c == parsed.code) {
            let line = source.at(first).line;
            source.report(
                at,
                DiagnosticKind::DuplicateName,
                format!(
                    "status {} is used twice among {what} (first at line {line})",
                    status.as_str()
                ),
                Some("each outcome of one list needs its own status code".to_owned()),
            );
        } else {
            seen.push((parsed.code, at));
        }
    }
}

pub(super) fn check(spec: &Spec, source: &mut Source) {
    let layout = layout_of(spec);
    // Under a broken layout every status would look wrong: report the layout
    // alone, and check the statuses once it is fixed.
    if !check_layout(spec, &layout, source) {
        return;
    }
    // A response defined twice is reported once, as a duplicate name.
    let mut names = std::collections::HashSet::new();
    let first_of_each = spec
        .responses
        .iter()
        .filter(|r| names.insert(r.name.as_str()));
    unique_codes(
        first_of_each.map(|r| (&r.status, &r.status)),
        "the named responses",
        &layout,
        source,
    );
    for op in &spec.operations {
        let codes = op
            .alternatives
            .iter()
            .filter_map(|a| match (&a.status, &a.response) {
                (Some(s), _) => Some((s, s)),
                (None, Some(r)) => spec
                    .responses
                    .iter()
                    .find(|x| *x.name == **r)
                    .map(|x| (&x.status, r)),
                (None, None) => None,
            });
        unique_codes(
            codes,
            &format!("the alternatives of `{}`", op.name.as_str()),
            &layout,
            source,
        );
    }
    for response in &spec.responses {
        code(&response.status, &response.reason_code, &layout, source);
    }
    for op in &spec.operations {
        for alt in &op.alternatives {
            if let (Some(status), Some(reason)) = (&alt.status, &alt.reason_code) {
                code(status, reason, &layout, source);
            } else if let Some(status) = &alt.status {
                text_only(status, &layout, source);
            }
        }
    }
}

/// The layout as the spec writes it (checked separately).
pub(crate) fn layout_of(spec: &Spec) -> StatusLayout {
    let s = &spec.connection.status_code;
    StatusLayout {
        digits: s.digits.0,
        kind_mask: s.kind_mask.0,
        success: s.kinds.success.0,
        client_error: s.kinds.client_error.0,
        server_error: s.kinds.server_error.0,
        retryable_bit: s.retryable_bit.0,
        reserved_mask: s.reserved_mask.0,
    }
}

/// Checks the layout; `true` when it is sound.
fn check_layout(spec: &Spec, layout: &StatusLayout, source: &mut Source) -> bool {
    let s = &spec.connection.status_code;
    let before = source.diagnostic_count();
    if layout.digits != 4 {
        source.report(
            &s.digits,
            DiagnosticKind::InvalidValue,
            format!(
                "a status code is two bytes, so four hex digits, not {}",
                layout.digits
            ),
            Some("set `digits: 4`".to_owned()),
        );
    }
    let overlaps = [
        (
            &s.retryable_bit,
            layout.retryable_bit & (layout.kind_mask | layout.reserved_mask),
        ),
        (&s.reserved_mask, layout.reserved_mask & layout.kind_mask),
    ];
    if layout.retryable_bit.count_ones() != 1 {
        source.report(
            &s.retryable_bit,
            DiagnosticKind::InvalidValue,
            format!(
                "retryable-bit {:#06x} is not a single bit",
                layout.retryable_bit
            ),
            Some("give one bit of the first byte, e.g. 0x0400".to_owned()),
        );
    }
    // The second byte is the code itself; the layout's bits are the first byte's.
    let fields = [
        (&s.kind_mask, "kind-mask"),
        (&s.retryable_bit, "retryable-bit"),
        (&s.reserved_mask, "reserved-mask"),
    ];
    for (value, name) in fields {
        if value.0 & 0x00FF != 0 {
            source.report(
                value,
                DiagnosticKind::InvalidValue,
                format!(
                    "{name} {:#06x} has bits {:#06x} in the second byte, which is the code",
                    value.0,
                    value.0 & 0x00FF
                ),
                Some("flags and kind bits are in the first byte (0xFF00)".to_owned()),
            );
        }
    }
    for (value, overlap) in overlaps {
        if overlap != 0 {
            source.report(
                value,
                DiagnosticKind::InvalidValue,
                format!("bits {overlap:#06x} are used twice in the status-code layout"),
                Some("kind bits, the retryable bit and reserved bits must not overlap".to_owned()),
            );
        }
    }
    let kinds = [
        &s.kinds.success,
        &s.kinds.client_error,
        &s.kinds.server_error,
    ];
    for (i, kind) in kinds.iter().enumerate() {
        if kind.0 & !layout.kind_mask != 0 {
            source.report(
                *kind,
                DiagnosticKind::InvalidValue,
                format!(
                    "kind value {:#06x} has bits outside kind-mask {:#06x}",
                    kind.0, layout.kind_mask
                ),
                Some(
                    "kind values only use bits of kind-mask (0x0300 in the overview's layout)"
                        .to_owned(),
                ),
            );
        }
        if kinds[..i].iter().any(|k| k.0 == kind.0) {
            source.report(
                *kind,
                DiagnosticKind::InvalidValue,
                format!("kind value {:#06x} is used for two kinds", kind.0),
                Some("give success, client-error and server-error distinct kind bits".to_owned()),
            );
        }
    }
    source.diagnostic_count() == before
}

fn text_only(status: &Text, layout: &StatusLayout, source: &mut Source) {
    if let Err(problem) = layout.parse(status) {
        report(status, &problem, layout, source);
    }
}

fn code(status: &Text, reason: &Spanned<Number<u8>>, layout: &StatusLayout, source: &mut Source) {
    match layout.parse(status) {
        Err(problem) => report(status, &problem, layout, source),
        Ok(parsed) => {
            let reason_ok = reason_is_success(reason.0);
            let status_ok = parsed.kind == StatusKind::Success;
            if reason_ok != status_ok {
                source.report(
                    status,
                    DiagnosticKind::StatusKindMismatch,
                    format!(
                        "status {} is a {} but reason code {} is {}",
                        status.as_str(),
                        parsed.kind,
                        reason.0,
                        if reason_ok { "a success (below 0x80)" } else { "an error (0x80 or above)" }
                    ),
                    Some("success statuses have kind bits 00 and a reason code below 128; errors the opposite".to_owned()),
                );
            }
        }
    }
}

fn report(status: &Text, problem: &StatusProblem, layout: &StatusLayout, source: &mut Source) {
    let (kind, message, help) = match problem {
        StatusProblem::NotHex => (
            DiagnosticKind::InvalidStatus,
            format!(
                "status `{}` is not {} hex digits",
                status.as_str(),
                layout.digits
            ),
            "write the two-byte code as four hex digits, e.g. \"0100\" (quote it)".to_owned(),
        ),
        StatusProblem::Reserved(bits) => (
            DiagnosticKind::ReservedStatusBits,
            format!(
                "status `{}` sets reserved bits {bits:#06x}",
                status.as_str()
            ),
            format!(
                "bits {:#06x} of the first byte must be 0",
                layout.reserved_mask
            ),
        ),
        StatusProblem::NoKind(bits) => (
            DiagnosticKind::StatusKindMismatch,
            format!(
                "status `{}` has kind bits {bits:#06x}, which are no kind of the layout",
                status.as_str()
            ),
            "kind bits are 00 success, 01 client error, 10 server error".to_owned(),
        ),
    };
    source.report(status, kind, message, Some(help));
}
