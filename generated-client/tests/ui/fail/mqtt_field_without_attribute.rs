use iothub_client::MqttProperties;

#[derive(MqttProperties)]
struct Message {
    #[mqtt(user = "sequence-no")]
    pub sequence_no: u64,
    /// Documented, but not mapped.
    pub delivery_count: u32,
}

fn main() {}
