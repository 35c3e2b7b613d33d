//! Accepting a CONNECT: the overview's connection rules (Authentication
//! Method required, `api-version`, SAS over the string to sign with either
//! device key, expiry), and the CONNACK that says yes or why not. Every
//! API-specific value (property names, limits, statuses, the string to sign)
//! comes from the generated `iothub_client::api`.

use iothub_client::api::connection::{sas, AuthenticationMethod, Connect as ConnectProperties};
use iothub_client::api::{self, limits, Status};
use iothub_client::status::StatusCode;
use iothub_client::wire::{MqttProperties, Properties};
use iothub_mqtt::packet::{ConnAck, ConnAckProperties, Connect};
use iothub_mqtt::ReasonCode;

use crate::access::Permission;
use crate::registry::{DeviceId, DeviceStatus, Registry, Thumbprint};

/// What the server knows when a CONNECT arrives.
#[derive(Debug, Clone)]
pub struct ConnectContext<'a> {
    /// The device identities.
    pub registry: &'a Registry,
    /// The hub's host name, if it accepts only one.
    pub hostname: Option<&'a str>,
    /// The host name the client gave in TLS SNI, if any.
    pub sni: Option<&'a str>,
    /// The SHA-256 thumbprint of the client's TLS certificate, if it gave
    /// one (never over plain TCP).
    pub thumbprint: Option<&'a Thumbprint>,
    /// Now, in milliseconds since the Unix epoch.
    pub now_ms: u64,
}

/// A connection that may go on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    /// The device.
    pub device: DeviceId,
    /// Its credential generation when it connected.
    pub generation: u64,
    /// The keep alive in force, in seconds.
    pub keep_alive: u16,
    /// Whether the client asked for a clean start.
    pub clean_start: bool,
    /// The client's Session Expiry Interval (0 when absent: the session
    /// ends with the connection).
    pub session_expiry: u32,
    /// When the SAS expires (ms since the epoch), if SAS.
    pub expiry_ms: Option<u64>,
    /// Whether the client allows user properties on acknowledgements
    /// (`Request Problem Information`).
    pub problem_information: bool,
    /// The client's Maximum Packet Size.
    pub client_max_packet_size: Option<u32>,
    /// The client's Receive Maximum (QoS 1 PUBLISHes it takes in flight).
    pub client_receive_maximum: Option<u16>,
    /// The CONNECT's user properties, as the API defines them.
    pub properties: ConnectProperties,
    /// The host name that was signed (SAS).
    pub host: Option<String>,
}

/// A CONNECT refused: the CONNACK reason code, the API's status (for the
/// `status` property) and a reason for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// MQTT reason code.
    pub reason_code: ReasonCode,
    /// The API's status, if the refusal is one of its outcomes.
    pub status: Option<Status>,
    /// Why.
    pub reason: String,
}

impl Refusal {
    fn status(status: Status, reason: impl Into<String>) -> Self {
        Self {
            reason_code: status.reason_code().into(),
            status: Some(status),
            reason: reason.into(),
        }
    }

    fn bad_request(reason: impl Into<String>) -> Self {
        Self::status(Status::BadRequest, reason)
    }

    fn not_authorized(reason: impl Into<String>) -> Self {
        Self::status(Status::NotAuthorized, reason)
    }

    /// The CONNACK that says so (with `status` and `reason` when the client
    /// allows user properties on it).
    pub fn connack(&self, problem_information: bool) -> ConnAck {
        let names = api::RESPONSE_PROPERTIES;
        let mut user = Vec::new();
        if problem_information {
            if let Some(status) = self.status {
                user.push((names.status.to_owned(), status.to_text()));
            }
            if let Some(reason) = names.reason {
                user.push((reason.to_owned(), self.reason.clone()));
            }
        }
        ConnAck {
            session_present: false,
            code: self.reason_code,
            properties: (!user.is_empty()).then(|| ConnAckProperties {
                user_properties: user,
                ..ConnAckProperties::default()
            }),
        }
    }
}

/// Whether the client allows user properties on acknowledgements.
pub fn problem_information(connect: &Connect) -> bool {
    connect
        .properties
        .as_ref()
        .and_then(|p| p.request_problem_info)
        != Some(0)
}

