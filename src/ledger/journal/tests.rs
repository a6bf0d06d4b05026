use jiff::Timestamp;
use jiff::civil::date;

use super::{UNDO_WINDOW, Undo};
use crate::ledger::inbox::NewProposal;
use crate::ledger::{Extension, Ledger, LedgerError, PairKey, Submission};

fn key(agency: &str) -> PairKey {
    PairKey {
        plan: "p".into(),
        obligation: "o".into(),
        period: date(2025, 6, 16),
        agency: agency.into(),
    }
}

fn submission(agency: &str, reference: &str) -> Submission {
    Submission {
        key: key(agency),
        submitted_at: Timestamp::from_second(1_750_000_000).unwrap(),
        reference: Some(reference.into()),
        note: None,
    }
}

fn at(seconds: i64) -> Timestamp {
    Timestamp::from_second(1_760_000_000 + seconds).unwrap()
}

fn ledger() -> (tempfile::TempDir, Ledger) {
    let dir = tempfile::tempdir().unwrap();
    let ledger = Ledger::open(&dir.path().join("dondoc.db"), "test").unwrap();
    (dir, ledger)
}

/// Records `batch` as `by`'s one write.
fn record(
    ledger: &mut Ledger,
    batch: &[Submission],
    replace: bool,
    by: &str,
    when: i64,
) -> Option<i64> {
    let (outcome, entry) = ledger
        .journaled::<_, LedgerError>(
            by,
            at(when),
            |l| l.record_submissions_as(batch, |_| replace, by),
            |o| o.is_ok().then(|| format!("recorded {}", batch.len())),
        )
        .unwrap();
    outcome.unwrap();
    entry
}

#[test]
fn a_bulk_record_is_one_write_and_its_undo_removes_every_row() {
    let (_dir, mut ledger) = ledger();
    let batch = [
        submission("a", "1/BC"),
        submission("b", "2/BC"),
        submission("c", "3/BC"),
    ];
    let id = record(&mut ledger, &batch, false, "web:lan", 0).expect("an entry");
    assert_eq!(ledger.submissions().unwrap().len(), 3);
    let undone = ledger.undo(id, "web:lan", at(60)).unwrap();
    assert!(
        matches!(undone, Undo::Done(ref e) if e.what == "recorded 3"),
        "{undone:?}"
    );
    assert!(ledger.submissions().unwrap().is_empty());
    let journal = ledger.journal(10).unwrap();
    assert_eq!(journal.len(), 1, "the undone write keeps its trace");
    assert_eq!(journal[0].undone, Some(("web:lan".into(), at(60))));
    assert_eq!(ledger.undo(id, "web:lan", at(61)).unwrap(), Undo::Undone);
}

#[test]
fn undoing_a_replacement_puts_the_old_submission_back_exactly() {
    let (_dir, mut ledger) = ledger();
    record(&mut ledger, &[submission("a", "1/BC")], false, "web:lan", 0);
    let before = ledger.submission(&key("a")).unwrap();
    let id = record(&mut ledger, &[submission("a", "9/BC")], true, "web:lan", 10).unwrap();
    assert_eq!(
        ledger
            .submission(&key("a"))
            .unwrap()
            .unwrap()
            .reference
            .as_deref(),
        Some("9/BC")
    );
    assert!(matches!(
        ledger.undo(id, "web:lan", at(20)).unwrap(),
        Undo::Done(_)
    ));
    assert_eq!(ledger.submission(&key("a")).unwrap(), before);
}

#[test]
fn only_the_author_s_last_write_within_ten_minutes_is_undone() {
    let (_dir, mut ledger) = ledger();
    let first = record(&mut ledger, &[submission("a", "1/BC")], false, "web:lan", 0).unwrap();
    let second = record(&mut ledger, &[submission("b", "2/BC")], false, "web:lan", 5).unwrap();
    assert_eq!(
        ledger.undo(first, "web:lan", at(10)).unwrap(),
        Undo::NotLast
    );
    assert_eq!(
        ledger.undo(second, "web:hoa", at(10)).unwrap(),
        Undo::NotLast
    );
    assert_eq!(
        ledger
            .undo(second, "web:lan", at(5 + UNDO_WINDOW + 1))
            .unwrap(),
        Undo::TooOld
    );
    assert!(matches!(
        ledger.undo(second, "web:lan", at(5 + UNDO_WINDOW)).unwrap(),
        Undo::Done(_)
    ));
    // The earlier one is now the last not undone.
    assert!(matches!(
        ledger.undo(first, "web:lan", at(20)).unwrap(),
        Undo::Done(_)
    ));
    assert!(ledger.submissions().unwrap().is_empty());
}

