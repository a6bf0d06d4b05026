use super::{FILES_AT_MOST, Kind, REFERENCES_AT_MOST, read};
use mail_parser::MessageParser;

const REPLY: &str = "From: =?UTF-8?Q?S=E1=BB=9F_Y_t=E1=BA=BF?= <VanThu@SYT.example.gov.vn>\r\n\
To: vptt138@example.gov.vn\r\n\
Subject: =?UTF-8?B?UmU6IFYvdiBuaOG6r2MgdGjhu51pIGjhuqFu?=\r\n\
Date: Mon, 16 Jun 2025 09:30:00 +0700\r\n\
Message-ID: <reply-1@syt.example.gov.vn>\r\n\
In-Reply-To: <dondoc.abc@example.gov.vn>\r\n\
References: <dondoc.first@example.gov.vn> <dondoc.abc@example.gov.vn>\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"b\"\r\n\
\r\n\
--b\r\n\
Content-Type: text/plain; charset=utf-8\r\n\
\r\n\
Sở Y tế gửi Báo cáo Số: 125/BC-SYT.\r\n\
--b\r\n\
Content-Type: application/pdf\r\n\
Content-Disposition: attachment; filename=\"bao-cao.pdf\"\r\n\
Content-Transfer-Encoding: base64\r\n\
\r\n\
JVBERi0xLjQK\r\n\
--b--\r\n";

#[test]
fn a_reply_says_who_what_it_answers_and_what_it_carries() {
    let m = read(REPLY.as_bytes()).unwrap();
    assert_eq!(m.id, "reply-1@syt.example.gov.vn");
    assert_eq!(m.from.as_deref(), Some("vanthu@syt.example.gov.vn"));
    assert_eq!(m.subject, "Re: V/v nhắc thời hạn");
    assert!(m.text.contains("Số: 125/BC-SYT"), "{}", m.text);
    assert_eq!(
        m.replies_to,
        ["dondoc.abc@example.gov.vn", "dondoc.first@example.gov.vn"]
    );
    assert_eq!(m.kind, Kind::Written);
    assert_eq!(m.date, Some(1_750_041_000));
    assert_eq!(m.attachments.len(), 1);
    assert_eq!(m.attachments[0].name, "bao-cao.pdf");
    assert_eq!(m.attachments[0].bytes, b"%PDF-1.4\n");
}

#[test]
fn a_date_outside_2000_to_2100_or_not_in_the_calendar_is_no_date() {
    for (date, want) in [
        ("Fri, 31 Dec 9999 23:00:00 +0000", None),
        ("Sat, 01 Jan 1972 00:00:00 +0000", None),
        ("Mon, 16 Jun 2025 09:30:00 +0700", Some(1_750_041_000)),
        // Days and times that do not exist, which the parser would roll on
        // (to 01/07, 01/03, the next day): no date, as every door refuses.
        ("Tue, 31 Jun 2025 08:00:00 +0700", None),
        ("Sat, 29 Feb 2025 08:00:00 +0700", None),
        ("Mon, 28 Apr 2025 25:00:00 +0700", None),
        ("Mon, 28 Apr 2025 08:61:00 +0700", None),
        ("Thu, 29 Feb 2024 08:00:00 +0700", Some(1_709_168_400)),
    ] {
        let raw = REPLY.replace("Mon, 16 Jun 2025 09:30:00 +0700", date);
        assert_eq!(read(raw.as_bytes()).unwrap().date, want, "{date}");
    }
}

#[test]
fn automatic_answers_are_recognised() {
    let base = "From: a@syt.example.gov.vn\r\nMessage-ID: <x@y>\r\nIn-Reply-To: <dondoc.abc@example.gov.vn>\r\n";
    for extra in [
        "Auto-Submitted: auto-replied\r\nSubject: Re: V/v\r\n",
        "X-Autoreply: yes\r\nSubject: Re: V/v\r\n",
        "Precedence: auto_reply\r\nSubject: Re: V/v\r\n",
        "Subject: Automatic reply: V/v nhắc\r\n",
        "Subject: Trả lời tự động: V/v nhắc\r\n",
    ] {
        let m = read(format!("{base}{extra}\r\nTôi vắng mặt đến 20/6.\r\n").as_bytes()).unwrap();
        assert_eq!(m.kind, Kind::AutoReply, "{extra}");
    }
    let person = format!("{base}Auto-Submitted: no\r\nSubject: Re: V/v\r\n\r\nĐã gửi.\r\n");
    assert_eq!(read(person.as_bytes()).unwrap().kind, Kind::Written);
}

