//! Placeholder: being written (Masterminds/semver grammar).
