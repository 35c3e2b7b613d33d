use iothub_client::{MqttProperties, Operation};

#[derive(MqttProperties)]
struct Message {}

// The generator passes the spec's CONNACK Maximum QoS.
#[derive(Operation)]
#[operation(
    name = "send-telemetry",
    topic = "$iothub/telemetry",
    interaction = message_ack,
    direction = c2s,
    qos = 2,
    max_qos = 1,
    first = Message,
)]
struct SendTelemetry;

fn main() {}
