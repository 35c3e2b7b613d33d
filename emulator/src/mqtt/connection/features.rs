//! The API's features on a connection: command delivery and its
//! redelivery timer, desired-state notifications, direct method calls
//! and their answers.

use std::time::Instant;

use bytes::Bytes;
use iothub_client::api::{self, limits};
use iothub_client::operation::Operation;
use iothub_client::wire::MqttProperties;
use iothub_mqtt::packet::QoS;
use iothub_mqtt::packet::{Packet, Publish, PublishProperties};

use super::context::{Clock, CALLS_WAITING};
use super::session::{End, Open};
use crate::methods::{MethodCall, MethodError, MethodResponse};
use crate::mqtt::outbox::{Outbox, Sent};
use crate::mqtt::outcome;
use crate::mqtt::subscribe::{self, Target};

impl Open {
    /// When an abandoned command of this device may be delivered again, if
    /// one waits out its delay and the device takes commands.
    pub(super) fn redelivery_at(&self, clock: Clock) -> Option<Instant> {
        let offered = subscribe::qos_of(api::ReceiveCommands::QOS);
        self.subscriptions.delivery_qos(Target::Commands, offered)?;
        let at = self
            .shared
            .hub
            .commands()
            .next_redelivery(&self.accepted.device, clock.wall)?;
        Some(clock.instant_of(at.as_millis()))
    }

    /// Queues the commands that may go out now, if the device subscribed
    /// to them.
    pub(super) fn deliver_commands(&mut self, out: &mut Outbox) {
        let offered = subscribe::qos_of(api::ReceiveCommands::QOS);
        let Some(qos) = self.subscriptions.delivery_qos(Target::Commands, offered) else {
            return;
        };
        // A connection that was taken over delivers nothing more: its
        // successor does, and gets the wake-up this one took.
        if !self
            .shared
            .sessions
            .is_live(&self.accepted.device, self.opened.connection)
        {
            self.shared.hub.commands().wake(&self.accepted.device);
            return;
        }
        while let Some(packet) =
            self.delivery
                .next(&self.shared.hub, &self.accepted.device, qos, out.limit())
        {
            out.send(packet);
        }
    }

    /// Queues the desired-state change `update`. One larger than the client's Maximum Packet Size is not
    /// sent (MQTT 5 [MQTT-3.1.2-25], as for any QoS 0 message): the device
    /// sees the version skip on the next change it gets and can read the
    /// twin (Get Twin) to catch up.
    pub(super) fn notify_desired(&self, out: &mut Outbox, update: crate::hub::twin::DesiredUpdate) {
        let version = update.version;
        if out.send(desired_publish(update)) == Sent::Discarded {
            tracing::info!(
                device = %self.accepted.device.as_str(),
                version,
                max = ?out.limit().max(),
                "desired-state change larger than the device's Maximum Packet Size; not sent"
            );
        }
    }

    /// Sends direct method call `call` to the device, if it subscribed to
    /// the method; else answers it at once.
    pub(super) fn invoke(&mut self, out: &mut Outbox, call: MethodCall) {
        let topic = api::receive_direct_methods::topic(&call.name);
        let subscribed = topic
            .as_ref()
            .is_ok_and(|topic| self.subscriptions.has_method(topic));
        let Ok(topic) = topic.map_err(|e| e.to_string()) else {
            let _ = call.reply.send(Err(MethodError::Failed(
                "the method name cannot be a topic segment".to_owned(),
            )));
            return;
        };
        if !subscribed {
            let _ = call.reply.send(Err(MethodError::Unreachable(call.name)));
            return;
        }
        // Calls never answered are forgotten past a bound.
        if self.calls.len() >= CALLS_WAITING {
            self.calls.retain(|_, reply| !reply.is_closed());
        }
        self.next_call += 1;
        let correlation = Bytes::copy_from_slice(&self.next_call.to_be_bytes());
        let mut properties =
            api::receive_direct_methods::Request::default().to_publish_properties();
        properties.correlation_data = Some(correlation.clone());
        let request = Packet::Publish(Publish::new(
            topic,
            QoS::AtMostOnce,
            call.payload,
            Some(properties),
        ));
        // A request larger than the device takes cannot reach it: the
        // caller hears so now (Target Unavailable) rather than at its
        // timeout.
        if !out.limit().fits(&request) {
            tracing::info!(
                device = %self.accepted.device.as_str(),
                method = %call.name,
                size = crate::mqtt::packet_size::size(&request),
                max = ?out.limit().max(),
                "method request larger than the device's Maximum Packet Size; not sent"
            );
            let _ = call.reply.send(Err(MethodError::Unreachable(call.name)));
            return;
        }
        self.calls.insert(correlation, call.reply);
        out.send(request);
    }

    /// The device's answer to a direct method call (a PUBLISH on the
    /// responses topic). An answer the spec does not allow (a property it
    /// does not name and that is not an `@` application property, a
    /// `response-code` that is not one) ends the call as Target Failed and
    /// the connection with DISCONNECT Bad Request, as the overview has it
    /// for a bad QoS 0 message.
    pub(super) fn on_method_response(&mut self, publish: &Publish) -> Option<End> {
        let Some(properties) = publish.properties.as_ref() else {
            return Some(End::hub(outcome::disconnect_status(
                api::Status::BadRequest,
                "`Correlation Data` property is missing",
            )));
        };
        let Some(correlation) = properties.correlation_data.clone() else {
            return Some(End::hub(outcome::disconnect_status(
                api::Status::BadRequest,
                "`Correlation Data` property is missing",
            )));
        };
        if correlation.len() > usize::from(limits::CORRELATION_DATA_MAX_BYTES) {
            return Some(End::hub(outcome::disconnect_status(
                api::Status::BadRequest,
                &format!(
                    "`Correlation Data` has {} bytes; at most {} are allowed",
                    correlation.len(),
                    limits::CORRELATION_DATA_MAX_BYTES
                ),
            )));
        }
        // An answer to no call (or to one that timed out) is dropped.
        let reply = self.calls.remove(&correlation)?;
        let result = match api::receive_direct_methods::outcome(
            &iothub_client::wire::Properties::from(properties),
        ) {
            Ok(iothub_client::operation::Outcome::Success(response)) => Ok(MethodResponse {
                response_code: response.response_code,
                payload: publish.payload.clone(),
            }),
            Ok(iothub_client::operation::Outcome::Alternative { status, .. }) => Err(
                MethodError::Unreachable(format!("the device answered {status}")),
            ),
            Err(e) => {
                let why = e.to_string();
                let _ = reply.send(Err(MethodError::Failed(why.clone())));
                return Some(End::hub(outcome::disconnect_status(
                    api::Status::BadRequest,
                    &format!("the method response is not valid: {why}"),
                )));
            }
        };
        let _ = reply.send(result);
        None
    }

    pub(super) fn subscribed(&self, target: Target) -> bool {
        self.subscriptions
            .delivery_qos(target, iothub_mqtt::packet::QoS::AtMostOnce)
            .is_some()
    }
}

/// The notification of a desired state change.
pub(super) fn desired_publish(update: crate::hub::twin::DesiredUpdate) -> Packet {
    let message = api::receive_twin_desired_state_changes::Message {
        version: update.version,
        other_properties: Vec::new(),
    };
    let payload = serde_json::to_vec(&update.patch).unwrap_or_default();
    let properties: PublishProperties = message.to_publish_properties();
    Packet::Publish(Publish::new(
        api::receive_twin_desired_state_changes::TOPIC,
        QoS::AtMostOnce,
        payload,
        Some(properties),
    ))
}
