//! A small streaming XML writer with MPXJ's layout (4-space indent).

use std::io::{self, BufWriter, Write};

pub struct Xml<W: Write> {
    out: BufWriter<W>,
    depth: usize,
    /// Reused for values formatted by `opt`, so no element allocates.
    scratch: String,
}

/// Indentation for up to 16 levels (deeper levels write it in pieces).
const SPACES: &[u8; 64] = b"                                                                ";

impl<W: Write> Xml<W> {
    pub fn new(out: W) -> Self {
        Xml {
            out: BufWriter::with_capacity(64 * 1024, out),
            depth: 0,
            scratch: String::new(),
        }
    }

    pub fn raw(&mut self, s: &str) -> io::Result<()> {
        self.out.write_all(s.as_bytes())
    }

    fn indent(&mut self) -> io::Result<()> {
        let mut n = self.depth * 4;
        while n > 0 {
            let k = n.min(SPACES.len());
            self.out.write_all(SPACES.get(..k).unwrap_or_default())?;
            n -= k;
        }
        Ok(())
    }

    /// `<name>` + newline, indented.
    fn tag_line(&mut self, open: &[u8], name: &str, close: &[u8]) -> io::Result<()> {
        self.indent()?;
        self.out.write_all(open)?;
        self.out.write_all(name.as_bytes())?;
        self.out.write_all(close)
    }

    pub fn open(&mut self, name: &str) -> io::Result<()> {
        self.tag_line(b"<", name, b">\n")?;
        self.depth += 1;
        Ok(())
    }

    pub fn open_ns(&mut self, name: &str, ns: &str) -> io::Result<()> {
        self.tag_line(b"<", name, b" xmlns=\"")?;
        self.out.write_all(ns.as_bytes())?;
        self.out.write_all(b"\">\n")?;
        self.depth += 1;
        Ok(())
    }

    pub fn close(&mut self, name: &str) -> io::Result<()> {
        self.depth = self.depth.saturating_sub(1);
        self.tag_line(b"</", name, b">\n")
    }

    /// `<name>text</name>`, text escaped.
    pub fn elem(&mut self, name: &str, text: &str) -> io::Result<()> {
        self.tag_line(b"<", name, b">")?;
        escape_into(&mut self.out, text)?;
        self.out.write_all(b"</")?;
        self.out.write_all(name.as_bytes())?;
        self.out.write_all(b">\n")
    }

    /// An element written only when the value is present.
    pub fn opt<T: std::fmt::Display>(&mut self, name: &str, v: Option<T>) -> io::Result<()> {
        let Some(v) = v else { return Ok(()) };
        let mut text = std::mem::take(&mut self.scratch);
        text.clear();
        // Writing into a String cannot fail.
        let _ = std::fmt::Write::write_fmt(&mut text, format_args!("{v}"));
        let r = self.elem(name, &text);
        self.scratch = text;
        r
    }

    /// `<name/>`.
    pub fn empty(&mut self, name: &str) -> io::Result<()> {
        self.tag_line(b"<", name, b"/>\n")
    }

    pub fn finish(mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// Whether XML 1.0 can carry `c`: the writer drops the others, and the
/// reader drops them too, so that what it reads is what can be written.
pub(crate) fn is_xml_char(c: char) -> bool {
    !(((c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{FFFE}' || c == '\u{FFFF}')
}

/// Escapes markup characters and drops characters XML 1.0 cannot carry.
fn escape_into(out: &mut impl Write, text: &str) -> io::Result<()> {
    // Most values are plain ASCII with nothing to escape: one copy.
    if text
        .bytes()
        .all(|b| (0x20..0x7F).contains(&b) && !matches!(b, b'&' | b'<' | b'>' | b'"'))
    {
        return out.write_all(text.as_bytes());
    }
    let mut buf = [0u8; 4];
    for ch in text.chars() {
        match ch {
            '&' => out.write_all(b"&amp;")?,
            '<' => out.write_all(b"&lt;")?,
            '>' => out.write_all(b"&gt;")?,
            '"' => out.write_all(b"&quot;")?,
            c if !is_xml_char(c) => {}
            c => out.write_all(c.encode_utf8(&mut buf).as_bytes())?,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_indents() {
        let mut v = Vec::new();
        let mut x = Xml::new(&mut v);
        x.open("A").unwrap();
        x.elem("B", "x<y & \"z\"\u{1}").unwrap();
        x.close("A").unwrap();
        x.finish().unwrap();
        assert_eq!(
            String::from_utf8(v).unwrap(),
            "<A>\n    <B>x&lt;y &amp; &quot;z&quot;</B>\n</A>\n"
        );
    }
}
