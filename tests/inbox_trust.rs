//! What a stranger can make the mailbox record: nothing. Reminders really
//! sent by `tick`, then messages a forger would write — a predicted
//! `In-Reply-To`, guessed `References`, an agency's leader writing from the
//! address reminders are copied to, a From the office's mail server did not
//! authenticate, a bounce about someone else — read by `inbox read --auto`
//! with `[inbox] trusted_authserv_id` set through the real loader.

mod common;

use std::fs;

use common::{dondoc, records, reminder_config, reminder_to};
use serde_json::Value;

const INBOX: &str = "[mail]\noutbox = \"state/outbox\"\n\n[inbox]\nhost = \"127.0.0.1\"\n\
    security = \"none\"\nusername = \"vptt\"\npassword_file = \"imap-password\"\n\
    accept = \"auto\"\ntrusted_authserv_id = \"mx.example.gov.vn\"\n";

/// The reminder tests' office with `mail` (an `[inbox]` it never connects to).
fn config(mail: &str) -> tempfile::TempDir {
    let dir = reminder_config(mail);
    fs::write(dir.path().join("imap-password"), "x\n").unwrap();
    dir
}

/// The office after `tick` on 24/04/2025 08:00 sent its reminders: the
/// config (with `mail`), the Message-IDs of the reminders to Sở Y tế and Sở
/// Tư pháp, and a `mail/` folder for messages.
struct Sent {
    dir: tempfile::TempDir,
    syt: String,
    stp: String,
    mail: std::path::PathBuf,
}

fn reminders_sent(mail: &str) -> Sent {
    let dir = config(mail);
    let out = dondoc(&[
        "--config",
        dir.path().to_str().unwrap(),
        "tick",
        "--at",
        "24/04/2025 08:00",
    ]);
    assert!(out.status.success(), "{}", out.stderr);
    let outbox = dir.path().join("state/outbox");
    let syt = reminder_to(&outbox, "vanthu@syt.example.gov.vn");
    let stp = reminder_to(&outbox, "vanthu@stp.example.gov.vn");
    let mail = dir.path().join("mail");
    fs::create_dir(&mail).unwrap();
    Sent {
        dir,
        syt,
        stp,
        mail,
    }
}

/// A reply to `reminders` (In-Reply-To, then References), from `from`,
/// with `headers` above the body.
fn reply(from: &str, id: &str, reminders: &[String], headers: &str, body: &str) -> String {
    let refs: Vec<String> = reminders.iter().map(|r| format!("<{r}>")).collect();
    format!(
        "{headers}From: {from}\r\nTo: vptt138@example.gov.vn\r\nSubject: Re: V/v nhắc thời hạn\r\n\
         Date: Fri, 25 Apr 2025 10:15:00 +0700\r\nMessage-ID: <{id}>\r\nIn-Reply-To: {}\r\n\
         References: {}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n",
        refs.first().cloned().unwrap_or_default(),
        refs.join(" ")
    )
}

/// A delivery status notification about `reminder`, reporting `action`
/// for `recipient`.
fn dsn(id: &str, reminder: &str, recipient: &str, action: &str) -> String {
    format!(
        "From: MAILER-DAEMON@mail.example.gov.vn\r\nSubject: Delivery Status Notification\r\n\
         Message-ID: <{id}>\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/report; report-type=delivery-status; boundary=\"r\"\r\n\r\n\
         --r\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mail.example.gov.vn\r\n\r\n\
         Final-Recipient: rfc822; {recipient}\r\nAction: {action}\r\nStatus: 4.4.1\r\n\
         --r\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <{reminder}>\r\n--r--\r\n"
    )
}

const PASS: &str = "Authentication-Results: mx.example.gov.vn; spf=pass \
    smtp.mailfrom=vanthu@syt.example.gov.vn; dkim=pass header.d=syt.example.gov.vn; \
    dmarc=pass header.from=syt.example.gov.vn\r\n";

