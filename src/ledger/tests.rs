use jiff::civil::date;

use super::*;

fn key(agency: &str) -> PairKey {
    PairKey {
        plan: "p".into(),
        obligation: "o".into(),
        period: date(2025, 4, 29),
        agency: agency.into(),
    }
}

fn submission(agency: &str, seconds: i64, reference: Option<&str>) -> Submission {
    Submission {
        key: key(agency),
        submitted_at: Timestamp::from_second(seconds).unwrap(),
        reference: reference.map(String::from),
        note: None,
    }
}

#[test]
fn creates_a_private_file_at_the_latest_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state/sub/dondoc.db");
    let ledger = Ledger::open(&path, "test").unwrap();
    assert_eq!(ledger.mode().unwrap(), 0o600);
    let version: i64 = ledger
        .conn
        .query_row("SELECT version FROM schema_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, schema::LATEST);
    let mode: String = ledger
        .conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    // The durability promise: every commit waits for the disk. (A SIGKILL
    // test cannot tell FULL from OFF — the OS keeps the written pages — so
    // the setting itself is checked.) 2 = FULL.
    let synchronous: i64 = ledger
        .conn
        .query_row("PRAGMA synchronous", [], |r| r.get(0))
        .unwrap();
    assert_eq!(synchronous, 2);
    let mut ledger = ledger;
    ledger
        .record_submissions(
            &[submission("so-y-te", 1_745_900_000, Some("12/BC"))],
            false,
        )
        .unwrap()
        .unwrap();
    ledger
        .add_waiver(&key("ubnd"), Some("sáp nhập"), "test")
        .unwrap();
    drop(ledger);
    // Opening again migrates nothing and keeps the data.
    let again = Ledger::open(&path, "test").unwrap();
    assert_eq!(
        again.submissions().unwrap(),
        [submission("so-y-te", 1_745_900_000, Some("12/BC"))]
    );
    assert_eq!(again.waivers().unwrap().len(), 1);
    let versions: i64 = again
        .conn
        .query_row("SELECT count(*) FROM schema_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(versions, 1);
}

#[test]
fn refuses_a_database_from_a_newer_dondoc() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dondoc.db");
    let ledger = Ledger::open(&path, "test").unwrap();
    ledger
        .conn
        .execute("UPDATE schema_version SET version = 99", [])
        .unwrap();
    drop(ledger);
    let err = Ledger::open(&path, "test").err().expect("refused");
    assert!(
        matches!(err, LedgerError::TooNew { found: 99, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("newer dondoc"));
}

#[test]
fn a_batch_is_all_or_nothing_and_identical_rows_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut ledger = Ledger::open(&dir.path().join("dondoc.db"), "test").unwrap();
    let first = [
        submission("a", 100, Some("12/BC")),
        submission("b", 200, None),
    ];
    let out = ledger.record_submissions(&first, false).unwrap().unwrap();
    assert_eq!(
        out,
        RecordOutcome {
            added: 2,
            replaced: 0,
            unchanged: 0
        }
    );

    let again = ledger.record_submissions(&first, false).unwrap().unwrap();
    assert_eq!(
        again,
        RecordOutcome {
            added: 0,
            replaced: 0,
            unchanged: 2
        }
    );

    // A new pair plus a differing one: refused whole, the new one not written.
    let batch = [
        submission("c", 300, None),
        submission("a", 150, Some("13/BC")),
    ];
    let conflict = ledger
        .record_submissions(&batch, false)
        .unwrap()
        .unwrap_err();
    assert_eq!(conflict.index, 1);
    assert_eq!(conflict.existing.reference.as_deref(), Some("12/BC"));
    assert_eq!(ledger.submissions().unwrap().len(), 2);

    let out = ledger.record_submissions(&batch, true).unwrap().unwrap();
    assert_eq!(
        out,
        RecordOutcome {
            added: 1,
            replaced: 1,
            unchanged: 0
        }
    );
    let a = ledger.submission(&key("a")).unwrap().unwrap();
    assert_eq!(a.submitted_at.as_second(), 150);
    assert_eq!(a.reference.as_deref(), Some("13/BC"));

    assert!(ledger.delete_submission(&key("a")).unwrap());
    assert!(!ledger.delete_submission(&key("a")).unwrap());
    assert_eq!(ledger.submission(&key("a")).unwrap(), None);
}

#[test]
fn waivers_are_added_once_and_lifted() {
    let dir = tempfile::tempdir().unwrap();
    let mut ledger = Ledger::open(&dir.path().join("dondoc.db"), "test").unwrap();
    assert!(
        ledger
            .add_waiver(&key("a"), Some("sáp nhập"), "test")
            .unwrap()
    );
    assert!(!ledger.add_waiver(&key("a"), None, "test").unwrap());
    assert_eq!(
        ledger.waivers().unwrap()[0].note.as_deref(),
        Some("sáp nhập")
    );
    assert!(ledger.remove_waiver(&key("a")).unwrap());
    assert!(!ledger.remove_waiver(&key("a")).unwrap());
    assert!(ledger.waivers().unwrap().is_empty());
}

/// The send path's query sorts small rows, never the bodies: a body through
/// the ORDER BY went to a temporary file (issue 25's spill).
#[test]
fn deliverable_messages_are_sorted_without_their_bodies() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = Ledger::open(&dir.path().join("dondoc.db"), "test").unwrap();
    let plan: Vec<String> = ledger
        .conn
        .prepare(&format!(
            "EXPLAIN QUERY PLAN {}",
            super::sending::DELIVERABLE
        ))
        .unwrap()
        .query_map([0, 0], |r| r.get::<_, String>(3))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(
        !plan.iter().any(|p| p.contains("message_bodies")),
        "{plan:?}"
    );
    assert!(
        plan.iter().any(|p| p.contains("messages_by_state")),
        "{plan:?}"
    );
}

