//! Notes are stored as RTF; the model keeps their plain text.

use crate::bytes::cp1252;

/// Destinations whose text is not part of the document body.
const SKIPPED: &[&str] = &[
    "fonttbl",
    "colortbl",
    "stylesheet",
    "info",
    "pict",
    "header",
    "footer",
    "object",
    "listtable",
    "listoverridetable",
    "rsidtbl",
    "generator",
    "xmlnstbl",
    "themedata",
    "colorschememapping",
    "latentstyles",
    "datastore",
    "mmathPr",
    "pgdsctbl",
    "revtbl",
];

/// Plain text of an RTF document (one trailing newline dropped); text that
/// is not RTF is returned as it is.
pub fn rtf_to_text(rtf: &str) -> String {
    if !rtf.trim_start().starts_with("{\\rtf") {
        return rtf.to_string();
    }
    let b = rtf.as_bytes();
    let mut out = String::new();
    // Per group: (skip text?, chars to skip after \u)
    let mut stack: Vec<(bool, usize)> = vec![(false, 1)];
    let mut skip_pending = 0usize;
    let mut i = 0usize;
    while let Some(&c) = b.get(i) {
        let (skip, uc) = stack.last().copied().unwrap_or((false, 1));
        match c {
            b'{' => {
                stack.push((skip, uc));
                i += 1;
            }
            b'}' => {
                if stack.len() > 1 {
                    stack.pop();
                }
                i += 1;
            }
            b'\\' => {
                i += 1;
                let Some(&n) = b.get(i) else { break };
                if n.is_ascii_alphabetic() {
                    let start = i;
                    while b.get(i).is_some_and(u8::is_ascii_alphabetic) {
                        i += 1;
                    }
                    let word = rtf.get(start..i).unwrap_or("");
                    let nstart = i;
                    if b.get(i) == Some(&b'-') {
                        i += 1;
                    }
                    while b.get(i).is_some_and(u8::is_ascii_digit) {
                        i += 1;
                    }
                    let param: Option<i64> = rtf.get(nstart..i).and_then(|s| s.parse().ok());
                    if b.get(i) == Some(&b' ') {
                        i += 1;
                    }
                    if skip {
                        continue;
                    }
                    match word {
                        "par" | "line" | "sect" | "page" => out.push('\n'),
                        "tab" => out.push('\t'),
                        "emdash" => out.push('\u{2014}'),
                        "endash" => out.push('\u{2013}'),
                        "bullet" => out.push('\u{2022}'),
                        "lquote" => out.push('\u{2018}'),
                        "rquote" => out.push('\u{2019}'),
                        "ldblquote" => out.push('\u{201C}'),
                        "rdblquote" => out.push('\u{201D}'),
                        "uc" => {
                            if let Some(top) = stack.last_mut() {
                                top.1 = usize::try_from(param.unwrap_or(1)).unwrap_or(1);
                            }
                        }
                        "u" => {
                            let v = param.unwrap_or(0);
                            let v = if v < 0 { v + 65_536 } else { v };
                            if let Some(ch) = u32::try_from(v).ok().and_then(char::from_u32) {
                                out.push(ch);
                            }
                            skip_pending = uc;
                        }
                        w if SKIPPED.contains(&w) => {
                            if let Some(top) = stack.last_mut() {
                                top.0 = true;
                            }
                        }
                        _ => {}
                    }
                    continue;
                }
                match n {
                    b'*' => {
                        if let Some(top) = stack.last_mut() {
                            top.0 = true;
                        }
                        i += 1;
                    }
                    b'\'' => {
                        let hex = rtf
                            .get(i + 1..i + 3)
                            .and_then(|h| u8::from_str_radix(h, 16).ok());
                        i += 3;
                        if let Some(v) = hex {
                            if skip_pending > 0 {
                                skip_pending -= 1;
                            } else if !skip {
                                out.push(cp1252(v));
                            }
                        }
                    }
                    b'\n' | b'\r' => {
                        if !skip {
                            out.push('\n');
                        }
                        i += 1;
                    }
                    b'~' => {
                        if !skip {
                            out.push('\u{A0}');
                        }
                        i += 1;
                    }
                    other => {
                        if !skip && other.is_ascii() {
                            out.push(char::from(other));
                        }
                        i += 1;
                    }
                }
            }
            b'\r' | b'\n' => i += 1,
            _ => {
                // Raw text: take the whole UTF-8 character.
                let ch = rtf
                    .get(i..)
                    .and_then(|s| s.chars().next())
                    .unwrap_or('\u{FFFD}');
                i += ch.len_utf8().max(1);
                if skip_pending > 0 {
                    skip_pending -= 1;
                } else if !skip {
                    out.push(ch);
                }
            }
        }
    }
    if out.ends_with('\n') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::rtf_to_text;

    #[test]
    fn strips_control_words_and_tables() {
        let rtf = "{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0\\fnil Arial;}}\
                   {\\colortbl ;\\red0\\green0\\blue0;}\\viewkind4\\uc1\\pard\\f0\\fs20 Notes \
                   Example\\par\n}";
        assert_eq!(rtf_to_text(rtf), "Notes Example");
    }

    #[test]
    fn decodes_escapes() {
        assert_eq!(
            rtf_to_text("{\\rtf1 caf\\'e9 \\u8364? x\\par line2}"),
            "caf\u{e9} \u{20AC} x\nline2"
        );
        assert_eq!(
            rtf_to_text("{\\rtf1{\\*\\generator Riched20;}a\\tab b}"),
            "a\tb"
        );
        assert_eq!(rtf_to_text("plain"), "plain");
        // unbalanced input does not panic
        assert_eq!(rtf_to_text("{\\rtf1 }}}}a\\"), "a");
    }
}
