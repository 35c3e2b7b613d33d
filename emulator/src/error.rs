//! The crate's error type: every module's error converts into [`Error`],
//! which names the API status it answers with. No variant carries a key.

use iothub_client::api::Status;

use crate::hub::{CommandError, TwinError};
use crate::registry::{DeviceIdError, KeyError, LoadError, ThumbprintError};
use crate::sas::SasError;
use crate::store::StoreError;

/// Everything that can go wrong in the emulator's state.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A text is not a device id.
    #[error(transparent)]
    DeviceId(#[from] DeviceIdError),
    /// A key is not usable.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// A thumbprint is not usable.
    #[error(transparent)]
    Thumbprint(#[from] ThumbprintError),
    /// A registry file cannot be used.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// A device is not registered.
    #[error("device `{0}` is not registered")]
    DeviceNotFound(crate::registry::DeviceId),
    /// A SAS is refused.
    #[error(transparent)]
    Sas(#[from] SasError),
    /// A twin patch is refused.
    #[error(transparent)]
    Twin(#[from] TwinError),
    /// A command operation is refused.
    #[error(transparent)]
    Command(#[from] CommandError),
    /// The state folder cannot be used, or a change was not written.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Error {
    /// The API status this error answers with on the MQTT side.
    pub fn status(&self) -> Status {
        match self {
            Self::DeviceId(_) | Self::Key(_) | Self::Thumbprint(_) | Self::Load(_) => {
                Status::BadRequest
            }
            Self::DeviceNotFound(_) => Status::NotFound,
            Self::Sas(error) => error.status(),
            Self::Twin(error) => error.status(),
            Self::Command(error) => error.status(),
            Self::Store(error) => error.status(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_come_from_the_generated_enum() {
        let error = Error::from(TwinError::PreconditionFailed {
            expected: 1,
            actual: 2,
        });
        assert_eq!(error.status(), Status::PreconditionFailed);
        assert_eq!(
            Error::from(SasError::InvalidSignature).status(),
            Status::NotAuthorized
        );
        assert_eq!(
            Error::from(KeyError::NotBase64).status(),
            Status::BadRequest
        );
        let missing = Error::DeviceNotFound("dev1".parse().unwrap());
        assert_eq!(missing.status(), Status::NotFound);
        assert_eq!(missing.to_string(), "device `dev1` is not registered");
        assert_eq!(
            Error::from(StoreError::Closed).status(),
            Status::ServerError
        );
    }
}
