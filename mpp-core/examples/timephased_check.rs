//! Checks the decoded timephased work of assignments against the corpus.
//!
//! Usage: `cargo run --release -p mpp-core --example timephased_check [CORPUS] [-v]`
//! (CORPUS defaults to `../shared/corpus`; `-v` lists the mismatches).
//!
//! Over the MPP9/12/14 files of the manifest it reports:
//! * totals: how many assignments' decoded remaining (actual) runs add up to
//!   their RemainingWork (ActualWork), over every file and over the files
//!   with a Microsoft Project export;
//! * days: for the files with an export (`ref_msproject`), how many of the
//!   exported `TimephasedData` values (type 1 remaining, 2 actual work, each
//!   over a span of about a day) our runs reproduce when spread over the
//!   working time of the assignment's calendar.
//!
//! Exits 0 without a corpus, saying so.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use mpp_core::worktime::{assignment_calendar, default_calendar_uid, CalendarRef, WorkTime};
use mpp_core::{Assignment, DateTime, Project, WorkPeriod};

/// Hours within which two amounts of work are the same (1 second).
const SAME: f64 = 1.0 / 3600.0;

#[derive(Default)]
struct Tally {
    assignments: usize,
    remaining_total: usize,
    actual_total: usize,
    remaining_regular: usize,
    actual_regular: usize,
    /// Assignments with remaining runs, and those whose last one ends at the finish.
    remaining_runs: usize,
    remaining_ends_at_finish: usize,
    /// Assignments with actual runs, and those whose last one ends at the
    /// stop date (the finish once no work remains).
    actual_runs: usize,
    actual_ends_at_stop: usize,
}

fn sum(v: &[WorkPeriod]) -> f64 {
    v.iter().map(|p| p.work).sum()
}

fn same(a: f64, b: f64) -> bool {
    (a - b).abs() < SAME
}

impl Tally {
    /// Whether the remaining and actual runs add up to the regular work
    /// (overtime has runs of its own, not decoded here).
    fn add(&mut self, a: &Assignment) -> (bool, bool) {
        let (rem, act) = (sum(&a.timephased.remaining), sum(&a.timephased.actual));
        let (rw, aw) = (
            a.remaining_work.unwrap_or(0.0),
            a.actual_work.unwrap_or(0.0),
        );
        let rem_regular = same(rem, rw - a.remaining_overtime_work.unwrap_or(0.0));
        let act_regular = same(act, aw - a.actual_overtime_work.unwrap_or(0.0));
        self.assignments += 1;
        self.remaining_total += usize::from(same(rem, rw));
        self.actual_total += usize::from(same(act, aw));
        self.remaining_regular += usize::from(rem_regular);
        self.actual_regular += usize::from(act_regular);
        if let Some(last) = a.timephased.remaining.last() {
            self.remaining_runs += 1;
            self.remaining_ends_at_finish += usize::from(Some(last.finish) == a.finish);
        }
        if let Some(last) = a.timephased.actual.last() {
            let stop = if a.timephased.remaining.is_empty() {
                a.finish
            } else {
                a.stop
            };
            self.actual_runs += 1;
            self.actual_ends_at_stop += usize::from(Some(last.finish) == stop);
        }
        (rem_regular, act_regular)
    }

    fn print(&self, what: &str) {
        let n = self.assignments;
        println!("{what}: {n} assignments");
        println!(
            "  remaining runs = RemainingWork: {} ({:.1} %); = RemainingWork - RemainingOvertimeWork: {} ({:.1} %)",
            self.remaining_total,
            pct(self.remaining_total, n),
            self.remaining_regular,
            pct(self.remaining_regular, n)
        );
        println!(
            "  actual runs = ActualWork: {} ({:.1} %); = ActualWork - ActualOvertimeWork: {} ({:.1} %)",
            self.actual_total,
            pct(self.actual_total, n),
            self.actual_regular,
            pct(self.actual_regular, n)
        );
        println!(
            "  last remaining run ends at Finish: {} of {}; last actual run ends at Stop (Finish when none remains): {} of {}",
            self.remaining_ends_at_finish,
            self.remaining_runs,
            self.actual_ends_at_stop,
            self.actual_runs
        );
    }
}

