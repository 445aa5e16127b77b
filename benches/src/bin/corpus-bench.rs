//! Warm in-process throughput of `.mpp` -> MSPDI over a list of files, the
//! same measurement as MPXJ's oracle `Bench` so the two can be compared.
//!
//! Usage: `corpus-bench ROOT WARMUP RUNS [--preload] [--no-timephased] < list`
//! (relative paths, one a line).
//!
//! By default each file is read from disk (the page cache, once warm) inside
//! the timed loop into one reused buffer, as a converter would: the reading
//! is counted against us, and the peak RSS is that of converting one file at
//! a time. `--preload` holds every file in memory first, as MPXJ's `Bench`
//! does (its RSS then includes the whole corpus). `--no-timephased` writes
//! what MPXJ writes by default: no `TimephasedData`.

use std::io::{BufRead, Read};
use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(root), Some(warm), Some(runs)) = (
        args.first(),
        args.get(1).and_then(|a| a.parse::<usize>().ok()),
        args.get(2).and_then(|a| a.parse::<usize>().ok()),
    ) else {
        eprintln!("usage: corpus-bench ROOT WARMUP RUNS [--preload] [--no-timephased] < list");
        std::process::exit(2);
    };
    let preload = args.iter().any(|a| a == "--preload");
    let mut paths = Vec::new();
    let mut bytes = 0u64;
    for line in std::io::stdin().lock().lines().map_while(Result::ok) {
        if line.is_empty() {
            continue;
        }
        let path = std::path::Path::new(root).join(&line);
        match std::fs::metadata(&path) {
            Ok(m) => {
                bytes += m.len();
                paths.push(path);
            }
            Err(e) => eprintln!("{line}: {e}"),
        }
    }
    let loaded: Vec<Vec<u8>> = if preload {
        paths
            .iter()
            .map(|p| std::fs::read(p).unwrap_or_default())
            .collect()
    } else {
        Vec::new()
    };
    let mut opts = mpp_xml::WriteOptions::default();
    opts.timephased = !args.iter().any(|a| a == "--no-timephased");
    let mut out = Vec::with_capacity(8 << 20);
    let mut input = Vec::with_capacity(4 << 20);
    for pass in 0..warm + runs {
        let t0 = Instant::now();
        let (mut ok, mut written) = (0usize, 0usize);
        for (i, path) in paths.iter().enumerate() {
            let data: &[u8] = if preload {
                loaded.get(i).map_or(&[], Vec::as_slice)
            } else {
                input.clear();
                if read_into(path, &mut input).is_err() {
                    continue;
                }
                &input
            };
            if let Ok(project) = mpp_core::read_slice(data) {
                out.clear();
                if mpp_xml::write(&project, &mut out, &opts).is_ok() {
                    ok += 1;
                    written += out.len();
                }
            }
        }
        let s = t0.elapsed().as_secs_f64();
        println!(
            "{} pass {pass}: {ok} files ok, {:.1} MB in, {:.1} MB out, {s:.3} s, {:.1} files/s, {:.1} MB/s",
            if pass < warm { "warmup" } else { "timed" },
            bytes as f64 / 1e6,
            written as f64 / 1e6,
            paths.len() as f64 / s,
            bytes as f64 / 1e6 / s
        );
    }
    if let Some(rss) = benches::peak_rss_bytes() {
        println!(
            "peak RSS {:.1} MB ({})",
            rss as f64 / 1e6,
            if preload {
                "every file held in memory"
            } else {
                "one file at a time"
            }
        );
    }
}

fn read_into(path: &PathBuf, buf: &mut Vec<u8>) -> std::io::Result<()> {
    std::fs::File::open(path)?.read_to_end(buf).map(|_| ())
}
