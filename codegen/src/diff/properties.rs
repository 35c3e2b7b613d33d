//! Properties of a message, of CONNECT or of the hub's outcomes: added,
//! removed, made required or optional, retyped, moved. Whom a change breaks
//! follows who sends the message: a property the sender must now send
//! breaks senders built from the old spec; one the receiver may now miss
//! breaks receivers built from the old spec.

use super::change::{Impact, Kind, RustApi, Side};
use super::differ::{At, Differ, Keyed, Listed};
use crate::ir::{Property, WireFormat};

/// Whether every value of `a` is a value of `b`.
fn within(a: WireFormat, b: WireFormat) -> bool {
    a == b || b == WireFormat::Utf8 || (a == WireFormat::DecimalU32 && b == WireFormat::DecimalU64)
}

/// Breaking for every side in `sides`.
pub(super) fn for_sides(sides: &[Side], rust: RustApi) -> Impact {
    Impact::breaking(
        sides.contains(&Side::Device),
        sides.contains(&Side::Hub),
        rust,
    )
}

fn receivers(senders: &[Side]) -> Vec<Side> {
    let mut out: Vec<Side> = senders.iter().map(|s| s.other()).collect();
    out.dedup();
    out
}

impl Differ<'_> {
    /// Compares two property lists; `list` is where each list is
    /// (`operations[1].request.properties`), `senders` who sends them.
    pub(super) fn properties(
        &mut self,
        subject: &str,
        old: &[Property],
        new: &[Property],
        list: &At,
        senders: &[Side],
    ) {
        let receivers = receivers(senders);
        let what = |p: &Property| format!("{subject}, property {}", p.name);
        let how = Keyed {
            key: |p: &Property| p.name.clone(),
            removed: |o: &Property| Listed {
                kind: Kind::PropertyRemoved,
                impact: Impact::BOTH,
                subject: what(o),
                detail: format!("{} removed", requirement(o)),
            },
            added: |n: &Property| Listed {
                kind: Kind::PropertyAdded,
                impact: if n.required {
                    for_sides(senders, RustApi::Breaking)
                } else {
                    Impact::compatible(RustApi::Breaking)
                },
                subject: what(n),
                detail: format!("{} {} added", requirement(n), n.type_name),
            },
        };
        self.keyed(old, new, list, how, |d, o, n, at| {
            d.property(&what(o), o, n, at, senders, &receivers);
        });
    }

    fn property(
        &mut self,
        what: &str,
        o: &Property,
        n: &Property,
        at: &At,
        senders: &[Side],
        receivers: &[Side],
    ) {
        if o.required != n.required {
            let (kind, impact) = if n.required {
                (
                    Kind::PropertyMadeRequired,
                    for_sides(senders, RustApi::Breaking),
                )
            } else {
                (
                    Kind::PropertyMadeOptional,
                    for_sides(receivers, RustApi::Breaking),
                )
            };
            let detail = format!("{} → {}", requirement(o), requirement(n));
            self.push(kind, impact, what, detail, &at.join(".required"));
        }
        if o.type_name != n.type_name {
            let (kind, impact) = if o.format == n.format {
                (
                    Kind::PropertyTypeChanged,
                    Impact::compatible(RustApi::Unchanged),
                )
            } else if within(n.format, o.format) {
                (
                    Kind::PropertyTypeNarrowed,
                    for_sides(senders, RustApi::Breaking),
                )
            } else if within(o.format, n.format) {
                (
                    Kind::PropertyTypeWidened,
                    for_sides(receivers, RustApi::Breaking),
                )
            } else {
                (Kind::PropertyTypeChanged, Impact::BOTH)
            };
            let detail = format!("type {} → {}", o.type_name, n.type_name);
            self.push(kind, impact, what, detail, &at.join(".type"));
        }
        if o.wire != n.wire {
            let detail = format!("travels as {:?} → {:?}", o.wire, n.wire);
            self.push(
                Kind::PropertyPlaceChanged,
                Impact::BOTH,
                what,
                detail,
                &at.join(".wire"),
            );
        }
        if o.role != n.role {
            let detail = format!("role {:?} → {:?}", o.role, n.role);
            self.push(
                Kind::PropertyRoleChanged,
                Impact::BOTH,
                what,
                detail,
                &at.join(".role"),
            );
        }
        self.prose_opt(
            what,
            "description",
            o.description.as_deref(),
            n.description.as_deref(),
            &at.join(".description"),
        );
    }
}

fn requirement(p: &Property) -> &'static str {
    if p.required {
        "required"
    } else {
        "optional"
    }
}
