//! The SUBSCRIBE decision for each filter, against the overview's topics
//! written out here (the ground truth), not the generated constants.

use iothub_client::api::limits;
use iothub_emulator::mqtt::subscribe::decide;
use iothub_mqtt::packet::QoS;
use iothub_mqtt::ReasonCode;

#[test]
fn the_overviews_rules() {
    let none: &[String] = &[];
    let ok = |f: &str| decide(f, QoS::AtLeastOnce, none);
    assert_eq!(
        ok("$iothub/commands"),
        ReasonCode::granted(QoS::AtLeastOnce)
    );
    assert_eq!(
        ok("$iothub/methods/+"),
        ReasonCode::granted(QoS::AtLeastOnce)
    );
    assert_eq!(
        ok("$iothub/methods/reboot"),
        ReasonCode::granted(QoS::AtLeastOnce)
    );
    assert_eq!(
        decide("$iothub/twin/patch/desired", QoS::AtMostOnce, none),
        ReasonCode::granted(QoS::AtMostOnce)
    );
    for wildcard in [
        "$iothub/#",
        "$iothub/+",
        "$iothub/twin/+",
        "$iothub/methods/#",
    ] {
        assert_eq!(
            ok(wildcard),
            ReasonCode::WildcardSubscriptionsNotSupported,
            "{wildcard}"
        );
    }
    for unknown in [
        "$iothub/twin/gett",
        "$iothub/telemetry/",
        "$iothub/methods",
        "devices/x",
    ] {
        assert_eq!(ok(unknown), ReasonCode::TopicFilterInvalid, "{unknown}");
    }
    // MQTT 5 §4.8.2: the hub has no shared subscriptions.
    assert_eq!(
        ok("$share/group/$iothub/commands"),
        ReasonCode::SharedSubscriptionsNotSupported
    );
    let full: Vec<String> = (0..limits::MAX_SUBSCRIPTIONS)
        .map(|i| format!("$iothub/methods/m{i}"))
        .collect();
    assert_eq!(
        decide("$iothub/commands", QoS::AtLeastOnce, &full),
        ReasonCode::QuotaExceeded
    );
    // Subscribing again to a filter one has is no new subscription.
    assert_eq!(
        decide("$iothub/methods/m0", QoS::AtLeastOnce, &full),
        ReasonCode::granted(QoS::AtLeastOnce)
    );
}
