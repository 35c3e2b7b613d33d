//! Topics: every operation topic is a well-formed pattern under the prefix,
//! and no two operations share one.

use crate::diagnostic::DiagnosticKind;
use crate::spec::model::{Spec, Text};
use crate::spec::source::Source;
use crate::topic::{TopicPattern, TopicProblem};

pub(super) fn check(spec: &Spec, source: &mut Source) {
    let rules = &spec.connection.topics;
    let prefix = rules.prefix.as_str();
    if !prefix.ends_with('/') || prefix.len() < 2 || prefix.contains(['+', '#', '{', '}']) {
        source.report(
            &rules.prefix,
            DiagnosticKind::InvalidTopic,
            format!("topic prefix `{prefix}` must be literal segments ending in `/`"),
            Some("e.g. `$iothub/`".to_owned()),
        );
        return;
    }
    pattern(&rules.responses, prefix, source);

    let mut seen: Vec<(TopicPattern, &Text)> = Vec::new();
    for op in &spec.operations {
        let Some(parsed) = pattern(&op.topic, prefix, source) else {
            continue;
        };
        let key = parsed.filter();
        let responses = TopicPattern::parse(&rules.responses, prefix).ok();
        if responses.is_some_and(|r| r.overlaps(&parsed)) {
            source.report(
                &op.topic,
                DiagnosticKind::InvalidTopic,
                format!(
                    "operation `{}` uses the responses topic `{key}`",
                    op.name.as_str()
                ),
                Some(
                    "`$iothub/responses` carries responses of every request–response operation"
                        .to_owned(),
                ),
            );
        } else if let Some((_, first)) = seen.iter().find(|(other, _)| other.overlaps(&parsed)) {
            let line = source.at(first).line;
            source.report(
                &op.topic,
                DiagnosticKind::InvalidTopic,
                format!(
                    "topic `{}` can name the same topic as `{}` (line {line})",
                    op.topic.as_str(),
                    first.as_str()
                ),
                Some("each operation needs its own topic; a `{parameter}` matches any literal segment".to_owned()),
            );
        } else {
            seen.push((parsed, &op.topic));
        }
    }
}

fn pattern(topic: &Text, prefix: &str, source: &mut Source) -> Option<TopicPattern> {
    match TopicPattern::parse(topic, prefix) {
        Ok(parsed) => Some(parsed),
        Err(problem) => {
            let (kind, help) = match problem {
                TopicProblem::OutsidePrefix => (
                    DiagnosticKind::TopicOutsidePrefix,
                    format!("every topic of this API starts with `{prefix}`"),
                ),
                TopicProblem::UnnamedParameter => (
                    DiagnosticKind::UnnamedPathParameter,
                    "name the parameter, e.g. `{name}`".to_owned(),
                ),
                _ => (
                    DiagnosticKind::InvalidTopic,
                    "a topic is `/`-separated literal segments and whole-segment `{name}` parameters".to_owned(),
                ),
            };
            // A problem with one parameter is shown at that parameter.
            let at = match &problem {
                TopicProblem::UnnamedParameter => source.within(topic, "{}", false),
                TopicProblem::BadParameterName(n) => {
                    source.within(topic, &format!("{{{n}}}"), false)
                }
                TopicProblem::RepeatedParameter(n) => {
                    source.within(topic, &format!("{{{n}}}"), true)
                }
                _ => source.at(topic),
            };
            source.report_at(
                at,
                kind,
                format!("topic `{}` {problem}", topic.as_str()),
                Some(help),
            );
            None
        }
    }
}
