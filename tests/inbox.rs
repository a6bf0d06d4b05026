//! What replies mean (issue 12, first part): reminders really sent by `tick`
//! (outbox transport, a real SQLite file), then messages written as agencies'
//! mail programs write them, read with `inbox::message::read` and matched
//! with `inbox::matching::meaning` against that ledger.

mod common;

use std::fs;

use common::{dondoc, reminder_config, reminder_to};
use dondoc::inbox::matching::{Doubt, Meaning, meaning};
use dondoc::inbox::message::read;
use dondoc::ledger::Ledger;

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

    // Its Cc address proposes, with a doubt; a stranger's reply does not.
    let Meaning::Submitted(copied) = mean(reply("tonghop@syt.example.gov.vn", "", "Đã gửi."))
    else {
        panic!("not a proposal");
    };
    assert_eq!(copied.doubts, [Doubt::CopyAddress]);
    assert!(p.doubts.is_empty(), "{:?}", p.doubts);
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
         --r\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mail.example.gov.vn\r\n\r\n\
         Final-Recipient: rfc822; VanThu@syt.example.gov.vn\r\nAction: failed\r\nStatus: 5.1.1\r\n\
         --r\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <{syt}>\r\nSubject: V/v\r\n\
         --r--\r\n"
    );
    assert_eq!(mean(dsn.clone()), Meaning::Bounced(format!("<{syt}>")));
    // A bounce that names someone the reminder was not sent to is forged
    // (or about another message): it marks nothing.
    assert_eq!(
        mean(dsn.replace("VanThu@syt.example.gov.vn", "ai-do@gmail.com")),
        Meaning::Ignored("a bounce that reports no failed delivery to the agency's own address")
    );
}

/// Saves messages as `.eml` files under `DIR/mail`, as a mail program
/// does; gives each one's path.
fn saver(dir: &std::path::Path) -> impl Fn(&str, String) -> String {
    let mail = dir.join("mail");
    fs::create_dir(&mail).unwrap();
    move |name, text| {
        let p = mail.join(name);
        fs::write(&p, text).unwrap();
        p.to_str().unwrap().to_string()
    }
}

/// A reply as Thunderbird writes one: text and a PDF attachment.
fn reply_with_pdf(from: &str, id: &str, reminder: &str, body: &str) -> String {
    format!(
        "From: {from}\r\nTo: vptt138@example.gov.vn\r\nSubject: Re: V/v nhắc thời hạn gửi báo cáo\r\n\
         Date: Fri, 25 Apr 2025 10:15:00 +0700\r\nMessage-ID: <{id}>\r\nIn-Reply-To: <{reminder}>\r\n\
         References: <{reminder}>\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n\
         --b1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{body}\r\n\
         --b1\r\nContent-Type: application/pdf; name=\"../Báo cáo kiện toàn.pdf\"\r\n\
         Content-Disposition: attachment; filename=\"../Báo cáo kiện toàn.pdf\"\r\n\
         Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQKJcfsj6IKMSAwIG9iago8PD4+CmVuZG9iagp0cmFpbGVyCjw8Pj4KJSVFT0YK\r\n\
         --b1--\r\n"
    )
}

