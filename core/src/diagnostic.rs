//! Diagnostics: what every layer reports, in one shape for all faces (CLI, wasm, playground).

use serde::{Deserialize, Serialize};

/// Every code the validator can emit. The four shadowed cross-field codes and `SCHEMA_ERROR`
/// are kept for contracts built in code; from YAML input the schema reports them first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Code {
    ParseError,
    YamlParseError,
    SchemaViolation,
    SchemaError,
    InvalidSemver,
    DuplicateInterfaceName,
    PortRequired,
    PortIgnored,
    ContractRequired,
    HealthInterfaceNotFound,
    HealthInterfaceInvalid,
    HealthPathRequired,
    HealthPathIgnored,
    FileNotFound,
    InvalidOciRef,
    TagNotDigest,
    EmptyCompatibility,
    InvalidCompatibility,
    InvalidImageRef,
    ScalingMinExceedsMax,
    JobScalingNotAllowed,
    StatelessPersistentConflict,
    UpgradeStrategyStateMismatch,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Code::ParseError => "PARSE_ERROR",
            Code::YamlParseError => "YAML_PARSE_ERROR",
            Code::SchemaViolation => "SCHEMA_VIOLATION",
            Code::SchemaError => "SCHEMA_ERROR",
            Code::InvalidSemver => "INVALID_SEMVER",
            Code::DuplicateInterfaceName => "DUPLICATE_INTERFACE_NAME",
            Code::PortRequired => "PORT_REQUIRED",
            Code::PortIgnored => "PORT_IGNORED",
            Code::ContractRequired => "CONTRACT_REQUIRED",
            Code::HealthInterfaceNotFound => "HEALTH_INTERFACE_NOT_FOUND",
            Code::HealthInterfaceInvalid => "HEALTH_INTERFACE_INVALID",
            Code::HealthPathRequired => "HEALTH_PATH_REQUIRED",
            Code::HealthPathIgnored => "HEALTH_PATH_IGNORED",
            Code::FileNotFound => "FILE_NOT_FOUND",
            Code::InvalidOciRef => "INVALID_OCI_REF",
            Code::TagNotDigest => "TAG_NOT_DIGEST",
            Code::EmptyCompatibility => "EMPTY_COMPATIBILITY",
            Code::InvalidCompatibility => "INVALID_COMPATIBILITY",
            Code::InvalidImageRef => "INVALID_IMAGE_REF",
            Code::ScalingMinExceedsMax => "SCALING_MIN_EXCEEDS_MAX",
            Code::JobScalingNotAllowed => "JOB_SCALING_NOT_ALLOWED",
            Code::StatelessPersistentConflict => "STATELESS_PERSISTENT_CONFLICT",
            Code::UpgradeStrategyStateMismatch => "UPGRADE_STRATEGY_STATE_MISMATCH",
        }
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// 1-based line and column; columns count UTF-16 code units so JS editors can use them as-is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Position {
    pub line: u32,
    pub column: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Range {
    pub start: Position,
    pub end: Position,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    /// `interfaces[0].port` style for every layer; `""` is the document root.
    pub path: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub range: Option<Range>,
}

impl Diagnostic {
    pub fn error(code: Code, path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: Severity::Error,
            path: path.into(),
            message: message.into(),
            range: None,
        }
    }

    pub fn warning(code: Code, path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, path, message)
        }
    }

    pub fn with_range(mut self, range: Option<Range>) -> Self {
        self.range = range;
        self
    }
}

/// The outcome of validating one contract. Valid iff `errors` is empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    pub valid: bool,
    pub errors: Vec<Diagnostic>,
    pub warnings: Vec<Diagnostic>,
}

impl Report {
    pub fn from_diagnostics(diagnostics: Vec<Diagnostic>) -> Self {
        let (errors, warnings): (Vec<_>, Vec<_>) = diagnostics
            .into_iter()
            .partition(|d| d.severity == Severity::Error);
        Report {
            valid: errors.is_empty(),
            errors,
            warnings,
        }
    }
}
