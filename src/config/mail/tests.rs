use super::*;

#[test]
fn loopback_hosts() {
    for h in ["localhost", "127.0.0.1", "127.3.4.5", "::1", "[::1]"] {
        assert!(is_loopback(h), "{h}");
    }
    for h in ["mail.example.gov.vn", "10.0.0.1", "localhost.evil.vn"] {
        assert!(!is_loopback(h), "{h}");
    }
}

#[test]
fn mailboxes_parse_as_the_composer_uses_them() {
    let m = parse_mailbox("Văn phòng BCĐ 138 <vptt138@example.gov.vn>").unwrap();
    assert_eq!(m.name.as_deref(), Some("Văn phòng BCĐ 138"));
    assert_eq!(m.email.to_string(), "vptt138@example.gov.vn");
    assert!(
        parse_mailbox("vptt138@example.gov.vn")
            .unwrap()
            .name
            .is_none()
    );
    for bad in ["Name <a@b", "a@localhost", "Na\"me <a@b.vn>", "<>"] {
        assert!(parse_mailbox(bad).is_err(), "{bad}");
    }
}