fn pct(a: usize, b: usize) -> f64 {
    if b == 0 {
        100.0
    } else {
        a as f64 * 100.0 / b as f64
    }
}

/// One exported `TimephasedData` element.
struct Exported {
    kind: u32,
    start: DateTime,
    finish: DateTime,
    hours: f64,
}

/// The text of the first `<tag>` in `s`.
fn tag<'a>(s: &'a str, tag: &str) -> Option<&'a str> {
    let open = format!("<{tag}>");
    let i = s.find(&open)? + open.len();
    let j = s[i..].find(&format!("</{tag}>"))? + i;
    Some(&s[i..j])
}

/// Every `<tag>...</tag>` body in `s`.
fn all<'a>(s: &'a str, tag: &str) -> Vec<&'a str> {
    let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(i) = rest.find(&open) {
        let body = &rest[i + open.len()..];
        let Some(j) = body.find(&close) else { break };
        out.push(&body[..j]);
        rest = &body[j + close.len()..];
    }
    out
}

/// `PT8H30M0S` in hours.
fn pt_hours(s: &str) -> Option<f64> {
    let mut rest = s.strip_prefix("PT")?;
    let mut h = 0.0;
    for (unit, per) in [('H', 1.0), ('M', 60.0), ('S', 3600.0)] {
        if let Some(i) = rest.find(unit) {
            h += rest[..i].parse::<f64>().ok()? / per;
            rest = &rest[i + 1..];
        }
    }
    Some(h)
}

/// Exported assignments by UID: (task UID, timephased values).
fn exported(xml: &str) -> HashMap<i32, (i32, Vec<Exported>)> {
    let mut out = HashMap::new();
    let Some(section) = tag(xml, "Assignments") else {
        return out;
    };
    for a in all(section, "Assignment") {
        let (Some(uid), Some(task)) = (
            tag(a, "UID").and_then(|v| v.parse().ok()),
            tag(a, "TaskUID").and_then(|v| v.parse().ok()),
        ) else {
            continue;
        };
        let values = all(a, "TimephasedData")
            .into_iter()
            .filter_map(|t| {
                Some(Exported {
                    kind: tag(t, "Type")?.parse().ok()?,
                    start: DateTime::parse_iso(tag(t, "Start")?)?,
                    finish: DateTime::parse_iso(tag(t, "Finish")?)?,
                    hours: pt_hours(tag(t, "Value")?)?,
                })
            })
            .collect();
        out.insert(uid, (task, values));
    }
    out
}

/// Work of `runs` within `from..to`: each run's work spread evenly over the
/// working time of its span (its wall-clock time when it has none).
fn work_within(
    wt: &WorkTime<'_>,
    cal: CalendarRef,
    runs: &[WorkPeriod],
    from: DateTime,
    to: DateTime,
) -> f64 {
    let mut total = 0.0;
    for p in runs {
        let (a, b) = (p.start.max(from), p.finish.min(to));
        if a >= b || p.work == 0.0 {
            continue;
        }
        let whole = wt.seconds(cal, p.start, p.finish).unwrap_or(0);
        total += if whole > 0 {
            p.work * wt.seconds(cal, a, b).unwrap_or(0) as f64 / whole as f64
        } else {
            let wall = (p.finish.secs() - p.start.secs()) as f64;
            p.work * (b.secs() - a.secs()) as f64 / wall
        };
    }
    total
}

#[derive(Default)]
struct Days {
    /// Values of type 1 and 2, and how many of them are not zero.
    by_type: [usize; 2],
    nonzero: usize,
    values: usize,
    matched: usize,
    assignments: usize,
    assignments_all_matched: usize,
}

