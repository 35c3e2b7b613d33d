use iothub_client::MqttProperties;

#[derive(MqttProperties)]
struct Message {
    #[mqtt]
    sequence_no: u64,
}

fn main() {}
