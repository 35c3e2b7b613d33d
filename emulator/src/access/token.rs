//! The service API's `Authorization: SharedAccessSignature sr=…&sig=…&se=…&skn=…`
//! tokens, as the service and its SDKs make them:
//!
//! - `sr`: the resource, percent-encoded: the hub's host name, optionally
//!   followed by a path that the request's path must start with;
//! - `se`: the expiry, seconds since the Unix epoch;
//! - `skn`: the shared access policy's name;
//! - `sig`: base64 (percent-encoded) of HMAC-SHA256, keyed with the
//!   policy's base64-decoded key, of `{sr as sent}\n{se}`.
//!
//! The fields may come in any order. No error shows any part of a token.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use super::{Permissions, Policies, SharedAccessPolicy};
use crate::sas;

/// The scheme word that starts a token.
pub const SCHEME: &str = "SharedAccessSignature";

/// What the SDKs leave unencoded in `sr` (Python's `quote(safe='')`,
/// .NET's `WebUtility.UrlEncode` on a host name): RFC 3986's unreserved
/// characters.
const RESOURCE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Why a request is not authorized. The text names the problem and how to
/// fix it, never a value of the token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// No `Authorization` header.
    #[error("no `Authorization` header; sign a `SharedAccessSignature` token with a shared access policy (the emulator prints a service connection string on start)")]
    Missing,
    /// The header is not a `SharedAccessSignature` token.
    #[error(
        "the `Authorization` header is not a `SharedAccessSignature sr=…&sig=…&se=…&skn=…` token"
    )]
    NotSharedAccessSignature,
    /// A field is missing, repeated, or not in its form.
    #[error("the token's `{field}` is {problem}")]
    Malformed {
        /// `sr`, `sig`, `se` or `skn`.
        field: &'static str,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// `se` is not after the current time.
    #[error(
        "the token expired at {expiry} (now {now}, seconds since the Unix epoch); sign a new one"
    )]
    Expired {
        /// The token's expiry.
        expiry: u64,
        /// The hub's time.
        now: u64,
    },
    /// `sr` names another hub, or a path this request is not under.
    #[error("the token's resource `sr` does not cover this request (another host name, or a path this request is not under)")]
    WrongResource,
    /// `skn` names no policy of this hub.
    #[error("the token names shared access policy `{0}`, which this hub does not have")]
    UnknownPolicy(String),
    /// The signature matches neither key of the policy.
    #[error("the token's signature does not match the keys of policy `{0}`")]
    InvalidSignature(String),
    /// The policy lacks the permission this request needs.
    #[error("shared access policy `{policy}` grants {granted}; this request needs {needed}")]
    Forbidden {
        /// The policy.
        policy: String,
        /// What it grants.
        granted: Permissions,
        /// What the request needs (any one of them).
        needed: String,
    },
}

/// What a verified token grants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    /// The policy it was signed with.
    pub policy: String,
    /// The policy's permissions.
    pub permissions: Permissions,
}

/// A token's fields, still percent-encoded.
struct Fields<'a> {
    resource: &'a str,
    signature: &'a str,
    expiry: &'a str,
    policy: Option<&'a str>,
}

fn fields(header: &str) -> Result<Fields<'_>, TokenError> {
    let rest = header
        .trim()
        .strip_prefix(SCHEME)
        .filter(|rest| rest.starts_with(' '))
        .ok_or(TokenError::NotSharedAccessSignature)?
        .trim();
    let (mut sr, mut sig, mut se, mut skn) = (None, None, None, None);
    for pair in rest.split('&') {
        let (name, value) = pair.split_once('=').ok_or(TokenError::Malformed {
            field: "sr",
            problem: "not a list of `name=value` fields joined by `&`",
        })?;
        let slot = match name {
            "sr" => &mut sr,
            "sig" => &mut sig,
            "se" => &mut se,
            "skn" => &mut skn,
            // The service ignores fields it does not use.
            _ => continue,
        };
        if slot.replace(value).is_some() {
            return Err(TokenError::Malformed {
                field: field_name(name),
                problem: "given twice",
            });
        }
    }
    let missing = |field| TokenError::Malformed {
        field,
        problem: "missing",
    };
    Ok(Fields {
        resource: sr.ok_or_else(|| missing("sr"))?,
        signature: sig.ok_or_else(|| missing("sig"))?,
        expiry: se.ok_or_else(|| missing("se"))?,
        policy: skn,
    })
}

