//! Scaling of the MSPDI writer: synthetic projects of 1k, 10k and 100k tasks
//! (generated here, never stored) written to a byte-counting sink. Each size
//! runs in a child process so that its peak RSS is its own.
//!
//! Usage: `scale-bench [SIZES...]` (default 1000 10000 100000);
//! `scale-bench --one N` measures one size and prints one line.

use std::io::Write;
use std::time::Instant;

use benches::synthetic_project;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--one") {
        let n = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(1000);
        one(n);
        return;
    }
    let mut sizes: Vec<usize> = args.iter().filter_map(|a| a.parse().ok()).collect();
    if sizes.is_empty() {
        sizes = vec![1_000, 10_000, 100_000];
    }
    let exe = std::env::current_exe().unwrap_or_else(|_| "scale-bench".into());
    // A zero-task run gives the fixed cost (binary, allocator) to subtract.
    let mut rows = Vec::new();
    for n in std::iter::once(0).chain(sizes.iter().copied()) {
        let out = std::process::Command::new(&exe)
            .args(["--one", &n.to_string()])
            .output();
        let Ok(out) = out else {
            eprintln!("could not run {}", exe.display());
            std::process::exit(1);
        };
        let line = String::from_utf8_lossy(&out.stdout).trim().to_string();
        let f: Vec<f64> = line
            .split_whitespace()
            .filter_map(|w| w.parse().ok())
            .collect();
        if let [tasks, build, write, mb, rss] = f[..] {
            if n > 0 {
                println!(
                    "{tasks:>7} tasks: build {build:.3} s, write {write:.3} s ({:.0} tasks/s), {mb:.1} MB of MSPDI, peak RSS {rss:.1} MB",
                    tasks / write
                );
            }
            rows.push((tasks, write, rss));
        } else {
            eprintln!("unexpected output for {n}: {line}");
        }
    }
    let base_rss = rows.first().map_or(0.0, |r| r.2);
    for pair in rows.iter().skip(1).collect::<Vec<_>>().windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let scale = b.0 / a.0;
        println!(
            "{:.0} -> {:.0} tasks ({scale:.0}x): write time {:.2}x of linear, memory above the {base_rss:.1} MB base {:.2}x of linear",
            a.0,
            b.0,
            b.1 / (a.1 * scale),
            (b.2 - base_rss) / ((a.2 - base_rss) * scale)
        );
    }
}

/// Counts bytes and drops them: the writer streams, so memory stays the model's.
struct Count(u64);

impl Write for Count {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Prints `tasks build_s write_s out_mb peak_rss_mb`.
fn one(n: usize) {
    let t0 = Instant::now();
    let project = synthetic_project(n);
    let build = t0.elapsed().as_secs_f64();
    let opts = mpp_xml::WriteOptions::default();
    // Best of three writes.
    let mut best = f64::MAX;
    let mut bytes = 0;
    for _ in 0..3 {
        let mut sink = Count(0);
        let t = Instant::now();
        if mpp_xml::write(&project, &mut sink, &opts).is_err() {
            std::process::exit(1);
        }
        best = best.min(t.elapsed().as_secs_f64());
        bytes = sink.0;
    }
    let rss = benches::peak_rss_bytes().unwrap_or(0);
    println!(
        "{n} {build:.6} {best:.6} {:.3} {:.3}",
        bytes as f64 / 1e6,
        rss as f64 / 1e6
    );
}