/// Decides on `connect`.
pub fn accept(connect: &Connect, ctx: &ConnectContext<'_>) -> Result<Accepted, Refusal> {
    let props = connect.properties.clone().unwrap_or_default();
    // MQTT 5 §3.1.2.11.3 and §3.1.2.11.4: neither may be 0.
    for (name, zero) in [
        ("Receive Maximum", props.receive_maximum == Some(0)),
        ("Maximum Packet Size", props.max_packet_size == Some(0)),
    ] {
        if zero {
            return Err(Refusal {
                reason_code: ReasonCode::ProtocolError,
                status: None,
                reason: format!("`{name}` is 0"),
            });
        }
    }
    let method = props
        .authentication_method
        .as_deref()
        .ok_or_else(|| Refusal::bad_request("`Authentication Method` property is missing"))?;
    let method = AuthenticationMethod::from_name(method).ok_or_else(|| Refusal {
        reason_code: ReasonCode::BadAuthenticationMethod,
        status: None,
        reason: format!("authentication method `{method}` is not one this hub knows"),
    })?;
    let user = Properties {
        user: props.user_properties.clone(),
        ..Properties::default()
    };
    let properties = ConnectProperties::from_properties(&user)
        .map_err(|e| Refusal::bad_request(e.to_string()))?;
    if properties.api_version != api::API_VERSION {
        return Err(Refusal::bad_request(format!(
            "api-version `{}` is not supported; this hub speaks `{}`",
            properties.api_version,
            api::API_VERSION
        )));
    }
    if connect.client_id.is_empty() {
        return Err(Refusal {
            reason_code: ReasonCode::ClientIdentifierNotValid,
            status: None,
            reason: "assigned client identifiers are not supported: give the device id".to_owned(),
        });
    }
    let device = DeviceId::from_client_id(connect.client_id.as_str()).map_err(|e| Refusal {
        reason_code: ReasonCode::ClientIdentifierNotValid,
        status: None,
        reason: e.to_string(),
    })?;
    let registered = ctx
        .registry
        .get(&device)
        .ok_or_else(|| Refusal::not_authorized("authentication failed"))?;
    let (expiry_ms, signed_host) = match method {
        AuthenticationMethod::Sas => {
            let data = props
                .authentication_data
                .as_ref()
                .filter(|_| method.requires_data())
                .ok_or_else(|| {
                    Refusal::bad_request("`Authentication Data` is required with SAS")
                })?;
            let expiry = properties
                .sas_expiry
                .ok_or_else(|| Refusal::bad_request("`sas-expiry` is required with SAS"))?;
            let host = properties.host.as_deref().or(ctx.sni).ok_or_else(|| {
                Refusal::bad_request("`host` is required when TLS SNI names no host")
            })?;
            if ctx.hostname.is_some_and(|name| name != host) {
                return Err(Refusal::not_authorized("authentication failed"));
            }
            if expiry.as_millis() <= ctx.now_ms {
                return Err(Refusal::not_authorized("the SAS has expired"));
            }
            verify_signature(
                ctx,
                &registered,
                host,
                &connect.client_id,
                &properties,
                data,
            )?;
            (Some(expiry.as_millis()), Some(host.to_owned()))
        }
        AuthenticationMethod::X509 => {
            let thumbprint = ctx.thumbprint.ok_or_else(|| {
                Refusal::not_authorized("X509 needs a TLS connection with a client certificate")
            })?;
            // The host, when one is named (property or SNI), is checked as
            // for SAS.
            let host = properties.host.as_deref().or(ctx.sni);
            if let (Some(name), Some(host)) = (ctx.hostname, host) {
                if name != host {
                    return Err(Refusal::not_authorized("authentication failed"));
                }
            }
            if !registered
                .device
                .authentication
                .accepts_thumbprint(thumbprint)
            {
                return Err(Refusal::not_authorized("authentication failed"));
            }
            (None, None)
        }
    };
    // Said only to a caller that proved who it is.
    if registered.device.status == DeviceStatus::Disabled {
        return Err(Refusal::not_authorized("the device is disabled"));
    }
    Ok(Accepted {
        device,
        generation: registered.generation,
        keep_alive: keep_alive(connect.keep_alive),
        clean_start: connect.clean_start,
        session_expiry: props.session_expiry_interval.unwrap_or(0),
        expiry_ms,
        problem_information: problem_information(connect),
        client_max_packet_size: props.max_packet_size,
        client_receive_maximum: props.receive_maximum,
        properties,
        host: signed_host,
    })
}

/// Checks a SAS `signature` of the string to sign of `client_id` at `host`
/// with `properties`: with the keys of the shared access policy they name
/// (it must grant DeviceConnect), else with the device's own keys.
fn verify_signature(
    ctx: &ConnectContext<'_>,
    registered: &crate::registry::Registered,
    host: &str,
    client_id: &str,
    properties: &ConnectProperties,
    signature: &[u8],
) -> Result<(), Refusal> {
    let signed = &sas::string_to_sign(host, client_id, properties);
    let verified = match properties.sas_policy.as_deref() {
        Some(name) => {
            let policies = ctx.registry.policies();
            let policy = policies
                .get(name)
                .filter(|p| p.grants(Permission::DeviceConnect))
                .ok_or_else(|| Refusal::not_authorized("authentication failed"))?;
            crate::sas::verify(&policy.keys(), signed, signature)
        }
        None => {
            let keys = registered.device.authentication.keys().ok_or_else(|| {
                Refusal::not_authorized("the device does not authenticate with SAS")
            })?;
            crate::sas::verify(&keys, signed, signature)
        }
    };
    if verified {
        Ok(())
    } else {
        Err(Refusal::not_authorized("authentication failed"))
    }
}

