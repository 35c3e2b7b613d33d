//! CONNACK properties with nothing set: rumqttc has no constructor for
//! them, and the emulator (which sends CONNACKs) and scripted hubs in tests
//! fill in only the fields they mean.

use rumqttc::v5::mqttbytes::v5::ConnAckProperties;

/// CONNACK properties with every field absent.
pub fn empty_properties() -> ConnAckProperties {
    ConnAckProperties {
        session_expiry_interval: None,
        receive_max: None,
        max_qos: None,
        retain_available: None,
        max_packet_size: None,
        assigned_client_identifier: None,
        topic_alias_max: None,
        reason_string: None,
        user_properties: Vec::new(),
        wildcard_subscription_available: None,
        subscription_identifiers_available: None,
        shared_subscription_available: None,
        server_keep_alive: None,
        response_information: None,
        server_reference: None,
        authentication_method: None,
        authentication_data: None,
    }
}
