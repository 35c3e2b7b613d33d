use std::collections::HashMap;

use iothub_client::MqttProperties;

#[derive(MqttProperties)]
struct Message {
    #[mqtt(application)]
    application: HashMap<String, String>,
}

fn main() {}
