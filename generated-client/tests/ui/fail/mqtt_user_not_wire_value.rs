use iothub_client::MqttProperties;

#[derive(MqttProperties)]
struct Message {
    #[mqtt(user = "temperature")]
    temperature: f64,
}

fn main() {}
