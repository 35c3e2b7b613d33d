use iothub_client::bytes::Bytes;
use iothub_client::MqttProperties;

#[derive(MqttProperties)]
struct Message {
    #[mqtt(correlation_data)]
    correlation: Bytes,
    #[mqtt(correlation_data)]
    request_id: Option<Bytes>,
}

fn main() {}
