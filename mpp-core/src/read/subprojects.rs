//! Inserted projects (subprojects) and the sources of external tasks: the
//! table in project Props `024000A2` (format guide 3.11), MPP9/12/14.
//!
//! Layout, as far as it is known:
//!
//! ```text
//! 0   u32  size
//! 4   u32  unknown (number of index words + 1 in every file seen)
//! 8   u32  end of the index
//! 12  index: u32 words up to the index end; each entry is one word pointing
//!     at a 20-byte header (16-byte GUID, byte 16 = type code) followed by
//!     as many words as the type code says (see `layout`), pointing at the
//!     list of task UIDs, the path of the project and its file name
//! ```
//!
//! Index words are offsets into the table: the low 17 bits in MPP12/14, the
//! low 16 bits in MPP9 (and in a few MPP12/14 entry types). The path is an
//! OLE file moniker (CLSID, anti-moniker count, u32 length, 8.3 ANSI path,
//! 24 bytes, u32 extension size, u32 UTF-16 byte count, u16, UTF-16 path),
//! or plain UTF-16 for one MPP12/14 marker. The task list pairs a task UID
//! with a marker word: a known marker means the task *is* the inserted
//! project; any other following word means the UID is an external task
//! brought in from that project (MPP9 walks the list up to the moniker's
//! first word, `0x303`, and uses the word *after* a UID the same way).
//!
//! The rules (type codes, markers) are MPXJ's, the reference the output is
//! compared with; entries with unknown type codes are skipped by MPXJ's
//! default size. Anything unreadable ends the table with what was decoded
//! up to there: a defect never becomes an error. Where MPXJ reads bytes
//! that cannot mean what it takes them for, we do not follow: the MPP12/14
//! resource-pool entry (0x44) is not walked as a task list from offset -1,
//! UID 0 (the project summary row) is never linked, and an 8.3 path is
//! Windows-1252 (MPXJ widens its bytes with sign extension).

use std::collections::{HashMap, HashSet};

use crate::bytes::{ansi_at, i32_at, u16_at, u32_at, u8_at, utf16_at};
use crate::container::FileFormat;
use crate::model::Task;

/// Project Props key of the table.
pub const PROPS_KEY: u32 = 0x0240_00A2;

/// Largest task UID Project allocates; bigger list words are not UIDs.
const MAX_UID: i32 = 0x1F_FFFF;

/// First word of an OLE file moniker (CLSID 00000303-...): MPP9 task lists
/// run up to it, since the path follows the list directly.
const MPP9_LIST_END: i32 = 0x303;

/// With this marker (MPP12/14) the path is plain UTF-16, not a moniker.
const PLAIN_PATH_MARKER: i32 = 0x0BD5_0000;

/// Words that, following a task UID, mark it as an inserted project.
fn markers(format: FileFormat) -> &'static [i32] {
    match format {
        FileFormat::Mpp9 => &[
            0,
            0x0B34_0000,
            0x0ABB_0000,
            0x05A1_0000,
            0x02F7_0000,
            0x0701_0000,
        ],
        FileFormat::Mpp12 => &[
            0,
            0x0B34_0000,
            0x0ABB_0000,
            0x05A1_0000,
            0x0BD5_0000,
            0x03D6_0000,
            0x0701_0000,
        ],
        _ => &[
            0,
            0x0B34_0000,
            0x0ABB_0000,
            0x05A1_0000,
            0x0BD5_0000,
            0x03D6_0000,
            0x067F_0000,
            0x067D_0000,
            0x0054_0000,
        ],
    }
}

/// What the table says about one task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// Full path of the project file (UTF-16 path, else the 8.3 path).
    pub path: String,
    /// The task is an external task from `path`, not the inserted project itself.
    pub external: bool,
}

/// The decoded table: task UID -> link.
#[derive(Debug, Default)]
pub struct Subprojects {
    links: HashMap<i32, Link>,
}

impl Subprojects {
    pub fn get(&self, uid: i32) -> Option<&Link> {
        self.links.get(&uid)
    }

    pub fn len(&self) -> usize {
        self.links.len()
    }

