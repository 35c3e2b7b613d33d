use iothub_client::{MqttProperties, Operation};

#[derive(MqttProperties)]
struct Message {}

#[derive(Operation)]
#[operation(
    name = "send-telemetry",
    topic = "$iothub/telemetry",
    interaction = message_ack,
    direction = c2s,
    qos = 1,
    max_qos = 3,
    first = Message,
)]
struct SendTelemetry;

fn main() {}
