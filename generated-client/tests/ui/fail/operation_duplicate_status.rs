use iothub_client::{MqttProperties, Operation};

#[derive(MqttProperties)]
struct Request {}

#[derive(Operation)]
#[operation(
    name = "get-twin",
    topic = "$iothub/methods/{name}",
    interaction = request_response,
    direction = c2s,
    qos = 0,
    first = Request,
    statuses = [0x0100, 0x0101, 0x0100],
)]
struct GetTwin;

fn main() {}
