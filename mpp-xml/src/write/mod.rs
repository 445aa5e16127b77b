//! The MSPDI writer: elements in the schema's order, deterministic output.
//!
//! What is written, and when, follows MPXJ's MSPDI writer for MPP input, so
//! that our output can be compared field by field with MPXJ's.

pub(crate) mod assignments;
mod calendars;
mod custom;
mod project;
mod resources;
mod tasks;
pub(crate) mod xml;

pub use xml::Xml;

pub(crate) use tasks::slack_and_critical;

use std::io::{self, Write};

use mpp_core::{Baseline, Project, TimeFactors, TimeUnit};

/// Options for [`write`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct WriteOptions {
    /// Value of `CurrentDate`; none = the project's start date (never the
    /// clock, so that output is reproducible).
    pub current_date: Option<mpp_core::DateTime>,
    /// Whether assignments carry their timephased work (`TimephasedData`
    /// of types 1, remaining, and 2, actual: one element per day of each
    /// run, as Microsoft Project exports it). Default `true`; the days make
    /// up most of a document with long assignments.
    pub timephased: bool,
}

impl Default for WriteOptions {
    fn default() -> Self {
        WriteOptions {
            current_date: None,
            timephased: true,
        }
    }
}

/// What every section needs besides the element it writes.
pub(crate) struct Ctx<'a> {
    pub p: &'a Project,
    pub f: TimeFactors,
    /// The project's default duration units (`DurationFormat`).
    pub default_units: TimeUnit,
    pub opts: &'a WriteOptions,
}

impl<'a> Ctx<'a> {
    fn new(p: &'a Project, opts: &'a WriteOptions) -> Self {
        Ctx {
            p,
            f: p.properties.factors,
            default_units: p
                .properties
                .default_duration_units
                .unwrap_or(TimeUnit::Days),
            opts,
        }
    }
}

/// Writes `project` as MSPDI into `out` (buffer it for speed).
pub fn write<W: Write>(project: &Project, out: W, opts: &WriteOptions) -> io::Result<()> {
    let ctx = Ctx::new(project, opts);
    let mut x = Xml::new(out);
    x.raw("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n")?;
    x.open_ns("Project", "http://schemas.microsoft.com/project")?;
    project::write_header(&mut x, &ctx)?;
    custom::write_outline_codes(&mut x, project)?;
    custom::write_definitions(&mut x, project)?;
    calendars::write(&mut x, project)?;
    tasks::write(&mut x, &ctx)?;
    resources::write(&mut x, &ctx)?;
    assignments::write(&mut x, &ctx)?;
    x.close("Project")?;
    x.finish()
}

/// Baseline `n` of an entity, if stored.
fn baseline(list: &[Baseline], n: u8) -> Option<&Baseline> {
    list.iter().find(|b| b.number == n)
}

/// A calendar MPXJ makes up for a resource whose calendar is not its own:
/// derived from `base_uid`, named after the resource, with a fresh UID.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SynthesizedCalendar {
    pub resource_uid: i32,
    pub base_uid: i32,
    pub uid: i32,
}

/// The resource calendars MPXJ synthesizes when writing MSPDI.
///
/// A calendar stays a resource calendar only if it is derived, is no other
/// calendar's base and belongs to exactly one resource. Every other
/// calendar is written as a base calendar, and each resource using one of
/// them gets a new derived calendar. New UIDs continue MPXJ's calendar
/// sequence (after the highest UID in use), in calendar then resource order.
/// Shared by the `<Calendars>` and `<Resources>` sections.
pub(crate) fn synthesized_resource_calendars(p: &Project) -> Vec<SynthesizedCalendar> {
    let users = |uid: i32| {
        p.resources
            .iter()
            .filter(move |r| r.calendar_uid == Some(uid))
    };
    let is_parent = |uid: i32| p.calendars.iter().any(|c| c.base_uid == Some(uid));
    let own =
        |c: &mpp_core::Calendar| !c.is_base() && !is_parent(c.uid) && users(c.uid).count() == 1;
    let count = i32::try_from(p.calendars.len()).unwrap_or(i32::MAX);
    let mut next = p
        .calendars
        .iter()
        .map(|c| c.uid)
        .max()
        .unwrap_or(0)
        .max(count)
        .saturating_add(1);
    let mut out = Vec::new();
    for c in p.calendars.iter().filter(|c| !own(c)) {
        for r in users(c.uid) {
            out.push(SynthesizedCalendar {
                resource_uid: r.uid,
                base_uid: c.uid,
                uid: next,
            });
            next = next.saturating_add(1);
        }
    }
    out
}

