use iothub_client::MqttProperties;

#[derive(MqttProperties)]
struct Message(#[mqtt(user = "a")] String, u32);

fn main() {}
