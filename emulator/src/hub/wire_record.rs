//! A message's MQTT properties as the state file's records keep them: the
//! wire form the generated message gives (`to_properties`) and reads back
//! (`from_properties`), so the records name no property of the API
//! themselves: `{"contentType","correlationData" (base64),"user":[[name,value],…]}`.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use bytes::Bytes;
use iothub_client::wire::Properties;
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::redact::scrub;

/// `properties` as JSON fields, added to `record`.
pub(crate) fn write(properties: &Properties, record: &mut Map<String, Value>) {
    if let Some(content_type) = &properties.content_type {
        record.insert("contentType".into(), content_type.as_str().into());
    }
    if let Some(data) = &properties.correlation_data {
        record.insert("correlationData".into(), STANDARD.encode(data).into());
    }
    let user = properties
        .user
        .iter()
        .map(|(name, value)| Value::Array(vec![name.as_str().into(), value.as_str().into()]))
        .collect();
    record.insert("user".into(), Value::Array(user));
}

/// The fields [`write`] adds, and the record's own beside them.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Stored<T> {
    content_type: Option<String>,
    correlation_data: Option<String>,
    user: Vec<(String, String)>,
    /// The record's other fields.
    #[serde(flatten)]
    pub(crate) rest: T,
}

impl<T> Stored<T> {
    /// The properties, and the record's other fields.
    pub(crate) fn into_parts(self) -> Result<(Properties, T), String> {
        let correlation_data = self
            .correlation_data
            .map(|text| {
                STANDARD
                    .decode(text)
                    .map(Bytes::from)
                    .map_err(|_| "`correlationData` is not base64".to_owned())
            })
            .transpose()?;
        let properties = Properties {
            content_type: self.content_type,
            correlation_data,
            user: self.user,
        };
        Ok((properties, self.rest))
    }
}

/// Reads a record of [`Stored`] fields.
pub(crate) fn read<T: serde::de::DeserializeOwned>(record: &[u8]) -> Result<Stored<T>, String> {
    serde_json::from_slice(record).map_err(|e| scrub(&e.to_string()))
}
