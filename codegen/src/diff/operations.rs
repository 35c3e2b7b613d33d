//! Operations and named responses: interaction, direction, QoS, topic and
//! path parameters, messages, alternative outcomes and snapshots.

use super::change::{Impact, Kind, RustApi, Side};
use super::differ::{At, Differ, Keyed, Listed};
use crate::ir::{Alternative, Api, Direction, Interaction, Message, Operation, Response};
use crate::topic::{Segment, TopicPattern};

/// The spec keys of an operation's first and success messages.
fn message_keys(interaction: Interaction) -> (&'static str, &'static str) {
    match interaction {
        Interaction::RequestResponse => ("request", "response"),
        Interaction::MessageAck | Interaction::Message => ("message", "ack"),
    }
}

/// Who sends an operation's first message.
fn first_sender(op: &Operation) -> Side {
    match op.direction {
        Direction::C2s => Side::Device,
        Direction::S2c => Side::Hub,
    }
}

/// Whether two topics differ only in their parameters' names.
fn only_parameters_renamed(old: &TopicPattern, new: &TopicPattern) -> bool {
    old.segments.len() == new.segments.len()
        && old
            .segments
            .iter()
            .zip(&new.segments)
            .all(|pair| match pair {
                (Segment::Literal(a), Segment::Literal(b)) => a == b,
                (Segment::Parameter(_), Segment::Parameter(_)) => true,
                _ => false,
            })
}

/// Who sends each named response: the side answering each operation that
/// refers to it (the hub when none does).
fn response_senders(api: &Api, name: &str) -> Vec<Side> {
    let mut sides: Vec<Side> = api
        .operations
        .iter()
        .filter(|op| {
            op.alternatives
                .iter()
                .any(|a| a.response.as_deref() == Some(name))
        })
        .map(|op| first_sender(op).other())
        .collect();
    sides.sort_by_key(|s| *s == Side::Hub);
    sides.dedup();
    if sides.is_empty() {
        sides.push(Side::Hub);
    }
    sides
}

