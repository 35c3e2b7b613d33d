//! Path parameters as Rust names: each `{name}` of an operation topic becomes
//! an argument of the operation's `topic()` builder, a local of its
//! `match_topic()` and a field of its `TopicParams`, so it needs a Rust
//! identifier form, and no two parameters of one topic may share one.
//!
//! The generated topic helpers use no other name of their own in that scope
//! (their one local is `__segments`, which no parameter can become, since a
//! parameter starts with a lowercase letter), so distinct identifiers suffice.

use std::collections::HashMap;

use crate::diagnostic::DiagnosticKind;
use crate::ident;
use crate::spec::model::Spec;
use crate::spec::source::Source;
use crate::topic::TopicPattern;

pub(super) fn check(spec: &Spec, source: &mut Source) {
    let prefix = spec.connection.topics.prefix.as_str();
    for op in &spec.operations {
        // A malformed topic is reported by the topics check.
        let Ok(topic) = TopicPattern::parse(&op.topic, prefix) else {
            continue;
        };
        let mut seen: HashMap<String, &str> = HashMap::new();
        for name in topic.parameters() {
            let written = format!("{{{name}}}");
            let at = source.within(&op.topic, &written, false);
            let Some(rust) = ident::field_name(name) else {
                source.report_at(
                    at,
                    DiagnosticKind::IdentifierCollision,
                    format!(
                        "path parameter `{written}` of operation `{}` has no Rust identifier form",
                        op.name.as_str()
                    ),
                    Some(
                        "it becomes an argument of the generated `topic()`: rename it (`self`, `super` and `crate` cannot be Rust names)"
                            .to_owned(),
                    ),
                );
                continue;
            };
            if let Some(first) = seen.get(&rust) {
                source.report_at(
                    at,
                    DiagnosticKind::IdentifierCollision,
                    format!(
                        "path parameters `{{{first}}}` and `{written}` of operation `{}` both become the Rust identifier `{rust}`",
                        op.name.as_str()
                    ),
                    Some("rename one of them".to_owned()),
                );
            } else {
                seen.insert(rust, name);
            }
        }
    }
}
