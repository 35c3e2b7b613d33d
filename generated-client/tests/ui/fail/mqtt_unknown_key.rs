use iothub_client::MqttProperties;

#[derive(MqttProperties)]
struct Message {
    #[mqtt(user = "sequence-no")]
    sequence_no: u64,
    #[mqtt(payload)]
    body: String,
}

fn main() {}
