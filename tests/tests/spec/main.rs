//! The spec and what is generated from it, as one test binary: the
//! spec against the English reference, the docs against the source
//! documents, the import round trip, the golden generated API, the typed
//! messages and outcomes, the property decoders, packaging and
//! regenerate-on-change.

mod common;
mod decoder_checks;

mod api;
mod connection;
mod docs_vs_sources;
mod golden;
mod import_round_trip;
mod message_types;
mod packaging;
mod property_decoders_never_panic;
mod reference;
mod regenerate;