#[test]
fn forged_replies_and_bounces_record_nothing() {
    let Sent {
        dir,
        syt,
        stp,
        mail,
    } = reminders_sent(INBOX);
    let cfg = dir.path().to_str().unwrap();
    // dondoc.THREAD.N.MOMENT.RANDOM@domain: 128 random bits nobody can predict.
    let local = syt.split('@').next().unwrap();
    let random = local.rsplit('.').next().unwrap();
    assert!(
        random.len() == 32 && random.bytes().all(|b| b.is_ascii_hexdigit()),
        "{syt}"
    );
    let predicted = syt.replace(&format!(".{random}"), "");

    let save = |name: &str, text: String| {
        let p = mail.join(name);
        fs::write(&p, text).unwrap();
        p.to_str().unwrap().to_string()
    };
    let own = "vanthu@syt.example.gov.vn";
    let files = [
        // The id as it was made before: computed from public facts.
        save(
            "1-predicted.eml",
            reply(
                own,
                "f1@x",
                std::slice::from_ref(&predicted),
                PASS,
                "Đã gửi.",
            ),
        ),
        // Sixty guesses.
        save(
            "2-guessed.eml",
            reply(
                own,
                "f2@x",
                &(0..60)
                    .map(|n| format!("dondoc.{n:016x}.1.1745456400@example.gov.vn"))
                    .collect::<Vec<_>>(),
                PASS,
                "Đã gửi.",
            ),
        ),
        // The agency's director, to whom reminders escalate: not a submission.
        save(
            "3-leader.eml",
            reply(
                "giamdoc@syt.example.gov.vn",
                "f3@x",
                std::slice::from_ref(&syt),
                "",
                "Chưa gửi, đề nghị phòng khẩn trương.",
            ),
        ),
        // The right id, From the agency, but the office's server says DMARC fails.
        save(
            "4-dmarc-fail.eml",
            reply(
                own,
                "f4@x",
                std::slice::from_ref(&syt),
                "Authentication-Results: mx.example.gov.vn; spf=softfail \
                 smtp.mailfrom=vanthu@syt.example.gov.vn; dmarc=fail header.from=syt.example.gov.vn\r\n",
                "Số: 125/BC-SYT",
            ),
        ),
        // A verdict written by someone else's server proves nothing.
        save(
            "5-other-verdict.eml",
            reply(
                own,
                "f5@x",
                std::slice::from_ref(&syt),
                &PASS.replace("mx.example.gov.vn", "mx.gian-lan.example"),
                "Số: 126/BC-SYT",
            ),
        ),
        // A bounce about the Sở Tư pháp reminder that names someone else.
        save(
            "6-forged-bounce.eml",
            format!(
                "From: MAILER-DAEMON@mail.example.gov.vn\r\nSubject: Undelivered Mail\r\n\
                 Message-ID: <dsn-f@x>\r\nMIME-Version: 1.0\r\n\
                 Content-Type: multipart/report; report-type=delivery-status; boundary=\"r\"\r\n\r\n\
                 --r\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; x\r\n\r\n\
                 Final-Recipient: rfc822; ai-do@gmail.com\r\nAction: failed\r\n\
                 --r\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <{stp}>\r\n--r--\r\n"
            ),
        ),
        // Delivery to the agency only delayed: not failed.
        save(
            "7-delayed.eml",
            dsn("dsn-d@x", &stp, "vanthu@stp.example.gov.vn", "delayed"),
        ),
        // Failed to the address copied (a Cc), not to the agency's own.
        save(
            "8-copy-failed.eml",
            dsn("dsn-c@x", &syt, "tonghop@syt.example.gov.vn", "failed"),
        ),
    ];
    let mut args = vec!["--config", cfg, "inbox", "read", "--auto"];
    args.extend(files.iter().map(String::as_str));
    let out = dondoc(&args);
    assert!(out.status.success(), "{}", out.stderr);
    for want in [
        "1-predicted.eml: ignored: not a reply to a reminder",
        "2-guessed.eml: ignored: not a reply to a reminder",
        "3-leader.eml: proposal 1, uncertain (sent from an address the agency's reminders are copied to, not the agency's own; the office's mail server stamped no verdict on the sender): check it",
        "4-dmarc-fail.eml: proposal 2, uncertain (the office's mail server did not authenticate the sender (spf=softfail, dmarc=fail)): check it",
        "5-other-verdict.eml: proposal 3, uncertain (the office's mail server stamped no verdict on the sender): check it",
        "6-forged-bounce.eml: ignored: a bounce that reports no failed delivery to the agency's own address",
        "7-delayed.eml: ignored: a bounce that reports no failed delivery to the agency's own address",
        "8-copy-failed.eml: ignored: a bounce that reports no failed delivery to the agency's own address",
        "8 messages: 3 proposals, 0 bounced, 5 ignored, 0 read before",
    ] {
        assert!(out.stdout.contains(want), "{want}\n{}", out.stdout);
    }
    // Nothing recorded, nothing marked undelivered.
    let rows = records::status(cfg, "25/04/2025 12:00");
    for agency in ["so-y-te", "so-tu-phap"] {
        let s = records::pair(&rows, agency);
        assert!(s["submitted_on"].is_null(), "{s}");
    }
    assert!(
        !dondoc(&["--config", cfg, "status", "--at", "25/04/2025 12:00"])
            .stdout
            .to_lowercase()
            .contains("bounced"),
    );
    // The clerk sees each doubt.
    let list: Value =
        serde_json::from_str(&dondoc(&["--config", cfg, "inbox", "--format", "json"]).stdout)
            .unwrap();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 3);
    assert!(list.iter().all(|p| p["certain"] == false), "{list:?}");
    assert_eq!(
        list[0]["doubts"][0],
        "sent from an address the agency's reminders are copied to, not the agency's own"
    );

    // The genuine reply, authenticated by the office's server, is recorded
    // at once, on its date, with its verdict.
    let genuine = save(
        "7-genuine.eml",
        reply(
            own,
            "g1@syt.example.gov.vn",
            std::slice::from_ref(&syt),
            PASS,
            "Sở Y tế gửi Quyết định số 127/QĐ-SYT.",
        ),
    );
    let out = dondoc(&["--config", cfg, "inbox", "read", "--auto", &genuine]);
    assert!(
        out.stdout.contains("7-genuine.eml: proposal 4, accepted"),
        "{}",
        out.stdout
    );
    let rows = records::status(cfg, "25/04/2025 12:00");
    let s = records::pair(&rows, "so-y-te");
    assert_eq!(s["state"], "on_time", "{s}");
    assert_eq!(s["ref"], "127/QĐ-SYT");
    assert_eq!(s["recorded_by"], "inbox");
}

