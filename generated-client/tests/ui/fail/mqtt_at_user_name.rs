use iothub_client::MqttProperties;

#[derive(MqttProperties)]
struct Message {
    #[mqtt(user = "@colour")]
    colour: Option<String>,
}

fn main() {}
