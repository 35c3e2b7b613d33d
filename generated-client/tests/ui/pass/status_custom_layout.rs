// `StatusCode` with an enum-level layout that departs from the overview's
// (kind in the top two bits, retryable in the lowest), next to one with the
// default layout; both used as a user property value.

use iothub_client::status::{StatusCode, StatusKind, StatusLayout};
use iothub_client::wire::{MqttProperties, WireValue};
use iothub_client::{Error, MqttProperties, StatusCode};

#[derive(Debug, Clone, Copy, PartialEq, Eq, StatusCode)]
#[status(kind_mask = 0xC000, success = 0x0000, client_error = 0x4000)]
#[status(server_error = 0x8000, retryable = 0x0001)]
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

/// The overview's layout: kind mask 0x0300, retryable 0x0400.
#[derive(Debug, Clone, Copy, PartialEq, Eq, StatusCode)]
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
    assert_eq!(
        Outcome::LAYOUT,
        StatusLayout {
            kind_mask: 0xC000,
            success: 0x0000,
            client_error: 0x4000,
            server_error: 0x8000,
            retryable_bit: 0x0001,
            // First-byte bits that are neither kind nor retryable.
            reserved_mask: 0x3F00,
        }
    );
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
            (0x0000, 0, "OK", StatusKind::Success, false, true),
            (0x4002, 131, "Invalid", StatusKind::ClientError, false, true),
            (0x8001, 137, "Busy", StatusKind::ServerError, true, true),
            (0x8000, 131, "Broken", StatusKind::ServerError, false, true),
            (0xC000, 128, "Odd", StatusKind::Unknown, false, true),
        ]
    );
    for status in all {
        assert_eq!(Outcome::from_code(status.code()), status);
        assert_eq!(status.to_string(), status.name());
        assert_eq!(status.to_text().parse::<Outcome>(), Ok(status));
    }
    assert_eq!(Outcome::Busy.to_text(), "8001");
    assert_eq!(Outcome::Invalid.to_wire(), "4002");
    assert_eq!(Outcome::from_wire("c000"), Some(Outcome::Odd));
    assert_eq!(<Outcome as WireValue>::TYPE_NAME, "status");

    // Codes the enum does not list.
    let other = Outcome::from_code(0x4011);
    assert_eq!(other, Outcome::Other(0x4011));
    assert!(!other.is_known());
    assert_eq!(other.name(), "Unknown");
    assert_eq!(other.to_string(), "unknown status 4011");
    assert_eq!(other.kind(), StatusKind::ClientError);
    assert!(other.retryable());
    assert_eq!(other.reason_code(), 131);
    assert_eq!(Outcome::from_code(0x0010).reason_code(), 0);
    assert_eq!("C0CD".parse::<Outcome>(), Ok(Outcome::Other(0xC0CD)));
    // 0xABCD sets bits this layout reserves (0x3F00).
    for bad in ["800", "80001", "x800", "+800", "", "ABCD"] {
        assert_eq!(
            bad.parse::<Outcome>(),
            Err(Error::InvalidStatus {
                text: bad.to_owned()
            })
        );
    }

    // The default layout.
    assert_eq!(Plain::LAYOUT.kind_mask, 0x0300);
    assert_eq!(Plain::LAYOUT.retryable_bit, 0x0400);
    assert_eq!(Plain::BadRequest.kind(), StatusKind::ClientError);
    assert!(!Plain::BadRequest.retryable());
    assert_eq!(Plain::Throttled.kind(), StatusKind::ClientError);
    assert!(Plain::Throttled.retryable());
    assert_eq!(Plain::Timeout.kind(), StatusKind::ServerError);
    assert_eq!(Plain::from_code(0x0001).kind(), StatusKind::Success);
    assert_eq!(Plain::from_code(0x0300).kind(), StatusKind::Unknown);
    assert_eq!("0501".parse::<Plain>(), Ok(Plain::Throttled));

    // As user property values.
    let reply = Reply {
        status: Outcome::Busy,
        previous: Some(Plain::Unknown(0x0777)),
    };
    let properties = reply.to_properties();
    assert_eq!(properties.user("status"), Some("8001"));
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
