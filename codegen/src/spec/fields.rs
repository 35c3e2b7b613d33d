//! The fields of the model's structs, as their derived `Deserialize` impls
//! know them: the one list, so shape checks cannot drift from the model.

use serde::de::DeserializeOwned;

/// The fields of struct `T` as its `Deserialize` knows them (it lists them
/// when it meets an unknown one).
pub(super) fn fields_of<T: DeserializeOwned>() -> &'static [&'static str] {
    let Ok(probe) = marked_yaml::parse_yaml(0, "\"\\u0001\": 0") else {
        return &[];
    };
    match marked_yaml::from_node::<T>(&probe).map(|_| ()) {
        Err(error) => match error.into_inner() {
            marked_yaml::Error::UnknownFieldError(_, fields, _) => fields,
            _ => &[],
        },
        Ok(()) => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::model::{Property, Spec};

    #[test]
    fn knows_the_fields_of_the_model() {
        assert_eq!(
            fields_of::<Spec>(),
            [
                "api",
                "document",
                "types",
                "schemas",
                "connection",
                "operations",
                "responses"
            ]
        );
        assert!(fields_of::<Property>().contains(&"type"));
    }
}