/// Accepting a proposal goes through the same checks and verdict as
/// `submit`: a message dated before the plan was issued is not recorded
/// (auto leaves it open; the clerk is told why), a good one says on time.
#[test]
fn accept_checks_dates_and_says_on_time_as_submit_does() {
    let Sent { dir, stp, mail, .. } =
        reminders_sent(&INBOX.replace("trusted_authserv_id = \"mx.example.gov.vn\"\n", ""));
    let cfg = dir.path().to_str().unwrap();
    // Dated 01/03/2025, before the plan (20/03/2025): a wrong clock, or a
    // lie. It replies to nothing, but names the plan and the period.
    let early = mail.join("early.eml");
    fs::write(
        &early,
        "From: vanthu@syt.example.gov.vn\r\nTo: vptt138@example.gov.vn\r\n\
         Subject: Báo cáo kiện toàn theo Kế hoạch 3212/KH-UBND\r\n\
         Date: Sat, 01 Mar 2025 10:15:00 +0700\r\nMessage-ID: <e1@syt.example.gov.vn>\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\n\
         Hạn 29/04/2025. Số: 10/BC-SYT\r\n",
    )
    .unwrap();
    let good = mail.join("good.eml");
    fs::write(
        &good,
        reply(
            "vanthu@stp.example.gov.vn",
            "g1@stp.example.gov.vn",
            std::slice::from_ref(&stp),
            "",
            "Số: 11/BC-STP",
        ),
    )
    .unwrap();
    let out = dondoc(&[
        "--config",
        cfg,
        "inbox",
        "read",
        "--auto",
        early.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", out.stderr);
    assert!(
        out.stdout.contains("early.eml: proposal 1, uncertain (the message names the plan and the period but replies to no reminder): check it"),
        "{}",
        out.stdout
    );
    let out = dondoc(&["--config", cfg, "inbox", "read", good.to_str().unwrap()]);
    assert!(
        out.stdout.contains("good.eml: proposal 2\n"),
        "{}",
        out.stdout
    );
    let out = dondoc(&["--config", cfg, "inbox", "accept", "1"]);
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(
        out.stderr
            .contains("01/03/2025 is before the plan was issued (20/03/2025)"),
        "{}",
        out.stderr
    );
    let out = dondoc(&["--config", cfg, "inbox", "accept", "2"]);
    assert!(out.status.success(), "{}", out.stderr);
    assert!(
        out.stdout.contains(
            "accepted proposal 2: Sở Tư pháp — Kiện toàn Ban Chỉ đạo 138 tỉnh, period 29/04/2025 \
             (plan no. 3212/KH-UBND), \
             submitted 25/04/2025 10:15, ref 11/BC-STP — on time (due 29/04/2025)"
        ),
        "{}",
        out.stdout
    );
    let rows = records::status(cfg, "25/04/2025 12:00");
    assert!(records::pair(&rows, "so-y-te")["submitted_on"].is_null());
    let stp = records::pair(&rows, "so-tu-phap");
    assert_eq!(stp["state"], "on_time");
    assert_eq!(stp["recorded_by"], "cli:thuky");
}

/// A reply cannot be older than the question: one dated before the
/// reminder it answers is taken as received when the reminder was sent,
/// and waits for a clerk with the reason; one dated in the future is taken
/// as received when it was read.
#[test]
fn a_reply_is_dated_no_earlier_than_its_reminder_and_no_later_than_now() {
    let Sent {
        dir,
        syt,
        stp,
        mail,
    } = reminders_sent(&INBOX.replace("trusted_authserv_id = \"mx.example.gov.vn\"\n", ""));
    let cfg = dir.path().to_str().unwrap();
    let back = mail.join("back.eml");
    fs::write(
        &back,
        reply(
            "vanthu@syt.example.gov.vn",
            "b1@syt.example.gov.vn",
            std::slice::from_ref(&syt),
            "",
            "Số: 12/BC-SYT",
        )
        .replace(
            "Date: Fri, 25 Apr 2025 10:15:00 +0700",
            "Date: Tue, 01 Apr 2025 10:15:00 +0700",
        ),
    )
    .unwrap();
    let ahead = mail.join("ahead.eml");
    fs::write(
        &ahead,
        reply(
            "vanthu@stp.example.gov.vn",
            "a1@stp.example.gov.vn",
            std::slice::from_ref(&stp),
            "",
            "Số: 13/BC-STP",
        )
        .replace(
            "Date: Fri, 25 Apr 2025 10:15:00 +0700",
            "Date: Mon, 01 Jan 2099 10:15:00 +0700",
        ),
    )
    .unwrap();
    let out = dondoc(&[
        "--config",
        cfg,
        "inbox",
        "read",
        "--auto",
        back.to_str().unwrap(),
        ahead.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", out.stderr);
    assert!(
        out.stdout.contains("back.eml: proposal 1, uncertain (the message is dated before the reminder it answers; it is taken as received when the reminder was sent): check it"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("ahead.eml: proposal 2, accepted"),
        "{}",
        out.stdout
    );
    let list: Value = serde_json::from_str(
        &dondoc(&["--config", cfg, "inbox", "--all", "--format", "json"]).stdout,
    )
    .unwrap();
    let back = list
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == 1)
        .unwrap();
    assert_eq!(back["received"], "2025-04-24T08:00:00+07:00", "{back}");
    // Read (the files were read now, in 2026 or later): not 2099.
    let ahead = list
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == 2)
        .unwrap();
    let year: i32 = ahead["received"].as_str().unwrap()[..4].parse().unwrap();
    assert!((2026..2099).contains(&year), "{ahead}");
}
