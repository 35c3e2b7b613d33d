use iothub_client::{MqttProperties, Operation};

#[derive(MqttProperties)]
struct Request {}

#[derive(Operation)]
#[operation(
    name = "get-twin",
    topic = "devices/twin/get",
    prefix = "$iothub/",
    interaction = request_response,
    direction = c2s,
    qos = 0,
    first = Request,
)]
struct GetTwin;

fn main() {}
