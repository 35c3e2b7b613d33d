use iothub_client::wire::ApplicationProperties;
use iothub_client::MqttProperties;

#[derive(MqttProperties)]
struct Message {
    #[mqtt(application)]
    application: ApplicationProperties,
    #[mqtt(application)]
    more: ApplicationProperties,
}

fn main() {}
