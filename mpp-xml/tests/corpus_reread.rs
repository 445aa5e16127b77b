//! The reader on real files (skipped, with a note, without `../shared/corpus`):
//!
//! - every corpus `.mpp` that converts: `.mpp` → model → MSPDI → model →
//!   MSPDI gives the same document twice (byte for byte);
//! - every MPXJ reference (`ref-mpxj/**.xml`) reads without error, and
//!   writing it again is scored against the reference by
//!   `scripts/mspdi-reread.sh`, which uses the files this test leaves in
//!   `target/mspdi-reread/`.

use std::path::{Path, PathBuf};

use mpp_core::ReadOptions;
use mpp_xml::WriteOptions;

fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    if dir.join("manifest.tsv").exists() {
        Some(dir)
    } else {
        println!("skipped: {} not found", dir.display());
        None
    }
}

/// Manifest rows expected to convert: (relative path, version).
fn convertible(corpus: &Path) -> Vec<(String, String)> {
    let manifest = std::fs::read_to_string(corpus.join("manifest.tsv")).unwrap();
    manifest
        .lines()
        .skip(1)
        .filter_map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            (cols.get(5) == Some(&"ok")).then(|| (cols[0].to_string(), cols[1].to_string()))
        })
        .collect()
}

fn opts() -> WriteOptions {
    let mut o = WriteOptions::default();
    o.current_date = mpp_core::DateTime::new(2024, 1, 1, 8, 0, 0);
    o
}

fn write(p: &mpp_core::Project) -> Vec<u8> {
    let mut out = Vec::new();
    mpp_xml::write(p, &mut out, &opts()).unwrap();
    out
}

/// First differing line of two documents, for the failure message.
fn first_difference(a: &[u8], b: &[u8]) -> String {
    let (a, b) = (String::from_utf8_lossy(a), String::from_utf8_lossy(b));
    for (i, (x, y)) in a.lines().zip(b.lines()).enumerate() {
        if x != y {
            return format!("line {}: {:?} != {:?}", i + 1, x.trim(), y.trim());
        }
    }
    format!("lengths {} and {}", a.lines().count(), b.lines().count())
}

#[test]
fn mpp_to_mspdi_and_back_is_byte_stable() {
    let Some(corpus) = corpus() else { return };
    let ro = ReadOptions::default();
    let mut failures = Vec::new();
    let mut checked = 0;
    for (rel, _) in convertible(&corpus) {
        let data = std::fs::read(corpus.join("mpp").join(&rel)).unwrap();
        let Ok(model) = mpp_core::read_bytes(&data, &ro) else {
            continue;
        };
        let first = write(&model);
        let again = match mpp_xml::read_bytes(&first, &ro) {
            Ok(p) => p,
            Err(e) => {
                failures.push(format!("{rel}: {e}"));
                continue;
            }
        };
        let second = write(&again);
        checked += 1;
        if first != second {
            failures.push(format!("{rel}: {}", first_difference(&first, &second)));
        }
    }
    println!(
        "{checked} files re-read, {} not byte-stable",
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {checked} files:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn mpxj_references_read_and_rewrite() {
    let Some(corpus) = corpus() else { return };
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"),
        PathBuf::from,
    );
    let out_dir = target.join("mspdi-reread");
    let ro = ReadOptions::default();
    let mut failures = Vec::new();
    let mut count = 0;
    for (rel, _) in convertible(&corpus) {
        let rel = Path::new(&rel).with_extension("xml");
        let Ok(data) = std::fs::read(corpus.join("ref-mpxj").join(&rel)) else {
            continue;
        };
        count += 1;
        match mpp_xml::read_bytes(&data, &ro) {
            Ok(p) => {
                let target = out_dir.join(&rel);
                std::fs::create_dir_all(target.parent().unwrap()).unwrap();
                let first = write(&p);
                // And once more through the reader: the same document.
                match mpp_xml::read_bytes(&first, &ro) {
                    Ok(again) if write(&again) == first => {}
                    Ok(again) => failures.push(format!(
                        "{}: not byte-stable: {}",
                        rel.display(),
                        first_difference(&first, &write(&again))
                    )),
                    Err(e) => failures.push(format!("{}: {e}", rel.display())),
                }
                // For scoring, the current date defaults to the project start, as MPXJ's does.
                let mut v = Vec::new();
                mpp_xml::write(&p, &mut v, &WriteOptions::default()).unwrap();
                std::fs::write(&target, v).unwrap();
            }
            Err(e) => failures.push(format!("{}: {e}", rel.display())),
        }
    }
    println!("{count} references read, written to {}", out_dir.display());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
