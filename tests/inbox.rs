//! What replies mean (issue 12, first part): reminders really sent by `tick`
//! (outbox transport, a real SQLite file), then messages written as agencies'
//! mail programs write them, read with `inbox::message::read` and matched
//! with `inbox::matching::meaning` against that ledger.

mod common;

use std::fs;

use common::{dondoc, reminder_config};
use dondoc::inbox::matching::{Meaning, meaning};
use dondoc::inbox::message::read;
use dondoc::ledger::Ledger;

/// The Message-ID (without brackets) of the reminder sent to `to`.
fn reminder_to(outbox: &std::path::Path, to: &str) -> String {
    for entry in fs::read_dir(outbox).unwrap() {
        let raw = fs::read(entry.unwrap().path()).unwrap();
        let m = read(&raw).unwrap();
        let text = String::from_utf8_lossy(&raw);
        if text.contains(&format!("To: {to}")) || text.contains(&format!("<{to}>")) {
            return m.id;
        }
    }
    panic!("no reminder to {to}");
}

#[test]
fn replies_from_the_agency_propose_bounces_and_strangers_do_not() {
    let dir = reminder_config("[mail]\noutbox = \"state/outbox\"\n");
    let cfg = dir.path().to_str().unwrap();
    let out = dondoc(&["--config", cfg, "tick", "--at", "24/04/2025 08:00"]);
    assert!(
        out.stdout.contains("2 new emails; delivered 2"),
        "{}",
        out.stdout
    );
    let syt = reminder_to(
        &dir.path().join("state/outbox"),
        "vanthu@syt.example.gov.vn",
    );
    assert!(syt.starts_with("dondoc."), "{syt}");

    let config = dondoc::config::load(dir.path()).unwrap();
    let ledger = Ledger::open(&config.settings.database, "test").unwrap();
    let mean = |raw: String| meaning(&config, &ledger, &read(raw.as_bytes()).unwrap()).unwrap();
    let reply = |from: &str, extra: &str, body: &str| {
        format!(
            "From: {from}\r\nTo: vptt138@example.gov.vn\r\nSubject: Re: V/v nhắc thời hạn gửi kiện toàn\r\n\
             Date: Fri, 25 Apr 2025 10:15:00 +0700\r\nMessage-ID: <r-{from}@example.gov.vn>\r\n\
             In-Reply-To: <{syt}>\r\n{extra}Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
        )
    };

    // From the agency's To address (as its mail program capitalises it),
    // with the number in the body and the reminder quoted below.
    let body = "Sở Y tế đã gửi Quyết định Số: 125/QĐ-SYT.\r\n\r\n\
                Vào 24/04/2025, VPTT 138 đã viết:\r\n> Căn cứ: Kế hoạch số 3212/KH-UBND";
    let Meaning::Submitted(p) = mean(reply("VanThu@SYT.example.gov.vn", "", body)) else {
        panic!("not a proposal");
    };
    assert_eq!(p.agency, "so-y-te");
    assert_eq!(p.reference.as_deref(), Some("125/QĐ-SYT"));
    assert_eq!(p.received, Some(1_745_550_900));
    let items: Vec<String> = p
        .items
        .iter()
        .map(|k| format!("{}/{}/{}/{}", k.plan, k.obligation, k.period, k.agency))
        .collect();
    assert_eq!(items, ["kh-2025/kien-toan/2025-04-29/so-y-te"]);

    // Its Cc address counts too; a stranger's reply does not.
    assert!(matches!(
        mean(reply("tonghop@syt.example.gov.vn", "", "Đã gửi.")),
        Meaning::Submitted(_)
    ));
    assert_eq!(
        mean(reply("ai-do@gmail.com", "", "Số: 1/BC-X")),
        Meaning::Ignored("a reply to a reminder from an address that is not the agency's")
    );
    // An out-of-office answer is not a submission.
    assert_eq!(
        mean(reply(
            "vanthu@syt.example.gov.vn",
            "Auto-Submitted: auto-replied\r\n",
            "Tôi vắng mặt."
        )),
        Meaning::Ignored("an automatic answer")
    );
    // A message that answers nothing of ours.
    let unrelated = reply("vanthu@syt.example.gov.vn", "", "Chào anh.")
        .replace(&format!("In-Reply-To: <{syt}>\r\n"), "");
    assert_eq!(
        mean(unrelated),
        Meaning::Ignored("not a reply to a reminder")
    );

    // A bounce that quotes the reminder's headers names it.
    let dsn = format!(
        "From: MAILER-DAEMON@mail.example.gov.vn\r\nSubject: Undelivered Mail\r\n\
         Message-ID: <dsn@mail.example.gov.vn>\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/report; report-type=delivery-status; boundary=\"r\"\r\n\r\n\
         --r\r\nContent-Type: text/plain\r\n\r\n550 user unknown\r\n\
         --r\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <{syt}>\r\nSubject: V/v\r\n\
         --r--\r\n"
    );
    assert_eq!(mean(dsn), Meaning::Bounced(format!("<{syt}>")));
}
