//! Streaming over the document: the `<Project>` children are visited one by
//! one, and each entity (one task, one calendar, ...) is gathered into a
//! small element tree, converted, and dropped. Memory stays bounded by the
//! largest single entity, whatever the size of the file.

use mpp_core::{Error, ReadOptions, Result};
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

/// Deepest nesting accepted inside one entity (MSPDI needs 6).
const MAX_DEPTH: usize = 64;

/// Most elements accepted in one entity: a task with every field, 11
/// baselines, hundreds of links and custom values is far below.
const MAX_NODES: usize = 1_000_000;

/// One element: local name, its text, its child elements.
#[derive(Debug, Default, Clone)]
pub struct Node {
    pub name: String,
    pub text: String,
    pub children: Vec<Node>,
}

impl Node {
    pub fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    /// Child elements named `name`.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// Children of child `outer` named `inner` (`<Rates><Rate>..`).
    pub fn nested<'a>(&'a self, outer: &'a str, inner: &'a str) -> impl Iterator<Item = &'a Node> {
        self.child(outer)
            .into_iter()
            .flat_map(move |n| n.all(inner))
    }

    /// Text of child `name`, if present.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.child(name).map(|c| c.text.as_str())
    }
}

pub fn corrupt(detail: impl Into<String>) -> Error {
    Error::Corrupt {
        stream: "MSPDI".into(),
        detail: detail.into(),
    }
}

/// The XML event source with the limits of one read.
pub struct Events<'a> {
    reader: Reader<&'a [u8]>,
    max_string_chars: usize,
}

/// What the next step at some level produced.
pub enum Item<'a> {
    /// An element start (or empty element) at this level.
    Open(BytesStart<'a>, bool),
    /// The end of the enclosing element.
    Close,
    /// End of document.
    Eof,
}

impl<'a> Events<'a> {
    pub fn new(data: &'a [u8], opts: &ReadOptions) -> Self {
        let mut reader = Reader::from_reader(data);
        let cfg = reader.config_mut();
        cfg.check_end_names = true;
        cfg.expand_empty_elements = false;
        Events {
            reader,
            max_string_chars: opts.max_string_chars,
        }
    }

    fn position(&self) -> u64 {
        self.reader.buffer_position()
    }

    fn fail(&self, e: impl std::fmt::Display) -> Error {
        corrupt(format!("bad XML at byte {}: {e}", self.position()))
    }

    /// The next element start or end at the current level, skipping text,
    /// comments and declarations.
    pub fn next(&mut self) -> Result<Item<'a>> {
        loop {
            match self.reader.read_event().map_err(|e| self.fail(e))? {
                Event::Start(e) => return Ok(Item::Open(e, false)),
                Event::Empty(e) => return Ok(Item::Open(e, true)),
                Event::End(_) => return Ok(Item::Close),
                Event::Eof => return Ok(Item::Eof),
                Event::Text(t) => {
                    // Text between elements must still be well formed.
                    t.unescape().map_err(|e| self.fail(e))?;
                }
                Event::DocType(_) => {
                    return Err(self.fail("document type declarations are not accepted"))
                }
                _ => {}
            }
        }
    }

    /// Skips the rest of an element whose start was just read.
    pub fn skip(&mut self, start: &BytesStart<'a>, empty: bool) -> Result<()> {
        if empty {
            return Ok(());
        }
        self.reader
            .read_to_end(start.name())
            .map(|_| ())
            .map_err(|e| self.fail(e))
    }

    /// The element whose start was just read, as a tree.
    pub fn tree(&mut self, start: &BytesStart<'a>, empty: bool) -> Result<Node> {
        let mut stack = vec![Node {
            name: local_name(start),
            ..Node::default()
        }];
        if empty {
            return Ok(stack.pop().unwrap_or_default());
        }
        let mut nodes = 1usize;
        loop {
            let event = self.reader.read_event().map_err(|e| self.fail(e))?;
            match event {
                Event::Start(e) | Event::Empty(e) if stack.len() >= MAX_DEPTH => {
                    let _ = e;
                    return Err(self.fail("elements nested too deeply"));
                }
                Event::Start(e) => {
                    nodes += 1;
                    // An element with children keeps no text (indentation).
                    if let Some(top) = stack.last_mut() {
                        top.text.clear();
                    }
                    stack.push(Node {
                        name: local_name(&e),
                        ..Node::default()
                    });
                }
                Event::Empty(e) => {
                    nodes += 1;
                    let node = Node {
                        name: local_name(&e),
                        ..Node::default()
                    };
                    if let Some(top) = stack.last_mut() {
                        top.text.clear();
                        top.children.push(node);
                    }
                }
                Event::Text(t) => {
                    let text = t.unescape().map_err(|e| self.fail(e))?;
                    self.push_text(&mut stack, &text);
                }
                Event::CData(c) => {
                    let raw = c.into_inner();
                    let text = std::str::from_utf8(&raw).map_err(|e| self.fail(e))?;
                    self.push_text(&mut stack, text);
                }
                Event::End(_) => {
                    let Some(done) = stack.pop() else {
                        return Err(self.fail("unbalanced end tag"));
                    };
                    match stack.last_mut() {
                        Some(parent) => parent.children.push(done),
                        None => return Ok(done),
                    }
                }
                Event::Eof => return Err(corrupt("truncated document: missing end tags")),
                Event::DocType(_) => {
                    return Err(self.fail("document type declarations are not accepted"))
                }
                _ => {}
            }
            if nodes > MAX_NODES {
                return Err(Error::TooLarge {
                    size: nodes as u64,
                    limit: MAX_NODES as u64,
                });
            }
        }
    }

    /// Appends text to the open element, cut at the string limit. Text of
    /// elements that have children (indentation) is not kept.
    fn push_text(&self, stack: &mut [Node], text: &str) {
        let Some(top) = stack.last_mut() else {
            return;
        };
        if !top.children.is_empty() {
            return;
        }
        let have = top.text.chars().count();
        let room = self.max_string_chars.saturating_sub(have);
        top.text.extend(
            text.chars()
                .filter(|&c| crate::write::xml::is_xml_char(c))
                .take(room),
        );
    }
}

pub fn local_name(e: &BytesStart<'_>) -> String {
    String::from_utf8_lossy(e.local_name().as_ref()).into_owned()
}
