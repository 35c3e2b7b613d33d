// Every field kind of `MqttProperties`: required and optional user properties
// of each wire type, Content Type, Correlation Data, application properties
// and the other (undefined) properties a tolerant message keeps; a validate
// hook; encode → decode round-trips.

use iothub_client::bytes::Bytes;
use iothub_client::wire::{
    ApplicationProperties, MqttProperties, Properties, PropertyInfo, PropertyKind, Timestamp,
};
use iothub_client::{Error, MqttProperties};

#[derive(Debug, Clone, PartialEq, MqttProperties)]
struct Everything {
    #[mqtt(user = "text")]
    text: String,
    #[mqtt(user = "count")]
    count: u32,
    #[mqtt(user = "sequence-no")]
    sequence_no: u64,
    #[mqtt(user = "offset")]
    offset: i32,
    #[mqtt(user = "enqueued-time")]
    enqueued_time: Timestamp,
    #[mqtt(user = "maybe-text")]
    maybe_text: Option<String>,
    #[mqtt(user = "maybe-count")]
    maybe_count: Option<u32>,
    #[mqtt(user = "maybe-sequence-no")]
    maybe_sequence_no: Option<u64>,
    #[mqtt(user = "maybe-offset")]
    maybe_offset: Option<i32>,
    #[mqtt(user = "maybe-time")]
    maybe_time: Option<Timestamp>,
    #[mqtt(content_type)]
    content_type: Option<String>,
    #[mqtt(correlation_data)]
    correlation: Option<Bytes>,
    #[mqtt(application)]
    application: ApplicationProperties,
}

/// Required first-class properties, written with full paths.
#[derive(Debug, Clone, PartialEq, MqttProperties)]
struct Required {
    #[mqtt(content_type)]
    content_type: ::std::string::String,
    #[mqtt(correlation_data)]
    correlation: ::iothub_client::bytes::Bytes,
    #[mqtt(user = "id")]
    id: ::core::option::Option<::std::string::String>,
}

/// No fields at all.
#[derive(Debug, Clone, PartialEq, Default, MqttProperties)]
struct Empty {}

/// A tolerant message: what it does not define is kept, in order; and a
/// check after reading.
#[derive(Debug, Clone, PartialEq, MqttProperties)]
#[mqtt(validate = Tolerant::check)]
struct Tolerant {
    #[mqtt(user = "version")]
    version: u64,
    #[mqtt(other)]
    other: Vec<(String, String)>,
}

impl Tolerant {
    fn check(&self) -> Result<(), Error> {
        match self.version {
            0 => Err(Error::MissingProperty { name: "version" }),
            _ => Ok(()),
        }
    }
}

fn full() -> Everything {
    let mut application = ApplicationProperties::new();
    application.insert("colour", "blue").insert("size", "XL");
    Everything {
        text: "hello, world".to_owned(),
        count: u32::MAX,
        sequence_no: 1_600_987_195_320,
        offset: i32::MIN,
        enqueued_time: Timestamp(1_600_987_195_320),
        maybe_text: Some(String::new()),
        maybe_count: Some(0),
        maybe_sequence_no: Some(u64::MAX),
        maybe_offset: Some(-1),
        maybe_time: Some(Timestamp(0)),
        content_type: Some("application/json".to_owned()),
        correlation: Some(Bytes::from_static(&[0, 1, 2, 0xFF])),
        application,
    }
}

fn user<'a>(properties: &'a Properties, name: &str) -> Option<&'a str> {
    properties.user(name)
}