    pub fn is_empty(&self) -> bool {
        self.links.is_empty()
    }

    /// Later mentions replace the path; "external" once is external for good
    /// (MPXJ keeps the external UIDs in a set apart from the paths). Words
    /// outside 1..=MAX_UID name no task (0 pads MPP9 lists after a marker).
    fn add(&mut self, uid: i32, path: &str, external: bool) {
        if uid <= 0 || uid > MAX_UID {
            return;
        }
        let link = self.links.entry(uid).or_insert_with(|| Link {
            path: String::new(),
            external: false,
        });
        path.clone_into(&mut link.path);
        link.external |= external;
    }

    /// Applies the table to a task just decoded. `subproject_task_uid` is the
    /// task's field 242: a task the table calls external only becomes one
    /// when that field is set (else it keeps the path and is shown as an
    /// inserted project, as in MPXJ). External tasks stay external.
    /// Returns whether the table (not field 255) made the task external.
    pub fn apply(&self, task: &mut Task, subproject_task_uid: Option<i32>) -> bool {
        let Some(link) = self.get(task.uid) else {
            return false;
        };
        task.subproject_name = Some(link.path.clone());
        let made_external = !task.external_task
            && link.external
            && subproject_task_uid.is_some_and(|v| v & 0xFFFF != 0);
        task.external_task |= made_external;
        task.is_subproject = !task.external_task;
        made_external
    }
}

/// External tasks the table does not name come from the project of the
/// external task before them (in raw ID order): Project records the source
/// only when it changes. Only tasks marked by field 255 take part (MPXJ's
/// rule); `by_table` are those the table made external, left out.
pub fn fill_external_sources(tasks: &mut [Task], by_table: &HashSet<i32>) {
    let mut external: Vec<usize> = (0..tasks.len())
        .filter(|&i| {
            tasks
                .get(i)
                .is_some_and(|t| t.external_task && !t.is_null && !by_table.contains(&t.uid))
        })
        .collect();
    external.sort_by_key(|&i| tasks.get(i).map_or(0, |t| t.id));
    let mut current: Option<String> = None;
    for i in external {
        let Some(t) = tasks.get_mut(i) else { continue };
        match &t.subproject_name {
            Some(name) => current = Some(name.clone()),
            None => t.subproject_name.clone_from(&current),
        }
    }
}

/// Where an entry's task list starts.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Uids {
    /// No task list (deleted entries, resource pool links, unknown codes).
    None,
    /// At the offset in this index word after the header word.
    Word(usize),
    /// At the header itself (type 0xC0).
    Header,
}

/// An index entry's shape for one type code.
#[derive(Clone, Copy, Debug)]
struct Layout {
    /// Index words after the header word.
    words: usize,
    uids: Uids,
    /// Index word (after the header word) holding the path offset.
    path: usize,
    /// MPP12/14: every word from the list start up to the path is a
    /// candidate UID; otherwise only the first one (MPP9 has its own walk).
    list: bool,
    /// Offsets are u16 rather than the low 17 bits of a u32.
    short: bool,
}

impl Layout {
    const fn skip(words: usize) -> Layout {
        Layout {
            words,
            uids: Uids::None,
            path: 0,
            list: false,
            short: false,
        }
    }

    const fn tasks(words: usize, uids: Uids, path: usize, list: bool, short: bool) -> Layout {
        Layout {
            words,
            uids,
            path,
            list,
            short,
        }
    }
}

