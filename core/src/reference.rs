//! Placeholder: being written (dependency scheme split and OCI reference parsing).