#[test]
fn inbox_read_proposes_once_and_accept_records_it() {
    use std::os::unix::fs::PermissionsExt;
    let dir = reminder_config("[mail]\noutbox = \"state/outbox\"\n");
    let cfg = dir.path().to_str().unwrap();
    let out = dondoc(&["--config", cfg, "tick", "--at", "24/04/2025 08:00"]);
    assert!(out.status.success(), "{}", out.stderr);
    let outbox = dir.path().join("state/outbox");
    let syt = reminder_to(&outbox, "vanthu@syt.example.gov.vn");
    let stp = reminder_to(&outbox, "vanthu@stp.example.gov.vn");
    let write = saver(dir.path());
    let reply = write(
        "1-reply.eml",
        reply_with_pdf(
            "vanthu@syt.example.gov.vn",
            "r1@syt.example.gov.vn",
            &syt,
            "Sở Y tế gửi báo cáo Số: 125/BC-SYT ngày 25/4/2025.",
        ),
    );
    let again = write("2-again.eml", fs::read_to_string(&reply).unwrap());
    let stranger = write(
        "3-stranger.eml",
        reply_with_pdf("ai-do@gmail.com", "x1@gmail.com", &syt, "Số: 1/BC-X"),
    );
    let away = write(
        "4-away.eml",
        reply_with_pdf(
            "vanthu@stp.example.gov.vn",
            "a1@stp.example.gov.vn",
            &stp,
            "Tôi vắng mặt.",
        )
        .replace(
            "MIME-Version",
            "Auto-Submitted: auto-replied\r\nMIME-Version",
        ),
    );
    let dsn = write(
        "5-dsn.eml",
        format!(
            "From: MAILER-DAEMON@mail.example.gov.vn\r\nSubject: Undelivered Mail\r\n\
             Message-ID: <dsn1@mail.example.gov.vn>\r\nMIME-Version: 1.0\r\n\
             Content-Type: multipart/report; report-type=delivery-status; boundary=\"r\"\r\n\r\n\
             --r\r\nContent-Type: text/plain\r\n\r\n550 5.1.1 user unknown\r\n\
             --r\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mail.example.gov.vn\r\n\r\n\
             Final-Recipient: rfc822; vanthu@stp.example.gov.vn\r\nAction: failed\r\nStatus: 5.1.1\r\n\
             --r\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <{stp}>\r\nSubject: V/v\r\n\
             --r--\r\n"
        ),
    );
    let out = dondoc(&[
        "--config", cfg, "inbox", "read", &reply, &again, &stranger, &away, &dsn,
    ]);
    assert!(out.status.success(), "{}", out.stderr);
    assert!(
        out.stdout
            .contains("5 messages: 1 proposals, 1 bounced, 2 ignored, 1 read before"),
        "{}",
        out.stdout
    );
    // Reading them all again changes nothing.
    let out = dondoc(&["--config", cfg, "inbox", "read", &reply, &dsn]);
    assert!(
        out.stdout
            .contains("0 proposals, 0 bounced, 0 ignored, 2 read before"),
        "{}",
        out.stdout
    );

    let out = dondoc(&["--config", cfg, "inbox", "--format", "json"]);
    let list: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 1, "{}", out.stdout);
    let p = &list[0];
    assert_eq!(p["agency"], "so-y-te");
    assert_eq!(p["ref"], "125/BC-SYT");
    assert_eq!(p["certain"], true);
    assert_eq!(p["from"], "vanthu@syt.example.gov.vn");
    assert_eq!(p["received"], "2025-04-25T10:15:00+07:00");
    assert_eq!(
        p["items"],
        serde_json::json!([{"plan": "kh-2025", "obligation": "kien-toan", "period": "2025-04-29"}])
    );
    // The PDF is kept beside the database, 0600, under a safe name.
    let file = p["files"][0].as_str().unwrap();
    assert_eq!(file, "attachments/1-0-Báo_cáo_kiện_toàn.pdf");
    let path = dir.path().join("state").join(file);
    assert!(fs::read(&path).unwrap().starts_with(b"%PDF-1.4"));
    assert_eq!(
        fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );

    // The bounce shows in status: the office must phone.
    let out = dondoc(&["--config", cfg, "status", "--at", "25/04/2025 12:00"]);
    assert!(
        out.stdout.contains("550 5.1.1 user unknown"),
        "{}",
        out.stdout
    );

    // Accepting records the reply's date and number, by the clerk.
    let id = p["id"].to_string();
    let out = dondoc(&["--config", cfg, "inbox", "accept", &id]);
    assert!(out.status.success(), "{}", out.stderr);
    let rows = common::records::status(cfg, "30/04/2025 12:00");
    let s = common::records::pair(&rows, "so-y-te");
    assert_eq!(s["state"], "on_time");
    assert_eq!(s["submitted_on"], "2025-04-25T10:15:00+07:00");
    assert_eq!(s["ref"], "125/BC-SYT");
    assert_eq!(s["recorded_by"], "cli:thuky");
    let out = dondoc(&["--config", cfg, "inbox", "accept", &id]);
    assert_eq!(out.code, 2, "a decided proposal is not open");
    let out = dondoc(&["--config", cfg, "inbox", "--format", "json"]);
    assert_eq!(out.stdout.trim(), "[]");

    // --auto (accept = "auto") records a certain reply at once, by "inbox".
    let stp_reply = write(
        "6-stp.eml",
        reply_with_pdf(
            "vanthu@stp.example.gov.vn",
            "r2@stp.example.gov.vn",
            &stp,
            "Số 77/BC-STP",
        ),
    );
    let out = dondoc(&["--config", cfg, "inbox", "read", "--auto", &stp_reply]);
    assert!(out.stdout.contains("accepted"), "{}", out.stdout);
    let rows = common::records::status(cfg, "30/04/2025 12:00");
    let s = common::records::pair(&rows, "so-tu-phap");
    assert_eq!(s["ref"], "77/BC-STP");
    assert_eq!(s["recorded_by"], "inbox");
}

