//! Pair states for synthetic provinces of 10³ to 10⁶ pairs — all at once into
//! one vector (`policy::evaluate`), and one instance at a time into a reused
//! buffer (`policy::evaluate_instance`, what `status` and the daemon do) —
//! and the whole `dondoc status --format json` process on a 10⁵-pair ledger.

#[path = "../examples/synth/mod.rs"]
mod synth;

use std::process::{Command, Stdio};

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use jiff::civil::date;
use jiff::{Timestamp, ToSpan};

use dondoc::calendar::{self, Instance};
use dondoc::config::Config;
use dondoc::ledger::{PairKey, Submission};

/// A province with about `pairs` pairs (5 plans × 4 obligations, through 2027).
fn province(pairs: usize) -> (tempfile::TempDir, Config, Vec<Instance>) {
    let dir = tempfile::tempdir().unwrap();
    let size = synth::Size {
        agencies: (pairs / 60).max(3),
        plans: 5,
        obligations_per_plan: 4,
    };
    synth::write_province(dir.path(), size).unwrap();
    let config = dondoc::config::load(dir.path()).unwrap();
    let list = calendar::instances(&config, date(2026, 12, 31));
    (dir, config, list)
}

/// Submissions for every other pair, on their due date.
fn half_submitted(config: &Config, list: &[Instance]) -> Vec<Submission> {
    let tz = &config.settings.timezone;
    let mut out = Vec::new();
    for i in list {
        for &a in i.agencies.iter().step_by(2) {
            let at = i.due.to_zoned(tz.clone()).unwrap().timestamp() + 9.hours();
            out.push(Submission {
                key: PairKey {
                    plan: config.plans[i.plan].id.clone(),
                    obligation: i.obligation(config).id.clone(),
                    period: i.period,
                    agency: config.agencies[a].id.clone(),
                },
                submitted_at: at,
                reference: None,
                note: None,
            });
        }
    }
    out
}

fn evaluate(c: &mut Criterion) {
    let mut group = c.benchmark_group("evaluate states");
    group.sample_size(10);
    for target in [1_000, 10_000, 100_000, 1_000_000] {
        let (_dir, config, list) = province(target);
        let pairs: usize = list.iter().map(|i| i.agencies.len()).sum();
        let snapshot = dondoc::policy::Snapshot::new(&config, &half_submitted(&config, &list), &[]);
        let at: Timestamp = "2026-06-01T08:00:00+07:00".parse().unwrap();
        let tz = &config.settings.timezone;
        let today = at.to_zoned(tz.clone()).date();
        group.throughput(Throughput::Elements(pairs as u64));
        group.bench_with_input(BenchmarkId::new("all at once", pairs), &pairs, |b, _| {
            b.iter(|| dondoc::policy::evaluate(&list, &snapshot, at, tz))
        });
        let mut buffer = Vec::new();
        group.bench_with_input(
            BenchmarkId::new("per instance, reused buffer", pairs),
            &pairs,
            |b, _| {
                b.iter(|| {
                    let mut overdue = 0;
                    for (n, inst) in list.iter().enumerate() {
                        buffer.clear();
                        dondoc::policy::evaluate_instance(
                            n,
                            inst,
                            &snapshot,
                            at,
                            today,
                            &mut buffer,
                        );
                        overdue += buffer
                            .iter()
                            .filter(|s| s.state == dondoc::policy::State::Overdue)
                            .count();
                    }
                    overdue
                })
            },
        );
    }
    group.finish();
}

fn status_process(c: &mut Criterion) {
    let (dir, config, list) = province(100_000);
    let pairs: usize = list.iter().map(|i| i.agencies.len()).sum();
    let subs = half_submitted(&config, &list);
    let mut ledger = dondoc::ledger::Ledger::open(&config.settings.database, "bench").unwrap();
    ledger.record_submissions(&subs, false).unwrap().unwrap();
    drop(ledger);
    let cfg = dir.path().to_str().unwrap().to_string();
    let mut group = c.benchmark_group("dondoc status --format json (whole process)");
    group.sample_size(10);
    group.bench_function(format!("{pairs} pairs, {} submissions", subs.len()), |b| {
        b.iter(|| {
            let status = Command::new(env!("CARGO_BIN_EXE_dondoc"))
                .args([
                    "--config",
                    &cfg,
                    "status",
                    "--at",
                    "01/06/2026",
                    "--format",
                    "json",
                ])
                .stdout(Stdio::null())
                .status()
                .unwrap();
            assert!(status.success());
        })
    });
    group.finish();
}

criterion_group!(benches, evaluate, status_process);
criterion_main!(benches);
