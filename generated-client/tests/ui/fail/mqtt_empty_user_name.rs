use iothub_client::MqttProperties;

#[derive(MqttProperties)]
struct Message {
    #[mqtt(user = "")]
    id: String,
}

fn main() {}