/// A message written fresh (not a reply), as a Sở's văn thư sends a report.
fn fresh(from: &str, id: &str, subject: &str, body: &str) -> String {
    format!(
        "From: {from}\r\nTo: vptt138@example.gov.vn\r\nSubject: {subject}\r\n\
         Date: Tue, 10 Jun 2025 15:00:00 +0700\r\nMessage-ID: <{id}>\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    )
}

#[test]
fn a_message_naming_the_plan_and_a_period_is_an_uncertain_proposal() {
    let dir = reminder_config("[mail]\noutbox = \"state/outbox\"\n");
    let cfg = dir.path().to_str().unwrap();
    // The 6-month report named as offices name it, and a year's report.
    let plan = common::PLAN.replace(
        "until = \"31/12/2025\"\n",
        "until = \"31/12/2025\"\nperiod_label = \"'6 tháng đầu năm ' ~ year\"\n\n\
         [[obligation]]\nid = \"bao-cao-nam\"\ntitle = \"Báo cáo năm\"\nagencies = [\"@so-nganh\"]\n\
         yearly = [\"14/12\"]\nuntil = \"31/12/2025\"\nperiod_label = \"'năm ' ~ year\"\n",
    );
    fs::write(dir.path().join("plans/kh-2025.toml"), plan).unwrap();
    let write = saver(dir.path());
    // From the agency's Cc address; the subject names the period (with a
    // line break in it, as long subjects fold), the body the plan. "năm
    // 2025" inside "6 tháng đầu năm 2025" is not the year's report.
    let six = write(
        "1-six.eml",
        fresh(
            "TongHop@syt.example.gov.vn",
            "f1@syt.example.gov.vn",
            "=?UTF-8?Q?B=C3=A1o_c=C3=A1o_6_th=C3=A1ng_=C4=91=E1=BA=A7u?=\r\n =?UTF-8?Q?_n=C4=83m_2025?=",
            "Thực hiện Kế hoạch số 3212/KH-UBND, Sở Y tế gửi Báo cáo số 88/BC-SYT.",
        ),
    );
    // The plan without a period, a period without the plan, a stranger
    // naming both: nothing.
    let no_period = write(
        "2-no-period.eml",
        fresh(
            "vanthu@stp.example.gov.vn",
            "f2@stp.example.gov.vn",
            "Góp ý",
            "Về Kế hoạch số 3212/KH-UBND, Sở Tư pháp có ý kiến như sau.",
        ),
    );
    let no_plan = write(
        "3-no-plan.eml",
        fresh(
            "vanthu@stp.example.gov.vn",
            "f3@stp.example.gov.vn",
            "Báo cáo 6 tháng đầu năm 2025",
            "Sở Tư pháp gửi báo cáo.",
        ),
    );
    let stranger = write(
        "4-stranger.eml",
        fresh(
            "ai-do@gmail.com",
            "f4@gmail.com",
            "Báo cáo năm 2025",
            "Theo Kế hoạch số 3212/KH-UBND.",
        ),
    );
    // Sở Tư pháp names the year's report by its label.
    let year = write(
        "5-year.eml",
        fresh(
            "vanthu@stp.example.gov.vn",
            "f5@stp.example.gov.vn",
            "Báo cáo năm 2025",
            "Căn cứ Kế hoạch số 3212/KH-UBND ngày 20/3/2025, Sở Tư pháp báo cáo.",
        ),
    );
    // accept = "auto" does not record what is uncertain.
    let out = dondoc(&[
        "--config", cfg, "inbox", "read", "--auto", &six, &no_period, &no_plan, &stranger, &year,
    ]);
    assert!(out.status.success(), "{}", out.stderr);
    assert!(
        out.stdout.contains(
            "5-year.eml: proposal 2, uncertain (the message names the plan and the period but replies to no reminder): check it"
        ),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("5 messages: 2 proposals, 0 bounced, 3 ignored, 0 read before"),
        "{}",
        out.stdout
    );
    let out = dondoc(&["--config", cfg, "inbox", "--format", "json"]);
    let list: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2, "{}", out.stdout);
    let (p, q) = (&list[0], &list[1]);
    assert_eq!(p["agency"], "so-y-te");
    assert_eq!(p["certain"], false);
    assert_eq!(p["ref"], "88/BC-SYT");
    assert_eq!(p["from"], "tonghop@syt.example.gov.vn");
    assert_eq!(
        p["items"],
        serde_json::json!([{"plan": "kh-2025", "obligation": "bao-cao-6-thang", "period": "2025-06-14"}])
    );
    assert_eq!(q["agency"], "so-tu-phap");
    assert_eq!(q["certain"], false);
    assert_eq!(
        q["items"],
        serde_json::json!([{"plan": "kh-2025", "obligation": "bao-cao-nam", "period": "2025-12-14"}])
    );
    // The human list says a clerk must check it.
    let out = common::dondoc_in(&["--lang", "vi"], &["--config", cfg, "inbox"]);
    assert!(out.stdout.contains("(chưa chắc chắn)"), "{}", out.stdout);
    assert!(
        out.stdout.contains("đọc thư trước khi ghi nhận"),
        "{}",
        out.stdout
    );

    // `show` gives the clerk the message to read: the period as the office
    // names it, and the text.
    let out = dondoc(&["--config", cfg, "inbox", "show", &p["id"].to_string()]);
    assert!(out.status.success(), "{}", out.stderr);
    for want in [
        "Proposal 1 (waiting; uncertain: the message names the plan and the period but replies to no reminder; sent from an address the agency's reminders are copied to",
        "Agency: Sở Y tế (so-y-te)",
        "Sent: 10/06/2025 15:00",
        "Number: 88/BC-SYT",
        "  - Báo cáo định kỳ 6 tháng, period 6 tháng đầu năm 2025 (kh-2025/bao-cao-6-thang 2025-06-14)",
        "Thực hiện Kế hoạch số 3212/KH-UBND, Sở Y tế gửi Báo cáo số 88/BC-SYT.",
    ] {
        assert!(out.stdout.contains(want), "{want}:\n{}", out.stdout);
    }
    assert_eq!(dondoc(&["--config", cfg, "inbox", "show", "99"]).code, 2);

    // The year's report is dropped: nothing recorded, and it is no longer
    // open (dropping it again is refused).
    let year_id = q["id"].to_string();
    let out = dondoc(&["--config", cfg, "inbox", "reject", &year_id]);
    assert!(out.status.success(), "{}", out.stderr);
    assert!(out.stdout.contains("rejected proposal 2"), "{}", out.stdout);
    let out = dondoc(&["--config", cfg, "inbox", "reject", &year_id]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("2: no open proposal 2"),
        "{}",
        out.stderr
    );
    let out = dondoc(&["--config", cfg, "inbox", "--all", "--format", "json"]);
    let all: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(all[1]["state"], "rejected");
    let rows = common::records::status(cfg, "20/12/2025 12:00");
    let nam = rows
        .iter()
        .find(|r| r["agency"] == "so-tu-phap" && r["obligation"] == "bao-cao-nam")
        .unwrap();
    assert_eq!(nam["state"], "overdue");

    // A clerk accepts it: recorded on the message's date, by the clerk.
    let out = dondoc(&["--config", cfg, "inbox", "accept", &p["id"].to_string()]);
    assert!(out.status.success(), "{}", out.stderr);
    let rows = common::records::status(cfg, "20/06/2025 12:00");
    let s = rows
        .iter()
        .find(|r| r["agency"] == "so-y-te" && r["obligation"] == "bao-cao-6-thang")
        .unwrap();
    assert_eq!(s["state"], "on_time");
    assert_eq!(s["submitted_on"], "2025-06-10T15:00:00+07:00");
    assert_eq!(s["ref"], "88/BC-SYT");
    assert_eq!(s["recorded_by"], "cli:thuky");

    // Once submitted, the same period named again proposes nothing.
    let again = write(
        "6-again.eml",
        fresh(
            "vanthu@syt.example.gov.vn",
            "f6@syt.example.gov.vn",
            "Bổ sung báo cáo 6 tháng đầu năm 2025",
            "Theo Kế hoạch số 3212/KH-UBND.",
        ),
    );
    let out = dondoc(&["--config", cfg, "inbox", "read", &again]);
    assert!(
        out.stdout.contains("0 proposals, 0 bounced, 1 ignored"),
        "{}",
        out.stdout
    );
}