/// One message per agency, claiming its pair's due step, for the moment
/// 1 000 s after the epoch.
fn claims_of<'a>(ids: &[&'a str], agencies: &[&'a str]) -> Vec<Claim<'a>> {
    let moment = Timestamp::from_second(1_000).unwrap();
    ids.iter()
        .zip(agencies)
        .map(|(id, agency)| Claim {
            message: NewMessage {
                message_id: id,
                agency,
                thread: agency,
                moment,
                created: moment,
            },
            items: vec![(key(agency), Step::Due)],
        })
        .collect()
}

/// A lease takes a chunk and reads, in its transaction, each body taken and
/// whether it became moot; a message another sender holds is not taken.
#[test]
fn a_lease_reads_the_bodies_and_settled_flags_of_what_it_took() {
    let dir = tempfile::tempdir().unwrap();
    let mut ledger = Ledger::open(&dir.path().join("dondoc.db"), "test").unwrap();
    let ids = ["<a@x>", "<b@x>", "<c@x>"];
    ledger
        .claim_all(&claims_of(&ids, &["a", "b", "c"]), |n, _| Body {
            sender: "office@x".into(),
            recipients: vec!["to@x".into()],
            raw: format!("body {n}").repeat(1000 * (n + 1)).into_bytes(),
        })
        .unwrap();
    ledger
        .record_submissions(&[submission("b", 1_500, None)], false)
        .unwrap()
        .unwrap();
    let at = |s| Timestamp::from_second(s).unwrap();
    // Another sender holds c.
    let mut taken = Taken::default();
    let ask = |id, check_settled| Lease {
        message_id: id,
        seconds: 60,
        check_settled,
    };
    ledger
        .lease(
            &[ask(ids[2], false)],
            Timestamp::now(),
            at(2_000),
            &mut taken,
        )
        .unwrap();
    let asks = [ask(ids[0], true), ask(ids[1], true), ask(ids[2], true)];
    ledger
        .lease(&asks, Timestamp::now(), at(2_000), &mut taken)
        .unwrap();
    let (a, a_settled) = taken.get(0).unwrap();
    assert_eq!(a, "body 0".repeat(1000).as_bytes());
    assert!(!a_settled);
    let (b, b_settled) = taken.get(1).unwrap();
    assert_eq!(b, "body 1".repeat(2000).as_bytes());
    assert!(b_settled, "submitted at 1 500, before 2 000");
    assert!(taken.get(2).is_none(), "held by another sender");
    // Submitted after the moment asked about: not settled then.
    let mut again = Taken::default();
    ledger
        .conn
        .execute("UPDATE messages SET lease_until = NULL", [])
        .unwrap();
    ledger
        .lease(
            &[ask(ids[1], true)],
            Timestamp::now(),
            at(1_200),
            &mut again,
        )
        .unwrap();
    assert_eq!(again.get(0).map(|(_, settled)| settled), Some(false));
    // The lease was written without waiting for the disk; what comes next
    // on the connection (the outcomes) waits again.
    let synchronous: i64 = ledger
        .conn
        .query_row("PRAGMA synchronous", [], |r| r.get(0))
        .unwrap();
    assert_eq!(synchronous, 2);
}

/// A recorded outcome stands: a sender paused past its lease while another
/// delivered the message cannot turn it back into a retry, nor fail it.
/// And a delivery run takes back the leases this process left behind when
/// an earlier run stopped on an error.
#[test]
fn a_final_outcome_stands_and_a_failed_run_leaves_no_lease_behind() {
    let dir = tempfile::tempdir().unwrap();
    let mut ledger = Ledger::open(&dir.path().join("dondoc.db"), "test").unwrap();
    let at = |s| Timestamp::from_second(s).unwrap();
    ledger
        .claim_all(&claims_of(&["<a@x>", "<b@x>"], &["a", "b"]), |_, _| Body {
            sender: "office@x".into(),
            recipients: vec!["to@x".into()],
            raw: b"body".to_vec(),
        })
        .unwrap();
    let state = |ledger: &Ledger, id: &str| -> (String, Option<i64>) {
        ledger
            .conn
            .query_row(
                "SELECT m.state, l.sent_at FROM messages m JOIN sent_log l USING (message_id)
                 WHERE m.message_id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap()
    };
    ledger
        .record(&[("<a@x>".into(), Delivery::Sent(at(1_100)))])
        .unwrap();
    ledger
        .record(&[
            (
                "<a@x>".into(),
                Delivery::Retry("timed out".into(), at(1_200)),
            ),
            ("<a@x>".into(), Delivery::Failed("550".into())),
        ])
        .unwrap();
    assert_eq!(state(&ledger, "<a@x>"), ("sent".into(), Some(1_100)));

    // This process leased b, then its run stopped on an error.
    let mut taken = Taken::default();
    let ask = Lease {
        message_id: "<b@x>",
        seconds: 3_600,
        check_settled: false,
    };
    ledger
        .lease(&[ask], Timestamp::now(), at(1_000), &mut taken)
        .unwrap();
    assert!(ledger.deliverable(at(1_000)).unwrap().is_empty());
    assert_eq!(ledger.release_dead_leases().unwrap(), 1);
    let due = ledger.deliverable(at(1_000)).unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].message_id, "<b@x>");
}
