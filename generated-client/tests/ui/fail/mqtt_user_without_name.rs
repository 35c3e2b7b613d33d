use iothub_client::MqttProperties;

#[derive(MqttProperties)]
struct Message {
    #[mqtt(user)]
    sequence_no: u64,
}

fn main() {}
