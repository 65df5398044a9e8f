//! SBOM diff (diff.md §7): informational package changes between the bundles' SBOMs.
//!
//! Discovery, parsing and matching follow the Go tool. Departures (spec README, 3): changes come
//! in a deterministic order (old packages in old-document order, then new-only packages in
//! new-document order), and an SBOM file that cannot be parsed gives a warning instead of
//! silently dropping the SBOM diff.
//!
//! Parsing mirrors Go's `encoding/json` decoding into the reference's structs: unknown members are
//! ignored (without being interpreted, so any valid JSON is accepted there), member names match
//! exactly or else case-insensitively, a later duplicate member overrides an earlier one, `null`
//! leaves a string or struct untouched and resets a list or a pointer, and any other type
//! mismatch fails the whole document.

use std::collections::HashMap;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Serialize;

use super::{ChangeType, DiffWarning};
use crate::bundle::Bundle;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SbomChange {
    pub package: String,
    pub r#type: super::ChangeType,
    pub field: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub old_value: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub new_value: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SbomDiff {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub old_format: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub new_format: String,
    pub changes: Vec<SbomChange>,
}

/// The directory of a bundle that holds its SBOM.
const SBOM_DIR: &str = "sbom/";
const SPDX_SUFFIX: &str = ".spdx.json";
const CDX_SUFFIX: &str = ".cdx.json";

/// Package changes between the bundles' SBOMs; `None` when neither has one or nothing changed.
///
/// When a side has an SBOM file that cannot be parsed, a warning says why and there is no SBOM
/// diff at all (the Go tool drops it silently).
pub fn diff(old: &Bundle, new: &Bundle, warnings: &mut Vec<DiffWarning>) -> Option<SbomDiff> {
    let old_doc = load(old, "old", warnings);
    let new_doc = load(new, "new", warnings);
    let (old_doc, new_doc) = match (old_doc, new_doc) {
        (Loaded::Failed, _) | (_, Loaded::Failed) => return None,
        (Loaded::Absent, Loaded::Absent) => return None,
        (Loaded::Found(o), Loaded::Absent) => (Some(o), None),
        (Loaded::Absent, Loaded::Found(n)) => (None, Some(n)),
        (Loaded::Found(o), Loaded::Found(n)) => (Some(o), Some(n)),
    };
    let result = compare(old_doc.as_ref(), new_doc.as_ref());
    if result.changes.is_empty() {
        None
    } else {
        Some(result)
    }
}

/// A package normalised from either format.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Package {
    name: String,
    version: String,
    license: String,
    supplier: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Document {
    /// `spdx` or `cyclonedx`.
    format: &'static str,
    packages: Vec<Package>,
}

enum Loaded {
    Absent,
    Found(Document),
    Failed,
}

/// Finds a side's SBOM file: the first file directly under `sbom/`, in filename order, whose
/// name ends in `.spdx.json` or `.cdx.json` (files in sub-directories are skipped).
fn find(bundle: &Bundle) -> Option<(&str, &[u8], Format)> {
    bundle.files().find_map(|(path, bytes)| {
        let name = path.strip_prefix(SBOM_DIR)?;
        if name.contains('/') {
            return None;
        }
        if name.ends_with(SPDX_SUFFIX) {
            Some((path, bytes, Format::Spdx))
        } else if name.ends_with(CDX_SUFFIX) {
            Some((path, bytes, Format::CycloneDx))
        } else {
            None
        }
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Spdx,
    CycloneDx,
}

fn load(bundle: &Bundle, side: &str, warnings: &mut Vec<DiffWarning>) -> Loaded {
    let Some((path, bytes, format)) = find(bundle) else {
        return Loaded::Absent;
    };
    match parse(bytes, format) {
        Ok(doc) => Loaded::Found(doc),
        Err(e) => {
            let kind = match format {
                Format::Spdx => "SPDX",
                Format::CycloneDx => "CycloneDX",
            };
            warnings.push(DiffWarning {
                side: side.to_string(),
                file: path.to_string(),
                message: format!(
                    "the SBOM could not be parsed as {kind} JSON, so SBOM changes are not reported: {e}"
                ),
            });
            Loaded::Failed
        }
    }
}

fn parse(bytes: &[u8], format: Format) -> Result<Document, serde_json::Error> {
    // Go's decoder replaces invalid UTF-8 inside strings rather than failing.
    let text = String::from_utf8_lossy(bytes);
    let mut de = serde_json::Deserializer::from_str(&text);
    let doc = match format {
        Format::Spdx => {
            let mut raw = SpdxDoc::default();
            Seed(&mut raw).deserialize(&mut de)?;
            de.end()?;
            Document {
                format: "spdx",
                packages: raw
                    .packages
                    .into_iter()
                    .map(|p| Package {
                        name: p.name,
                        version: p.version_info,
                        license: p.license_concluded,
                        supplier: strip_supplier_prefix(&p.supplier).to_string(),
                    })
                    .collect(),
            }
        }
        Format::CycloneDx => {
            let mut raw = CdxDoc::default();
            Seed(&mut raw).deserialize(&mut de)?;
            de.end()?;
            Document {
                format: "cyclonedx",
                packages: raw
                    .components
                    .into_iter()
                    .map(|c| Package {
                        license: flatten_licenses(&c.licenses),
                        supplier: c.supplier.map(|s| s.name).unwrap_or_default(),
                        name: c.name,
                        version: c.version,
                    })
                    .collect(),
            }
        }
    };
    Ok(doc)
}

/// `Organization: Acme Inc.` -> `Acme Inc.`: everything up to and including the first `": "`.
fn strip_supplier_prefix(s: &str) -> &str {
    match s.find(": ") {
        Some(i) => &s[i + 2..],
        None => s,
    }
}

/// Each entry contributes its `expression`, else `license.id`, else `license.name` (the first
/// non-empty one); the parts are joined with ` AND `.
fn flatten_licenses(entries: &[CdxLicenseEntry]) -> String {
    let parts: Vec<&str> = entries
        .iter()
        .filter_map(|e| {
            if !e.expression.is_empty() {
                Some(e.expression.as_str())
            } else {
                let l = e.license.as_ref()?;
                if !l.id.is_empty() {
                    Some(l.id.as_str())
                } else if !l.name.is_empty() {
                    Some(l.name.as_str())
                } else {
                    None
                }
            }
        })
        .collect();
    parts.join(" AND ")
}

fn added(p: &Package) -> SbomChange {
    SbomChange {
        package: p.name.clone(),
        r#type: ChangeType::Added,
        field: "package".into(),
        old_value: String::new(),
        new_value: p.version.clone(),
    }
}

fn removed(p: &Package) -> SbomChange {
    SbomChange {
        package: p.name.clone(),
        r#type: ChangeType::Removed,
        field: "package".into(),
        old_value: p.version.clone(),
        new_value: String::new(),
    }
}

/// Packages by name, later duplicates winning, in the order each name first appears.
fn index(packages: &[Package]) -> (Vec<&str>, HashMap<&str, &Package>) {
    let mut order = Vec::new();
    let mut by_name = HashMap::new();
    for p in packages {
        if by_name.insert(p.name.as_str(), p).is_none() {
            order.push(p.name.as_str());
        }
    }
    (order, by_name)
}

fn compare(old: Option<&Document>, new: Option<&Document>) -> SbomDiff {
    let mut result = SbomDiff {
        old_format: old.map(|d| d.format.to_string()).unwrap_or_default(),
        new_format: new.map(|d| d.format.to_string()).unwrap_or_default(),
        changes: Vec::new(),
    };
    let (old, new) = match (old, new) {
        (None, None) => return result,
        // One side only: every package, duplicates included, as the Go tool lists them.
        (None, Some(n)) => {
            result.changes = n.packages.iter().map(added).collect();
            return result;
        }
        (Some(o), None) => {
            result.changes = o.packages.iter().map(removed).collect();
            return result;
        }
        (Some(o), Some(n)) => (o, n),
    };
    let (old_order, old_by_name) = index(&old.packages);
    let (new_order, new_by_name) = index(&new.packages);
    for name in &old_order {
        let o = old_by_name[name];
        let Some(n) = new_by_name.get(name) else {
            result.changes.push(removed(o));
            continue;
        };
        for (field, a, b) in [
            ("version", &o.version, &n.version),
            ("license", &o.license, &n.license),
            ("supplier", &o.supplier, &n.supplier),
        ] {
            if a != b {
                result.changes.push(SbomChange {
                    package: o.name.clone(),
                    r#type: ChangeType::Modified,
                    field: field.into(),
                    old_value: a.clone(),
                    new_value: b.clone(),
                });
            }
        }
    }
    for name in &new_order {
        if !old_by_name.contains_key(name) {
            result.changes.push(added(new_by_name[name]));
        }
    }
    result
}

// ---------------------------------------------------------------------------------------------
// Go `encoding/json` decoding into the reference's structs.

#[derive(Debug, Default)]
struct SpdxDoc {
    packages: Vec<SpdxPackage>,
}

#[derive(Debug, Default)]
struct SpdxPackage {
    name: String,
    version_info: String,
    supplier: String,
    license_concluded: String,
}

#[derive(Debug, Default)]
struct CdxDoc {
    components: Vec<CdxComponent>,
}

#[derive(Debug, Default)]
struct CdxComponent {
    name: String,
    version: String,
    supplier: Option<CdxSupplier>,
    licenses: Vec<CdxLicenseEntry>,
}

#[derive(Debug, Default)]
struct CdxSupplier {
    name: String,
}

#[derive(Debug, Default)]
struct CdxLicenseEntry {
    license: Option<CdxLicense>,
    expression: String,
}

#[derive(Debug, Default)]
struct CdxLicense {
    id: String,
    name: String,
}

/// A Go value that a JSON value is decoded into, in place.
trait Target {
    fn decode<'de, D: Deserializer<'de>>(&mut self, d: D) -> Result<(), D::Error>;
}

/// Decodes into an existing value.
struct Seed<'a, T>(&'a mut T);

impl<'de, T: Target> DeserializeSeed<'de> for Seed<'_, T> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        self.0.decode(d)
    }
}

