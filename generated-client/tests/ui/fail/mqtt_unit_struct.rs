use iothub_client::MqttProperties;

#[derive(MqttProperties)]
struct Message;

fn main() {}
