//! Tag resolution (spec oci-graph-cli §3).

use pacto_core::oci::{select_tag, OciError};

fn tags(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn pick(list: &[&str], constraint: Option<&str>) -> Result<String, OciError> {
    select_tag("h.io/r", &tags(list), constraint)
}

#[test]
fn highest_semver_without_constraint_includes_prereleases() {
    assert_eq!(pick(&["1.0.0", "2.0.0-rc.1"], None).unwrap(), "2.0.0-rc.1");
    assert_eq!(pick(&["1.0.0", "1.10.0", "1.9.0"], None).unwrap(), "1.10.0");
    assert_eq!(pick(&["latest", "main", "0.1.0"], None).unwrap(), "0.1.0");
    // An empty constraint is no constraint.
    assert_eq!(
        pick(&["1.0.0", "2.0.0-rc.1"], Some("")).unwrap(),
        "2.0.0-rc.1"
    );
}

#[test]
fn loose_semver_tags_count_and_keep_their_spelling() {
    assert_eq!(pick(&["1.0.0", "v2.0.0"], None).unwrap(), "v2.0.0");
    assert_eq!(pick(&["1", "1.2"], None).unwrap(), "1.2");
    assert_eq!(pick(&["01.02.03", "1.2.2"], None).unwrap(), "01.02.03");
    assert_eq!(pick(&["20240101", "3.0.0"], None).unwrap(), "20240101");
    assert_eq!(pick(&["1.0.0+meta", "0.9.0"], None).unwrap(), "1.0.0+meta");
}

#[test]
fn non_semver_tags_are_ignored() {
    for tag in [
        "latest",
        "main",
        "V1.0.0",
        "sha256-abc.sig",
        "1.0.0-rc.01",
        "99999999999999999999.0.0",
    ] {
        let e = pick(&[tag], None).unwrap_err();
        assert_eq!(e.to_string(), "no semver tags found", "{tag}");
        assert_eq!(e.code(), "NOT_FOUND");
    }
    assert_eq!(
        pick(&[], None).unwrap_err().to_string(),
        "no semver tags found"
    );
}

#[test]
fn constraints_filter() {
    let all = [
        "1.0.0",
        "1.2.0",
        "1.5.3",
        "2.0.0",
        "2.1.0-beta.1",
        "0.3.5",
        "0.4.0",
    ];
    assert_eq!(pick(&all, Some("^1.0.0")).unwrap(), "1.5.3");
    assert_eq!(pick(&all, Some("~1.2")).unwrap(), "1.2.0");
    assert_eq!(pick(&all, Some(">=1.0.0 <2.0.0")).unwrap(), "1.5.3");
    assert_eq!(pick(&all, Some(">=1.0.0, <2.0.0")).unwrap(), "1.5.3");
    assert_eq!(pick(&all, Some("^0.3.0")).unwrap(), "0.3.5");
    assert_eq!(pick(&all, Some("1.x")).unwrap(), "1.5.3");
    assert_eq!(pick(&all, Some("^1.0.0 || ^2.0.0")).unwrap(), "2.0.0");
    // Pre-releases only when the constraint mentions one.
    assert_eq!(pick(&all, Some(">=2.0.0")).unwrap(), "2.0.0");
    assert_eq!(pick(&all, Some(">=2.1.0-alpha")).unwrap(), "2.1.0-beta.1");
    let e = pick(&all, Some("^3.0.0")).unwrap_err();
    assert_eq!(e.to_string(), "no tags satisfy constraint \"^3.0.0\"");
    assert_eq!(e.code(), "NOT_FOUND");
}

#[test]
fn invalid_constraint() {
    let e = pick(&["1.0.0"], Some("not a range")).unwrap_err();
    assert_eq!(e.code(), "INVALID_CONSTRAINT");
    assert!(
        e.to_string()
            .starts_with("invalid constraint \"not a range\": "),
        "{e}"
    );
}

#[test]
fn equal_versions_last_listed_wins() {
    assert_eq!(pick(&["1.0.0", "v1.0.0"], None).unwrap(), "v1.0.0");
    assert_eq!(pick(&["v1.0.0", "1.0.0"], None).unwrap(), "1.0.0");
    assert_eq!(
        pick(&["1.0.0+a", "1.0.0+b", "0.1.0"], None).unwrap(),
        "1.0.0+b"
    );
}