/// The entry layout of a type code. Unknown codes take three words, MPXJ's
/// guess for old or deleted entries.
fn layout(format: FileFormat, code: u8) -> Layout {
    use Uids::{Header, Word};
    if format == FileFormat::Mpp9 {
        return match code {
            0x00 | 0x10 => Layout::skip(2),
            // resource pool links: a path, no tasks
            0x02 | 0x04 => Layout::skip(2),
            0x44 | 0x80 => Layout::skip(3),
            0x99 | 0x09 | 0x0D => Layout::tasks(4, Word(0), 2, false, true),
            0x91 | 0x81 | 0x41 => Layout::tasks(4, Word(0), 1, false, true),
            0x01 | 0x03 | 0x05 | 0x08 | 0x0A | 0x11 => Layout::tasks(3, Word(0), 1, false, true),
            0xC0 => Layout::tasks(3, Header, 0, false, true),
            0x45 => Layout::tasks(4, Word(0), 1, false, false),
            0x8D => Layout::tasks(5, Word(0), 2, false, true),
            _ => Layout::skip(3),
        };
    }
    match code {
        0x00 | 0x10 | 0x02 | 0x04 => Layout::skip(2),
        // 0x44 links a resource pool (path only). MPXJ walks it as a task
        // list starting at offset -1, i.e. over the table's first bytes;
        // those words are not UIDs, so no tasks are taken from it here.
        0x44 | 0x80 => Layout::skip(3),
        0x0B | 0x99 | 0x09 | 0x0D => Layout::tasks(4, Word(0), 2, true, false),
        0x03 | 0x11 | 0x91 | 0x81 | 0x83 | 0x41 => Layout::tasks(4, Word(0), 1, true, false),
        0x01 | 0x08 => Layout::tasks(3, Word(0), 1, true, false),
        0xC0 => Layout::tasks(3, Header, 0, true, false),
        0x05 => Layout::tasks(3, Word(0), 1, false, false),
        0x45 => Layout::tasks(4, Word(0), 1, false, false),
        0x89 | 0x8D => Layout::tasks(5, Word(0), 2, true, true),
        0x0A => Layout::tasks(3, Word(0), 1, true, true),
        _ => Layout::skip(3),
    }
}

/// Decodes the table. Never fails: what cannot be read is left out.
pub fn decode(data: &[u8], format: FileFormat) -> Subprojects {
    let mut d = Decoder {
        data,
        format,
        // Every byte scanned and list word visited is charged: real tables
        // cost about their size, so 16x bounds hostile overlapping entries.
        work: data.len().saturating_mul(16).saturating_add(4096),
        paths: HashMap::new(),
        out: Subprojects::default(),
    };
    d.run();
    d.out
}

struct Decoder<'a> {
    data: &'a [u8],
    format: FileFormat,
    work: usize,
    /// Paths by (offset, plain UTF-16): list entries share one path.
    paths: HashMap<(usize, bool), Option<String>>,
    out: Subprojects,
}