/// Removes control characters (MPXJ strips them from names).
fn strip_control(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).collect()
}

#[cfg(test)]
mod tests {
    use mpp_core::{Calendar, Resource};

    use super::*;

    #[test]
    fn resources_on_shared_calendars_get_synthesized_ones() {
        let cal = |uid, base_uid| Calendar {
            uid,
            base_uid,
            ..Calendar::default()
        };
        let res = |uid, calendar_uid| Resource {
            uid,
            calendar_uid,
            ..Resource::default()
        };
        let p = Project {
            calendars: vec![cal(1, None), cal(2, Some(1)), cal(3, Some(1))],
            resources: vec![
                res(10, Some(2)),
                res(11, Some(3)),
                res(12, Some(3)),
                res(13, Some(1)),
                res(14, None),
            ],
            ..Project::default()
        };
        let made = synthesized_resource_calendars(&p);
        let s = |resource_uid, base_uid, uid| SynthesizedCalendar {
            resource_uid,
            base_uid,
            uid,
        };
        assert_eq!(made, vec![s(13, 1, 4), s(11, 3, 5), s(12, 3, 6)]);
        let doc = test_util::render(&p);
        assert!(doc.contains("<UID>10</UID>"));
        assert_eq!(
            test_util::section(&doc, "Resource", 0)
                .matches("<CalendarUID>2</CalendarUID>")
                .count(),
            1
        );
        assert!(test_util::section(&doc, "Resource", 1).contains("<CalendarUID>5</CalendarUID>"));
        assert!(test_util::section(&doc, "Resource", 3).contains("<CalendarUID>4</CalendarUID>"));
        assert!(!test_util::section(&doc, "Resource", 4).contains("<CalendarUID>"));
    }

    #[test]
    fn document_is_well_formed_and_escaped() {
        use mpp_core::{Assignment, Task};
        use quick_xml::events::Event;

        let p = Project {
            tasks: vec![Task {
                uid: 1,
                id: 1,
                name: Some("A & <B> \"c\"".into()),
                notes: Some("line1\nline2".into()),
                percent_complete: Some(50.0),
                ..Task::default()
            }],
            resources: vec![Resource {
                uid: 1,
                name: Some("R&D".into()),
                ..Resource::default()
            }],
            assignments: vec![Assignment {
                task_uid: 1,
                resource_uid: Some(1),
                ..Assignment::default()
            }],
            ..Project::default()
        };
        let doc = test_util::render(&p);
        assert!(doc.contains("<Name>A &amp; &lt;B&gt; &quot;c&quot;</Name>"));
        let mut reader = quick_xml::Reader::from_str(&doc);
        let mut stack = Vec::new();
        let mut names = Vec::new();
        loop {
            match reader.read_event().unwrap() {
                Event::Start(e) => {
                    let n = String::from_utf8(e.name().as_ref().to_vec()).unwrap();
                    names.push(n.clone());
                    stack.push(n);
                }
                Event::End(e) => {
                    assert_eq!(
                        stack.pop().as_deref().map(str::as_bytes),
                        Some(e.name().as_ref())
                    );
                }
                Event::Eof => break,
                _ => {}
            }
        }
        assert!(stack.is_empty());
        let sections: Vec<&str> = names
            .iter()
            .map(String::as_str)
            .filter(|n| matches!(*n, "Tasks" | "Resources" | "Assignments"))
            .collect();
        assert_eq!(sections, ["Tasks", "Resources", "Assignments"]);
    }
}

#[cfg(test)]
pub(crate) mod test_util {
    use super::*;

    /// The whole document for `p`, with a fixed current date.
    pub fn render(p: &Project) -> String {
        let opts = WriteOptions {
            current_date: mpp_core::DateTime::new(2020, 1, 2, 3, 4, 5),
            ..WriteOptions::default()
        };
        let mut v = Vec::new();
        write(p, &mut v, &opts).unwrap();
        String::from_utf8(v).unwrap()
    }

    /// The lines between `<open>` and its `</close>`, starting at the n-th opening,
    /// with leading whitespace removed and joined by `|`.
    pub fn section(doc: &str, tag: &str, n: usize) -> String {
        let open = format!("<{tag}>");
        let close = format!("</{tag}>");
        let mut count = 0;
        let mut out = Vec::new();
        let mut inside = false;
        let mut depth = 0;
        for line in doc.lines() {
            let t = line.trim();
            if !inside {
                if t == open {
                    if count == n {
                        inside = true;
                        depth = 1;
                        continue;
                    }
                    count += 1;
                }
                continue;
            }
            if t == open {
                depth += 1;
            } else if t == close {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            out.push(t.to_string());
        }
        out.join("|")
    }
}
