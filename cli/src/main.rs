//! `mpp`: convert Microsoft Project files to MSPDI XML.
//!
//! Exit codes: 0 success, 1 a file could not be read or written, 2 usage.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "usage:
  mpp convert IN.mpp|IN.xml [-o OUT.xml]   convert one file (stdout without -o)
  mpp convert DIR -o OUTDIR                convert every .mpp under DIR
  mpp info IN.mpp|IN.xml [--json]          version, counts and key properties

IN may be an .mpp file or MSPDI XML (told apart by content).
convert --no-timephased: leave out the assignments' daily work (TimephasedData).";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(code) => code,
        Err(Failure::Usage(msg)) => {
            eprintln!("mpp: {msg}\n{USAGE}");
            ExitCode::from(2)
        }
        Err(Failure::File(msg)) => {
            eprintln!("mpp: {msg}");
            ExitCode::from(1)
        }
    }
}

enum Failure {
    Usage(String),
    File(String),
}

fn run(args: &[String]) -> Result<ExitCode, Failure> {
    let Some((cmd, rest)) = args.split_first() else {
        return Err(Failure::Usage("no command".into()));
    };
    match cmd.as_str() {
        "convert" => convert(rest),
        "info" => info(rest),
        "-h" | "--help" | "help" => {
            println!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        other => Err(Failure::Usage(format!("unknown command {other:?}"))),
    }
}

/// Splits `IN [-o OUT]` style arguments.
fn parse_io(
    rest: &[String],
    flags: &[&str],
) -> Result<(PathBuf, Option<PathBuf>, Vec<String>), Failure> {
    let mut input = None;
    let mut output = None;
    let mut seen = Vec::new();
    let mut it = rest.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "-o" | "--output" => {
                let v = it
                    .next()
                    .ok_or_else(|| Failure::Usage("-o needs a path".into()))?;
                output = Some(PathBuf::from(v));
            }
            f if flags.contains(&f) => seen.push(f.to_string()),
            f if f.starts_with('-') && f.len() > 1 => {
                return Err(Failure::Usage(format!("unknown option {f}")));
            }
            _ if input.is_some() => return Err(Failure::Usage("more than one input".into())),
            _ => input = Some(PathBuf::from(a)),
        }
    }
    let input = input.ok_or_else(|| Failure::Usage("no input file".into()))?;
    Ok((input, output, seen))
}

/// Reads an `.mpp` file or an MSPDI document, told apart by content.
fn read(path: &Path) -> Result<mpp_core::Project, Failure> {
    read_kind(path).map(|(p, _)| p)
}

/// Like [`read`], also saying which format the file was.
fn read_kind(path: &Path) -> Result<(mpp_core::Project, Option<mpp_xml::InputKind>), Failure> {
    let fail = |e: mpp_core::Error| Failure::File(format!("{}: {e}", path.display()));
    let opts = mpp_core::ReadOptions::default();
    let file = std::fs::File::open(path).map_err(|e| fail(e.into()))?;
    let len = file.metadata().map_err(|e| fail(e.into()))?.len();
    if len > opts.max_input_bytes {
        return Err(fail(mpp_core::Error::TooLarge {
            size: len,
            limit: opts.max_input_bytes,
        }));
    }
    let mut data = Vec::new();
    io::Read::read_to_end(
        &mut io::Read::take(file, opts.max_input_bytes + 1),
        &mut data,
    )
    .map_err(|e| fail(e.into()))?;
    let kind = mpp_xml::sniff(&data);
    mpp_xml::read_any(&data, &opts)
        .map_err(fail)
        .map(|p| (p, kind))
}