impl Differ<'_> {
    pub(super) fn operations(&mut self) {
        let (old, new) = (self.old, self.new);
        let how = Keyed {
            key: |op: &Operation| op.name.clone(),
            removed: |o: &Operation| Listed {
                kind: Kind::OperationRemoved,
                impact: Impact::BOTH,
                subject: format!("operation {}", o.name),
                detail: format!("{} on {} removed", o.title, o.topic.text),
            },
            added: |n: &Operation| Listed {
                kind: Kind::OperationAdded,
                // A server-to-client operation adds a field to the client's
                // `Receivers` struct.
                impact: Impact::compatible(match n.direction {
                    Direction::C2s => RustApi::Additive,
                    Direction::S2c => RustApi::Breaking,
                }),
                subject: format!("operation {}", n.name),
                detail: format!("{} on {} added", n.title, n.topic.text),
            },
        };
        self.keyed(
            &old.api.operations,
            &new.api.operations,
            &At::same("operations"),
            how,
            |d, o, n, at| d.operation(&format!("operation {}", o.name), o, n, at),
        );
    }

    fn operation(&mut self, subject: &str, o: &Operation, n: &Operation, at: &At) {
        if o.interaction != n.interaction {
            let detail = format!("{:?} → {:?}", o.interaction, n.interaction);
            self.push(
                Kind::InteractionChanged,
                Impact::BOTH,
                subject,
                detail,
                &at.join(".interaction"),
            );
        }
        if o.direction != n.direction {
            let detail = format!("{:?} → {:?}", o.direction, n.direction);
            self.push(
                Kind::DirectionChanged,
                Impact::BOTH,
                subject,
                detail,
                &at.join(".direction"),
            );
        }
        if o.qos != n.qos {
            let detail = format!("QoS {} → {}", o.qos, n.qos);
            let impact = Impact::breaking(true, true, RustApi::Unchanged);
            self.push(Kind::QosChanged, impact, subject, detail, &at.join(".qos"));
        }
        if o.topic.text != n.topic.text {
            let detail = format!("topic {} → {}", o.topic.text, n.topic.text);
            let (kind, impact) = if only_parameters_renamed(&o.topic, &n.topic) {
                // Same topics on the wire; the generated `TopicParams`
                // fields and `topic(..)` arguments are renamed.
                (
                    Kind::ParameterRenamed,
                    Impact::compatible(RustApi::Breaking),
                )
            } else {
                // The `TOPIC` constant's value changes; the generated
                // `TopicParams` only if the parameters do.
                let same = o.topic.parameters().eq(n.topic.parameters());
                let rust = if same {
                    RustApi::Unchanged
                } else {
                    RustApi::Breaking
                };
                (Kind::TopicChanged, Impact::breaking(true, true, rust))
            };
            self.push(kind, impact, subject, detail, &at.join(".topic"));
        }
        self.prose(subject, "title", &o.title, &n.title, &at.join(".title"));
        self.prose(
            subject,
            "summary",
            &o.summary,
            &n.summary,
            &at.join(".summary"),
        );

        let (old_first, old_success) = message_keys(o.interaction);
        let (new_first, new_success) = message_keys(n.interaction);
        let sender = first_sender(n);
        let first_at = At::pair(
            format!("{}.{old_first}", at.old),
            format!("{}.{new_first}", at.new),
        );
        self.message(
            &format!("{subject}, {new_first}"),
            &o.first,
            &n.first,
            &first_at,
            sender,
        );
        if let (Some(os), Some(ns)) = (&o.success, &n.success) {
            let success_at = At::pair(
                format!("{}.{old_success}", at.old),
                format!("{}.{new_success}", at.new),
            );
            self.message(
                &format!("{subject}, {new_success}"),
                os,
                ns,
                &success_at,
                sender.other(),
            );
        }
        self.alternatives(subject, o, n, at, sender.other());
        self.snapshot(subject, o, n, at);
    }

    fn message(&mut self, subject: &str, o: &Message, n: &Message, at: &At, sender: Side) {
        self.prose_opt(
            subject,
            "description",
            o.description.as_deref(),
            n.description.as_deref(),
            &at.join(".description"),
        );
        if o.payload != n.payload {
            let detail = format!("payload {} → {}", o.payload, n.payload);
            self.push(
                Kind::PayloadChanged,
                Impact::BOTH,
                subject,
                detail,
                &at.join(".payload"),
            );
        }
        if o.application_properties != n.application_properties {
            // Withdrawn: senders built from the old spec may still send
            // them. Either way the message's `application` field comes or
            // goes.
            let impact = if n.application_properties {
                Impact::compatible(RustApi::Breaking)
            } else {
                Impact::side(sender, RustApi::Breaking)
            };
            let detail = if n.application_properties {
                "application properties now allowed"
            } else {
                "application properties no longer allowed"
            };
            self.push(
                Kind::ApplicationPropertiesChanged,
                impact,
                subject,
                detail,
                &at.join(".application-properties"),
            );
        }
        self.properties(
            subject,
            &o.properties,
            &n.properties,
            &at.join(".properties"),
            &[sender],
        );
    }

    fn alternatives(&mut self, subject: &str, o: &Operation, n: &Operation, at: &At, sender: Side) {
        let what = |a: &Alternative| format!("{subject}, alternative {}", a.name);
        let how = Keyed {
            key: |a: &Alternative| a.name.clone(),
            removed: |a: &Alternative| Listed {
                kind: Kind::StatusRemoved,
                impact: Impact::BOTH,
                subject: what(a),
                detail: format!("status {} ({}) removed", a.status, a.title),
            },
            // Receivers built from the old spec see an unknown status (the
            // generated `Alternative::Unknown`); the generated enum gains a
            // variant.
            added: |b: &Alternative| Listed {
                kind: Kind::StatusAdded,
                impact: Impact::compatible(RustApi::Breaking),
                subject: what(b),
                detail: format!("status {} ({}) added", b.status, b.title),
            },
        };
        self.keyed(
            &o.alternatives,
            &n.alternatives,
            &at.join(".alternatives"),
            how,
            |d, a, b, here| d.alternative(&what(a), a, b, here, sender),
        );
    }

    fn alternative(
        &mut self,
        what: &str,
        a: &Alternative,
        b: &Alternative,
        here: &At,
        sender: Side,
    ) {
        // What an alternative takes from the named response it refers to
        // (its status, and its texts unless it rewords them) is reported
        // once, with the response.
        let same_response = a.response.is_some() && a.response == b.response;
        let named = |api: &Api, x: &Alternative| {
            x.response
                .as_deref()
                .and_then(|r| api.response(r))
                .map(|r| (r.title.clone(), r.description.clone()))
        };
        let (old_named, new_named) = (named(&self.old.api, a), named(&self.new.api, b));
        let inherited = |pick: fn(&(String, String)) -> &String, x: &str, y: &str| {
            same_response
                && old_named.as_ref().is_some_and(|n| pick(n) == x)
                && new_named.as_ref().is_some_and(|n| pick(n) == y)
        };
        if !same_response && (a.status.code != b.status.code || a.reason_code != b.reason_code) {
            let detail = format!(
                "status {} → {}, reason code {} → {}",
                a.status, b.status, a.reason_code, b.reason_code
            );
            let impact = Impact::breaking(true, true, RustApi::Unchanged);
            self.push(Kind::StatusChanged, impact, what, detail, here);
        }
        if !inherited(|n| &n.0, &a.title, &b.title) {
            self.prose(what, "title", &a.title, &b.title, &here.join(".title"));
        }
        if !inherited(|n| &n.1, &a.description, &b.description) {
            self.prose(
                what,
                "description",
                &a.description,
                &b.description,
                &here.join(".description"),
            );
        }
        // The properties of a named response are compared with it.
        if a.response.is_none() && b.response.is_none() {
            self.properties(
                what,
                &a.properties,
                &b.properties,
                &here.join(".properties"),
                &[sender],
            );
        }
    }

    fn snapshot(&mut self, subject: &str, o: &Operation, n: &Operation, at: &At) {
        let text = |op: &Operation| {
            op.snapshot
                .as_ref()
                .map(|s| format!("{}.{} {:?}", s.operation, s.member, s.properties))
        };
        let (before, after) = (text(o), text(n));
        if before == after {
            return;
        }
        let impact = if before.is_none() {
            Impact::compatible(RustApi::Unchanged)
        } else {
            // Clients fetch the state differently (or no longer).
            Impact::side(Side::Device, RustApi::Unchanged)
        };
        let detail = format!(
            "snapshot {} → {}",
            before.as_deref().unwrap_or("none"),
            after.as_deref().unwrap_or("none")
        );
        self.push(
            Kind::SnapshotChanged,
            impact,
            subject,
            detail,
            &at.join(".snapshot"),
        );
    }

    pub(super) fn responses(&mut self) {
        let (old, new) = (self.old, self.new);
        let how = Keyed {
            key: |r: &Response| r.name.clone(),
            removed: |o: &Response| Listed {
                kind: Kind::ResponseRemoved,
                impact: Impact::BOTH,
                subject: format!("response {}", o.name),
                detail: format!("status {} ({}) removed", o.status, o.title),
            },
            // The generated `Status` enum gains a variant.
            added: |n: &Response| Listed {
                kind: Kind::ResponseAdded,
                impact: Impact::compatible(RustApi::Breaking),
                subject: format!("response {}", n.name),
                detail: format!("status {} ({}) added", n.status, n.title),
            },
        };
        self.keyed(
            &old.api.responses,
            &new.api.responses,
            &At::same("responses"),
            how,
            |d, o, n, at| d.response(&format!("response {}", o.name), o, n, at),
        );
    }

    fn response(&mut self, subject: &str, o: &Response, n: &Response, at: &At) {
        if o.status.code != n.status.code || o.reason_code != n.reason_code {
            let users: Vec<&str> = self
                .new
                .api
                .operations
                .iter()
                .filter(|op| {
                    op.alternatives
                        .iter()
                        .any(|a| a.response.as_deref() == Some(&n.name))
                })
                .map(|op| op.name.as_str())
                .collect();
            let used = if users.is_empty() {
                String::new()
            } else {
                format!(" (in {})", users.join(", "))
            };
            let detail = format!(
                "status {} → {}, reason code {} → {}{used}",
                o.status, n.status, o.reason_code, n.reason_code
            );
            let impact = Impact::breaking(true, true, RustApi::Unchanged);
            self.push(
                Kind::StatusChanged,
                impact,
                subject,
                detail,
                &at.join(".status"),
            );
        }
        self.prose(subject, "title", &o.title, &n.title, &at.join(".title"));
        self.prose(
            subject,
            "description",
            &o.description,
            &n.description,
            &at.join(".description"),
        );
        if o.payload != n.payload {
            let detail = format!("payload {} → {}", o.payload, n.payload);
            self.push(
                Kind::PayloadChanged,
                Impact::BOTH,
                subject,
                detail,
                &at.join(".payload"),
            );
        }
        let mut senders = response_senders(&self.old.api, &o.name);
        senders.extend(response_senders(&self.new.api, &n.name));
        senders.sort_by_key(|s| *s == Side::Hub);
        senders.dedup();
        self.properties(
            subject,
            &o.properties,
            &n.properties,
            &at.join(".properties"),
            &senders,
        );
    }
}
