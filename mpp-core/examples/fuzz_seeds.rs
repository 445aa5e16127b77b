//! Builds seed corpora for the fuzz targets in `fuzz/` from a directory of
//! `.mpp` files: `cargo run -p mpp-core --example fuzz_seeds -- CORPUS_DIR OUT_DIR`.
//!
//! Whole (small) files seed `read_mpp`; streams and blobs cut from them seed
//! the decoder targets, in the input layout each target expects (two-part
//! targets take a little-endian `u32` length of the first part, then both
//! parts). Seeds are generated at run time and never committed.

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use mpp_core::raw::props::Props;
use mpp_core::raw::var::{VarData, VarMetaKind};

/// Largest whole file used as a `read_mpp` seed: bigger ones slow every execution.
const MAX_FILE: u64 = 128 * 1024;
/// Largest seed for a decoder target.
const MAX_SEED: usize = 64 * 1024;
/// Seeds kept per target.
const MAX_PER_TARGET: usize = 400;

struct Seeds {
    out: PathBuf,
    seen: HashSet<(String, u64)>,
    counts: BTreeMap<String, usize>,
}

impl Seeds {
    fn add(&mut self, target: &str, bytes: &[u8]) {
        let max = if target == "read_mpp" || target == "compound" {
            MAX_FILE as usize
        } else {
            MAX_SEED
        };
        if bytes.is_empty() || bytes.len() > max {
            return;
        }
        let count = self.counts.entry(target.to_string()).or_default();
        if *count >= MAX_PER_TARGET {
            return;
        }
        let hash = fnv(bytes);
        if !self.seen.insert((target.to_string(), hash)) {
            return;
        }
        let dir = self.out.join(target);
        if fs::create_dir_all(&dir).is_ok()
            && fs::write(dir.join(format!("{hash:016x}")), bytes).is_ok()
        {
            *count += 1;
        }
    }

    fn add_pair(&mut self, target: &str, first: &[u8], second: &[u8]) {
        let Ok(len) = u32::try_from(first.len()) else {
            return;
        };
        let mut v = len.to_le_bytes().to_vec();
        v.extend_from_slice(first);
        v.extend_from_slice(second);
        self.add(target, &v);
    }
}

fn fnv(b: &[u8]) -> u64 {
    b.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &x| {
        (h ^ u64::from(x)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn mpp_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            mpp_files(&p, out);
        } else if p.extension().is_some_and(|x| x.eq_ignore_ascii_case("mpp")) {
            out.push(p);
        }
    }
}

fn streams(data: &[u8]) -> Option<BTreeMap<String, Vec<u8>>> {
    let mut cfb = cfb::CompoundFile::open(std::io::Cursor::new(data)).ok()?;
    let paths: Vec<String> = cfb
        .walk()
        .filter(|e| e.is_stream())
        .map(|e| {
            e.path()
                .to_string_lossy()
                .trim_start_matches('/')
                .to_string()
        })
        .collect();
    let mut out = BTreeMap::new();
    for p in paths {
        let mut buf = Vec::new();
        if let Ok(mut s) = cfb.open_stream(&p) {
            if s.read_to_end(&mut buf).is_ok() {
                out.insert(p, buf);
            }
        }
    }
    Some(out)
}

fn seed_file(seeds: &mut Seeds, path: &Path) {
    let Ok(data) = fs::read(path) else { return };
    if data.len() as u64 <= MAX_FILE {
        seeds.add("read_mpp", &data);
        seeds.add("compound", &data);
    }
    let Some(streams) = streams(&data) else {
        return;
    };
    let get = |p: &str| streams.get(p).map(Vec::as_slice);
    for (name, bytes) in &streams {
        let leaf = name.rsplit('/').next().unwrap_or(name);
        let dir = name.rsplit_once('/').map_or("", |d| d.0);
        if leaf.starts_with("Props") {
            seeds.add("props", bytes);
            let props = Props::parse(bytes);
            for entity in 0x0Bu32..=0x1F {
                for base in [0x0002_0000u32, 0x0300_0000] {
                    if let Some(map) = props.get(base | entity) {
                        seeds.add("field_map", map);
                    }
                }
            }
            for key in [0x0440_0001u32, 0x0240_1390] {
                if let Some(v) = props.get(key) {
                    seeds.add("custom", v);
                }
            }
            if let Some(v) = props.get(0x0240_00A2) {
                seeds.add("subprojects", v);
            }
        }
        match leaf {
            "FixedMeta" | "Fixed2Meta" => {
                let data = if leaf == "FixedMeta" {
                    "FixedData"
                } else {
                    "Fixed2Data"
                };
                if let Some(d) = get(&format!("{dir}/{data}")) {
                    let cut = d.get(..d.len().min(MAX_SEED / 2)).unwrap_or(d);
                    seeds.add_pair("fixed", bytes, cut);
                }
            }
            "VarMeta" => {
                let Some(d) = get(&format!("{dir}/Var2Data")) else {
                    continue;
                };
                seeds.add_pair("var", bytes, d);
                let kind = if dir.starts_with("   19") {
                    VarMetaKind::V9
                } else {
                    VarMetaKind::V12
                };
                let var = VarData::parse(bytes, d.to_vec(), kind);
                let target = if dir.ends_with("TBkndCal") {
                    "calendar"
                } else if dir.ends_with("TBkndRsc") {
                    "resource_blobs"
                } else if dir.ends_with("TBkndTask") {
                    "hyperlink"
                } else if dir.ends_with("TBkndAssn") {
                    "timephased"
                } else {
                    continue;
                };
                let uids: Vec<i32> = var.uids().collect();
                for uid in uids {
                    let keys: Vec<u16> = var.keys(uid).collect();
                    for key in keys {
                        let Some(v) = var.get(uid, key) else { continue };
                        if v.len() >= 16 {
                            seeds.add(target, v);
                        }
                        if v.starts_with(b"{\\rtf") {
                            seeds.add("notes", v);
                        }
                    }
                }
            }
            "FixDeferFix   0" => {
                seeds.add("mpp8_store", bytes.get(..MAX_SEED).unwrap_or(bytes));
            }
            _ => {}
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(corpus), Some(out)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: fuzz_seeds CORPUS_DIR OUT_DIR");
        std::process::exit(2);
    };
    let mut files = Vec::new();
    mpp_files(Path::new(corpus), &mut files);
    files.sort();
    let mut seeds = Seeds {
        out: PathBuf::from(out),
        seen: HashSet::new(),
        counts: BTreeMap::new(),
    };
    for f in &files {
        seed_file(&mut seeds, f);
    }
    for (target, n) in &seeds.counts {
        println!("{target}: {n} seeds");
    }
}
