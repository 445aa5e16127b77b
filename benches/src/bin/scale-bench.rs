//! Scaling of the MSPDI writer and reader: synthetic projects of 1k, 10k and
//! 100k tasks (generated here, never stored in the repository). For each size
//! one child process builds the model and writes it (timed, to a byte-counting
//! sink, then once to a temporary file); a second child reads that file back
//! into a model (timed). Each phase runs in its own process, so each peak RSS
//! is that phase's own.
//!
//! Usage: `scale-bench [SIZES...]` (default 1000 10000 100000);
//! `scale-bench --write N FILE` and `scale-bench --read FILE` measure one
//! phase and print one line.

use std::io::Write;
use std::process::Command;
use std::time::Instant;

use benches::synthetic_project;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("--write") => {
            let n = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(1000);
            write_phase(n, args.get(2).map(String::as_str));
            return;
        }
        Some("--read") => {
            read_phase(args.get(1).map(String::as_str).unwrap_or_default());
            return;
        }
        _ => {}
    }
    let mut sizes: Vec<usize> = args.iter().filter_map(|a| a.parse().ok()).collect();
    if sizes.is_empty() {
        sizes = vec![1_000, 10_000, 100_000];
    }
    let exe = std::env::current_exe().unwrap_or_else(|_| "scale-bench".into());
    let file = std::env::temp_dir().join(format!("scale-bench-{}.xml", std::process::id()));
    let file_arg = file.to_string_lossy().to_string();
    // A zero-task run gives the fixed cost (binary, allocator) to subtract.
    let mut rows: Vec<Row> = Vec::new();
    for n in std::iter::once(0).chain(sizes.iter().copied()) {
        let w = child(&exe, &["--write", &n.to_string(), &file_arg]);
        let r = child(&exe, &["--read", &file_arg]);
        let (Some(&[tasks, build, write, mb, wrss]), Some(&[rtasks, read, rrss])) =
            (w.as_deref(), r.as_deref())
        else {
            eprintln!("size {n}: a phase failed");
            let _ = std::fs::remove_file(&file);
            std::process::exit(1);
        };
        if rtasks != tasks {
            eprintln!("size {n}: wrote {tasks} tasks, read back {rtasks}");
            std::process::exit(1);
        }
        if n > 0 {
            println!(
                "{tasks:>7} tasks: build {build:.3} s; write {write:.3} s ({:.0} tasks/s), {mb:.1} MB of MSPDI, peak RSS {wrss:.1} MB; read {read:.3} s ({:.0} tasks/s), peak RSS {rrss:.1} MB",
                tasks / write,
                tasks / read
            );
        }
        rows.push(Row {
            tasks,
            write,
            write_rss: wrss,
            read,
            read_rss: rrss,
        });
    }
    let _ = std::fs::remove_file(&file);
    let Some(base) = rows.first().copied() else {
        return;
    };
    for pair in rows.iter().skip(1).collect::<Vec<_>>().windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let scale = b.tasks / a.tasks;
        let of_linear = |ta: f64, tb: f64| tb / (ta * scale);
        let mem = |ra: f64, rb: f64, base: f64| (rb - base) / ((ra - base) * scale);
        println!(
            "{:.0} -> {:.0} tasks ({scale:.0}x): write time {:.2}x of linear, write memory {:.2}x; read time {:.2}x, read memory {:.2}x (memory above the empty project's {:.1}/{:.1} MB)",
            a.tasks,
            b.tasks,
            of_linear(a.write, b.write),
            mem(a.write_rss, b.write_rss, base.write_rss),
            of_linear(a.read, b.read),
            mem(a.read_rss, b.read_rss, base.read_rss),
            base.write_rss,
            base.read_rss,
        );
    }
}

#[derive(Clone, Copy)]
struct Row {
    tasks: f64,
    write: f64,
    write_rss: f64,
    read: f64,
    read_rss: f64,
}

/// Runs one phase and parses its line of numbers.
fn child(exe: &std::path::Path, args: &[&str]) -> Option<Vec<f64>> {
    let out = Command::new(exe).args(args).output().ok()?;
    if !out.status.success() {
        eprintln!("{}", String::from_utf8_lossy(&out.stderr));
        return None;
    }
    Some(
        String::from_utf8_lossy(&out.stdout)
            .split_whitespace()
            .filter_map(|w| w.parse().ok())
            .collect(),
    )
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

/// Prints `tasks build_s write_s out_mb peak_rss_mb`; writes the MSPDI to `file`.
fn write_phase(n: usize, file: Option<&str>) {
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
    if let Some(path) = file {
        let written = std::fs::File::create(path)
            .map_err(|e| e.to_string())
            .and_then(|f| mpp_xml::write(&project, f, &opts).map_err(|e| e.to_string()));
        if let Err(e) = written {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    }
    let rss = benches::peak_rss_bytes().unwrap_or(0);
    println!(
        "{n} {build:.6} {best:.6} {:.3} {:.3}",
        bytes as f64 / 1e6,
        rss as f64 / 1e6
    );
}

/// Prints `tasks read_s peak_rss_mb`: best of three reads of `file`, the
/// input held in memory as `mpp_xml::read` does, limits raised to fit.
fn read_phase(file: &str) {
    let mut opts = mpp_core::ReadOptions::default();
    opts.max_input_bytes = u64::MAX;
    opts.max_entities = usize::MAX;
    let mut best = f64::MAX;
    let mut tasks = 0;
    for _ in 0..3 {
        let t = Instant::now();
        let project = std::fs::File::open(file)
            .map_err(|e| e.to_string())
            .and_then(|f| {
                mpp_xml::read(std::io::BufReader::new(f), &opts).map_err(|e| e.to_string())
            });
        match project {
            Ok(p) => {
                best = best.min(t.elapsed().as_secs_f64());
                tasks = p.tasks.len();
            }
            Err(e) => {
                eprintln!("{file}: {e}");
                std::process::exit(1);
            }
        }
    }
    let rss = benches::peak_rss_bytes().unwrap_or(0);
    println!("{tasks} {best:.6} {:.3}", rss as f64 / 1e6);
}
