use iothub_client::MqttProperties;

#[derive(MqttProperties)]
#[mqtt(check = Message::check)]
struct Message {
    #[mqtt(user = "version")]
    version: u64,
}

fn main() {}