/// Decodes a fresh (zero) value, as a new slice element.
struct Fresh<T>(std::marker::PhantomData<T>);

impl<'de, T: Target + Default> DeserializeSeed<'de> for Fresh<T> {
    type Value = T;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        let mut v = T::default();
        v.decode(d)?;
        Ok(v)
    }
}

/// A Go `string`: a JSON string sets it, `null` leaves it, anything else is a type error.
impl Target for String {
    fn decode<'de, D: Deserializer<'de>>(&mut self, d: D) -> Result<(), D::Error> {
        struct V<'a>(&'a mut String);
        impl<'de> Visitor<'de> for V<'_> {
            type Value = ();
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<(), E> {
                *self.0 = s.to_string();
                Ok(())
            }
            fn visit_string<E: de::Error>(self, s: String) -> Result<(), E> {
                *self.0 = s;
                Ok(())
            }
            fn visit_unit<E: de::Error>(self) -> Result<(), E> {
                Ok(())
            }
        }
        d.deserialize_any(V(self))
    }
}

/// A Go slice: a JSON array replaces it, `null` empties it, anything else is a type error.
impl<T: Target + Default> Target for Vec<T> {
    fn decode<'de, D: Deserializer<'de>>(&mut self, d: D) -> Result<(), D::Error> {
        struct V<'a, T>(&'a mut Vec<T>);
        impl<'de, T: Target + Default> Visitor<'de> for V<'_, T> {
            type Value = ();
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an array")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
                self.0.clear();
                while let Some(v) = seq.next_element_seed(Fresh(std::marker::PhantomData))? {
                    self.0.push(v);
                }
                Ok(())
            }
            fn visit_unit<E: de::Error>(self) -> Result<(), E> {
                self.0.clear();
                Ok(())
            }
        }
        d.deserialize_any(V(self))
    }
}

