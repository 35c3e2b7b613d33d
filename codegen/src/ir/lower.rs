//! Model → IR, run only on a spec that passed validation. Lookups that
//! validation guarantees still fail softly (returning `None`), never panic.

use marked_yaml::Spanned;

use super::*;
use crate::ident;
use crate::spec::model;
use crate::validate::layout_of;

/// Builds the IR of a validated spec; `None` only if validation let through
/// something it should not have (the caller reports that as a bug).
pub fn lower(spec: &model::Spec) -> Option<Api> {
    let layout = layout_of(spec);
    let cx = Cx { spec, layout };
    Some(Api {
        info: ApiInfo {
            name: spec.api.name.to_string(),
            version: spec.api.version.to_string(),
            api_version: spec.api.api_version.to_string(),
            mqtt_version: spec.api.mqtt_version.0,
        },
        document: document(&spec.document),
        types: spec
            .types
            .iter()
            .map(|t| DataType {
                name: t.name.to_string(),
                description: t.description.to_string(),
                wire: *t.wire,
            })
            .collect(),
        schemas: spec
            .schemas
            .iter()
            .map(|s| Schema {
                name: s.name.to_string(),
                text: s.text.as_ref().map(|t| t.to_string()),
                description: s.description.to_string(),
                content: *s.content,
            })
            .collect(),
        connection: cx.connection()?,
        operations: spec
            .operations
            .iter()
            .map(|o| cx.operation(o))
            .collect::<Option<_>>()?,
        responses: spec
            .responses
            .iter()
            .map(|r| cx.response(r))
            .collect::<Option<_>>()?,
    })
}

struct Cx<'a> {
    spec: &'a model::Spec,
    layout: StatusLayout,
}

impl Cx<'_> {
    fn properties(&self, list: &[Spanned<model::Property>]) -> Option<Vec<Property>> {
        list.iter()
            .map(|p| {
                let ty = self.spec.types.iter().find(|t| *t.name == *p.type_)?;
                Some(Property {
                    name: p.name.to_string(),
                    rust_name: ident::field_name(&p.name)?,
                    type_name: p.type_.to_string(),
                    format: *ty.wire,
                    required: *p.required,
                    wire: p.wire.as_ref().map(|w| **w).unwrap_or_default(),
                    description: p.description.as_ref().map(|d| d.to_string()),
                    role: p.role.as_ref().map(|r| **r),
                })
            })
            .collect()
    }

    fn message(&self, m: &model::MessageDef) -> Option<Message> {
        Some(Message {
            description: m.description.as_ref().map(|d| d.to_string()),
            properties: self.properties(&m.properties)?,
            application_properties: m.application_properties.as_ref().is_some_and(|b| **b),
            payload: m.payload.to_string(),
        })
    }

    fn operation(&self, op: &model::Operation) -> Option<Operation> {
        let (first, success) = match *op.interaction {
            Interaction::RequestResponse => (op.request.as_ref()?, op.response.as_ref()),
            Interaction::MessageAck | Interaction::Message => {
                (op.message.as_ref()?, op.ack.as_ref())
            }
        };
        Some(Operation {
            name: op.name.to_string(),
            title: op.title.to_string(),
            summary: op.summary.to_string(),
            interaction: *op.interaction,
            direction: *op.direction,
            qos: op.qos.0,
            topic: TopicPattern::parse(&op.topic, &self.spec.connection.topics.prefix).ok()?,
            first: self.message(first)?,
            success: match success {
                Some(s) => Some(self.message(s)?),
                None => None,
            },
            alternatives: op
                .alternatives
                .iter()
                .map(|a| self.alternative(a))
                .collect::<Option<_>>()?,
            snapshot: op.snapshot.as_ref().map(|s| Snapshot {
                operation: s.operation.to_string(),
                member: s.member.to_string(),
                properties: s
                    .properties
                    .iter()
                    .map(|p| (p.name.to_string(), p.member.to_string()))
                    .collect(),
            }),
        })
    }

    fn alternative(&self, a: &model::Alternative) -> Option<Alternative> {
        if let Some(reference) = &a.response {
            let r = self
                .spec
                .responses
                .iter()
                .find(|r| *r.name == **reference)?;
            return Some(Alternative {
                name: reference.to_string(),
                response: Some(reference.to_string()),
                title: a.title.as_deref().unwrap_or(&r.title).to_string(),
                description: a
                    .description
                    .as_deref()
                    .unwrap_or(&r.description)
                    .to_string(),
                reason_code: r.reason_code.0,
                status: self.layout.parse(&r.status).ok()?,
                properties: self.properties(&r.properties)?,
            });
        }
        Some(Alternative {
            name: a.name.as_ref()?.to_string(),
            response: None,
            title: a.title.as_ref()?.to_string(),
            description: a.description.as_ref()?.to_string(),
            reason_code: a.reason_code.as_ref()?.0,
            status: self.layout.parse(a.status.as_ref()?).ok()?,
            properties: self.properties(&a.properties)?,
        })
    }

    fn response(&self, r: &model::Response) -> Option<Response> {
        Some(Response {
            name: r.name.to_string(),
            title: r.title.to_string(),
            description: r.description.to_string(),
            reason_code: r.reason_code.0,
            status: self.layout.parse(&r.status).ok()?,
            properties: self.properties(&r.properties)?,
            payload: r.payload.to_string(),
        })
    }

    fn connection(&self) -> Option<Connection> {
        let c = &self.spec.connection;
        let k = &c.connack;
        Some(Connection {
            connect_timeout_seconds: c.connect_timeout_seconds.0,
            authentication_methods: c
                .authentication_methods
                .iter()
                .map(|m| AuthenticationMethod {
                    name: m.name.to_string(),
                    description: m.description.to_string(),
                    data: *m.authentication_data,
                })
                .collect(),
            connect_properties: self.properties(&c.connect_properties)?,
            sas: Sas {
                algorithm: c.sas.algorithm.to_string(),
                key_encoding: c.sas.key_encoding.to_string(),
                string_to_sign: c.sas.string_to_sign.iter().map(|s| s.to_string()).collect(),
                reauthentication_reason_code: c.sas.reauthentication_reason_code.0,
            },
            connack: Connack {
                receive_maximum: k.receive_maximum.0,
                maximum_qos: k.maximum_qos.0,
                retain_available: *k.retain_available,
                maximum_packet_size: k.maximum_packet_size.0,
                topic_alias_maximum: k.topic_alias_maximum.0,
                wildcard_subscription_available: *k.wildcard_subscription_available,
                subscription_identifiers_available: *k.subscription_identifiers_available,
                shared_subscriptions_available: *k.shared_subscriptions_available,
                server_keep_alive_seconds: k.server_keep_alive_seconds.0,
                session_expiry_interval: k.session_expiry_interval.0,
            },
            max_subscriptions: c.limits.max_subscriptions.0,
            subscription_quota_exceeded_reason_code: c
                .limits
                .subscription_quota_exceeded_reason_code
                .0,
            correlation_data_max_bytes: c.limits.correlation_data_max_bytes.0,
            topic_prefix: c.topics.prefix.to_string(),
            responses_topic: c.topics.responses.to_string(),
            unknown_topic_publish: c.topics.unknown_topic_publish.to_string(),
            unknown_topic_subscribe_reason_code: c.topics.unknown_topic_subscribe_reason_code.0,
            wildcard_subscribe_reason_code: c.topics.wildcard_subscribe_reason_code.0,
            response_properties: self.properties(&c.response_properties)?,
            application_property_prefix: c.application_property_prefix.to_string(),
            status_layout: self.layout,
            disconnect_reasons: c
                .disconnect_reasons
                .iter()
                .map(|d| DisconnectReason {
                    reason_code: d.reason_code.0,
                    name: d.name.to_string(),
                    description: d.description.to_string(),
                })
                .collect(),
        })
    }
}

