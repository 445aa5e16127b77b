//! The MSPDI reader: Microsoft Project XML into the same [`Project`] model
//! the `.mpp` readers fill.
//!
//! The document is streamed: header elements are read as they come, and
//! each task, resource, assignment, calendar or custom field definition is
//! gathered into a small tree, converted and dropped.
//!
//! Everything our writer emits comes back: values MSPDI prints in other
//! units are converted back (durations from xsd durations with the units of
//! their `*Format` element, money from hundredths, slacks and variances
//! from tenths of a minute, work variances from thousandths). Values the
//! writer computes when the model leaves them empty (variances, total
//! slack, remaining duration/work, CV) are taken from the document, so that
//! writing the model again gives the same document. Elements the writer
//! prints as constants are ignored. Timephased work (`TimephasedData` of
//! types 1 and 2) is kept period by period, as the document has it; periods
//! in unit 1 (Project 2010's form) set `application_version` to 14, which
//! makes the writer use that form again. MPXJ's placeholder assignments (a
//! task with progress and no assignment) are recognised and dropped, since
//! the writer makes them again.

mod assignments;
mod calendars;
mod custom;
mod project;
mod resources;
mod tasks;
mod tree;
mod values;

use std::io::Read;

use mpp_core::{Error, Project, ReadOptions, Result, TimeFactors, TimeUnit};

use self::tree::{corrupt, local_name, Events, Item, Node};

/// The MSPDI namespace (the root element may also come without it).
const NAMESPACE: &str = "http://schemas.microsoft.com/project";

/// Reads an MSPDI document from its bytes (UTF-8, or UTF-16 with a byte
/// order mark).
///
/// Limits from `opts`: input over `max_input_bytes` is refused before
/// parsing ([`Error::TooLarge`]); more than `max_entities` tasks,
/// resources, assignments, calendars or custom field definitions end in
/// [`Error::Corrupt`]; strings are cut to `max_string_chars`. Malformed XML
/// is [`Error::Corrupt`]; a document whose root is not `<Project>` is
/// [`Error::NotProjectFile`].
///
/// ```
/// let xml = br#"<Project xmlns="http://schemas.microsoft.com/project">
///   <Title>Plan</Title><Tasks><Task><UID>1</UID><ID>1</ID><Name>Dig</Name></Task></Tasks>
/// </Project>"#;
/// let p = mpp_xml::read_bytes(xml, &mpp_core::ReadOptions::default())?;
/// assert_eq!(p.properties.title.as_deref(), Some("Plan"));
/// assert_eq!(p.tasks[0].name.as_deref(), Some("Dig"));
/// # Ok::<(), mpp_core::Error>(())
/// ```
pub fn read_bytes(data: &[u8], opts: &ReadOptions) -> Result<Project> {
    let size = data.len() as u64;
    if size > opts.max_input_bytes {
        return Err(Error::TooLarge {
            size,
            limit: opts.max_input_bytes,
        });
    }
    let utf16 = match data {
        [0xFF, 0xFE, rest @ ..] => Some(utf16(rest, u16::from_le_bytes)),
        [0xFE, 0xFF, rest @ ..] => Some(utf16(rest, u16::from_be_bytes)),
        _ => None,
    };
    let data = match &utf16 {
        Some(text) => text.as_bytes(),
        None => data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data),
    };
    Reading::new(data, opts).run()
}

/// Reads an MSPDI document from a reader, refusing input over the size limit.
pub fn read(reader: impl Read, opts: &ReadOptions) -> Result<Project> {
    let mut data = Vec::new();
    let limit = opts.max_input_bytes;
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut data)?;
    read_bytes(&data, opts)
}

/// The format of a file, from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    /// A compound file: `.mpp`.
    Mpp,
    /// XML: MSPDI.
    Xml,
}

/// Tells `.mpp` (compound file signature) from XML (a `<` after an optional
/// byte order mark and white space); `None` for anything else.
pub fn sniff(data: &[u8]) -> Option<InputKind> {
    const CFB: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    if data.starts_with(&CFB) {
        return Some(InputKind::Mpp);
    }
    if data.starts_with(&[0xFF, 0xFE]) || data.starts_with(&[0xFE, 0xFF]) {
        return Some(InputKind::Xml);
    }
    let body = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
    let first = body.iter().find(|b| !b.is_ascii_whitespace());
    (first == Some(&b'<')).then_some(InputKind::Xml)
}

/// Reads a project from the bytes of either an `.mpp` file or an MSPDI
/// document, whichever they are (see [`sniff`]), with the same limits.
/// Bindings can load both formats through this one call.
pub fn read_any(data: &[u8], opts: &ReadOptions) -> Result<Project> {
    match sniff(data) {
        Some(InputKind::Mpp) => mpp_core::read_bytes(data, opts),
        Some(InputKind::Xml) => read_bytes(data, opts),
        None => Err(Error::NotProjectFile(
            "neither a compound file (.mpp) nor XML (MSPDI)".into(),
        )),
    }
}

/// UIDs identify: of entries sharing one, only the first is kept.
fn dedupe(p: &mut Project) {
    fn first_only<T>(list: &mut Vec<T>, uid: impl Fn(&T) -> i32) {
        let mut seen = std::collections::HashSet::new();
        list.retain(|x| seen.insert(uid(x)));
    }
    first_only(&mut p.calendars, |c| c.uid);
    first_only(&mut p.tasks, |t| t.uid);
    first_only(&mut p.resources, |r| r.uid);
}