fn main() {
    // Everything present.
    let message = full();
    let properties = message.to_properties();
    assert_eq!(user(&properties, "text"), Some("hello, world"));
    assert_eq!(user(&properties, "count"), Some("4294967295"));
    assert_eq!(user(&properties, "sequence-no"), Some("1600987195320"));
    assert_eq!(user(&properties, "offset"), Some("-2147483648"));
    assert_eq!(user(&properties, "enqueued-time"), Some("1600987195320"));
    assert_eq!(user(&properties, "maybe-text"), Some(""));
    assert_eq!(user(&properties, "maybe-count"), Some("0"));
    assert_eq!(
        user(&properties, "maybe-sequence-no"),
        Some("18446744073709551615")
    );
    assert_eq!(user(&properties, "maybe-offset"), Some("-1"));
    assert_eq!(user(&properties, "maybe-time"), Some("0"));
    assert_eq!(user(&properties, "@colour"), Some("blue"));
    assert_eq!(user(&properties, "@size"), Some("XL"));
    assert_eq!(properties.content_type.as_deref(), Some("application/json"));
    assert_eq!(
        properties.correlation_data.as_deref(),
        Some(&[0u8, 1, 2, 0xFF][..])
    );
    assert_eq!(properties.user.len(), 12);
    assert_eq!(
        Everything::from_properties(&properties),
        Ok(message.clone())
    );

    // Through a PUBLISH's properties too.
    let publish = message.to_publish_properties();
    assert_eq!(
        Everything::from_publish_properties(Some(&publish)),
        Ok(message.clone())
    );

    // Optional ones absent: nothing written for them, `None` read back.
    let sparse = Everything {
        maybe_text: None,
        maybe_count: None,
        maybe_sequence_no: None,
        maybe_offset: None,
        maybe_time: None,
        content_type: None,
        correlation: None,
        application: ApplicationProperties::new(),
        ..full()
    };
    let properties = sparse.to_properties();
    assert_eq!(properties.user.len(), 5);
    assert_eq!(properties.content_type, None);
    assert_eq!(properties.correlation_data, None);
    assert_eq!(Everything::from_properties(&properties), Ok(sparse.clone()));

    // Decoding errors.
    let mut missing = sparse.to_properties();
    missing.user.retain(|(n, _)| n != "count");
    assert_eq!(
        Everything::from_properties(&missing),
        Err(Error::MissingProperty { name: "count" })
    );
    let mut invalid = sparse.to_properties();
    invalid
        .user
        .push(("maybe-offset".to_owned(), "+1".to_owned()));
    assert_eq!(
        Everything::from_properties(&invalid),
        Err(Error::InvalidProperty {
            name: "maybe-offset",
            value: "+1".to_owned(),
            expected: "i32",
        })
    );
    let mut repeated = sparse.to_properties();
    repeated.user.push(("text".to_owned(), "again".to_owned()));
    assert_eq!(
        Everything::from_properties(&repeated),
        Err(Error::DuplicateProperty { name: "text" })
    );
    let mut unknown = sparse.to_properties();
    unknown.user.push(("surprise".to_owned(), "1".to_owned()));
    assert_eq!(
        Everything::from_properties(&unknown),
        Err(Error::UnknownProperty {
            name: "surprise".to_owned()
        })
    );

    // What the message states about itself.
    assert_eq!(
        Everything::USER_PROPERTIES,
        &[
            "text",
            "count",
            "sequence-no",
            "offset",
            "enqueued-time",
            "maybe-text",
            "maybe-count",
            "maybe-sequence-no",
            "maybe-offset",
            "maybe-time",
        ]
    );
    assert!(Everything::APPLICATION_PROPERTIES);
    let types: Vec<_> = Everything::PROPERTIES
        .iter()
        .map(|p| (p.name, p.type_name, p.required))
        .collect();
    assert_eq!(
        types,
        [
            ("text", "string", true),
            ("count", "u32", true),
            ("sequence-no", "u64", true),
            ("offset", "i32", true),
            ("enqueued-time", "time", true),
            ("maybe-text", "string", false),
            ("maybe-count", "u32", false),
            ("maybe-sequence-no", "u64", false),
            ("maybe-offset", "i32", false),
            ("maybe-time", "time", false),
            ("Content Type", "string", false),
            ("Correlation Data", "bytes", false),
        ]
    );
    assert_eq!(Everything::PROPERTIES[0].kind, PropertyKind::User);
    assert_eq!(Everything::PROPERTIES[10].kind, PropertyKind::ContentType);
    assert_eq!(
        Everything::PROPERTIES[11].kind,
        PropertyKind::CorrelationData
    );

    // Required first-class properties; `@` properties are unknown without an application field.
    let required = Required {
        content_type: "text/plain".to_owned(),
        correlation: Bytes::from_static(b"abc"),
        id: None,
    };
    let properties = required.to_properties();
    assert_eq!(Required::from_properties(&properties), Ok(required));
    assert_eq!(
        Required::from_properties(&Properties::default()),
        Err(Error::MissingProperty {
            name: "Content Type"
        })
    );
    let no_correlation = Properties {
        content_type: Some("text/plain".to_owned()),
        ..Properties::default()
    };
    assert_eq!(
        Required::from_properties(&no_correlation),
        Err(Error::MissingProperty {
            name: "Correlation Data"
        })
    );
    let mut with_application = properties.clone();
    with_application
        .user
        .push(("@colour".to_owned(), "blue".to_owned()));
    assert_eq!(
        Required::from_properties(&with_application),
        Err(Error::UnknownProperty {
            name: "@colour".to_owned()
        })
    );
    assert!(!Required::APPLICATION_PROPERTIES);
    assert_eq!(
        Required::PROPERTIES,
        &[
            PropertyInfo {
                name: "Content Type",
                type_name: "string",
                required: true,
                kind: PropertyKind::ContentType
            },
            PropertyInfo {
                name: "Correlation Data",
                type_name: "bytes",
                required: true,
                kind: PropertyKind::CorrelationData
            },
            PropertyInfo {
                name: "id",
                type_name: "string",
                required: false,
                kind: PropertyKind::User
            },
        ]
    );

    // An empty message: no properties either way.
    assert_eq!(Empty::default().to_properties(), Properties::default());
    assert_eq!(Empty::from_properties(&Properties::default()), Ok(Empty {}));
    assert!(Empty::USER_PROPERTIES.is_empty() && Empty::PROPERTIES.is_empty());

    // A tolerant message keeps what it does not define (`@` ones included,
    // having no application field), and writes it back.
    let wire = Properties {
        user: vec![
            ("added-by-a-newer-hub".to_owned(), "x".to_owned()),
            ("version".to_owned(), "7".to_owned()),
            ("@colour".to_owned(), "blue".to_owned()),
        ],
        ..Properties::default()
    };
    let tolerant = Tolerant::from_properties(&wire).expect("tolerant");
    assert_eq!(tolerant.version, 7);
    assert_eq!(
        tolerant.other,
        [
            ("added-by-a-newer-hub".to_owned(), "x".to_owned()),
            ("@colour".to_owned(), "blue".to_owned()),
        ]
    );
    let written = tolerant.to_properties();
    assert_eq!(written.user.len(), 3);
    assert_eq!(Tolerant::from_properties(&written), Ok(tolerant));
    // Still strict about what it defines, and the hook runs.
    let mut bad = wire.clone();
    bad.user[1].1 = "seven".to_owned();
    assert!(matches!(
        Tolerant::from_properties(&bad),
        Err(Error::InvalidProperty { name: "version", .. })
    ));
    bad.user[1].1 = "0".to_owned();
    assert_eq!(
        Tolerant::from_properties(&bad),
        Err(Error::MissingProperty { name: "version" })
    );
}