fn convert(rest: &[String]) -> Result<ExitCode, Failure> {
    let (input, output, flags) = parse_io(rest, &["--no-timephased"])?;
    let mut opts = mpp_xml::WriteOptions::default();
    opts.timephased = !flags.iter().any(|f| f == "--no-timephased");
    if input.is_dir() {
        let out = output.ok_or_else(|| Failure::Usage("a directory needs -o OUTDIR".into()))?;
        return convert_dir(&input, &out, &opts);
    }
    let project = read(&input)?;
    match output {
        Some(path) => {
            let file = std::fs::File::create(&path)
                .map_err(|e| Failure::File(format!("{}: {e}", path.display())))?;
            mpp_xml::write(&project, file, &opts)
                .map_err(|e| Failure::File(format!("{}: {e}", path.display())))?;
        }
        None => {
            let stdout = io::stdout().lock();
            mpp_xml::write(&project, stdout, &opts)
                .map_err(|e| Failure::File(format!("stdout: {e}")))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn find_mpp(dir: &Path, out: &mut Vec<PathBuf>) -> io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let p = e.path();
        if p.is_dir() {
            find_mpp(&p, out)?;
        } else if p.extension().is_some_and(|x| x.eq_ignore_ascii_case("mpp")) {
            out.push(p);
        }
    }
    Ok(())
}

fn convert_dir(
    input: &Path,
    outdir: &Path,
    opts: &mpp_xml::WriteOptions,
) -> Result<ExitCode, Failure> {
    let mut files = Vec::new();
    find_mpp(input, &mut files).map_err(|e| Failure::File(format!("{}: {e}", input.display())))?;
    let total = files.len();
    let tty = io::stderr().is_terminal();
    let started = Instant::now();
    let mut failed = Vec::new();
    for (i, path) in files.iter().enumerate() {
        let rel = path.strip_prefix(input).unwrap_or(path);
        let target = outdir.join(rel).with_extension("xml");
        let result = read(path).and_then(|p| {
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| Failure::File(format!("{}: {e}", parent.display())))?;
            }
            let f = std::fs::File::create(&target)
                .map_err(|e| Failure::File(format!("{}: {e}", target.display())))?;
            mpp_xml::write(&p, f, opts)
                .map_err(|e| Failure::File(format!("{}: {e}", target.display())))
        });
        if let Err(Failure::File(msg) | Failure::Usage(msg)) = result {
            failed.push(msg);
        }
        progress(tty, i + 1, total, rel);
    }
    if tty {
        eprintln!();
    }
    for msg in &failed {
        eprintln!("mpp: {msg}");
    }
    eprintln!(
        "converted {} of {total} files in {:.2} s ({} failed) into {}",
        total - failed.len(),
        started.elapsed().as_secs_f64(),
        failed.len(),
        outdir.display()
    );
    Ok(if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn progress(tty: bool, done: usize, total: usize, current: &Path) {
    let mut err = io::stderr().lock();
    if tty {
        let width = 30;
        let filled = (done * width).checked_div(total).unwrap_or(width);
        let _ = write!(
            err,
            "\r[{}{}] {done}/{total} {}\x1b[K",
            "#".repeat(filled),
            "-".repeat(width - filled),
            current.display()
        );
    } else if done == total || done % 50 == 0 {
        let _ = writeln!(err, "{done}/{total}");
    }
}

fn info(rest: &[String]) -> Result<ExitCode, Failure> {
    let (input, _, flags) = parse_io(rest, &["--json"])?;
    let (project, kind) = read_kind(&input)?;
    if flags.iter().any(|f| f == "--json") {
        let json = serde_json::to_string_pretty(&project)
            .map_err(|e| Failure::File(format!("json: {e}")))?;
        // A closed pipe (`| head`) is not an error worth a panic.
        let _ = writeln!(io::stdout().lock(), "{json}");
        return Ok(ExitCode::SUCCESS);
    }
    let p = &project.properties;
    let show = |k: &str, v: Option<String>| {
        if let Some(v) = v {
            println!("{k:<14}{v}");
        }
    };
    let format = match kind {
        Some(mpp_xml::InputKind::Xml) => Some("MSPDI (XML)".to_string()),
        _ => p.file_format.map(|f| f.name().to_string()),
    };
    show("format", format);
    show("application", p.application.clone());
    show("title", p.title.clone());
    show("author", p.author.clone());
    show("company", p.company.clone());
    show("start", p.start_date.map(|d| d.to_string()));
    show("finish", p.finish_date.map(|d| d.to_string()));
    show("last saved", p.last_saved.map(|d| d.to_string()));
    println!(
        "{:<14}{}",
        "tasks",
        project.tasks.iter().filter(|t| !t.is_null).count()
    );
    println!("{:<14}{}", "resources", project.resources.len());
    println!("{:<14}{}", "assignments", project.assignments.len());
    println!("{:<14}{}", "calendars", project.calendars.len());
    println!("{:<14}{}", "links", project.relations().count());
    Ok(ExitCode::SUCCESS)
}
