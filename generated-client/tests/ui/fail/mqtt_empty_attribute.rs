use iothub_client::MqttProperties;

#[derive(MqttProperties)]
struct Message {
    #[mqtt()]
    pub sequence_no: u64,
}

fn main() {}
