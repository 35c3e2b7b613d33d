use iothub_client::MqttProperties;

#[derive(MqttProperties)]
struct Message {
    #[mqtt(other)]
    other: Vec<String>,
}

fn main() {}
