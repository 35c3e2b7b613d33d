//! Rust identifiers for spec names, as tokens (raw identifiers for keywords).
//!
//! Validation guarantees every name that reaches the emitters has an
//! identifier form; a name without one is a bug in iothub-codegen, returned
//! as an error naming the spec name, never emitted as a placeholder.

use proc_macro2::{Ident, Span};

use crate::ident;

fn make(name: &str, what: &str, rust: Option<String>) -> syn::Result<Ident> {
    let Some(rust) = rust else {
        return Err(syn::Error::new(
            Span::call_site(),
            format!(
                "spec name `{name}` has no Rust {what} form, but validation let it through \
                 (a bug in iothub-codegen; please report it with the spec attached)"
            ),
        ));
    };
    Ok(if ident::is_keyword(&rust) {
        Ident::new_raw(&rust, Span::call_site())
    } else {
        Ident::new(&rust, Span::call_site())
    })
}

/// `sequence-no` → `sequence_no` (`type` → `r#type`).
pub fn field(name: &str) -> syn::Result<Ident> {
    make(name, "field", ident::field_name(name))
}

/// `get-twin` → `GetTwin`.
pub fn type_(name: &str) -> syn::Result<Ident> {
    make(name, "type", ident::type_name(name))
}

/// `get-twin` → `get_twin` (a module).
pub fn module(name: &str) -> syn::Result<Ident> {
    make(name, "module", ident::field_name(name))
}

/// A `#[doc]` line: rustdoc text with a leading space, as `///` writes it.
pub fn doc(text: &str) -> String {
    format!(" {}", text.split_whitespace().collect::<Vec<_>>().join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_become_raw_identifiers() {
        assert_eq!(field("type").unwrap().to_string(), "r#type");
        assert_eq!(type_("get-twin").unwrap().to_string(), "GetTwin");
        assert_eq!(module("get-twin").unwrap().to_string(), "get_twin");
    }

    #[test]
    fn names_without_a_form_are_errors_not_placeholders() {
        for (result, name) in [
            (field("self"), "self"),
            (module("super"), "super"),
            (type_("self"), "self"),
            (field("2fa"), "2fa"),
        ] {
            let error = result.unwrap_err().to_string();
            assert!(error.contains(&format!("`{name}`")), "{error}");
            assert!(error.contains("a bug in iothub-codegen"), "{error}");
        }
    }
}
