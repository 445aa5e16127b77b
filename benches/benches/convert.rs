//! Criterion benchmarks: read, write and convert per format version on corpus
//! files found at run time (`MPP_CORPUS`, default `../shared/corpus` beside
//! the repository; skipped when absent), and the writer on synthetic projects.
//!
//! `cargo bench -p benches --bench convert`

use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

fn corpus_root() -> PathBuf {
    std::env::var_os("MPP_CORPUS").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus"),
        PathBuf::from,
    )
}

/// For each version, the median-sized readable file of the manifest.
fn samples() -> Vec<(String, String, Vec<u8>)> {
    let root = corpus_root();
    let Ok(manifest) = std::fs::read_to_string(root.join("manifest.tsv")) else {
        eprintln!("no corpus at {}: corpus benchmarks skipped", root.display());
        return Vec::new();
    };
    let mut out = Vec::new();
    for version in ["MPP8", "MPP9", "MPP12", "MPP14"] {
        let mut files: Vec<(u64, String)> = manifest
            .lines()
            .skip(1)
            .filter_map(|l| {
                let f: Vec<&str> = l.split('\t').collect();
                (f.get(1) == Some(&version) && f.get(5) == Some(&"ok"))
                    .then(|| Some((f.get(3)?.parse().ok()?, (*f.first()?).to_string())))
                    .flatten()
            })
            .collect();
        files.sort();
        let Some((_, path)) = files.get(files.len() / 2) else {
            continue;
        };
        if let Ok(data) = std::fs::read(root.join("mpp").join(path)) {
            out.push((version.to_string(), path.clone(), data));
        }
    }
    out
}

fn corpus(c: &mut Criterion) {
    let opts = mpp_xml::WriteOptions::default();
    for (version, path, data) in samples() {
        let Ok(project) = mpp_core::read_slice(&data) else {
            eprintln!("{path}: unreadable, skipped");
            continue;
        };
        let mut g = c.benchmark_group(format!("{version} {path}"));
        g.throughput(Throughput::Bytes(data.len() as u64));
        g.bench_function("read", |b| {
            b.iter(|| mpp_core::read_slice(black_box(&data)))
        });
        let mut out = Vec::with_capacity(4 << 20);
        g.bench_function("write", |b| {
            b.iter(|| {
                out.clear();
                mpp_xml::write(black_box(&project), &mut out, &opts)
            })
        });
        g.bench_function("convert", |b| {
            b.iter(|| {
                out.clear();
                let p = mpp_core::read_slice(black_box(&data)).ok()?;
                mpp_xml::write(&p, &mut out, &opts).ok()
            })
        });
        g.finish();
    }
}

fn synthetic(c: &mut Criterion) {
    let opts = mpp_xml::WriteOptions::default();
    let mut g = c.benchmark_group("write synthetic");
    g.sample_size(10);
    for n in [1_000usize, 10_000] {
        let project = benches::synthetic_project(n);
        let mut out = Vec::new();
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::from_parameter(n), &project, |b, p| {
            b.iter(|| {
                out.clear();
                mpp_xml::write(black_box(p), &mut out, &opts)
            })
        });
    }
    g.finish();
}

criterion_group!(benches, corpus, synthetic);
criterion_main!(benches);
