use iothub_client::{MqttProperties, Operation};

#[derive(MqttProperties)]
struct Request {}

// Without a prefix every segment is still checked, the first one too.
#[derive(Operation)]
#[operation(
    name = "get",
    topic = "{device}x/twin",
    interaction = request_response,
    direction = c2s,
    qos = 0,
    first = Request,
)]
struct Get;

fn main() {}