fn utf16(bytes: &[u8], word: fn([u8; 2]) -> u16) -> String {
    let units = bytes.chunks_exact(2).map(|c| {
        word([
            c.first().copied().unwrap_or(0),
            c.get(1).copied().unwrap_or(0),
        ])
    });
    char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect::<String>()
}

/// What the section readers need besides their element.
pub(crate) struct Ctx {
    pub f: TimeFactors,
    pub default_units: TimeUnit,
}

struct Reading<'a, 'o> {
    events: Events<'a>,
    opts: &'o ReadOptions,
    project: Project,
    /// Header elements, gathered until the first section needs them.
    header: Node,
    header_done: bool,
    /// Timephased periods read so far, over all assignments.
    periods: usize,
}

impl<'a, 'o> Reading<'a, 'o> {
    fn new(data: &'a [u8], opts: &'o ReadOptions) -> Self {
        Reading {
            events: Events::new(data, opts),
            opts,
            project: Project::default(),
            header: Node::default(),
            header_done: false,
            periods: 0,
        }
    }

    fn ctx(&self) -> Ctx {
        let pr = &self.project.properties;
        Ctx {
            f: pr.factors,
            default_units: pr.default_duration_units.unwrap_or(TimeUnit::Days),
        }
    }

    fn run(mut self) -> Result<Project> {
        let (root, empty) = match self.events.next()? {
            Item::Open(e, empty) => (e, empty),
            Item::Close => return Err(corrupt("unbalanced end tag")),
            Item::Eof => return Err(Error::NotProjectFile("no XML element found".into())),
        };
        let name = local_name(&root);
        if name != "Project" {
            return Err(Error::NotProjectFile(format!(
                "the root element is <{name}>, not MSPDI's <Project>"
            )));
        }
        if let Some(ns) = root
            .attributes()
            .flatten()
            .find(|a| a.key.as_ref() == b"xmlns")
        {
            let value = String::from_utf8_lossy(&ns.value);
            if value != NAMESPACE {
                return Err(Error::NotProjectFile(format!(
                    "<Project> in namespace {value}, not {NAMESPACE}"
                )));
            }
        }
        if !empty {
            self.body()?;
        }
        self.finish_header();
        // Nothing but comments and white space may follow the root.
        match self.events.next()? {
            Item::Eof => {}
            _ => return Err(corrupt("content after the root element")),
        }
        dedupe(&mut self.project);
        tasks::finish(&mut self.project);
        assignments::finish(&mut self.project);
        calendars::finish(&mut self.project);
        Ok(self.project)
    }

    fn body(&mut self) -> Result<()> {
        loop {
            let (start, empty) = match self.events.next()? {
                Item::Open(e, empty) => (e, empty),
                Item::Close => return Ok(()),
                Item::Eof => return Err(corrupt("truncated document: no </Project>")),
            };
            let name = local_name(&start);
            let entity = match name.as_str() {
                "OutlineCodes" => "OutlineCode",
                "ExtendedAttributes" => "ExtendedAttribute",
                "Calendars" => "Calendar",
                "Tasks" => "Task",
                "Resources" => "Resource",
                "Assignments" => "Assignment",
                _ => {
                    if self.header_done {
                        // A header element after the sections: not MSPDI's order, ignored.
                        self.events.skip(&start, empty)?;
                    } else {
                        let node = self.events.tree(&start, empty)?;
                        self.push_header(node)?;
                    }
                    continue;
                }
            };
            self.finish_header();
            if empty {
                continue;
            }
            let mut count = 0usize;
            loop {
                let (child, child_empty) = match self.events.next()? {
                    Item::Open(e, empty) => (e, empty),
                    Item::Close => break,
                    Item::Eof => return Err(corrupt(format!("truncated document in <{name}>"))),
                };
                if local_name(&child) != entity {
                    self.events.skip(&child, child_empty)?;
                    continue;
                }
                count += 1;
                if count > self.opts.max_entities {
                    return Err(corrupt(format!(
                        "more than {} entries in <{name}> (the limit)",
                        self.opts.max_entities
                    )));
                }
                let node = self.events.tree(&child, child_empty)?;
                self.entity(&name, &node)?;
            }
        }
    }

    fn push_header(&mut self, node: Node) -> Result<()> {
        if self.header.children.len() >= 10_000 {
            return Err(corrupt("too many project header elements"));
        }
        self.header.children.push(node);
        Ok(())
    }

    fn finish_header(&mut self) {
        if !self.header_done {
            self.header_done = true;
            project::read(&self.header, &mut self.project);
            self.header = Node::default();
        }
    }

    fn entity(&mut self, section: &str, node: &Node) -> Result<()> {
        let ctx = self.ctx();
        let p = &mut self.project;
        if section == "Assignments" {
            let budget = assignments::Periods {
                read: &mut self.periods,
                limit: self.opts.max_entities,
            };
            return assignments::read(&ctx, node, p, budget);
        }
        match section {
            "OutlineCodes" => custom::read_outline_code(node, p),
            "ExtendedAttributes" => custom::read_definition(node, p),
            "Calendars" => calendars::read(node, p),
            "Tasks" => tasks::read(&ctx, node, p),
            "Resources" => resources::read(&ctx, node, p),
            _ => {}
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
