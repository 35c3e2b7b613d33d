use iothub_client::{MqttProperties, Operation};

#[derive(MqttProperties)]
struct Request {}

#[derive(Operation)]
#[operation(
    name = "get-twin",
    topic = "$iothub/twin/get",
    interaction = message_ack,
    direction = c2s,
    qos = 0,
    first = Request,
)]
struct GetTwin;

fn main() {}
