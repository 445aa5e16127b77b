//! A small streaming XML writer with MPXJ's layout (4-space indent).

use std::io::{self, BufWriter, Write};

pub struct Xml<W: Write> {
    out: BufWriter<W>,
    depth: usize,
}

impl<W: Write> Xml<W> {
    pub fn new(out: W) -> Self {
        Xml {
            out: BufWriter::with_capacity(64 * 1024, out),
            depth: 0,
        }
    }

    pub fn raw(&mut self, s: &str) -> io::Result<()> {
        self.out.write_all(s.as_bytes())
    }

    fn indent(&mut self) -> io::Result<()> {
        for _ in 0..self.depth {
            self.out.write_all(b"    ")?;
        }
        Ok(())
    }

    pub fn open(&mut self, name: &str) -> io::Result<()> {
        self.indent()?;
        writeln!(self.out, "<{name}>")?;
        self.depth += 1;
        Ok(())
    }

    pub fn open_ns(&mut self, name: &str, ns: &str) -> io::Result<()> {
        self.indent()?;
        writeln!(self.out, "<{name} xmlns=\"{ns}\">")?;
        self.depth += 1;
        Ok(())
    }

    pub fn close(&mut self, name: &str) -> io::Result<()> {
        self.depth = self.depth.saturating_sub(1);
        self.indent()?;
        writeln!(self.out, "</{name}>")
    }

    /// `<name>text</name>`, text escaped.
    pub fn elem(&mut self, name: &str, text: &str) -> io::Result<()> {
        self.indent()?;
        write!(self.out, "<{name}>")?;
        escape_into(&mut self.out, text)?;
        writeln!(self.out, "</{name}>")
    }

    /// An element written only when the value is present.
    pub fn opt<T: std::fmt::Display>(&mut self, name: &str, v: Option<T>) -> io::Result<()> {
        match v {
            Some(v) => self.elem(name, &v.to_string()),
            None => Ok(()),
        }
    }

    /// `<name/>`.
    pub fn empty(&mut self, name: &str) -> io::Result<()> {
        self.indent()?;
        writeln!(self.out, "<{name}/>")
    }

    pub fn finish(mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// Escapes markup characters and drops characters XML 1.0 cannot carry.
fn escape_into(out: &mut impl Write, text: &str) -> io::Result<()> {
    let mut buf = [0u8; 4];
    for ch in text.chars() {
        match ch {
            '&' => out.write_all(b"&amp;")?,
            '<' => out.write_all(b"&lt;")?,
            '>' => out.write_all(b"&gt;")?,
            '"' => out.write_all(b"&quot;")?,
            '\t' | '\n' | '\r' => out.write_all(ch.encode_utf8(&mut buf).as_bytes())?,
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
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