/// A Go pointer to a struct: `null` resets it, an object fills it (allocating it first).
impl<T: Struct + Default> Target for Option<T> {
    fn decode<'de, D: Deserializer<'de>>(&mut self, d: D) -> Result<(), D::Error> {
        struct V<'a, T>(&'a mut Option<T>);
        impl<'de, T: Struct + Default> Visitor<'de> for V<'_, T> {
            type Value = ();
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
                decode_fields(self.0.get_or_insert_with(T::default), map)
            }
            fn visit_unit<E: de::Error>(self) -> Result<(), E> {
                *self.0 = None;
                Ok(())
            }
        }
        d.deserialize_any(V(self))
    }
}

/// A Go struct: an object sets the members it names, `null` leaves it untouched.
trait Struct {
    /// The JSON member names of the fields, in field order.
    const FIELDS: &'static [&'static str];
    /// Decodes the next map value into field `i` of `FIELDS`.
    fn field<'de, A: MapAccess<'de>>(&mut self, i: usize, map: &mut A) -> Result<(), A::Error>;
}

fn decode_fields<'de, S: Struct, A: MapAccess<'de>>(
    target: &mut S,
    mut map: A,
) -> Result<(), A::Error> {
    while let Some(key) = map.next_key::<String>()? {
        let exact = S::FIELDS.iter().position(|f| *f == key);
        let found = exact.or_else(|| S::FIELDS.iter().position(|f| fold_eq(f, &key)));
        match found {
            Some(i) => target.field(i, &mut map)?,
            None => {
                map.next_value::<IgnoredAny>()?;
            }
        }
    }
    Ok(())
}