impl Decoder<'_> {
    fn charge(&mut self, n: usize) -> Option<()> {
        self.work = self.work.checked_sub(n)?;
        Some(())
    }

    /// An offset stored in an index word.
    fn offset(&self, at: usize, short: bool) -> Option<usize> {
        if short {
            u16_at(self.data, at).map(usize::from)
        } else {
            u32_at(self.data, at).map(|w| (w & 0x1_FFFF) as usize)
        }
    }

    fn run(&mut self) -> Option<()> {
        // A negative or oversized end just means "up to what is there".
        let end = usize::try_from(i32_at(self.data, 8)?).ok()?;
        let mpp9 = self.format == FileFormat::Mpp9;
        let mut pos = 12usize;
        while pos < end {
            self.charge(1)?;
            let header = self.offset(pos, mpp9)?;
            let code = u8_at(self.data, header.checked_add(16)?)?;
            let l = layout(self.format, code);
            let first = pos.checked_add(4)?;
            pos = first.checked_add(l.words.checked_mul(4)?)?;
            let word = |i: usize| first.checked_add(i.checked_mul(4)?);
            let list = match l.uids {
                Uids::None => continue,
                Uids::Header => header,
                Uids::Word(i) => self.offset(word(i)?, l.short)?,
            };
            let path = self.offset(word(l.path)?, l.short)?;
            if mpp9 {
                self.mpp9_list(list, path);
            } else if l.list {
                // Every word before the path is a candidate (MPXJ's rule).
                let mut at = list;
                while at < path {
                    self.charge(1)?;
                    self.mpp12_word(at, path);
                    at = at.checked_add(4)?;
                }
            } else {
                self.mpp12_word(list, path);
            }
        }
        Some(())
    }

    /// MPP12/14: the word at `at` is a task UID; the word after it says
    /// whether that task is the inserted project or an external task.
    fn mpp12_word(&mut self, at: usize, path_at: usize) -> Option<()> {
        let value = i32_at(self.data, at)?;
        let marker = i32_at(self.data, at.checked_add(4)?)?;
        if value == 0 || value > MAX_UID {
            return None;
        }
        let path = self.path(path_at, marker == PLAIN_PATH_MARKER)?;
        let external = !markers(self.format).contains(&marker);
        self.out.add(value, &path, external);
        Some(())
    }

    /// MPP9: words up to the list end; a UID followed by a marker is the
    /// inserted project, a UID followed by another UID an external task.
    fn mpp9_list(&mut self, mut at: usize, path_at: usize) -> Option<()> {
        let path = self.path(path_at, false)?;
        let markers = markers(self.format);
        let mut prev = 0i32;
        loop {
            self.charge(1)?;
            // A list without its end mark is cut short: the last UID is
            // not taken (it may be anything).
            let value = i32_at(self.data, at)?;
            if value == MPP9_LIST_END {
                break;
            }
            if markers.contains(&value) {
                self.out.add(prev, &path, false);
                prev = 0;
            } else {
                if prev != 0 {
                    self.out.add(prev, &path, true);
                }
                prev = value;
            }
            at = at.checked_add(4)?;
        }
        if prev != 0 {
            self.out.add(prev, &path, true);
        }
        Some(())
    }

    fn path(&mut self, at: usize, plain: bool) -> Option<String> {
        if let Some(p) = self.paths.get(&(at, plain)) {
            return p.clone();
        }
        let p = if plain {
            self.plain_path(at)
        } else {
            self.moniker_path(at)
        };
        self.paths.insert((at, plain), p.clone());
        p
    }

    fn plain_path(&mut self, at: usize) -> Option<String> {
        // Past the end reads as an empty path (MPXJ's string reader).
        let text = utf16_at(self.data, at).unwrap_or_default();
        self.charge(text.len())?;
        Some(text)
    }

    /// The full path in an OLE file moniker at `at`.
    fn moniker_path(&mut self, at: usize) -> Option<String> {
        // CLSID (16), anti-moniker count (u16), ANSI length (u32): the 8.3
        // path is taken up to its NUL, as MPXJ does (the length agrees in
        // every file seen).
        let ansi_at_ = at.checked_add(22)?;
        let rest = self.data.get(ansi_at_..)?;
        let ansi_len = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
        self.charge(ansi_len)?;
        // NUL, then 24 bytes (end server, version, reserved).
        let mut p = ansi_at_.checked_add(ansi_len)?.checked_add(25)?;
        let extension = i32_at(self.data, p)?;
        p = p.checked_add(4)?;
        if extension == 0 {
            // No Unicode part: the 8.3 path is all there is.
            return ansi_at(rest.get(..ansi_len)?, 0);
        }
        let bytes = i32_at(self.data, p)?;
        // the byte count, then a u16 (3 in every file seen)
        p = p.checked_add(6)?;
        let Some(text) = self.data.get(p..) else {
            return Some(String::new());
        };
        // The UTF-16 path is not NUL-terminated: the byte count ends it.
        let text = match usize::try_from(bytes) {
            Ok(n) if n > 0 => text.get(..n.min(text.len())).unwrap_or(text),
            _ => text,
        };
        let path = utf16_at(text, 0).unwrap_or_default();
        self.charge(path.len())?;
        Some(path)
    }
}

