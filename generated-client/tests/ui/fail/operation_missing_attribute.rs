use iothub_client::{MqttProperties, Operation};

#[derive(MqttProperties)]
struct Request {}

#[derive(Operation)]
/// No descriptor attribute.
struct GetTwin;

fn main() {}
