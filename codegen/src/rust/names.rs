//! Rust identifiers for spec names, as tokens (raw identifiers for keywords).

use proc_macro2::{Ident, Span};

use crate::ident;

/// Names were checked by validation to have an identifier form; a name
/// without one (a bug) becomes an identifier that names the problem.
fn make(name: Option<String>) -> Ident {
    let name = name.unwrap_or_else(|| "__invalid_spec_name".to_owned());
    if ident::is_keyword(&name) {
        Ident::new_raw(&name, Span::call_site())
    } else {
        Ident::new(&name, Span::call_site())
    }
}

/// `sequence-no` → `sequence_no` (`type` → `r#type`).
pub fn field(name: &str) -> Ident {
    make(ident::field_name(name))
}

/// `get-twin` → `GetTwin`.
pub fn type_(name: &str) -> Ident {
    make(ident::type_name(name))
}

/// `get-twin` → `get_twin` (a module).
pub fn module(name: &str) -> Ident {
    field(name)
}

/// A `#[doc]` line: rustdoc text with a leading space, as `///` writes it.
pub fn doc(text: &str) -> String {
    format!(" {}", text.split_whitespace().collect::<Vec<_>>().join(" "))
}
