//! Warm in-process throughput of `.mpp` -> MSPDI over a list of files, the
//! same measurement as MPXJ's oracle `Bench` so the two can be compared.
//!
//! Usage: `corpus-bench ROOT WARMUP RUNS < list` (relative paths, one a line).

use std::io::BufRead;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(root), Some(warm), Some(runs)) = (
        args.first(),
        args.get(1).and_then(|a| a.parse::<usize>().ok()),
        args.get(2).and_then(|a| a.parse::<usize>().ok()),
    ) else {
        eprintln!("usage: corpus-bench ROOT WARMUP RUNS < list");
        std::process::exit(2);
    };
    let mut files = Vec::new();
    let mut bytes = 0usize;
    for line in std::io::stdin().lock().lines().map_while(Result::ok) {
        if line.is_empty() {
            continue;
        }
        match std::fs::read(std::path::Path::new(root).join(&line)) {
            Ok(b) => {
                bytes += b.len();
                files.push(b);
            }
            Err(e) => eprintln!("{line}: {e}"),
        }
    }
    let opts = mpp_xml::WriteOptions::default();
    let mut out = Vec::with_capacity(8 << 20);
    for pass in 0..warm + runs {
        let t0 = Instant::now();
        let (mut ok, mut written) = (0usize, 0usize);
        for data in &files {
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
            files.len() as f64 / s,
            bytes as f64 / 1e6 / s
        );
    }
    if let Some(rss) = benches::peak_rss_bytes() {
        println!("peak RSS {:.1} MB", rss as f64 / 1e6);
    }
}