/// What cannot be kept is said, and the rest is kept: a file name of 300
/// bytes (100 × "ữ": over a file system's 255) once lost every file of
/// its message, a file over 25 MiB was dropped without a word, a message
/// of several large files was read whole into memory.
#[test]
fn attachments_not_kept_are_listed_and_the_others_kept() {
    use std::fmt::Write as _;
    let dir = reminder_config("[mail]\noutbox = \"state/outbox\"\n");
    let cfg = dir.path().to_str().unwrap();
    let out = dondoc(&["--config", cfg, "tick", "--at", "24/04/2025 08:00"]);
    assert!(out.status.success(), "{}", out.stderr);
    let outbox = dir.path().join("state/outbox");
    let syt = reminder_to(&outbox, "vanthu@syt.example.gov.vn");
    let stp = reminder_to(&outbox, "vanthu@stp.example.gov.vn");
    let write = saver(dir.path());
    // base64 of `n` bytes of "%PDF", in 76-character lines.
    let base64 = |n: usize| {
        let line = "JVBERi".repeat(12) + "JVBE";
        let mut out = String::with_capacity(n * 4 / 3 + n / 38);
        while out.len() < n * 4 / 3 {
            writeln!(out, "{line}\r").unwrap();
        }
        out
    };
    let part = |name: &str, body: &str| {
        format!(
            "--b1\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; \
             filename=\"{name}\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{body}"
        )
    };
    let message = |from: &str, id: &str, reminder: &str, parts: &[String]| {
        format!(
            "From: {from}\r\nTo: vptt138@example.gov.vn\r\nSubject: Re: V/v nhắc\r\n\
             Date: Fri, 25 Apr 2025 10:15:00 +0700\r\nMessage-ID: <{id}>\r\nIn-Reply-To: <{reminder}>\r\n\
             MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n\
             --b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSố: 125/BC-SYT\r\n{}--b1--\r\n",
            parts.concat()
        )
    };
    let long_name = format!("{}.pdf", "ữ".repeat(100));
    let three = write(
        "three.eml",
        message(
            "vanthu@syt.example.gov.vn",
            "a1@syt.example.gov.vn",
            &syt,
            &[
                part(&long_name, &base64(1000)),
                part("lon.pdf", &base64(26 << 20)),
                part("bao-cao.pdf", &base64(1000)),
            ],
        ),
    );
    // Over 40 MiB: only its first MiB is read; its files stay in the mailbox.
    let huge = write(
        "huge.eml",
        message(
            "vanthu@stp.example.gov.vn",
            "a2@stp.example.gov.vn",
            &stp,
            &[
                part("a.pdf", &base64(20 << 20)),
                part("b.pdf", &base64(20 << 20)),
            ],
        ),
    );
    let out = dondoc(&["--config", cfg, "inbox", "read", &three, &huge]);
    assert!(out.status.success(), "{}", out.stderr);
    assert!(
        out.stdout.contains("2 messages: 2 proposals"),
        "{}",
        out.stdout
    );
    let list: serde_json::Value =
        serde_json::from_str(&dondoc(&["--config", cfg, "inbox", "--format", "json"]).stdout)
            .unwrap();
    let (first, second) = (&list[0], &list[1]);
    assert_eq!(first["files"].as_array().unwrap().len(), 2, "{first}");
    assert!(
        first["files"][0]
            .as_str()
            .unwrap()
            .starts_with("attachments/1-0-ữữ"),
        "{first}"
    );
    let left = first["left_out"][0].as_str().unwrap();
    assert!(
        left.starts_with("lon.pdf (25.") && left.ends_with(" MB): over 25 MB, left in the mailbox"),
        "{left}"
    );
    assert!(second["files"].as_array().unwrap().is_empty(), "{second}");
    assert!(
        second["left_out"][0]
            .as_str()
            .unwrap()
            .contains("the message is over 40 MB, so its files were not downloaded"),
        "{second}"
    );
    let show = dondoc(&["--config", cfg, "inbox", "show", "1"]);
    assert!(
        show.stdout.contains(&format!("File not kept: {left}")),
        "{}",
        show.stdout
    );
}

