//! The connection rules: CONNECT properties, authentication methods, SAS,
//! CONNACK values, limits, topic rules, the hub's outcome properties, the
//! status-code layout and DISCONNECT reasons.
//!
//! A limit lowered breaks devices built from the old spec (they may go past
//! it); a limit raised breaks hubs built from the old spec (devices built
//! from the new one may go past what such a hub allows). The same holds for
//! CONNACK's capabilities, withdrawn or added.

use super::change::{Impact, Kind, RustApi, Side};
use super::differ::{At, Differ, Keyed, Listed};
use crate::ir::{AuthenticationMethod, Connection, DisconnectReason};

impl Differ<'_> {
    pub(super) fn connection(&mut self) {
        let (o, n) = (&self.old.api.connection, &self.new.api.connection);
        let limits: [(&str, &str, u64, u64); 9] = [
            (
                "connack.session-expiry-interval",
                "CONNACK Session Expiry Interval (seconds)",
                o.connack.session_expiry_interval.into(),
                n.connack.session_expiry_interval.into(),
            ),
            (
                "connect-timeout-seconds",
                "CONNECT deadline (seconds)",
                o.connect_timeout_seconds.into(),
                n.connect_timeout_seconds.into(),
            ),
            (
                "connack.receive-maximum",
                "CONNACK Receive Maximum",
                o.connack.receive_maximum.into(),
                n.connack.receive_maximum.into(),
            ),
            (
                "connack.maximum-qos",
                "CONNACK Maximum QoS",
                o.connack.maximum_qos.into(),
                n.connack.maximum_qos.into(),
            ),
            (
                "connack.maximum-packet-size",
                "CONNACK Maximum Packet Size",
                o.connack.maximum_packet_size.into(),
                n.connack.maximum_packet_size.into(),
            ),
            (
                "connack.topic-alias-maximum",
                "CONNACK Topic Alias Maximum",
                o.connack.topic_alias_maximum.into(),
                n.connack.topic_alias_maximum.into(),
            ),
            (
                "connack.server-keep-alive-seconds",
                "largest Keep Alive (seconds)",
                o.connack.server_keep_alive_seconds.into(),
                n.connack.server_keep_alive_seconds.into(),
            ),
            (
                "limits.max-subscriptions",
                "subscriptions per client",
                o.max_subscriptions.into(),
                n.max_subscriptions.into(),
            ),
            (
                "limits.correlation-data-max-bytes",
                "longest Correlation Data (bytes)",
                o.correlation_data_max_bytes.into(),
                n.correlation_data_max_bytes.into(),
            ),
        ];
        for (path, what, before, after) in limits {
            if before == after {
                continue;
            }
            let (kind, side) = if after < before {
                (Kind::LimitLowered, Side::Device)
            } else {
                (Kind::LimitRaised, Side::Hub)
            };
            self.push(
                kind,
                Impact::side(side, RustApi::Unchanged),
                format!("connection, {what}"),
                format!("{before} → {after}"),
                &At::same(format!("connection.{path}")),
            );
        }
        let capabilities = [
            (
                "retain-available",
                "Retain Available",
                o.connack.retain_available,
                n.connack.retain_available,
            ),
            (
                "wildcard-subscription-available",
                "Wildcard Subscription Available",
                o.connack.wildcard_subscription_available,
                n.connack.wildcard_subscription_available,
            ),
            (
                "subscription-identifiers-available",
                "Subscription Identifiers Available",
                o.connack.subscription_identifiers_available,
                n.connack.subscription_identifiers_available,
            ),
            (
                "shared-subscriptions-available",
                "Shared Subscription Available",
                o.connack.shared_subscriptions_available,
                n.connack.shared_subscriptions_available,
            ),
        ];
        for (key, what, before, after) in capabilities {
            if before == after {
                continue;
            }
            let (kind, side) = if before {
                (Kind::CapabilityWithdrawn, Side::Device)
            } else {
                (Kind::CapabilityAdded, Side::Hub)
            };
            self.push(
                kind,
                Impact::side(side, RustApi::Unchanged),
                format!("connection, CONNACK {what}"),
                format!("{before} → {after}"),
                &At::same(format!("connection.connack.{key}")),
            );
        }
        self.rules(o, n);
        self.authentication_methods();
        self.properties(
            "connection, CONNECT",
            &o.connect_properties,
            &n.connect_properties,
            &At::same("connection.connect-properties"),
            &[Side::Device],
        );
        self.properties(
            "connection, outcome properties",
            &o.response_properties,
            &n.response_properties,
            &At::same("connection.response-properties"),
            &[Side::Hub],
        );
        self.disconnect_reasons();
    }

    /// Rules both sides must apply alike: a change breaks both.
    fn rules(&mut self, o: &Connection, n: &Connection) {
        let rules: [(&str, &str, String, String); 12] = [
            (
                "sas.algorithm",
                "SAS algorithm",
                o.sas.algorithm.clone(),
                n.sas.algorithm.clone(),
            ),
            (
                "sas.key-encoding",
                "SAS key encoding",
                o.sas.key_encoding.clone(),
                n.sas.key_encoding.clone(),
            ),
            (
                "sas.string-to-sign",
                "SAS string to sign",
                o.sas.string_to_sign.join(" \\n "),
                n.sas.string_to_sign.join(" \\n "),
            ),
            (
                "sas.reauthentication-reason-code",
                "AUTH reason code of reauthentication",
                o.sas.reauthentication_reason_code.to_string(),
                n.sas.reauthentication_reason_code.to_string(),
            ),
            (
                "limits.subscription-quota-exceeded-reason-code",
                "SUBACK reason code past the subscription limit",
                o.subscription_quota_exceeded_reason_code.to_string(),
                n.subscription_quota_exceeded_reason_code.to_string(),
            ),
            (
                "topics.prefix",
                "topic prefix",
                o.topic_prefix.clone(),
                n.topic_prefix.clone(),
            ),
            (
                "topics.responses",
                "responses topic",
                o.responses_topic.clone(),
                n.responses_topic.clone(),
            ),
            (
                "topics.unknown-topic-publish",
                "response to a PUBLISH on an unknown topic",
                o.unknown_topic_publish.clone(),
                n.unknown_topic_publish.clone(),
            ),
            (
                "topics.unknown-topic-subscribe-reason-code",
                "SUBACK reason code of an unknown topic",
                o.unknown_topic_subscribe_reason_code.to_string(),
                n.unknown_topic_subscribe_reason_code.to_string(),
            ),
            (
                "topics.wildcard-subscribe-reason-code",
                "SUBACK reason code of a wildcard",
                o.wildcard_subscribe_reason_code.to_string(),
                n.wildcard_subscribe_reason_code.to_string(),
            ),
            (
                "application-property-prefix",
                "application property prefix",
                o.application_property_prefix.clone(),
                n.application_property_prefix.clone(),
            ),
            (
                "status-code",
                "status code layout",
                format!("{:?}", o.status_layout),
                format!("{:?}", n.status_layout),
            ),
        ];
        for (path, what, before, after) in rules {
            if before == after {
                continue;
            }
            let kind = if path == "status-code" {
                Kind::StatusLayoutChanged
            } else {
                Kind::ConnectionRuleChanged
            };
            self.push(
                kind,
                Impact::breaking(true, true, RustApi::Unchanged),
                format!("connection, {what}"),
                format!("{before} → {after}"),
                &At::same(format!("connection.{path}")),
            );
        }
    }

    fn authentication_methods(&mut self) {
        let (old, new) = (self.old, self.new);
        let subject =
            |m: &AuthenticationMethod| format!("connection, authentication method {}", m.name);
        let how = Keyed {
            key: |m: &AuthenticationMethod| m.name.clone(),
            removed: |a: &AuthenticationMethod| Listed {
                kind: Kind::AuthenticationMethodRemoved,
                impact: Impact::BOTH,
                subject: subject(a),
                detail: "removed".to_owned(),
            },
            added: |b: &AuthenticationMethod| Listed {
                kind: Kind::AuthenticationMethodAdded,
                impact: Impact::compatible(RustApi::Breaking),
                subject: subject(b),
                detail: "added".to_owned(),
            },
        };
        self.keyed(
            &old.api.connection.authentication_methods,
            &new.api.connection.authentication_methods,
            &At::same("connection.authentication-methods"),
            how,
            |d, a, b, at| {
                let subject = subject(a);
                if a.data != b.data {
                    let detail = format!("authentication data {:?} → {:?}", a.data, b.data);
                    d.push(
                        Kind::AuthenticationMethodChanged,
                        Impact::breaking(true, true, RustApi::Unchanged),
                        &subject,
                        detail,
                        &at.join(".authentication-data"),
                    );
                }
                d.prose(
                    &subject,
                    "description",
                    &a.description,
                    &b.description,
                    &at.join(".description"),
                );
            },
        );
    }

    fn disconnect_reasons(&mut self) {
        let (old, new) = (self.old, self.new);
        let subject = |r: &DisconnectReason| {
            format!(
                "connection, DISCONNECT reason {} ({})",
                r.reason_code, r.name
            )
        };
        let how = Keyed {
            key: |r: &DisconnectReason| r.reason_code.to_string(),
            removed: |a: &DisconnectReason| Listed {
                kind: Kind::DisconnectReasonRemoved,
                impact: Impact::BOTH,
                subject: subject(a),
                detail: "removed".to_owned(),
            },
            added: |b: &DisconnectReason| Listed {
                kind: Kind::DisconnectReasonAdded,
                impact: Impact::compatible(RustApi::Breaking),
                subject: subject(b),
                detail: "added".to_owned(),
            },
        };
        self.keyed(
            &old.api.connection.disconnect_reasons,
            &new.api.connection.disconnect_reasons,
            &At::same("connection.disconnect-reasons"),
            how,
            |d, a, b, at| {
                let subject = subject(a);
                if a.name != b.name {
                    d.push(
                        Kind::DisconnectReasonChanged,
                        Impact::compatible(RustApi::Breaking),
                        &subject,
                        format!("name {} → {}", a.name, b.name),
                        &at.join(".name"),
                    );
                }
                d.prose(
                    &subject,
                    "description",
                    &a.description,
                    &b.description,
                    &at.join(".description"),
                );
            },
        );
    }
}
