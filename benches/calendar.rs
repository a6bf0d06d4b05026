//! Loading and validating configs, and generating their instances.

#[path = "../examples/synth/mod.rs"]
mod synth;

use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use jiff::civil::date;

fn load_shipped(c: &mut Criterion) {
    let dir = Path::new("config");
    c.bench_function("load+validate shipped config", |b| {
        b.iter(|| dondoc::config::load(dir).expect("valid"))
    });
    let config = dondoc::config::load(dir).unwrap();
    c.bench_function("instances of shipped config (2 years ahead)", |b| {
        b.iter(|| dondoc::calendar::instances(&config, date(2027, 11, 23)))
    });
}

fn load_synthetic(c: &mut Criterion) {
    let tmp = tempfile::tempdir().unwrap();
    let size = synth::Size {
        agencies: 2000,
        plans: 20,
        obligations_per_plan: 10,
    };
    synth::write_province(tmp.path(), size).unwrap();
    let mut group = c.benchmark_group("synthetic province 2000 agencies, 200 obligations");
    group.sample_size(20);
    group.bench_function("load+validate", |b| {
        b.iter(|| dondoc::config::load(tmp.path()).expect("valid"))
    });
    let config = dondoc::config::load(tmp.path()).unwrap();
    group.bench_function("instances", |b| {
        b.iter(|| dondoc::calendar::instances(&config, date(2027, 11, 23)))
    });
    group.finish();
}

criterion_group!(benches, load_shipped, load_synthetic);
criterion_main!(benches);