fn field_name(name: &str) -> &'static str {
    match name {
        "sr" => "sr",
        "sig" => "sig",
        "se" => "se",
        _ => "skn",
    }
}

fn decode(field: &'static str, value: &str) -> Result<String, TokenError> {
    percent_decode_str(value)
        .decode_utf8()
        .map(|text| text.into_owned())
        .map_err(|_| TokenError::Malformed {
            field,
            problem: "not percent-encoded UTF-8",
        })
}

/// Whether the decoded resource `sr` covers a request to `path` on a hub
/// that accepts `hostname` (any host name when `None`).
fn covers(resource: &str, hostname: Option<&str>, path: &str) -> bool {
    let (host, scope) = match resource.split_once('/') {
        Some((host, scope)) => (host, scope.trim_end_matches('/')),
        None => (resource, ""),
    };
    if let Some(expected) = hostname {
        let bare = host.rsplit_once(':').map_or(host, |(name, port)| {
            if port.bytes().all(|b| b.is_ascii_digit()) {
                name
            } else {
                host
            }
        });
        if !bare.eq_ignore_ascii_case(expected) {
            return false;
        }
    }
    if scope.is_empty() {
        return true;
    }
    let path = path.trim_start_matches('/');
    path.len() >= scope.len()
        && path[..scope.len()].eq_ignore_ascii_case(scope)
        && matches!(path.as_bytes().get(scope.len()), None | Some(b'/'))
}

/// Verifies `header` (the `Authorization` header's value, if any) for a
/// request to `path` at `now` (seconds since the Unix epoch) against
/// `policies`; `hostname` is the only host name the hub accepts, if set.
pub fn verify(
    header: Option<&str>,
    policies: &Policies,
    hostname: Option<&str>,
    path: &str,
    now: u64,
) -> Result<Grant, TokenError> {
    let fields = fields(header.ok_or(TokenError::Missing)?)?;
    let resource = decode("sr", fields.resource)?;
    let expiry: u64 = fields
        .expiry
        .trim()
        .parse()
        .map_err(|_| TokenError::Malformed {
            field: "se",
            problem: "not whole seconds since the Unix epoch",
        })?;
    let signature = STANDARD
        .decode(decode("sig", fields.signature)?.trim())
        .map_err(|_| TokenError::Malformed {
            field: "sig",
            problem: "not base64",
        })?;
    let name = decode(
        "skn",
        fields.policy.ok_or(TokenError::Malformed {
            field: "skn",
            problem:
                "missing (the service API takes tokens of a shared access policy, not of a device)",
        })?,
    )?;
    let policy = policies
        .get(&name)
        .ok_or_else(|| TokenError::UnknownPolicy(name.clone()))?;
    // The signature covers `sr` as sent; SDKs that encode differently
    // (lower-case hex, say) are also checked against the canonical form.
    let canonical = utf8_percent_encode(&resource, RESOURCE).to_string();
    let signed = |sr: &str| {
        sas::verify(
            &policy.keys(),
            &format!("{sr}\n{}", fields.expiry),
            &signature,
        )
    };
    if !(signed(fields.resource) || (canonical != fields.resource && signed(&canonical))) {
        return Err(TokenError::InvalidSignature(name));
    }
    if expiry <= now {
        return Err(TokenError::Expired { expiry, now });
    }
    if !covers(&resource, hostname, path) {
        return Err(TokenError::WrongResource);
    }
    Ok(Grant {
        policy: name,
        permissions: policy.permissions(),
    })
}

