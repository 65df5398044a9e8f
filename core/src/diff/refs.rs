//! Local `$ref` resolution for OpenAPI documents and JSON schemas — being written.