/// Go's case-insensitive member-name match (Unicode simple case folding).
fn fold_eq(a: &str, b: &str) -> bool {
    let fold = |s: &str| -> String {
        s.chars()
            .flat_map(char::to_uppercase)
            .flat_map(char::to_lowercase)
            .collect()
    };
    fold(a) == fold(b)
}

macro_rules! go_struct {
    ($ty:ty { $($i:literal => $name:literal : $field:ident),* $(,)? }) => {
        impl Struct for $ty {
            const FIELDS: &'static [&'static str] = &[$($name),*];
            fn field<'de, A: MapAccess<'de>>(
                &mut self,
                i: usize,
                map: &mut A,
            ) -> Result<(), A::Error> {
                match i {
                    $($i => map.next_value_seed(Seed(&mut self.$field)),)*
                    _ => map.next_value::<IgnoredAny>().map(|_| ()),
                }
            }
        }

        impl Target for $ty {
            fn decode<'de, D: Deserializer<'de>>(&mut self, d: D) -> Result<(), D::Error> {
                struct V<'a>(&'a mut $ty);
                impl<'de> Visitor<'de> for V<'_> {
                    type Value = ();
                    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                        f.write_str("an object")
                    }
                    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
                        decode_fields(self.0, map)
                    }
                    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
                        Ok(())
                    }
                }
                d.deserialize_any(V(self))
            }
        }
    };
}

go_struct!(SpdxDoc { 0 => "packages": packages });
go_struct!(SpdxPackage {
    0 => "name": name,
    1 => "versionInfo": version_info,
    2 => "supplier": supplier,
    3 => "licenseConcluded": license_concluded,
});
go_struct!(CdxDoc { 0 => "components": components });
go_struct!(CdxComponent {
    0 => "name": name,
    1 => "version": version,
    2 => "supplier": supplier,
    3 => "licenses": licenses,
});
go_struct!(CdxSupplier { 0 => "name": name });
go_struct!(CdxLicenseEntry {
    0 => "license": license,
    1 => "expression": expression,
});
go_struct!(CdxLicense {
    0 => "id": id,
    1 => "name": name,
});

#[cfg(test)]
mod tests {
    use super::*;

    fn bundle(files: &[(&str, &str)]) -> Bundle {
        let mut b =
            Bundle::from_contract("pactoVersion: \"1.0\"\nservice: {name: a, version: 1.0.0}\n");
        for (path, text) in files {
            b.insert(*path, text.as_bytes().to_vec());
        }
        b
    }