/// A token for `resource` (a host name, optionally with a path), signed
/// with `policy`'s primary key, expiring at `expiry` (seconds since the
/// Unix epoch): the `Authorization` header's value. It grants what the
/// policy grants: keep it as secret as the key.
pub fn sign(policy: &SharedAccessPolicy, resource: &str, expiry: u64) -> String {
    let sr = utf8_percent_encode(resource, RESOURCE).to_string();
    let signature = STANDARD.encode(sas::sign(policy.primary(), &format!("{sr}\n{expiry}")));
    let sig = utf8_percent_encode(&signature, RESOURCE);
    let skn = utf8_percent_encode(policy.name(), RESOURCE);
    format!("{SCHEME} sr={sr}&sig={sig}&se={expiry}&skn={skn}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::Permission;
    use crate::registry::Key;

    fn policy() -> SharedAccessPolicy {
        let key = |b| Key::from_bytes(vec![b; 32]).unwrap();
        let permissions = [Permission::ServiceConnect].into_iter().collect();
        SharedAccessPolicy::new("service", key(1), key(2), permissions).unwrap()
    }

    fn policies() -> Policies {
        Policies::new().with(policy())
    }

    #[test]
    fn python_sdk_token_known_answer() {
        // python3: key = base64.b64encode(bytes([1]*32)); uri = quote("localhost:8080", safe="")
        //   sig = base64.b64encode(hmac.new(bytes([1]*32), f"{uri}\n2000000000".encode(), sha256).digest())
        //   "SharedAccessSignature sr=" + uri + "&sig=" + quote(sig, safe="") + "&se=2000000000&skn=service"
        let token = sign(&policy(), "localhost:8080", 2_000_000_000);
        assert_eq!(
            token,
            "SharedAccessSignature sr=localhost%3A8080&sig=JJcEc9EUu1uJL4RD%2BtR1US4d30w7EHCkj%2F9A9IUSbbU%3D&se=2000000000&skn=service"
        );
        let grant = verify(Some(&token), &policies(), None, "/twins/d", 1_900_000_000).unwrap();
        assert_eq!(grant.policy, "service");
        assert!(grant.permissions.contains(Permission::ServiceConnect));
    }

    #[test]
    fn every_broken_token_is_refused_without_echoing_it() {
        let good = sign(&policy(), "hub.example", 2_000_000_000);
        let now = 1_900_000_000;
        let check = |header: Option<&str>| verify(header, &policies(), None, "/twins/d", now);
        assert_eq!(check(None), Err(TokenError::Missing));
        assert_eq!(
            check(Some("Bearer abc")),
            Err(TokenError::NotSharedAccessSignature)
        );
        let expired = sign(&policy(), "hub.example", now);
        assert!(matches!(
            check(Some(&expired)),
            Err(TokenError::Expired { .. })
        ));
        let tampered = good.replace("se=2000000000", "se=2000000001");
        assert_eq!(
            check(Some(&tampered)),
            Err(TokenError::InvalidSignature("service".into()))
        );
        let other = good.replace("skn=service", "skn=iothubowner");
        assert_eq!(
            check(Some(&other)),
            Err(TokenError::UnknownPolicy("iothubowner".into()))
        );
        let device = good.replace("&skn=service", "");
        assert!(matches!(
            check(Some(&device)),
            Err(TokenError::Malformed { field: "skn", .. })
        ));
        let twice = format!("{good}&se=1");
        assert!(matches!(
            check(Some(&twice)),
            Err(TokenError::Malformed { field: "se", .. })
        ));
        for error in [check(Some(&tampered)), check(Some(&twice))] {
            let text = error.unwrap_err().to_string();
            assert!(!text.contains("sig="), "{text}");
        }
    }

    #[test]
    fn the_resource_must_cover_the_request() {
        let now = 1_900_000_000;
        let scoped = sign(&policy(), "hub.example/devices/d1", 2_000_000_000);
        let verify_at = |host, path| verify(Some(&scoped), &policies(), host, path, now);
        assert!(verify_at(None, "/devices/d1").is_ok());
        assert!(verify_at(None, "/devices/d1/messages/deviceBound").is_ok());
        assert_eq!(
            verify_at(None, "/devices/d10"),
            Err(TokenError::WrongResource)
        );
        assert_eq!(verify_at(None, "/twins/d1"), Err(TokenError::WrongResource));
        assert!(verify_at(Some("HUB.example"), "/devices/d1").is_ok());
        assert_eq!(
            verify_at(Some("other.example"), "/devices/d1"),
            Err(TokenError::WrongResource)
        );
        let with_port = sign(&policy(), "hub.example:8443", 2_000_000_000);
        assert!(verify(Some(&with_port), &policies(), Some("hub.example"), "/", now).is_ok());
    }

    #[test]
    fn lower_case_percent_encoding_is_accepted() {
        // An SDK that encodes `:` as `%3a` signs that form.
        let policy = policy();
        let sr = "localhost%3a8080";
        let signature = STANDARD.encode(sas::sign(policy.primary(), &format!("{sr}\n2000000000")));
        let sig = utf8_percent_encode(&signature, RESOURCE);
        let token = format!("SharedAccessSignature skn=service&se=2000000000&sr={sr}&sig={sig}");
        assert!(verify(Some(&token), &policies(), None, "/", 1_900_000_000).is_ok());
    }
}