#[test]
fn a_bounce_names_the_reminder_it_reports_on() {
    let dsn = "From: Mail Delivery System <MAILER-DAEMON@mail.example.gov.vn>\r\n\
Subject: Undelivered Mail Returned to Sender\r\n\
Message-ID: <dsn-1@mail.example.gov.vn>\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/report; report-type=delivery-status; boundary=\"r\"\r\n\
\r\n\
--r\r\n\
Content-Type: text/plain\r\n\
\r\n\
<vanthu@stp.example.gov.vn>: host said: 550 user unknown\r\n\
--r\r\n\
Content-Type: message/delivery-status\r\n\
\r\n\
Reporting-MTA: dns; mail.example.gov.vn\r\n\
\r\n\
Final-Recipient: rfc822; vanthu@stp.example.gov.vn\r\n\
Action: failed\r\n\
Status: 5.1.1\r\n\
--r\r\n\
Content-Type: text/rfc822-headers\r\n\
\r\n\
From: vptt138@example.gov.vn\r\n\
To: vanthu@stp.example.gov.vn\r\n\
Message-ID: <dondoc.abc@example.gov.vn>\r\n\
Subject: V/v nhắc\r\n\
--r--\r\n";
    let m = read(dsn.as_bytes()).unwrap();
    assert_eq!(
        m.kind,
        Kind::Bounce {
            original: Some("dondoc.abc@example.gov.vn".into()),
            recipients: vec!["vanthu@stp.example.gov.vn".into()],
        }
    );
}

#[test]
fn a_message_without_message_id_is_known_by_its_headers() {
    let raw = "From: a@b.vn\r\nSubject: x\r\n\r\nbody\r\n";
    let a = read(raw.as_bytes()).unwrap();
    let b = read(raw.replace("body", "other body").as_bytes()).unwrap();
    assert!(a.id.starts_with("sha256:") && a.id.len() == 71, "{}", a.id);
    assert_eq!(a.id, b.id, "the same headers: the same message");
    let c = read(raw.replace("Subject: x", "Subject: y").as_bytes()).unwrap();
    assert_ne!(a.id, c.id);
}

/// 12 000 messages, each inside the one before: read (and dropped) on
/// a thread with a quarter of tokio's blocking stack, and not read
/// further.
#[test]
fn messages_nested_12000_deep_do_not_overflow_the_stack() {
    let head =
        "From: a@syt.example.gov.vn\r\nSubject: x\r\nMessage-ID: <deep@x>\r\nMIME-Version: 1.0\r\n";
    let tower = |levels: usize| {
        let mut raw = String::from(head);
        for n in 0..levels {
            raw.push_str(&format!(
                "Content-Type: multipart/mixed; boundary=\"b{n}\"\r\n\r\n--b{n}\r\nContent-Type: message/rfc822\r\n\r\n"
            ));
        }
        raw.push_str("Subject: in\r\n\r\nhi");
        for n in (0..levels).rev() {
            raw.push_str(&format!("\r\n--b{n}--\r\n"));
        }
        raw
    };
    // Parsed whole (as before the boundary count), measured and dropped
    // without recursion on a quarter of tokio's blocking stack.
    let raw = tower(12_000);
    let deepest = std::thread::Builder::new()
        .stack_size(512 << 10)
        .spawn(move || {
            let m = MessageParser::default().parse(raw.as_bytes()).unwrap();
            let deepest = super::depth(&m);
            super::dismantle(m);
            deepest
        })
        .unwrap()
        .join()
        .unwrap();
    assert!(deepest > 12_000, "{deepest}");
    // Read: only its headers, for so many boundaries.
    let m = read(tower(12_000).as_bytes()).unwrap();
    assert_eq!(m.kind, Kind::TooManyParts);
    assert_eq!(m.id, "deep@x");
    assert!(m.attachments.is_empty() && m.text.is_empty());
    // 40 deep is under the boundary count, over the nesting limit.
    let m = read(tower(40).as_bytes()).unwrap();
    assert_eq!(m.kind, Kind::TooDeep);
    assert!(m.attachments.is_empty() && m.text.is_empty());
    // A forwarded message is no attack.
    let forwarded = format!(
        "{head}Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n\
         Content-Type: text/plain\r\n\r\nChuyển tiếp.\r\n--b\r\n\
         Content-Type: message/rfc822\r\n\r\nSubject: in\r\n\r\nhi\r\n--b--\r\n"
    );
    assert_eq!(read(forwarded.as_bytes()).unwrap().kind, Kind::Written);
}

