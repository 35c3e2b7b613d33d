use iothub_client::MqttProperties;

#[derive(MqttProperties)]
enum Message {
    A,
    B,
}

fn main() {}
