// `Operation` descriptors for each interaction type and direction, with and
// without `success` / `alternative`, and a topic with a `{param}`.

use std::any::TypeId;

use iothub_client::operation::{Direction, Interaction, NoMessage, Operation};
use iothub_client::{MqttProperties, Operation, StatusCode};

#[derive(Debug, Default, MqttProperties)]
struct Request {}

#[derive(Debug, MqttProperties)]
struct Response {
    #[mqtt(user = "response-code")]
    response_code: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, StatusCode)]
#[status(layout = iothub_client::api::STATUS_LAYOUT)]
enum Failure {
    #[status(code = 0x0100, reason = 131, name = "Bad Request")]
    BadRequest,
    #[status(code = 0x06A0, reason = 131, name = "Unavailable")]
    Unavailable,
    #[status(unknown)]
    Unknown(u16),
}

/// Request–response, server to client, a path parameter.
#[derive(Debug, Clone, Copy, Operation)]
#[operation(
    name = "receive-direct-methods",
    topic = "$iothub/methods/{name}",
    interaction = request_response,
    direction = s2c,
    qos = 0,
    first = Request,
    success = Response,
    alternative = Failure,
    statuses = [0x0100, 0x06A0],
)]
struct ReceiveDirectMethods;

/// Request–response with two path parameters (keys in any order).
#[derive(Operation)]
#[operation(statuses = [], qos = 0, direction = c2s, interaction = request_response)]
#[operation(first = Request, topic = "$iothub/{module}/twin/{section}/get", name = "get")]
struct GetSection;

/// Message–acknowledgement, client to server, no path parameter.
#[derive(Operation)]
#[operation(
    name = "send-telemetry",
    topic = "$iothub/telemetry",
    prefix = "$iothub/",
    max_qos = 1,
    interaction = message_ack,
    direction = c2s,
    qos = 1,
    first = Request,
    alternative = Failure,
    statuses = [0x0100],
)]
struct SendTelemetry;

/// Message at QoS 0 and at QoS 1, server to client; no `statuses`.
#[derive(Operation)]
#[operation(
    name = "desired",
    topic = "$iothub/twin/patch/desired",
    interaction = message,
    direction = s2c,
    qos = 0,
    first = Response
)]
struct Desired;

#[derive(Operation)]
#[operation(
    name = "desired-at-least-once",
    topic = "$iothub/twin/patch/desired",
    interaction = message,
    direction = s2c,
    qos = 1,
    first = Response
)]
struct DesiredAtLeastOnce;

fn same<A: 'static, B: 'static>() -> bool {
    TypeId::of::<A>() == TypeId::of::<B>()
}

fn main() {
    type M = ReceiveDirectMethods;
    assert_eq!(M::NAME, "receive-direct-methods");
    assert_eq!(M::TOPIC, "$iothub/methods/{name}");
    assert_eq!(M::TOPIC_FILTER, "$iothub/methods/+");
    assert_eq!(M::INTERACTION, Interaction::RequestResponse);
    assert_eq!(M::DIRECTION, Direction::ServerToClient);
    assert_eq!(M::QOS, 0);
    assert_eq!(M::STATUSES, &[0x0100, 0x06A0]);
    assert!(same::<<M as Operation>::First, Request>());
    assert!(same::<<M as Operation>::Success, Response>());
    assert!(same::<<M as Operation>::Alternative, Failure>());

    assert_eq!(GetSection::NAME, "get");
    assert_eq!(GetSection::TOPIC, "$iothub/{module}/twin/{section}/get");
    assert_eq!(GetSection::TOPIC_FILTER, "$iothub/+/twin/+/get");
    assert_eq!(GetSection::DIRECTION, Direction::ClientToServer);
    assert!(GetSection::STATUSES.is_empty());
    assert!(same::<<GetSection as Operation>::Success, NoMessage>());
    assert!(same::<<GetSection as Operation>::Alternative, NoMessage>());

    type T = SendTelemetry;
    assert_eq!(T::TOPIC, "$iothub/telemetry");
    assert_eq!(T::TOPIC_FILTER, T::TOPIC);
    assert_eq!(T::INTERACTION, Interaction::MessageAck);
    assert_eq!(T::DIRECTION, Direction::ClientToServer);
    assert_eq!(T::QOS, 1);
    assert_eq!(T::STATUSES, &[0x0100]);
    assert!(same::<<T as Operation>::First, Request>());
    assert!(same::<<T as Operation>::Success, NoMessage>());
    assert!(same::<<T as Operation>::Alternative, Failure>());

    assert_eq!(Desired::INTERACTION, Interaction::Message);
    assert_eq!(Desired::DIRECTION, Direction::ServerToClient);
    assert_eq!(Desired::QOS, 0);
    assert_eq!(Desired::TOPIC_FILTER, "$iothub/twin/patch/desired");
    assert!(Desired::STATUSES.is_empty());
    assert!(same::<<Desired as Operation>::First, Response>());
    assert!(same::<<Desired as Operation>::Success, NoMessage>());
    assert!(same::<<Desired as Operation>::Alternative, NoMessage>());
    assert_eq!(DesiredAtLeastOnce::INTERACTION, Interaction::Message);
    assert_eq!(DesiredAtLeastOnce::QOS, 1);

    // A descriptor is usable generically.
    fn describe<O: Operation>() -> String {
        format!(
            "{} {} {:?} {:?} qos{}",
            O::NAME,
            O::TOPIC,
            O::INTERACTION,
            O::DIRECTION,
            O::QOS
        )
    }
    assert_eq!(
        describe::<SendTelemetry>(),
        "send-telemetry $iothub/telemetry MessageAck ClientToServer qos1"
    );
}