fn check_days(
    p: &Project,
    a: &Assignment,
    values: &[Exported],
    days: &mut Days,
    verbose: bool,
    file: &str,
) {
    let calendars = WorkTime::new(&p.calendars, p.properties.factors);
    let Some(task) = p.tasks.iter().find(|t| t.uid == a.task_uid) else {
        return;
    };
    let resource = a
        .resource_uid
        .and_then(|u| p.resources.iter().find(|r| r.uid == u));
    let Some(cal) = assignment_calendar(&calendars, default_calendar_uid(p), task, resource) else {
        return;
    };
    let mut all_ok = true;
    for v in values.iter().filter(|v| v.kind == 1 || v.kind == 2) {
        let runs = if v.kind == 1 {
            &a.timephased.remaining
        } else {
            &a.timephased.actual
        };
        let ours = work_within(&calendars, cal, runs, v.start, v.finish);
        days.values += 1;
        days.by_type[usize::from(v.kind == 2)] += 1;
        days.nonzero += usize::from(v.hours != 0.0);
        if (ours - v.hours).abs() < SAME {
            days.matched += 1;
        } else {
            all_ok = false;
            if verbose {
                println!(
                    "  {file} A{} type {} {}..{}: exported {:.4} h, ours {:.4} h",
                    a.uid, v.kind, v.start, v.finish, v.hours, ours
                );
            }
        }
    }
    days.assignments += 1;
    days.assignments_all_matched += usize::from(all_ok);
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let verbose = args.iter().any(|a| a == "-v");
    let corpus = args
        .iter()
        .find(|a| !a.starts_with('-'))
        .map_or_else(|| PathBuf::from("../shared/corpus"), PathBuf::from);
    let Ok(manifest) = std::fs::read_to_string(corpus.join("manifest.tsv")) else {
        println!(
            "no corpus at {} (manifest.tsv): nothing checked",
            corpus.display()
        );
        return;
    };
    let (mut all_files, mut with_export) = (Tally::default(), Tally::default());
    let mut days = Days::default();
    let (mut files, mut export_files, mut failed) = (0, 0, 0);
    for line in manifest.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (Some(&path), Some(&version), Some(&expect)) = (cols.first(), cols.get(1), cols.get(5))
        else {
            continue;
        };
        if expect != "ok" || !matches!(version, "MPP9" | "MPP12" | "MPP14") {
            continue;
        }
        let reference = cols.get(7).copied().filter(|r| !r.is_empty());
        let Ok(p) = mpp_core::read_path(corpus.join("mpp").join(path)) else {
            failed += 1;
            continue;
        };
        files += 1;
        for a in &p.assignments {
            let (rem, act) = all_files.add(a);
            let rem_end = a.timephased.remaining.last().map(|r| r.finish);
            if verbose && rem_end.is_some() && rem_end != a.finish {
                println!(
                    "  {path} A{}: remaining ends {:?}, finish {:?}",
                    a.uid, rem_end, a.finish
                );
            }
            if verbose && (!rem || !act) {
                println!(
                    "  {path} A{}: remaining {:.4}/{:?}, actual {:.4}/{:?}",
                    a.uid,
                    sum(&a.timephased.remaining),
                    a.remaining_work,
                    sum(&a.timephased.actual),
                    a.actual_work
                );
            }
        }
        let Some(reference) = reference else { continue };
        let Ok(xml) =
            std::fs::read_to_string(Path::new(&corpus).join("ref-msproject").join(reference))
        else {
            continue;
        };
        export_files += 1;
        let exported = exported(&xml);
        for a in &p.assignments {
            with_export.add(a);
            match exported.get(&a.uid) {
                Some((task, values)) if *task == a.task_uid => {
                    check_days(&p, a, values, &mut days, verbose, path);
                }
                _ => {}
            }
        }
    }
    println!("{files} MPP9/12/14 files read ({failed} failed), {export_files} with a Microsoft Project export");
    all_files.print("all files");
    with_export.print("files with an export");
    println!(
        "exported daily values of {} assignments ({} remaining, {} actual; {} not zero): {} of {} reproduced ({:.1} %); assignments with every value reproduced: {}",
        days.assignments,
        days.by_type[0],
        days.by_type[1],
        days.nonzero,
        days.matched,
        days.values,
        pct(days.matched, days.values),
        days.assignments_all_matched
    );
}
