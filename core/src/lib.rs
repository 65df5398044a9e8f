//! pacto-core: the Pacto contract domain in pure Rust (no I/O, no JS).

pub mod reference;
pub mod version;
