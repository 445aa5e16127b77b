//! Reads every file of the shared corpus (`../shared/corpus`, beside the
//! repository) and checks the outcome the manifest expects, with MPXJ's entity
//! counts. Skips, saying so, when the corpus is absent (a user's fresh clone).

use std::path::PathBuf;

use mpp_core::{Error, FileFormat};

struct Row {
    path: String,
    version: String,
    expect: String,
    tasks: Option<usize>,
    resources: Option<usize>,
    assignments: Option<usize>,
}

fn corpus() -> Option<(PathBuf, Vec<Row>)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    let manifest = std::fs::read_to_string(root.join("manifest.tsv")).ok()?;
    let mut lines = manifest.lines();
    let header: Vec<&str> = lines.next()?.split('\t').collect();
    let col = |name: &str| header.iter().position(|h| *h == name);
    let (p, v, e, t, r, a) = (
        col("path")?,
        col("version")?,
        col("expect")?,
        col("tasks")?,
        col("resources")?,
        col("assignments")?,
    );
    let rows = lines
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            let get = |i: usize| f.get(i).copied().unwrap_or("").to_string();
            Row {
                path: get(p),
                version: get(v),
                expect: get(e),
                tasks: get(t).parse().ok(),
                resources: get(r).parse().ok(),
                assignments: get(a).parse().ok(),
            }
        })
        .collect();
    Some((root.join("mpp"), rows))
}

#[test]
fn corpus_files_read_as_the_manifest_expects() {
    let Some((dir, rows)) = corpus() else {
        eprintln!("skipped: ../shared/corpus not found beside the repository");
        return;
    };
    let mut failures = Vec::new();
    let mut read = 0;
    for row in &rows {
        let result = mpp_core::read_path(dir.join(&row.path));
        match (row.expect.as_str(), row.version.as_str(), result) {
            ("error:password", _, Err(Error::PasswordProtected(_))) => {}
            ("ok", _, Ok(p)) => {
                read += 1;
                let format = p.properties.file_format.map(FileFormat::name).unwrap_or("");
                if format != row.version {
                    failures.push(format!(
                        "{}: format {format}, manifest {}",
                        row.path, row.version
                    ));
                }
                if row.tasks.is_some_and(|n| n != p.tasks.len()) {
                    failures.push(format!(
                        "{}: {} tasks, MPXJ {:?}",
                        row.path,
                        p.tasks.len(),
                        row.tasks
                    ));
                }
                if row.resources.is_some_and(|n| n != p.resources.len()) {
                    failures.push(format!(
                        "{}: {} resources, MPXJ {:?}",
                        row.path,
                        p.resources.len(),
                        row.resources
                    ));
                }
                // Project exports the summary task as outline number 0,
                // also when the file stores none.
                if let Some(t) = p.tasks.iter().find(|t| t.uid == 0) {
                    if t.outline_level.unwrap_or(0) == 0 && t.outline_number.as_deref() != Some("0")
                    {
                        failures.push(format!(
                            "{}: summary task outline number {:?}",
                            row.path, t.outline_number
                        ));
                    }
                }
                if row.assignments.is_some_and(|n| n != p.assignments.len()) {
                    failures.push(format!(
                        "{}: {} assignments, MPXJ {:?}",
                        row.path,
                        p.assignments.len(),
                        row.assignments
                    ));
                }
                // Timephased runs add up to the regular (non-overtime) work.
                for a in &p.assignments {
                    let sum = |v: &[mpp_core::WorkPeriod]| v.iter().map(|r| r.work).sum::<f64>();
                    let regular =
                        |w: Option<f64>, ot: Option<f64>| w.unwrap_or(0.0) - ot.unwrap_or(0.0);
                    let (rem, act) = (sum(&a.timephased.remaining), sum(&a.timephased.actual));
                    let rem_want = regular(a.remaining_work, a.remaining_overtime_work);
                    let act_want = regular(a.actual_work, a.actual_overtime_work);
                    if row.version != "MPP8"
                        && ((rem - rem_want).abs() > 1e-3 || (act - act_want).abs() > 1e-3)
                    {
                        failures.push(format!(
                            "{}: assignment {} timephased remaining {rem} / actual {act}, regular work {rem_want} / {act_want}",
                            row.path, a.uid
                        ));
                    }
                }
            }
            (expect, _, got) => failures.push(format!(
                "{}: expected {expect}, got {:?}",
                row.path,
                got.map(|_| ())
            )),
        }
    }
    assert!(read >= 500, "only {read} files read");
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// `read_seek` over an open file (what the service validates uploads with)
/// gives exactly what `read_bytes` gives: every refused file and a sample of
/// the readable ones, plus non-compound input.
#[test]
fn seek_reads_equal_byte_reads() {
    let Some((dir, rows)) = corpus() else {
        eprintln!("skipped: ../shared/corpus not found beside the repository");
        return;
    };
    let opts = mpp_core::ReadOptions::default();
    let mut compared = 0;
    for (i, row) in rows.iter().enumerate() {
        if row.expect == "ok" && i % 7 != 0 {
            continue;
        }
        let path = dir.join(&row.path);
        let bytes = std::fs::read(&path).unwrap();
        let a = mpp_core::read_bytes(&bytes, &opts);
        let b = mpp_core::read_seek(std::fs::File::open(&path).unwrap(), &opts);
        match (a, b) {
            (Ok(a), Ok(b)) => assert_eq!(format!("{a:?}"), format!("{b:?}"), "{}", row.path),
            (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{}", row.path),
            (a, b) => panic!(
                "{}: bytes {:?}, seek {:?}",
                row.path,
                a.map(|_| ()),
                b.map(|_| ())
            ),
        }
        compared += 1;
    }
    assert!(compared >= 70, "only {compared} files compared");
    for junk in [&b""[..], b"short", b"not a compound file at all, just text"] {
        let e = mpp_core::read_seek(std::io::Cursor::new(junk), &opts).unwrap_err();
        assert_eq!(e.code(), "not_compound_file", "{e}");
    }
    let big = opts.max_input_bytes + 1;
    let e = mpp_core::read_seek(LenOnly(big), &opts).unwrap_err();
    assert!(matches!(e, Error::TooLarge { .. }), "{e}");
}

/// A reader that only knows its length: a size refusal must come before any read.
struct LenOnly(u64);
impl std::io::Read for LenOnly {
    fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
        panic!("read before the size check")
    }
}
impl std::io::Seek for LenOnly {
    fn seek(&mut self, to: std::io::SeekFrom) -> std::io::Result<u64> {
        Ok(match to {
            std::io::SeekFrom::End(d) => self.0.saturating_add_signed(d),
            std::io::SeekFrom::Start(s) => s,
            std::io::SeekFrom::Current(_) => 0,
        })
    }
}
