use iothub_client::MqttProperties;

#[derive(MqttProperties)]
struct Message {
    #[mqtt(content_type)]
    content_type: Option<u32>,
}

fn main() {}