/// 40 000 referenced ids: the parent, then the newest 99, at once.
#[test]
fn references_are_read_up_to_a_hundred_newest_first() {
    let refs: Vec<String> = (0..40_000).map(|n| format!("<r{n}@x>")).collect();
    let raw = REPLY.replace(
        "References: <dondoc.first@example.gov.vn> <dondoc.abc@example.gov.vn>",
        &format!("References: {}", refs.join(" ")),
    );
    let m = read(raw.as_bytes()).unwrap();
    assert_eq!(m.replies_to.len(), REFERENCES_AT_MOST);
    assert_eq!(m.replies_to[0], "dondoc.abc@example.gov.vn");
    assert_eq!(m.replies_to[1], "r39999@x");
    assert_eq!(m.replies_to[99], "r39901@x");
}

/// 20 000 tiny files: the first hundred are read, the rest counted.
#[test]
fn files_beyond_a_hundred_are_counted_not_read() {
    let mut raw = REPLY.replace("--b--\r\n", "");
    for n in 0..20_000 {
        raw.push_str(&format!(
            "--b\r\nContent-Type: application/octet-stream\r\n\
             Content-Disposition: attachment; filename=\"t{n}.bin\"\r\n\r\nabc\r\n"
        ));
    }
    raw.push_str("--b--\r\n");
    let m = read(raw.as_bytes()).unwrap();
    assert_eq!(m.attachments.len(), FILES_AT_MOST);
    assert_eq!(m.attachments[1].name, "t0.bin");
    assert_eq!(
        m.more_files,
        (20_001 - FILES_AT_MOST, 3 * (20_001 - FILES_AT_MOST) as u64)
    );
}

/// Two From headers: which is the sender is a reader's guess.
#[test]
fn a_message_with_two_senders_has_none() {
    let raw = REPLY.replace(
        "To: vptt138",
        "From: ke-gian@gian-lan.example\r\nTo: vptt138",
    );
    assert_eq!(read(raw.as_bytes()).unwrap().from, None);
}

/// Only recipients whose delivery failed are reported; delayed,
/// delivered and relayed ones are not.
#[test]
fn a_bounce_reports_only_failed_recipients() {
    let raw = "From: MAILER-DAEMON@mail.example.gov.vn\r\nMessage-ID: <d@x>\r\nMIME-Version: 1.0\r\n\
Content-Type: multipart/report; report-type=delivery-status; boundary=\"r\"\r\n\r\n\
--r\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; x\r\n\r\n\
Final-Recipient: rfc822; a@x.vn\r\nAction: delayed\r\n\r\n\
Final-Recipient: rfc822; b@x.vn\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n\
Original-Recipient: rfc822; C@x.vn\r\nFinal-Recipient: rfc822; c@x.vn\r\nAction: delivered\r\n\
--r--\r\n";
    let Kind::Bounce { recipients, .. } = read(raw.as_bytes()).unwrap().kind else {
        panic!("a bounce")
    };
    assert_eq!(recipients, ["b@x.vn"]);
}
