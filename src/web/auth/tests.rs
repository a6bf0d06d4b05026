use super::*;

#[test]
fn next_stays_on_this_site() {
    for ours in [
        "/agencies/so-y-te",
        "/instances/p/bao-cao/2025-04-29?all=1",
        "/%C4%91",
        "/a%2Fb",
    ] {
        assert_eq!(safe_next(Some(ours)), ours);
    }
    for theirs in [
        "//evil.example/",
        "https://evil.example/",
        "javascript:alert(1)",
        "/\\evil.example",
        "/\t/EVIL",
        "/%09/EVIL",
        "/\n/EVIL",
        "/ /EVIL",
        "/%2F%2Fevil",
        "/%2Fevil",
        "/%5Cevil",
        "/%252F%252Fevil",
        "/%25252F%25252Fevil",
        "/x%0d%0aSet-Cookie:%20a=b",
        "/\u{a0}/evil",
        "/%E2%80%A8/evil",
        "evil",
        "",
    ] {
        assert_eq!(safe_next(Some(theirs)), "/", "{theirs:?}");
    }
    assert_eq!(
        safe_next(Some(&format!("/{}", "a".repeat(NEXT_CHARS)))),
        "/"
    );
    assert_eq!(safe_next(None), "/");
}