fn document(d: &model::Document) -> Document {
    let texts: Vec<(&'static str, &model::Text)> = vec![
        ("sections.operations", &d.sections.operations),
        ("sections.responses", &d.sections.responses),
        ("headings.request", &d.headings.request),
        ("headings.success-response", &d.headings.success_response),
        (
            "headings.alternative-responses",
            &d.headings.alternative_responses,
        ),
        ("headings.message", &d.headings.message),
        (
            "headings.success-acknowledgment",
            &d.headings.success_acknowledgment,
        ),
        (
            "headings.alternative-acknowledgments",
            &d.headings.alternative_acknowledgments,
        ),
        (
            "headings.pseudo-code-sample",
            &d.headings.pseudo_code_sample,
        ),
        ("labels.topic-name", &d.labels.topic_name),
        ("labels.properties", &d.labels.properties),
        ("labels.payload", &d.labels.payload),
        ("labels.reason-code", &d.labels.reason_code),
        ("labels.status", &d.labels.status),
        ("labels.none", &d.labels.none),
        ("labels.yes", &d.labels.yes),
        ("labels.no", &d.labels.no),
        ("table-headers.name", &d.table_headers.name),
        ("table-headers.type", &d.table_headers.type_),
        ("table-headers.required", &d.table_headers.required),
        ("table-headers.description", &d.table_headers.description),
        ("table-headers.status", &d.table_headers.status),
        ("table-headers.reason-code", &d.table_headers.reason_code),
    ];
    Document {
        title: d.front_matter.title.to_string(),
        description: d.front_matter.description.to_string(),
        metadata: d
            .front_matter
            .metadata
            .iter()
            .map(|m| (m.key.to_string(), m.value.to_string()))
            .collect(),
        heading: d.heading.to_string(),
        introduction: d.introduction.to_string(),
        texts: texts.into_iter().map(|(k, v)| (k, v.to_string())).collect(),
    }
}