/// 20 000 tiny files in one reply: the first hundred are kept, the rest
/// are counted on the proposal ("19 901 more files … left in the
/// mailbox"); a message of 12 000 messages each inside the one before is
/// ignored for what it is, and the reader survives it.
#[test]
fn a_flood_of_files_and_a_tower_of_messages_are_bounded() {
    let dir = reminder_config("[mail]\noutbox = \"state/outbox\"\n");
    let cfg = dir.path().to_str().unwrap();
    let out = dondoc(&["--config", cfg, "tick", "--at", "24/04/2025 08:00"]);
    assert!(out.status.success(), "{}", out.stderr);
    let syt = reminder_to(
        &dir.path().join("state/outbox"),
        "vanthu@syt.example.gov.vn",
    );
    let write = saver(dir.path());
    let mut flood = format!(
        "From: vanthu@syt.example.gov.vn\r\nTo: vptt138@example.gov.vn\r\nSubject: Re: V/v nhắc\r\n\
         Date: Fri, 25 Apr 2025 10:15:00 +0700\r\nMessage-ID: <flood@syt.example.gov.vn>\r\n\
         In-Reply-To: <{syt}>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n\
         --b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSố: 125/BC-SYT\r\n"
    );
    for n in 0..20_000 {
        flood.push_str(&format!(
            "--b1\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; \
             filename=\"t{n}.pdf\"\r\n\r\n%PDF\r\n"
        ));
    }
    flood.push_str("--b1--\r\n");
    let flood = write("flood.eml", flood);
    let deep = common::nested_messages(12_000);
    let deep = write("deep.eml", deep);
    let out = dondoc(&["--config", cfg, "inbox", "read", &flood, &deep]);
    assert!(out.status.success(), "{}", out.stderr);
    assert!(
        out.stdout
            .contains("deep.eml: ignored: more than 100 multipart sections"),
        "{}",
        out.stdout
    );
    let list: serde_json::Value =
        serde_json::from_str(&dondoc(&["--config", cfg, "inbox", "--format", "json"]).stdout)
            .unwrap();
    let p = &list[0];
    assert_eq!(p["files"].as_array().unwrap().len(), 100, "{p}");
    assert_eq!(
        p["left_out"][0],
        "19900 more files (0.1 MB): over 100 in one message, left in the mailbox"
    );
    let kept = fs::read_dir(dir.path().join("state/attachments"))
        .unwrap()
        .count();
    assert_eq!(kept, 100);
}
