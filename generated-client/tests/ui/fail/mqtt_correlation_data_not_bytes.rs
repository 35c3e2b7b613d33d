use iothub_client::MqttProperties;

#[derive(MqttProperties)]
struct Message {
    #[mqtt(correlation_data)]
    correlation: Vec<u8>,
}

fn main() {}