    fn spdx(packages: &str) -> String {
        format!(r#"{{"spdxVersion": "SPDX-2.3", "name": "doc", "packages": [{packages}]}}"#)
    }

    fn cdx(components: &str) -> String {
        format!(
            r#"{{"bomFormat": "CycloneDX", "specVersion": "1.5", "components": [{components}]}}"#
        )
    }

    fn run(old: &Bundle, new: &Bundle) -> (Option<SbomDiff>, Vec<DiffWarning>) {
        let mut warnings = Vec::new();
        let d = diff(old, new, &mut warnings);
        (d, warnings)
    }

    /// `(package, type, field, old, new)` tuples.
    fn rows(d: &SbomDiff) -> Vec<(String, &'static str, String, String, String)> {
        d.changes
            .iter()
            .map(|c| {
                (
                    c.package.clone(),
                    c.r#type.as_str(),
                    c.field.clone(),
                    c.old_value.clone(),
                    c.new_value.clone(),
                )
            })
            .collect()
    }

    fn row(
        p: &str,
        t: &'static str,
        f: &str,
        o: &str,
        n: &str,
    ) -> (String, &'static str, String, String, String) {
        (p.into(), t, f.into(), o.into(), n.into())
    }

    fn parse_one(text: &str, format: Format) -> Result<Vec<Package>, serde_json::Error> {
        parse(text.as_bytes(), format).map(|d| d.packages)
    }

    fn pkg(name: &str, version: &str, license: &str, supplier: &str) -> Package {
        Package {
            name: name.into(),
            version: version.into(),
            license: license.into(),
            supplier: supplier.into(),
        }
    }

    #[test]
    fn spdx_both_sides_modified_removed_added_in_document_order() {
        let old = bundle(&[(
            "sbom/app.spdx.json",
            &spdx(
                r#"{"name": "zlib", "versionInfo": "1.2", "licenseConcluded": "Zlib", "supplier": "Organization: Zlib"},
                   {"name": "gone", "versionInfo": "0.1"},
                   {"name": "openssl", "versionInfo": "3.0.0", "licenseConcluded": "Apache-2.0", "supplier": "Organization: OpenSSL"}"#,
            ),
        )]);
        let new = bundle(&[(
            "sbom/app.spdx.json",
            &spdx(
                r#"{"name": "fresh", "versionInfo": "2.0"},
                   {"name": "openssl", "versionInfo": "3.0.1", "licenseConcluded": "MIT", "supplier": "Person: Jane"},
                   {"name": "zlib", "versionInfo": "1.2", "licenseConcluded": "Zlib", "supplier": "Organization: Zlib"},
                   {"name": "another", "versionInfo": "1.0"}"#,
            ),
        )]);
        let (d, w) = run(&old, &new);
        assert!(w.is_empty());
        let d = d.expect("changes");
        assert_eq!(d.old_format, "spdx");
        assert_eq!(d.new_format, "spdx");
        assert_eq!(
            rows(&d),
            vec![
                row("gone", "removed", "package", "0.1", ""),
                row("openssl", "modified", "version", "3.0.0", "3.0.1"),
                row("openssl", "modified", "license", "Apache-2.0", "MIT"),
                row("openssl", "modified", "supplier", "OpenSSL", "Jane"),
                row("fresh", "added", "package", "", "2.0"),
                row("another", "added", "package", "", "1.0"),
            ]
        );
    }

    #[test]
    fn spdx_fields_license_declared_ignored() {
        let p = parse_one(
            &spdx(
                r#"{"name": "a", "versionInfo": "1", "licenseConcluded": "MIT", "licenseDeclared": "GPL-2.0",
                    "supplier": "NOASSERTION", "SPDXID": "SPDXRef-a", "downloadLocation": "NOASSERTION"}"#,
            ),
            Format::Spdx,
        )
        .unwrap();
        assert_eq!(p, vec![pkg("a", "1", "MIT", "NOASSERTION")]);
        // A licenseDeclared change alone is no change.
        let old = bundle(&[(
            "sbom/x.spdx.json",
            &spdx(r#"{"name": "a", "versionInfo": "1", "licenseDeclared": "MIT"}"#),
        )]);
        let new = bundle(&[(
            "sbom/x.spdx.json",
            &spdx(r#"{"name": "a", "versionInfo": "1", "licenseDeclared": "GPL-2.0"}"#),
        )]);
        assert_eq!(run(&old, &new), (None, vec![]));
    }

    #[test]
    fn supplier_prefix_stripping() {
        assert_eq!(
            strip_supplier_prefix("Organization: Acme Inc."),
            "Acme Inc."
        );
        assert_eq!(strip_supplier_prefix("Person: Jane"), "Jane");
        assert_eq!(strip_supplier_prefix("NOASSERTION"), "NOASSERTION");
        // Only the first ": " counts.
        assert_eq!(strip_supplier_prefix("Organization: A: B"), "A: B");
        // A colon without a space is no prefix.
        assert_eq!(
            strip_supplier_prefix("Organization:Acme"),
            "Organization:Acme"
        );
        assert_eq!(strip_supplier_prefix(""), "");
        // Only SPDX suppliers are stripped; CycloneDX supplier names are kept as written.
        let c = parse_one(
            &cdx(r#"{"name": "a", "supplier": {"name": "Organization: Acme", "url": ["x"]}}"#),
            Format::CycloneDx,
        )
        .unwrap();
        assert_eq!(c[0].supplier, "Organization: Acme");
        // The prefix itself changing is no change.
        let old = bundle(&[(
            "sbom/x.spdx.json",
            &spdx(r#"{"name": "a", "supplier": "Organization: Acme"}"#),
        )]);
        let new = bundle(&[(
            "sbom/x.spdx.json",
            &spdx(r#"{"name": "a", "supplier": "Person: Acme"}"#),
        )]);
        assert_eq!(run(&old, &new), (None, vec![]));
    }

    #[test]
    fn cdx_fields_and_license_flattening() {
        let p = parse_one(
            &cdx(r#"
                {"name": "expr", "version": "1", "licenses": [{"expression": "MIT OR Apache-2.0", "license": {"id": "X"}}]},
                {"name": "ids", "version": "2", "supplier": {"name": "Acme"},
                 "licenses": [{"license": {"id": "MIT", "name": "MIT License"}}, {"license": {"name": "Custom"}}, {"license": {}}, {"expression": ""}, {}]},
                {"name": "none", "version": "3", "licenses": []},
                {"name": "mixed", "licenses": [{"license": {"name": "Foo"}}, {"expression": "BSD-3-Clause"}, {"license": {"id": "ISC"}}]},
                {"name": "nullsup", "supplier": null, "licenses": null}
            "#),
            Format::CycloneDx,
        )
        .unwrap();
        assert_eq!(
            p,
            vec![
                pkg("expr", "1", "MIT OR Apache-2.0", ""),
                pkg("ids", "2", "MIT AND Custom", "Acme"),
                pkg("none", "3", "", ""),
                pkg("mixed", "", "Foo AND BSD-3-Clause AND ISC", ""),
                pkg("nullsup", "", "", ""),
            ]
        );
    }

    #[test]
    fn cdx_top_level_components_only() {
        let p = parse_one(
            r#"{"metadata": {"component": {"name": "root", "version": "9"}},
                "components": [{"name": "a", "version": "1", "components": [{"name": "nested", "version": "2"}]}]}"#,
            Format::CycloneDx,
        )
        .unwrap();
        assert_eq!(p, vec![pkg("a", "1", "", "")]);
    }

    #[test]
    fn cdx_both_sides() {
        let old = bundle(&[(
            "sbom/bom.cdx.json",
            &cdx(
                r#"{"name": "lodash", "version": "4.17.20", "licenses": [{"license": {"id": "MIT"}}]},
                    {"name": "left-pad", "version": "1.0.0"}"#,
            ),
        )]);
        let new = bundle(&[(
            "sbom/bom.cdx.json",
            &cdx(
                r#"{"name": "lodash", "version": "4.17.21", "licenses": [{"expression": "MIT OR ISC"}], "supplier": {"name": "OpenJS"}},
                    {"name": "right-pad", "version": "2.0.0"}"#,
            ),
        )]);
        let (d, w) = run(&old, &new);
        assert!(w.is_empty());
        let d = d.unwrap();
        assert_eq!(
            (d.old_format.as_str(), d.new_format.as_str()),
            ("cyclonedx", "cyclonedx")
        );
        assert_eq!(
            rows(&d),
            vec![
                row("lodash", "modified", "version", "4.17.20", "4.17.21"),
                row("lodash", "modified", "license", "MIT", "MIT OR ISC"),
                row("lodash", "modified", "supplier", "", "OpenJS"),
                row("left-pad", "removed", "package", "1.0.0", ""),
                row("right-pad", "added", "package", "", "2.0.0"),
            ]
        );
    }

    #[test]
    fn cross_format_comparison() {
        let old = bundle(&[(
            "sbom/a.spdx.json",
            &spdx(
                r#"{"name": "x", "versionInfo": "1", "licenseConcluded": "MIT", "supplier": "Organization: Acme"}"#,
            ),
        )]);
        let new = bundle(&[(
            "sbom/a.cdx.json",
            &cdx(
                r#"{"name": "x", "version": "1", "licenses": [{"license": {"id": "MIT"}}], "supplier": {"name": "Acme"}},
                    {"name": "y", "version": "2"}"#,
            ),
        )]);
        let (d, w) = run(&old, &new);
        assert!(w.is_empty());
        let d = d.unwrap();
        assert_eq!(
            (d.old_format.as_str(), d.new_format.as_str()),
            ("spdx", "cyclonedx")
        );
        assert_eq!(rows(&d), vec![row("y", "added", "package", "", "2")]);
        // And the other way round, with equal packages: nothing.
        let (d, w) = run(&new, &new);
        assert_eq!((d, w), (None, vec![]));
    }

    #[test]
    fn only_new_lists_every_package() {
        let old = bundle(&[]);
        let new = bundle(&[(
            "sbom/app.cdx.json",
            &cdx(
                r#"{"name": "b", "version": "2"}, {"name": "a", "version": "1"}, {"name": "b", "version": "3"}"#,
            ),
        )]);
        let d = run(&old, &new).0.unwrap();
        assert_eq!(d.old_format, "");
        assert_eq!(d.new_format, "cyclonedx");
        assert_eq!(
            rows(&d),
            vec![
                row("b", "added", "package", "", "2"),
                row("a", "added", "package", "", "1"),
                row("b", "added", "package", "", "3"),
            ]
        );
    }

    #[test]
    fn only_old_lists_every_package() {
        let old = bundle(&[(
            "sbom/app.spdx.json",
            &spdx(r#"{"name": "b", "versionInfo": "2"}, {"name": "a"}"#),
        )]);
        let new = bundle(&[("sbom/readme.txt", "not an sbom")]);
        let d = run(&old, &new).0.unwrap();
        assert_eq!(d.old_format, "spdx");
        assert_eq!(d.new_format, "");
        assert_eq!(
            rows(&d),
            vec![
                row("b", "removed", "package", "2", ""),
                row("a", "removed", "package", "", ""),
            ]
        );
        let json = serde_json::to_value(&d).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "oldFormat": "spdx",
                "changes": [
                    {"package": "b", "type": "removed", "field": "package", "oldValue": "2"},
                    {"package": "a", "type": "removed", "field": "package"}
                ]
            })
        );
    }

    #[test]
    fn no_sbom_anywhere() {
        assert_eq!(run(&bundle(&[]), &bundle(&[])), (None, vec![]));
        // Wrong suffixes, wrong directory, nested directory: still no SBOM.
        let b = bundle(&[
            ("sbom/app.json", "{}"),
            ("sbom/app.spdx", "{}"),
            ("sbom/nested/app.spdx.json", &spdx(r#"{"name": "a"}"#)),
            ("docs/app.cdx.json", &cdx(r#"{"name": "a"}"#)),
            ("app.spdx.json", &spdx(r#"{"name": "a"}"#)),
            ("x/sbom/app.spdx.json", &spdx(r#"{"name": "a"}"#)),
        ]);
        assert_eq!(run(&bundle(&[]), &b), (None, vec![]));
        assert_eq!(run(&b, &bundle(&[])), (None, vec![]));
    }

    #[test]
    fn discovery_takes_the_first_matching_file_in_name_order() {
        let b = bundle(&[
            ("sbom/b.spdx.json", &spdx(r#"{"name": "from-b"}"#)),
            ("sbom/a.cdx.json", &cdx(r#"{"name": "from-a"}"#)),
            ("sbom/0-notes.txt", "garbage"),
            ("sbom/0/x.spdx.json", &spdx(r#"{"name": "nested"}"#)),
        ]);
        let (path, _, format) = find(&b).unwrap();
        assert_eq!((path, format), ("sbom/a.cdx.json", Format::CycloneDx));
        let d = run(&bundle(&[]), &b).0.unwrap();
        assert_eq!(d.new_format, "cyclonedx");
        assert_eq!(rows(&d), vec![row("from-a", "added", "package", "", "")]);
        // A later broken file is never read.
        let b = bundle(&[
            ("sbom/a.spdx.json", &spdx(r#"{"name": "ok"}"#)),
            ("sbom/b.spdx.json", "{broken"),
        ]);
        let (d, w) = run(&bundle(&[]), &b);
        assert!(w.is_empty());
        assert_eq!(d.unwrap().changes.len(), 1);
    }

    #[test]
    fn format_decided_by_suffix_only() {
        // A CycloneDX document named .spdx.json is read as SPDX: it has no `packages`.
        let b = bundle(&[("sbom/x.spdx.json", &cdx(r#"{"name": "a", "version": "1"}"#))]);
        assert_eq!(run(&bundle(&[]), &b), (None, vec![]));
    }

    #[test]
    fn later_duplicate_wins_when_both_sides_exist() {
        let old = bundle(&[(
            "sbom/x.spdx.json",
            &spdx(
                r#"{"name": "a", "versionInfo": "1"}, {"name": "b", "versionInfo": "1"}, {"name": "a", "versionInfo": "2"}"#,
            ),
        )]);
        let new = bundle(&[(
            "sbom/x.spdx.json",
            &spdx(r#"{"name": "b", "versionInfo": "1"}, {"name": "a", "versionInfo": "2"}"#),
        )]);
        assert_eq!(run(&old, &new), (None, vec![]));
        let new = bundle(&[(
            "sbom/x.spdx.json",
            &spdx(
                r#"{"name": "a", "versionInfo": "3"}, {"name": "c", "versionInfo": "1"}, {"name": "c", "versionInfo": "4"}"#,
            ),
        )]);
        assert_eq!(
            rows(&run(&old, &new).0.unwrap()),
            vec![
                row("a", "modified", "version", "2", "3"),
                row("b", "removed", "package", "1", ""),
                row("c", "added", "package", "", "4"),
            ]
        );
    }

    #[test]
    fn parse_failure_is_a_warning_and_no_sbom_diff() {
        let good = bundle(&[(
            "sbom/x.spdx.json",
            &spdx(r#"{"name": "a", "versionInfo": "1"}"#),
        )]);
        let bad = bundle(&[("sbom/x.spdx.json", "{\"packages\": [")]);
        let (d, w) = run(&good, &bad);
        assert_eq!(d, None);
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].side, "new");
        assert_eq!(w[0].file, "sbom/x.spdx.json");
        assert!(w[0].message.contains("SPDX"), "{}", w[0].message);

        let bad_cdx = bundle(&[("sbom/y.cdx.json", r#"{"components": [{"name": 42}]}"#)]);
        let (d, w) = run(&bad_cdx, &good);
        assert_eq!(d, None);
        assert_eq!(w.len(), 1);
        assert_eq!(
            (w[0].side.as_str(), w[0].file.as_str()),
            ("old", "sbom/y.cdx.json")
        );
        assert!(w[0].message.contains("CycloneDX"), "{}", w[0].message);

        // Both broken: a warning for each side.
        let (d, w) = run(&bad_cdx, &bad);
        assert_eq!(d, None);
        assert_eq!(w.len(), 2);
        // Broken and absent: still no diff, one warning.
        let (d, w) = run(&bundle(&[]), &bad);
        assert_eq!(d, None);
        assert_eq!(w.len(), 1);
    }

    #[test]
    fn go_json_decoding_rules() {
        let ok = |t: &str, f| parse_one(t, f).expect(t);
        let err = |t: &str, f| assert!(parse_one(t, f).is_err(), "{t} should fail");
        // Unknown members of any shape are ignored, even numbers Rust could not represent.
        assert_eq!(
            ok(
                r#"{"x": [1e999, {"y": null}], "packages": [{"name": "a", "z": -1e-999}]}"#,
                Format::Spdx
            ),
            vec![pkg("a", "", "", "")]
        );
        // null: no-op for strings and objects, resets lists; top-level null is an empty SBOM.
        assert_eq!(ok("null", Format::Spdx), vec![]);
        assert_eq!(ok("{}", Format::CycloneDx), vec![]);
        assert_eq!(ok(r#"{"packages": null}"#, Format::Spdx), vec![]);
        assert_eq!(
            ok(
                r#"{"packages": [null, {"name": null, "versionInfo": "1"}]}"#,
                Format::Spdx
            ),
            vec![pkg("", "", "", ""), pkg("", "1", "", "")]
        );
        // Member names match case-insensitively; a later duplicate overrides.
        assert_eq!(
            ok(
                r#"{"PACKAGES": [{"Name": "a", "VERSIONINFO": "1", "name": "b"}]}"#,
                Format::Spdx
            ),
            vec![pkg("b", "1", "", "")]
        );
        assert_eq!(
            ok(
                r#"{"components": [{"name": "a"}], "components": [{"name": "b"}]}"#,
                Format::CycloneDx
            ),
            vec![pkg("b", "", "", "")]
        );
        // Type mismatches, syntax errors, trailing data fail.
        err(r#"{"packages": {}}"#, Format::Spdx);
        err(r#"{"packages": [{"versionInfo": 1}]}"#, Format::Spdx);
        err(r#"{"packages": ["a"]}"#, Format::Spdx);
        err(r#"[]"#, Format::Spdx);
        err(
            r#"{"components": [{"supplier": "Acme"}]}"#,
            Format::CycloneDx,
        );
        err(
            r#"{"components": [{"licenses": [{"license": "MIT"}]}]}"#,
            Format::CycloneDx,
        );
        err(
            r#"{"components": [{"licenses": {"expression": "MIT"}}]}"#,
            Format::CycloneDx,
        );
        err(r#"{"components": []} x"#, Format::CycloneDx);
        err("", Format::CycloneDx);
        err("{\"packages\": [],}", Format::Spdx);
        // Trailing whitespace is fine.
        assert_eq!(ok("{\"packages\": []}\n\n", Format::Spdx), vec![]);
    }

    #[test]
    fn empty_result_is_dropped() {
        let a = bundle(&[(
            "sbom/x.spdx.json",
            &spdx(r#"{"name": "a", "versionInfo": "1"}"#),
        )]);
        assert_eq!(run(&a, &a.clone()), (None, vec![]));
        // Only one side, but without packages: nothing to report.
        let empty = bundle(&[("sbom/x.cdx.json", &cdx(""))]);
        assert_eq!(run(&bundle(&[]), &empty), (None, vec![]));
        assert_eq!(run(&empty, &bundle(&[])), (None, vec![]));
        assert_eq!(run(&empty, &empty.clone()), (None, vec![]));
    }
}