/// Fuzz hook: decodes `data` as a table of every layout.
pub(crate) fn fuzz_decode(data: &[u8]) -> usize {
    [FileFormat::Mpp9, FileFormat::Mpp12, FileFormat::Mpp14]
        .into_iter()
        .map(|f| decode(data, f).len())
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u32s(words: &[u32]) -> Vec<u8> {
        words.iter().flat_map(|w| w.to_le_bytes()).collect()
    }

    fn utf16(s: &str) -> Vec<u8> {
        s.encode_utf16().flat_map(u16::to_le_bytes).collect()
    }

    /// An OLE file moniker: 8.3 path, and the full path unless `full` is empty.
    fn moniker(short: &str, full: &str) -> Vec<u8> {
        let mut m = u32s(&[0x303, 0, 0xC0, 0x4600_0000]);
        m.extend([0, 0]);
        m.extend(u32s(&[short.len() as u32 + 1]));
        m.extend(short.bytes());
        m.push(0);
        m.extend([0xFF, 0xFF, 0xAD, 0xDE]);
        m.extend([0u8; 20]);
        if full.is_empty() {
            m.extend(u32s(&[0]));
        } else {
            let f = utf16(full);
            m.extend(u32s(&[f.len() as u32 + 6, f.len() as u32]));
            m.extend([3, 0]);
            m.extend(f);
        }
        m
    }

    /// One entry of a test table: type code, the index words after the
    /// header word (`U` list offset, `P` path offset, `N` file name offset,
    /// here the path again, `X` unused), the task list and the path bytes.
    struct E(u8, &'static str, Vec<u32>, Vec<u8>);

    /// A table laid out as the files have it: the index, a u32, then per
    /// entry its header, list and path. `high` is or-ed into every U/P/N
    /// word (bit 16 is kept out of header words, which are 17-bit).
    fn table(entries: &[E], high: u32) -> Vec<u8> {
        let words: usize = entries.iter().map(|e| 1 + e.1.len()).sum();
        let index_end = 12 + 4 * words;
        let mut body = Vec::new();
        let mut index = Vec::new();
        for E(code, shape, list, path) in entries {
            let header = index_end + 4 + body.len();
            let list_at = header + 20;
            let path_at = list_at + list.len() * 4;
            index.push(header as u32 | (high & !0x1_0000));
            for c in shape.chars() {
                index.push(match c {
                    'U' => list_at as u32 | high,
                    'P' | 'N' => path_at as u32 | high,
                    _ => 0,
                });
            }
            body.extend([0x11u8; 16]);
            body.extend([*code, 0, 1, 0]);
            body.extend(u32s(list));
            body.extend(path);
        }
        let mut t = u32s(&[0, words as u32 + 1, index_end as u32]);
        t.extend(u32s(&index));
        t.extend(u32s(&[entries.len() as u32]));
        t.extend(body);
        let size = t.len() as u32;
        t.splice(0..4, size.to_le_bytes());
        t
    }

    #[test]
    fn mpp14_inserted_projects_take_the_unicode_path() {
        let t = table(
            &[
                E(
                    0x01,
                    "UPN",
                    vec![2, 0x067D_0000],
                    moniker("C:\\A~1.MPP", "C:\\Plans\\A.mpp"),
                ),
                E(
                    0x01,
                    "UPN",
                    vec![3, 0],
                    moniker("C:\\B~1.MPP", "C:\\Plans\\B.mpp"),
                ),
            ],
            0x0008_0000,
        );
        let s = decode(&t, FileFormat::Mpp14);
        assert_eq!(s.len(), 2);
        let a = s.get(2).unwrap();
        assert_eq!(a.path, "C:\\Plans\\A.mpp");
        assert!(!a.external);
        assert_eq!(s.get(3).unwrap().path, "C:\\Plans\\B.mpp");
        assert!(s.get(1).is_none());
        // The same bytes read as MPP9 (u16 offsets, list walked to 0x303).
        let s9 = decode(&t, FileFormat::Mpp9);
        assert_eq!(s9.get(3).unwrap().path, "C:\\Plans\\B.mpp");
        assert!(!s9.get(3).unwrap().external);
    }

    #[test]
    fn mpp12_marker_sets_differ_from_mpp14() {
        // 0x07010000 marks an inserted project in MPP12 but not in MPP14.
        let t = table(
            &[E(
                0x08,
                "UPN",
                vec![5, 0x0701_0000],
                moniker("X.MPP", "X:\\x.mpp"),
            )],
            0,
        );
        assert!(!decode(&t, FileFormat::Mpp12).get(5).unwrap().external);
        assert!(decode(&t, FileFormat::Mpp14).get(5).unwrap().external);
    }

    #[test]
    fn short_path_when_there_is_no_unicode_part() {
        let t = table(
            &[E(0x01, "UPN", vec![7, 0], moniker("C:\\OLD\\P~1.MPP", ""))],
            0,
        );
        let s = decode(&t, FileFormat::Mpp12);
        assert_eq!(s.get(7).unwrap().path, "C:\\OLD\\P~1.MPP");
    }

    #[test]
    fn plain_marker_means_a_plain_utf16_path() {
        let mut path = utf16("\\\\srv\\p.mpp");
        path.extend([0, 0]);
        let t = table(
            &[E(0x01, "UPN", vec![4, PLAIN_PATH_MARKER as u32], path)],
            0,
        );
        let s = decode(&t, FileFormat::Mpp14);
        assert_eq!(s.get(4).unwrap().path, "\\\\srv\\p.mpp");
    }

    #[test]
    fn uids_without_marker_are_external_tasks() {
        // 9 is followed by 10 and 10 by the moniker's first word.
        let t = table(
            &[E(0x03, "UPNX", vec![9, 10], moniker("E.MPP", "E:\\e.mpp"))],
            0,
        );
        let s = decode(&t, FileFormat::Mpp14);
        assert!(s.get(9).unwrap().external);
        assert!(s.get(10).unwrap().external);
        assert_eq!(s.get(10).unwrap().path, "E:\\e.mpp");
    }

    #[test]
    fn single_entries_read_only_the_first_uid() {
        let t = table(
            &[E(
                0x05,
                "UPN",
                vec![6, 0, 8, 0],
                moniker("S.MPP", "S:\\s.mpp"),
            )],
            0,
        );
        let s = decode(&t, FileFormat::Mpp14);
        assert!(s.get(6).is_some());
        assert!(s.get(8).is_none());
    }

    #[test]
    fn five_word_entries_use_u16_offsets() {
        // 0x8D: uid, unused, path, unused, name; bit 16 of the words is not
        // part of the offset.
        let t = table(
            &[E(
                0x8D,
                "UXPXN",
                vec![12, 0x0B34_0000],
                moniker("F.MPP", "F:\\f.mpp"),
            )],
            0x0001_0000,
        );
        for f in [FileFormat::Mpp12, FileFormat::Mpp9] {
            let s = decode(&t, f);
            assert_eq!(s.get(12).unwrap().path, "F:\\f.mpp");
            assert!(!s.get(12).unwrap().external);
        }
        // In MPP14 the same entry read with 17-bit offsets misses its list.
        let t = table(
            &[E(0x01, "UPN", vec![12, 0], moniker("F.MPP", "F:\\f.mpp"))],
            0x0001_0000,
        );
        assert!(decode(&t, FileFormat::Mpp14).is_empty());
    }

    #[test]
    fn mpp9_lists_run_to_the_moniker() {
        // 2 then marker 0: inserted project; 5 then 6: 5 is external, and 6
        // (last before the moniker) too.
        let t = table(
            &[E(
                0x01,
                "UPN",
                vec![2, 0, 5, 6],
                moniker("A.MPP", "D:\\a.mpp"),
            )],
            0,
        );
        let s = decode(&t, FileFormat::Mpp9);
        assert!(!s.get(2).unwrap().external);
        assert!(s.get(5).unwrap().external);
        assert!(s.get(6).unwrap().external);
        assert_eq!(s.get(2).unwrap().path, "D:\\a.mpp");
    }

    #[test]
    fn entries_without_tasks_are_skipped_by_size() {
        // A deleted entry (2 words), a resource pool link (3), an unknown
        // code (3) before a real one: the real one is found at its word.
        let pool = moniker("POOL.MPP", "P:\\pool.mpp");
        for f in [FileFormat::Mpp9, FileFormat::Mpp12, FileFormat::Mpp14] {
            let t = table(
                &[
                    E(0x00, "XX", vec![], vec![]),
                    E(0x44, "PXN", vec![], pool.clone()),
                    E(0x7E, "XXX", vec![1, 0], vec![]),
                    E(0x01, "UPN", vec![3, 0], moniker("R.MPP", "R:\\r.mpp")),
                ],
                0,
            );
            let s = decode(&t, f);
            assert_eq!(s.len(), 1, "{f:?}");
            assert_eq!(s.get(3).unwrap().path, "R:\\r.mpp");
        }
    }

    #[test]
    fn hostile_tables_give_nothing() {
        let m = moniker("A.MPP", "A:\\a.mpp");
        let good = table(&[E(0x01, "UPN", vec![2, 0], m.clone())], 0);
        let path_at = good.len() - m.len();
        for f in [FileFormat::Mpp9, FileFormat::Mpp12, FileFormat::Mpp14] {
            assert!(decode(&good, f).get(2).is_some());
            // Empty, just the header, an index end past the data, every
            // truncation up to inside the Unicode path: no links, no panic.
            assert!(decode(&[], f).is_empty());
            assert!(decode(&u32s(&[16, 1, 12, 0]), f).is_empty());
            assert!(decode(&u32s(&[0, 0, u32::MAX, u32::MAX]), f).is_empty());
            for cut in 0..path_at + 40 {
                assert!(decode(&good[..cut], f).is_empty(), "{f:?} cut {cut}");
            }
            // 340 entries sharing one list that spans the whole index: the
            // work is bounded, and only the table's distinct small words
            // (4092, 12, 4000, and the code word 1) can be taken as UIDs.
            let mut loops = u32s(&[0, 0, 4092]);
            for _ in 0..340 {
                loops.extend(u32s(&[4092, 12, 4000]));
            }
            loops.extend([0u8; 16]);
            loops.extend(u32s(&[1, 0]));
            assert!(decode(&loops, f).len() <= 4);
        }
    }

    fn named(uid: i32, id: i32) -> Task {
        Task {
            uid,
            id,
            ..Task::default()
        }
    }

    #[test]
    fn apply_marks_inserted_and_external_tasks() {
        let t = table(
            &[E(
                0x03,
                "UPNX",
                vec![2, 0, 9, 10],
                moniker("A.MPP", "A:\\a.mpp"),
            )],
            0,
        );
        let s = decode(&t, FileFormat::Mpp14);
        let mut inserted = named(2, 2);
        assert!(!s.apply(&mut inserted, None));
        assert!(inserted.is_subproject && !inserted.external_task);
        assert_eq!(inserted.subproject_name.as_deref(), Some("A:\\a.mpp"));
        // Named external by the table, with a subproject task UID: external.
        let mut ext = named(9, 3);
        assert!(s.apply(&mut ext, Some(0x0001_0005)));
        assert!(ext.external_task && !ext.is_subproject);
        // Without one (low 16 bits zero) it shows as an inserted project.
        let mut loose = named(10, 4);
        assert!(!s.apply(&mut loose, Some(0x0001_0000)));
        assert!(loose.is_subproject && !loose.external_task);
        // Already external from field 255: stays external.
        let mut kept = named(2, 5);
        kept.external_task = true;
        assert!(!s.apply(&mut kept, None));
        assert!(kept.external_task && !kept.is_subproject);
        let mut other = named(4, 6);
        assert!(!s.apply(&mut other, Some(3)));
        assert!(other.subproject_name.is_none() && !other.is_subproject);
    }

    #[test]
    fn external_tasks_inherit_the_previous_source() {
        // By ID: 2 (names "one"), 3, 5 (made external by the table, names
        // "two"), 1, and 4 (not external).
        let mut tasks = vec![
            named(1, 4),
            named(2, 1),
            named(3, 2),
            named(4, 5),
            named(5, 3),
        ];
        for t in &mut tasks {
            t.external_task = t.uid != 4;
        }
        tasks[1].subproject_name = Some("P:\\one.mpp".into());
        tasks[4].subproject_name = Some("P:\\two.mpp".into());
        fill_external_sources(&mut tasks, &HashSet::from([5]));
        assert_eq!(tasks[2].subproject_name.as_deref(), Some("P:\\one.mpp"));
        // uid 5 neither takes nor gives a source.
        assert_eq!(tasks[0].subproject_name.as_deref(), Some("P:\\one.mpp"));
        assert_eq!(tasks[4].subproject_name.as_deref(), Some("P:\\two.mpp"));
        assert!(tasks[3].subproject_name.is_none());
    }
}
