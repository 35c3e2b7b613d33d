use iothub_client::MqttProperties;

#[derive(MqttProperties)]
struct Message {
    #[mqtt(user = "message-id")]
    message_id: String,
    #[mqtt(user = "user-id")]
    user_id: Option<String>,
    #[mqtt(user = "message-id")]
    also_message_id: Option<String>,
}

fn main() {}