#[test]
fn a_row_changed_since_is_not_undone() {
    let (_dir, mut ledger) = ledger();
    let id = record(&mut ledger, &[submission("a", "1/BC")], false, "web:lan", 0).unwrap();
    // Someone else (not journaled: the command line, the API) replaces it.
    ledger
        .record_submissions_as(&[submission("a", "7/BC")], |_| true, "cli:admin")
        .unwrap()
        .unwrap();
    assert_eq!(
        ledger.undo(id, "web:lan", at(30)).unwrap(),
        Undo::ChangedSince
    );
    assert_eq!(
        ledger
            .submission(&key("a"))
            .unwrap()
            .unwrap()
            .reference
            .as_deref(),
        Some("7/BC")
    );
    assert!(ledger.journal(1).unwrap()[0].undone.is_none());
}

#[test]
fn a_refused_or_empty_write_leaves_no_entry() {
    let (_dir, mut ledger) = ledger();
    record(&mut ledger, &[submission("a", "1/BC")], false, "web:lan", 0);
    // A conflict writes nothing.
    let (outcome, entry) = ledger
        .journaled::<_, LedgerError>(
            "web:lan",
            at(1),
            |l| {
                l.record_submissions_as(
                    &[submission("b", "2/BC"), submission("a", "9/BC")],
                    |_| false,
                    "web:lan",
                )
            },
            |_| Some("x".into()),
        )
        .unwrap();
    assert!(outcome.is_err());
    assert_eq!(entry, None);
    assert_eq!(
        ledger.submission(&key("b")).unwrap(),
        None,
        "all or nothing"
    );
    // The same submission again changes nothing.
    assert_eq!(
        record(&mut ledger, &[submission("a", "1/BC")], false, "web:lan", 2),
        None
    );
    assert_eq!(ledger.journal(10).unwrap().len(), 1);
}

#[test]
fn waivers_extensions_and_inbox_decisions_are_undone() {
    let (_dir, mut ledger) = ledger();
    let (_, waiver) = ledger
        .journaled::<_, LedgerError>(
            "web:lan",
            at(0),
            |l| l.add_waiver(&key("a"), Some("sáp nhập"), "web:lan"),
            |_| Some("miễn".into()),
        )
        .unwrap();
    assert!(matches!(
        ledger.undo(waiver.unwrap(), "web:lan", at(1)).unwrap(),
        Undo::Done(_)
    ));
    assert!(ledger.waivers().unwrap().is_empty());

    let extension = Extension {
        key: key("a"),
        due: date(2025, 7, 1),
        note: None,
    };
    ledger.set_extension(&extension, "cli:admin").unwrap();
    let later = Extension {
        due: date(2025, 7, 15),
        ..extension.clone()
    };
    let (_, moved) = ledger
        .journaled::<_, LedgerError>(
            "web:lan",
            at(2),
            |l| l.set_extension(&later, "web:lan"),
            |_| Some("gia hạn".into()),
        )
        .unwrap();
    assert!(matches!(
        ledger.undo(moved.unwrap(), "web:lan", at(3)).unwrap(),
        Undo::Done(_)
    ));
    assert_eq!(ledger.extensions().unwrap(), vec![extension]);

    let items = [("p".to_string(), "o".to_string(), date(2025, 6, 16))];
    let proposal = NewProposal {
        agency: "a",
        items: &items,
        received: None,
        reference: None,
        sender: "van-thu@a.gov.vn",
        subject: "Báo cáo",
        text: "",
        certain: true,
        doubt: None,
    };
    let id = ledger
        .take_message("<m1@a>", "proposal", Some(&proposal))
        .unwrap()
        .unwrap()
        .unwrap();
    let (_, dropped) = ledger
        .journaled::<_, LedgerError>(
            "web:lan",
            at(4),
            |l| l.decide_proposal(id, false, "web:lan"),
            |_| Some("bỏ".into()),
        )
        .unwrap();
    assert_eq!(ledger.proposal(id).unwrap().unwrap().state, "rejected");
    assert!(matches!(
        ledger.undo(dropped.unwrap(), "web:lan", at(5)).unwrap(),
        Undo::Done(_)
    ));
    assert_eq!(ledger.proposal(id).unwrap().unwrap().state, "open");
}
