use iothub_client::MqttProperties;

#[derive(MqttProperties)]
struct Message {
    #[mqtt(user = "content-type")]
    #[mqtt(content_type)]
    content_type: String,
}

fn main() {}
