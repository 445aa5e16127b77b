//! The MSPDI writer: elements in the schema's order, deterministic output.
//!
//! What is written, and when, follows MPXJ's MSPDI writer for MPP input, so
//! that our output can be compared field by field with MPXJ's.

mod assignments;
mod calendars;
mod custom;
mod project;
mod resources;
mod tasks;
mod xml;

pub use xml::Xml;

use std::io::{self, Write};

use mpp_core::{Baseline, Project, TimeFactors, TimeUnit};

/// Options for [`write`].
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct WriteOptions {
    /// Value of `CurrentDate`; none = the project's start date (never the
    /// clock, so that output is reproducible).
    pub current_date: Option<mpp_core::DateTime>,
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

/// Removes control characters (MPXJ strips them from names).
fn strip_control(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).collect()
}

#[cfg(test)]
pub(crate) mod test_util {
    use super::*;

    /// The whole document for `p`, with a fixed current date.
    pub fn render(p: &Project) -> String {
        let opts = WriteOptions {
            current_date: mpp_core::DateTime::new(2020, 1, 2, 3, 4, 5),
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
