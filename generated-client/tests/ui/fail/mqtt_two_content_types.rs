use iothub_client::MqttProperties;

#[derive(MqttProperties)]
struct Message {
    #[mqtt(content_type)]
    content_type: Option<String>,
    #[mqtt(content_type)]
    mime_type: Option<String>,
}

fn main() {}
