use iothub_client::{MqttProperties, Operation};

#[derive(MqttProperties)]
struct Request {}

#[derive(Operation)]
#[operation(
    name = "get-twin",
    topic = "$iothub/twin/get",
    interaction = message,
    direction = c2s,
    qos = 2,
    first = Request,
)]
struct GetTwin;

fn main() {}
