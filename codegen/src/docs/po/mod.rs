//! The gettext PO file format, read and written as the GNU gettext tools
//! (0.21: `msgmerge`, `msgcat`, `msgfmt`) read and write it, so that a
//! catalog of this project passes through a translator's tools unchanged:
//! [`parse`] reads comments, flags, previous strings (`#|`) and obsolete
//! entries (`#~`) and locates every problem; [`write()`] lays messages out
//! byte for byte as `msgcat` does (escapes, line breaking at the page
//! width by the Unicode rules libunistring applies, flags, obsolete entries
//! last).
//!
//! What is specific to these catalogs (contexts, front matter, lookup) is
//! in [`catalog`](super::catalog); this module knows only the format.

mod linebreak;
mod model;
mod read;
mod string;
mod tables;
mod wrap;
mod write;

pub use model::{Flags, Message};
pub use read::{parse, Problem};
pub use write::write;

/// The page width gettext writes to by default (`msgcat` without
/// `--width`).
pub const PAGE_WIDTH: usize = 79;