/// The keep alive in force: the client's, unless it asked for none or more
/// than the hub allows.
pub fn keep_alive(requested: u16) -> u16 {
    if requested == 0 || requested > limits::MAX_KEEP_ALIVE_SECONDS {
        limits::MAX_KEEP_ALIVE_SECONDS
    } else {
        requested
    }
}

/// The CONNACK of an accepted connection: the hub's limits, and the keep
/// alive and session expiry the overview says it adds.
pub fn connack(connect: &Connect, session_present: bool) -> ConnAck {
    let requested_expiry = connect
        .properties
        .as_ref()
        .and_then(|p| p.session_expiry_interval);
    let flag = |b: bool| Some(u8::from(b));
    ConnAck {
        session_present,
        code: ReasonCode::from(0),
        properties: Some(ConnAckProperties {
            session_expiry_interval: requested_expiry
                .filter(|e| *e > 0 && *e < limits::SESSION_EXPIRY_INTERVAL)
                .map(|_| limits::SESSION_EXPIRY_INTERVAL),
            receive_max: Some(limits::RECEIVE_MAXIMUM),
            max_qos: Some(limits::MAXIMUM_QOS),
            retain_available: flag(limits::RETAIN_AVAILABLE),
            max_packet_size: Some(limits::MAXIMUM_PACKET_SIZE),
            topic_alias_max: Some(limits::TOPIC_ALIAS_MAXIMUM),
            wildcard_subscription_available: flag(limits::WILDCARD_SUBSCRIPTION_AVAILABLE),
            subscription_identifiers_available: flag(limits::SUBSCRIPTION_IDENTIFIERS_AVAILABLE),
            shared_subscription_available: flag(limits::SHARED_SUBSCRIPTIONS_AVAILABLE),
            server_keep_alive: (keep_alive(connect.keep_alive) != connect.keep_alive)
                .then_some(limits::MAX_KEEP_ALIVE_SECONDS),
            ..ConnAckProperties::default()
        }),
    }
}

/// Re-authentication (AUTH with the spec's re-authentication reason code):
/// the same method, a fresh signature over the string to sign with the
/// AUTH's own `sas-policy`, `sas-at` and `sas-expiry` (one it omits is
/// signed as empty, as the overview says of optional fields; nothing of
/// the CONNECT's is carried over), against the device's current keys or,
/// for a connection authenticated with a shared access policy, that same
/// policy's (another policy, or none, is refused). Returns the new expiry.
pub fn reauthenticate(
    accepted: &Accepted,
    auth: &super::auth::AuthPacket,
    ctx: &ConnectContext<'_>,
) -> Result<u64, Refusal> {
    if auth.reason_code != sas::REAUTHENTICATION_REASON_CODE {
        return Err(Refusal::not_authorized(
            "AUTH is only for re-authentication",
        ));
    }
    let (Some(host), Some(_)) = (&accepted.host, accepted.expiry_ms) else {
        return Err(Refusal::not_authorized(
            "only a SAS connection re-authenticates",
        ));
    };
    if auth.method.as_deref() != Some(AuthenticationMethod::Sas.name()) {
        return Err(Refusal::not_authorized(
            "re-authentication uses the connection's authentication method",
        ));
    }
    let data = auth
        .data
        .as_ref()
        .ok_or_else(|| Refusal::not_authorized("`Authentication Data` is required"))?;
    // The CONNECT's properties without what a re-authentication signs
    // anew, then the AUTH's.
    let mut kept = accepted.properties.clone();
    kept.sas_policy = None;
    kept.sas_at = None;
    kept.sas_expiry = None;
    let mut user = kept.to_properties().user;
    for (name, value) in &auth.user_properties {
        match user.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = value.clone(),
            None => user.push((name.clone(), value.clone())),
        }
    }
    let properties = ConnectProperties::from_properties(&Properties {
        user,
        ..Properties::default()
    })
    .map_err(|e| Refusal::not_authorized(e.to_string()))?;
    if properties.sas_policy != accepted.properties.sas_policy {
        return Err(Refusal::not_authorized(
            "re-authentication must be signed with the connection's shared access policy (or, like it, with none)",
        ));
    }
    let expiry = properties
        .sas_expiry
        .ok_or_else(|| Refusal::not_authorized("`sas-expiry` is required"))?;
    if expiry.as_millis() <= ctx.now_ms {
        return Err(Refusal::not_authorized("the SAS has expired"));
    }
    let registered = ctx
        .registry
        .get(&accepted.device)
        .ok_or_else(|| Refusal::not_authorized("authentication failed"))?;
    verify_signature(
        ctx,
        &registered,
        host,
        accepted.device.as_str(),
        &properties,
        data,
    )?;
    Ok(expiry.as_millis())
}
