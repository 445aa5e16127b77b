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
        // As in `elem_ascii`: one copy into the buffer for a short line.
        let indent = self.depth * 4;
        let len = indent + open.len() + name.len() + close.len();
        if len <= LINE {
            let mut line = [b' '; LINE];
            let mut at = indent;
            for part in [open, name.as_bytes(), close] {
                if let Some(slot) = line.get_mut(at..at + part.len()) {
                    slot.copy_from_slice(part);
                }
                at += part.len();
            }
            return self.out.write_all(line.get(..len).unwrap_or_default());
        }
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
        if plain(text) {
            return self.elem_ascii(name, text.as_bytes());
        }
        self.tag_line(b"<", name, b">")?;
        escape_into(&mut self.out, text)?;
        self.out.write_all(b"</")?;
        self.out.write_all(name.as_bytes())?;
        self.out.write_all(b">\n")
    }

    /// An element written only when the value is present.
    pub fn opt<T: Text>(&mut self, name: &str, v: Option<T>) -> io::Result<()> {
        let Some(v) = v else { return Ok(()) };
        if let Some(s) = v.as_str() {
            return self.elem(name, s);
        }
        if let Some(d) = v.as_date() {
            return self.date(name, d);
        }
        self.display(name, &v)
    }

    /// Any value through `Display` (the slow path of `opt` and `date`).
    fn display(&mut self, name: &str, v: &dyn std::fmt::Display) -> io::Result<()> {
        let mut text = std::mem::take(&mut self.scratch);
        text.clear();
        // Writing into a String cannot fail.
        let _ = std::fmt::Write::write_fmt(&mut text, format_args!("{v}"));
        let r = self.elem(name, &text);
        self.scratch = text;
        r
    }

    /// `<name/>`.
    /// An element whose text needs no escaping (digits, dates, durations):
    /// the hot path of timephased data, one element per day.
    pub fn elem_ascii(&mut self, name: &str, text: &[u8]) -> io::Result<()> {
        // Short lines (nearly all) are put together first and written at
        // once: one copy into the buffer instead of eight small ones.
        let indent = self.depth * 4;
        let len = indent + 2 * name.len() + text.len() + 6;
        if len <= LINE {
            let mut line = [b' '; LINE];
            let mut at = indent;
            for part in [
                b"<",
                name.as_bytes(),
                b">",
                text,
                b"</",
                name.as_bytes(),
                b">\n",
            ] {
                if let Some(slot) = line.get_mut(at..at + part.len()) {
                    slot.copy_from_slice(part);
                }
                at += part.len();
            }
            return self.out.write_all(line.get(..len).unwrap_or_default());
        }
        self.tag_line(b"<", name, b">")?;
        self.out.write_all(text)?;
        self.out.write_all(b"</")?;
        self.out.write_all(name.as_bytes())?;
        self.out.write_all(b">\n")
    }

    /// A date element, without the formatting machinery for years 0..=9999.
    pub fn date(&mut self, name: &str, d: mpp_core::DateTime) -> io::Result<()> {
        match d.iso_bytes() {
            Some(b) => self.elem_ascii(name, &b),
            // Not `opt`, which sends dates here.
            None => self.display(name, &d),
        }
    }

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
/// A value `Xml::opt` writes: text as it is and dates by hand, without the
/// formatting machinery (most elements are one of those); anything else
/// through `Display`.
pub trait Text: std::fmt::Display {
    fn as_str(&self) -> Option<&str> {
        None
    }
    fn as_date(&self) -> Option<mpp_core::DateTime> {
        None
    }
}

impl Text for String {
    fn as_str(&self) -> Option<&str> {
        Some(self)
    }
}

impl Text for &String {
    fn as_str(&self) -> Option<&str> {
        Some(self)
    }
}

impl Text for &str {
    fn as_str(&self) -> Option<&str> {
        Some(self)
    }
}

impl Text for mpp_core::DateTime {
    fn as_date(&self) -> Option<mpp_core::DateTime> {
        Some(*self)
    }
}

macro_rules! display_text {
    ($($t:ty),*) => { $(impl Text for $t {})* };
}
display_text!(
    i16,
    i32,
    i64,
    u8,
    u16,
    u32,
    u64,
    usize,
    f64,
    mpp_core::Guid,
    crate::format::Hours
);

/// Longest line put together on the stack.
const LINE: usize = 160;

/// Text that needs no escaping: printable ASCII without markup characters.
fn plain(text: &str) -> bool {
    text.bytes()
        .all(|b| (0x20..0x7F).contains(&b) && !matches!(b, b'&' | b'<' | b'>' | b'"'))
}

fn escape_into(out: &mut impl Write, text: &str) -> io::Result<()> {
    // Most values are plain ASCII with nothing to escape: one copy.
    if plain(text) {
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

    /// Found by fuzzing `read_mspdi` (a stack overflow): a date outside the
    /// years 0..=9999 went from `date` to `opt` and back, forever.
    #[test]
    fn dates_outside_four_digit_years_are_written_once() {
        let far = mpp_core::DateTime::from_secs(400_000_000_000);
        let early = mpp_core::DateTime::from_secs(-70_000_000_000);
        let mut v = Vec::new();
        let mut x = Xml::new(&mut v);
        x.opt("D", Some(far)).unwrap();
        x.date("E", early).unwrap();
        x.opt("F", Some(mpp_core::DateTime::from_secs(0))).unwrap();
        x.finish().unwrap();
        let text = String::from_utf8(v).unwrap();
        assert_eq!(
            text,
            format!("<D>{far}</D>\n<E>{early}</E>\n<F>1970-01-01T00:00:00</F>\n")
        );
        assert!(text.starts_with("<D>14645-"), "{text}");
    }

    #[test]
    fn short_and_long_lines_are_laid_out_alike() {
        let long = "v".repeat(LINE);
        let mut v = Vec::new();
        let mut x = Xml::new(&mut v);
        x.open("A").unwrap();
        x.elem("B", "short").unwrap();
        x.elem("B", &long).unwrap();
        x.elem_ascii("C", b"2016-01-04T08:00:00").unwrap();
        x.close("A").unwrap();
        x.finish().unwrap();
        assert_eq!(
            String::from_utf8(v).unwrap(),
            format!(
                "<A>\n    <B>short</B>\n    <B>{long}</B>\n    <C>2016-01-04T08:00:00</C>\n</A>\n"
            )
        );
    }
}
