// `StatusCode` with a layout that departs from the overview's (kind in the
// top two bits, retryable in the lowest, six hex digits), next to one with
// the spec's layout; both used as a user property value.

use iothub_client::status::{StatusCode, StatusKind, StatusLayout, StatusProblem};
use iothub_client::wire::{MqttProperties, WireValue};
use iothub_client::{Error, MqttProperties, StatusCode};

const CUSTOM: StatusLayout = StatusLayout {
    digits: 6,
    kind_mask: 0xC000,
    success: 0x0000,
    client_error: 0x4000,
    server_error: 0x8000,
    retryable_bit: 0x0001,
    reserved_mask: 0x3F00,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, StatusCode)]
#[status(layout = CUSTOM)]
enum Outcome {
    /// The unknown variant may come first and have any name.
    #[status(unknown)]
    Other(u16),
    /// Codes may use bits the default layout reserves.
    #[status(code = 0x0000, reason = 0, name = "OK")]
    Ok,
    #[status(code = 0x4002, reason = 131, name = "Invalid")]
    Invalid,
    #[status(code = 0x8001, reason = 137, name = "Busy")]
    Busy,
    #[status(code = 0x8000)]
    #[status(reason = 131, name = "Broken")]
    Broken,
    #[status(code = 0xC000, reason = 128, name = "Odd")]
    Odd,
}

/// The spec's layout, as generated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, StatusCode)]
#[status(layout = iothub_client::api::STATUS_LAYOUT)]
enum Plain {
    #[status(code = 0x0100, reason = 131, name = "Bad Request")]
    BadRequest,
    #[status(code = 0x0501, reason = 151, name = "Throttled")]
    Throttled,
    #[status(code = 0x0602, reason = 131, name = "Timeout")]
    Timeout,
    #[status(unknown)]
    Unknown(u16),
}

#[derive(Debug, Clone, PartialEq, MqttProperties)]
struct Reply {
    #[mqtt(user = "status")]
    status: Outcome,
    #[mqtt(user = "previous")]
    previous: Option<Plain>,
}

fn main() {
    assert_eq!(Outcome::LAYOUT, CUSTOM);
    let all = [
        Outcome::Ok,
        Outcome::Invalid,
        Outcome::Busy,
        Outcome::Broken,
        Outcome::Odd,
    ];
    let table: Vec<_> = all
        .iter()
        .map(|s| {
            (
                s.code(),
                s.reason_code(),
                s.name(),
                s.kind(),
                s.retryable(),
                s.is_known(),
            )
        })
        .collect();
    assert_eq!(
        table,
        [
            (0x0000, 0, "OK", Some(StatusKind::Success), false, true),
            (0x4002, 131, "Invalid", Some(StatusKind::ClientError), false, true),
            (0x8001, 137, "Busy", Some(StatusKind::ServerError), true, true),
            (0x8000, 131, "Broken", Some(StatusKind::ServerError), false, true),
            (0xC000, 128, "Odd", None, false, true),
        ]
    );
    for status in all {
        assert_eq!(Outcome::from_code(status.code()), status);
        assert_eq!(status.to_string(), status.name());
        assert_eq!(status.to_text().parse::<Outcome>(), Ok(status));
    }
    assert_eq!(Outcome::Busy.to_text(), "008001");
    assert_eq!(Outcome::Invalid.to_wire(), "004002");
    assert_eq!(Outcome::from_wire("00c000"), Some(Outcome::Odd));
    assert_eq!(<Outcome as WireValue>::TYPE_NAME, "status");

    // Codes the enum does not list.
    let other = Outcome::from_code(0x4011);
    assert_eq!(other, Outcome::Other(0x4011));
    assert!(!other.is_known());
    assert_eq!(other.name(), "Unknown");
    assert_eq!(other.to_string(), "unknown status 004011");
    assert_eq!(other.kind(), Some(StatusKind::ClientError));
    assert!(other.retryable());
    assert_eq!(other.reason_code(), 131);
    assert_eq!(Outcome::from_code(0x0010).reason_code(), 0);
    assert_eq!("00C0CD".parse::<Outcome>(), Ok(Outcome::Other(0xC0CD)));
    for bad in ["8001", "0080001", "x08001", "+08001", ""] {
        assert_eq!(
            bad.parse::<Outcome>(),
            Err(Error::InvalidStatus {
                text: bad.to_owned(),
                problem: StatusProblem::NotHex,
            })
        );
    }
    // 0xABCD sets bits this layout reserves (0x3F00): a problem of its own.
    assert_eq!(
        "00ABCD".parse::<Outcome>(),
        Err(Error::InvalidStatus {
            text: "00ABCD".to_owned(),
            problem: StatusProblem::Reserved(0x2B00),
        })
    );

    // The spec's layout.
    assert_eq!(Plain::LAYOUT.kind_mask, 0x0300);
    assert_eq!(Plain::LAYOUT.retryable_bit, 0x0400);
    assert_eq!(Plain::BadRequest.kind(), Some(StatusKind::ClientError));
    assert!(!Plain::BadRequest.retryable());
    assert_eq!(Plain::Throttled.kind(), Some(StatusKind::ClientError));
    assert!(Plain::Throttled.retryable());
    assert_eq!(Plain::Timeout.kind(), Some(StatusKind::ServerError));
    assert_eq!(Plain::from_code(0x0001).kind(), Some(StatusKind::Success));
    assert_eq!(Plain::from_code(0x0300).kind(), None);
    assert_eq!("0501".parse::<Plain>(), Ok(Plain::Throttled));

    // As user property values.
    let reply = Reply {
        status: Outcome::Busy,
        previous: Some(Plain::Unknown(0x0777)),
    };
    let properties = reply.to_properties();
    assert_eq!(properties.user("status"), Some("008001"));
    assert_eq!(properties.user("previous"), Some("0777"));
    assert_eq!(Reply::from_properties(&properties), Ok(reply));
    assert_eq!(Reply::PROPERTIES[0].type_name, "status");
    let mut bad = Reply {
        status: Outcome::Ok,
        previous: None,
    }
    .to_properties();
    bad.user[0].1 = "OK".to_owned();
    assert_eq!(
        Reply::from_properties(&bad),
        Err(Error::InvalidProperty {
            name: "status",
            value: "OK".to_owned(),
            expected: "status",
        })
    );
}
