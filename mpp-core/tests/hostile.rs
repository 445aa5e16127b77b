//! Hostile input: limits end in typed errors, strings are cut, and byte
//! flips or truncations of a file never panic. Files are built here as small
//! synthetic compound files; a few corpus files are mutated too when the
//! corpus sits beside the repository (skipped otherwise).

use std::io::{Cursor, Write};

use mpp_core::{Error, ReadOptions};

/// A Props stream (MPP9+ layout): 16-byte header with the count at 12,
/// then `u32 size, u32 key, u32 0, value` items, values 2-byte aligned.
fn props(items: &[(u32, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (key, value) in items {
        body.extend_from_slice(&(value.len() as u32).to_le_bytes());
        body.extend_from_slice(&key.to_le_bytes());
        body.extend_from_slice(&0u32.to_le_bytes());
        body.extend_from_slice(value);
        if value.len() % 2 == 1 {
            body.push(0);
        }
    }
    let mut out = vec![0u8; 16];
    out[12..14].copy_from_slice(&(items.len() as u16).to_le_bytes());
    out.extend_from_slice(&body);
    out
}

fn compobj(app: &str, format: &str) -> Vec<u8> {
    let mut v = vec![0u8; 28];
    for s in [app, format] {
        let mut b = s.as_bytes().to_vec();
        b.push(0);
        v.extend_from_slice(&(b.len() as u32).to_le_bytes());
        v.extend_from_slice(&b);
    }
    v
}

fn utf16z(s: &str) -> Vec<u8> {
    s.encode_utf16()
        .chain([0])
        .flat_map(|u| u.to_le_bytes())
        .collect()
}

/// A FixedMeta stream: magic, the count at 8, then `count` records of `size`
/// bytes whose u32 at 4 is the FixedData offset.
fn fixed_meta(count: usize, size: usize) -> Vec<u8> {
    let mut v = Vec::new();
    v.extend_from_slice(&0xFADF_ADBAu32.to_le_bytes());
    v.extend_from_slice(&0u32.to_le_bytes());
    v.extend_from_slice(&(count as u32).to_le_bytes());
    v.extend_from_slice(&0u32.to_le_bytes());
    for i in 0..count {
        let mut r = vec![0u8; size];
        r[4..8].copy_from_slice(&((i * 8) as u32).to_le_bytes());
        v.extend_from_slice(&r);
    }
    v
}

fn cfb(streams: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut file = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
    for (path, data) in streams {
        if let Some((dir, _)) = path.rsplit_once('/') {
            file.create_storage_all(dir).unwrap();
        }
        file.create_stream(path).unwrap().write_all(data).unwrap();
    }
    file.flush().unwrap();
    file.into_inner().into_inner()
}

/// A minimal Project 2010 file with a title and `tasks` task records.
fn mpp14(title: &str, tasks: usize) -> Vec<u8> {
    let title = utf16z(title);
    cfb(&[
        (
            "\u{1}CompObj",
            compobj("Microsoft.Project 14.0", "MSProject.MPP14"),
        ),
        ("Props14", props(&[])),
        ("   114/Props", props(&[(0x0240_0008, &title)])),
        ("   114/TBkndTask/FixedMeta", fixed_meta(tasks, 47)),
        ("   114/TBkndTask/FixedData", vec![0u8; tasks * 8]),
    ])
}

/// A minimal Project 98 file with `tasks` task records of 316 bytes.
fn mpp8(tasks: usize) -> Vec<u8> {
    cfb(&[
        (
            "\u{1}CompObj",
            compobj("Microsoft Project 8.0", "MSProject.MPP8"),
        ),
        ("   1/Props", props(&[])),
        ("   1/TBkndTask/FixFix   0", vec![0u8; tasks * 316]),
    ])
}

fn opts(max_entities: usize, max_string_chars: usize) -> ReadOptions {
    let mut o = ReadOptions::default();
    o.max_entities = max_entities;
    o.max_string_chars = max_string_chars;
    o
}

#[test]
fn synthetic_files_read() {
    let p = mpp_core::read_slice(&mpp14("Plan", 3)).unwrap();
    assert_eq!(p.properties.title.as_deref(), Some("Plan"));
    assert!(mpp_core::read_slice(&mpp8(2)).is_ok());
}

#[test]
fn entity_counts_over_the_limit_are_refused() {
    let file = mpp14("Plan", 5);
    assert!(mpp_core::read_bytes(&file, &opts(5, 100)).is_ok());
    match mpp_core::read_bytes(&file, &opts(4, 100)) {
        Err(e @ Error::LimitExceeded { .. }) => {
            assert_eq!(e.code(), "limit_exceeded");
            let Error::LimitExceeded {
                what,
                count,
                limit,
                option,
            } = e
            else {
                unreachable!()
            };
            assert_eq!(
                (what, count, limit, option),
                ("tasks", 5, 4, "max_entities")
            );
        }
        other => panic!("expected LimitExceeded, got {other:?}"),
    }
    let file = mpp8(7);
    assert!(mpp_core::read_bytes(&file, &opts(7, 100)).is_ok());
    assert!(matches!(
        mpp_core::read_bytes(&file, &opts(6, 100)),
        Err(Error::LimitExceeded {
            what: "tasks",
            count: 7,
            ..
        })
    ));
}

#[test]
fn long_strings_are_cut() {
    let file = mpp14(&"x".repeat(500), 1);
    let p = mpp_core::read_bytes(&file, &opts(10, 40)).unwrap();
    assert_eq!(p.properties.title.as_deref(), Some(&*"x".repeat(40)));
    // The limit only lasts for that read.
    let p = mpp_core::read_slice(&file).unwrap();
    assert_eq!(p.properties.title.map(|t| t.len()), Some(500));
}

#[test]
fn input_over_the_size_limit_is_refused() {
    let file = mpp14("Plan", 1);
    let mut o = ReadOptions::default();
    o.max_input_bytes = 1000;
    assert!(matches!(
        mpp_core::read_bytes(&file, &o),
        Err(Error::TooLarge { limit: 1000, .. })
    ));
    assert!(matches!(
        mpp_core::read_from(&file[..], &o),
        Err(Error::TooLarge { .. })
    ));
}

/// Deterministic pseudo-random numbers (xorshift), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Byte flips, 32-bit overwrites with edge values, and truncations: the
/// read may fail but must return.
fn mutate_and_read(file: &[u8], seed: u64, rounds: usize) {
    let mut rng = Rng(seed);
    let edges = [0u32, 1, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 0xFFFF];
    for round in 0..rounds {
        let mut m = file.to_vec();
        match round % 3 {
            0 => {
                for _ in 0..1 + rng.below(8) {
                    let at = rng.below(m.len());
                    m[at] ^= 1 << rng.below(8);
                }
            }
            1 => {
                let at = rng.below(m.len().saturating_sub(4)) & !3;
                let v = edges[rng.below(edges.len())];
                m[at..at + 4].copy_from_slice(&v.to_le_bytes());
            }
            _ => m.truncate(rng.below(m.len())),
        }
        let a = mpp_core::read_bytes(&m, &opts(100_000, 10_000));
        // The seekable path (a file) decides the same, error for error.
        let b = mpp_core::read_seek(std::io::Cursor::new(&m), &opts(100_000, 10_000));
        assert_eq!(
            a.map(|_| ()).map_err(|e| e.to_string()),
            b.map(|_| ()).map_err(|e| e.to_string()),
            "round {round}"
        );
    }
}

#[test]
fn mutated_synthetic_files_do_not_panic() {
    mutate_and_read(&mpp14("Mutated plan", 4), 0x9E37_79B9_7F4A_7C15, 600);
    mutate_and_read(&mpp8(3), 0xD1B5_4A32_D192_ED03, 300);
}

#[test]
fn mutated_corpus_files_do_not_panic() {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/mpp");
    let Ok(entries) = std::fs::read_dir(&root) else {
        eprintln!("corpus absent: skipped");
        return;
    };
    let mut files: Vec<_> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "mpp"))
        .filter(|p| std::fs::metadata(p).is_ok_and(|m| m.len() < 200_000))
        .collect();
    files.sort();
    // A handful of small files, a bounded number of mutations each.
    for (i, path) in files.iter().take(6).enumerate() {
        let data = std::fs::read(path).unwrap();
        mutate_and_read(&data, 0x2545_F491_4F6C_DD1D ^ i as u64, 60);
    }
}
