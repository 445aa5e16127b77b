//! A read-only compound file (OLE2/CFB, [MS-CFB]) over a byte slice or a
//! seekable reader.
//!
//! Only what a reader of `.mpp` files needs: find a stream by path and copy
//! its bytes out. Opening reads the header, the FAT and the mini FAT; the
//! directory and the streams are read when asked for, straight from the
//! source (a slice is copied from, a file is read at an offset), so a file
//! on disk is never loaded whole. Every chain walk is bounded by the number
//! of sectors the file can hold, so cycles end in an error, never a hang.

use std::cell::RefCell;
use std::io::{Read, Seek, SeekFrom};

use crate::bytes::{u16_at, u32_at, u8_at};

const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
const NO_STREAM: u32 = 0xFFFF_FFFF;
const DIR_ENTRY: usize = 128;
const MINI_SECTOR: usize = 64;
const HEADER: usize = 512;
const HEADER_DIFAT: usize = 109;

/// Why the container could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CfbError(pub String);

fn err<T>(msg: impl Into<String>) -> Result<T, CfbError> {
    Err(CfbError(msg.into()))
}

/// Where the bytes of a compound file come from.
pub trait Source {
    /// The length of the whole file.
    fn size(&self) -> u64;
    /// Fills `buf` from `offset`; false when those bytes are not all there.
    fn read_at(&self, offset: u64, buf: &mut [u8]) -> bool;
}

impl Source for &[u8] {
    fn size(&self) -> u64 {
        self.len() as u64
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> bool {
        let bytes = usize::try_from(offset)
            .ok()
            .and_then(|start| Some(start..start.checked_add(buf.len())?))
            .and_then(|range| self.get(range));
        match bytes {
            Some(bytes) => {
                buf.copy_from_slice(bytes);
                true
            }
            None => false,
        }
    }
}

/// A seekable reader (an open `File`) as a source.
pub struct SeekSource<R> {
    inner: RefCell<R>,
    len: u64,
}

impl<R: Read + Seek> SeekSource<R> {
    pub fn new(mut inner: R) -> std::io::Result<Self> {
        let len = inner.seek(SeekFrom::End(0))?;
        Ok(SeekSource {
            inner: RefCell::new(inner),
            len,
        })
    }
}

impl<R: Read + Seek> Source for SeekSource<R> {
    fn size(&self) -> u64 {
        self.len
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> bool {
        let in_file = offset
            .checked_add(buf.len() as u64)
            .is_some_and(|end| end <= self.len);
        let Ok(mut r) = self.inner.try_borrow_mut() else {
            return false;
        };
        in_file && r.seek(SeekFrom::Start(offset)).is_ok() && r.read_exact(buf).is_ok()
    }
}

/// An opened compound file.
pub struct Compound<'a> {
    src: Box<dyn Source + 'a>,
    len: u64,
    sector_shift: u32,
    major_version: u16,
    /// The whole FAT: the next sector of each sector's chain.
    fat: Vec<u32>,
    /// The whole mini FAT.
    minifat: Vec<u32>,
    /// The sectors of the mini stream (the root entry's stream), in order.
    ministream_sectors: Vec<u32>,
    /// The sectors of the directory, in order.
    dir_sectors: Vec<u32>,
    mini_cutoff: u64,
}

/// A directory entry's kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    Storage,
    Stream,
    Root,
    Other,
}

/// The fields of a directory entry this reader uses.
#[derive(Debug, Clone, Copy)]
struct Entry {
    /// UTF-16LE name bytes; `name_len` of them are used (no terminator).
    name: [u8; 64],
    name_len: usize,
    kind: EntryKind,
    left: u32,
    right: u32,
    child: u32,
    start: u32,
    size: u64,
}

impl Entry {
    fn name(&self) -> &[u8] {
        self.name.get(..self.name_len).unwrap_or_default()
    }
}

/// A stream found in the directory, not read yet.
#[derive(Debug, Clone, Copy)]
pub struct Stream {
    entry: Entry,
}

impl Stream {
    /// The size the directory declares (checked against the chain on read).
    pub fn size(&self) -> u64 {
        self.entry.size
    }
}

impl<'a> Compound<'a> {
    /// Opens a compound file held in memory.
    pub fn open(data: &'a [u8]) -> Result<Compound<'a>, CfbError> {
        Compound::open_source(Box::new(data))
    }

    /// Opens a compound file through a source; reads its header, FAT and mini FAT.
    pub fn open_source(src: Box<dyn Source + 'a>) -> Result<Compound<'a>, CfbError> {
        let mut header = [0u8; HEADER];
        if !src.read_at(0, &mut header) {
            return err("shorter than a compound-file header");
        }
        let data = header.as_slice();
        if u16_at(data, 0x1C) != Some(0xFFFE) {
            return err("bad byte order mark");
        }
        let major_version = u16_at(data, 0x1A).unwrap_or(0);
        let sector_shift = u32::from(u16_at(data, 0x1E).unwrap_or(0));
        match (major_version, sector_shift) {
            (3, 9) | (4, 12) => {}
            _ => {
                return err(format!(
                    "version {major_version} with sector shift {sector_shift}"
                ))
            }
        }
        if u16_at(data, 0x20) != Some(6) {
            return err("mini sector size is not 64");
        }
        let field = |off: usize| u32_at(data, off).ok_or_else(|| CfbError("short header".into()));
        let fat_count = field(0x2C)?;
        let first_dir = field(0x30)?;
        let mini_cutoff = u64::from(field(0x38)?);
        let first_minifat = field(0x3C)?;
        let first_difat = field(0x44)?;
        let len = src.size();
        let mut c = Compound {
            src,
            len,
            sector_shift,
            major_version,
            fat: Vec::new(),
            minifat: Vec::new(),
            ministream_sectors: Vec::new(),
            dir_sectors: Vec::new(),
            mini_cutoff,
        };
        // The FAT sector list: 109 in the header, then a chain of DIFAT sectors.
        let fat_count = usize::try_from(fat_count).unwrap_or(usize::MAX);
        if fat_count > c.max_sectors() {
            return err("FAT sector count larger than the file");
        }
        let mut fat_sectors = Vec::with_capacity(fat_count);
        for i in 0..HEADER_DIFAT.min(fat_count) {
            fat_sectors.push(field(0x4C + 4 * i)?);
        }
        let per_sector = c.sector_size() / 4;
        let mut difat = first_difat;
        let mut steps = 0usize;
        let mut sector = vec![0u8; c.sector_size()];
        while fat_sectors.len() < fat_count && difat < END_OF_CHAIN {
            steps += 1;
            if steps > c.max_sectors() {
                return err("DIFAT chain does not end");
            }
            if !c.read_sector(difat, &mut sector) {
                return err("DIFAT sector outside the file");
            }
            for i in 0..per_sector - 1 {
                if fat_sectors.len() >= fat_count {
                    break;
                }
                fat_sectors.push(u32_at(&sector, 4 * i).unwrap_or(NO_STREAM));
            }
            difat = u32_at(&sector, 4 * (per_sector - 1)).unwrap_or(END_OF_CHAIN);
        }
        if fat_sectors.len() < fat_count {
            return err("missing FAT sectors");
        }
        c.fat = c.table(&fat_sectors, "FAT")?;
        c.dir_sectors = c.chain(first_dir)?;
        if first_minifat < END_OF_CHAIN {
            let sectors = c.chain(first_minifat)?;
            c.minifat = c.table(&sectors, "mini FAT")?;
        }
        let root = c
            .entry(0)
            .filter(|e| e.kind == EntryKind::Root)
            .ok_or_else(|| CfbError("no root entry".into()))?;
        if root.start < END_OF_CHAIN && root.size != 0 {
            c.ministream_sectors = c.chain(root.start)?;
        }
        Ok(c)
    }

    fn sector_size(&self) -> usize {
        1usize << self.sector_shift
    }

    /// An upper bound of the sectors the file can hold (bounds every walk).
    fn max_sectors(&self) -> usize {
        usize::try_from(self.len >> self.sector_shift)
            .unwrap_or(usize::MAX)
            .saturating_add(1)
    }

    /// The file offset of sector `n`.
    fn offset(&self, n: u32) -> Option<u64> {
        u64::from(n)
            .checked_add(1)?
            .checked_mul(1u64 << self.sector_shift)
    }

    /// Reads sector `n` into `buf` (one sector long); a short last sector is
    /// padded with zeros.
    fn read_sector(&self, n: u32, buf: &mut [u8]) -> bool {
        let Some(start) = self.offset(n).filter(|&s| s < self.len) else {
            return false;
        };
        let have = usize::try_from(self.len - start).unwrap_or(usize::MAX);
        let take = have.min(buf.len());
        buf.iter_mut().skip(take).for_each(|b| *b = 0);
        buf.get_mut(..take)
            .is_some_and(|head| self.src.read_at(start, head))
    }

    /// The little-endian `u32` entries of the sectors listed, in order.
    fn table(&self, sectors: &[u32], what: &str) -> Result<Vec<u32>, CfbError> {
        let mut out = Vec::with_capacity(sectors.len().saturating_mul(self.sector_size() / 4));
        let mut buf = vec![0u8; self.sector_size()];
        for &s in sectors {
            if !self.read_sector(s, &mut buf) {
                return err(format!("{what} sector {s} outside the file"));
            }
            out.extend(
                buf.chunks_exact(4)
                    .map(|c| u32_at(c, 0).unwrap_or(NO_STREAM)),
            );
        }
        Ok(out)
    }

    /// The FAT entry of sector `n`: the next sector of its chain.
    fn next(&self, n: u32) -> Option<u32> {
        self.fat.get(usize::try_from(n).ok()?).copied()
    }

    /// The sectors of the chain starting at `start`.
    fn chain(&self, start: u32) -> Result<Vec<u32>, CfbError> {
        let mut out = Vec::new();
        let mut s = start;
        while s != END_OF_CHAIN {
            if out.len() >= self.max_sectors() {
                return err("sector chain does not end");
            }
            out.push(s);
            s = self
                .next(s)
                .ok_or_else(|| CfbError(format!("sector {s} has no FAT entry")))?;
        }
        Ok(out)
    }

    /// The mini FAT entry of mini sector `n`.
    fn mini_next(&self, n: u32) -> Option<u32> {
        self.minifat.get(usize::try_from(n).ok()?).copied()
    }

    /// The file offset of mini sector `n` and how many of its 64 bytes the
    /// mini stream's sector holds.
    fn mini_offset(&self, n: u32) -> Option<u64> {
        let per = self.sector_size() / MINI_SECTOR;
        let n = usize::try_from(n).ok()?;
        let sector = *self.ministream_sectors.get(n / per)?;
        let within = ((n % per) * MINI_SECTOR) as u64;
        self.offset(sector)?.checked_add(within)
    }

    /// Directory entry `id`, if it exists.
    fn entry(&self, id: u32) -> Option<Entry> {
        let per = self.sector_size() / DIR_ENTRY;
        let id = usize::try_from(id).ok()?;
        let sector = *self.dir_sectors.get(id / per)?;
        let at = self
            .offset(sector)?
            .checked_add(((id % per) * DIR_ENTRY) as u64)?;
        let mut e = [0u8; DIR_ENTRY];
        if !self.src.read_at(at, &mut e) {
            return None;
        }
        let kind = match u8_at(&e, 0x42)? {
            1 => EntryKind::Storage,
            2 => EntryKind::Stream,
            5 => EntryKind::Root,
            _ => EntryKind::Other,
        };
        let name_len = usize::from(u16_at(&e, 0x40)?).min(64).saturating_sub(2) & !1;
        let mut name = [0u8; 64];
        name.copy_from_slice(e.get(..64)?);
        let size = u64::from(u32_at(&e, 0x78)?) | u64::from(u32_at(&e, 0x7C)?) << 32;
        Some(Entry {
            name,
            name_len,
            kind,
            left: u32_at(&e, 0x44)?,
            right: u32_at(&e, 0x48)?,
            child: u32_at(&e, 0x4C)?,
            start: u32_at(&e, 0x74)?,
            // Version 3 files may leave garbage in the high half.
            size: if self.major_version == 3 {
                size & 0xFFFF_FFFF
            } else {
                size
            },
        })
    }

    /// The number of directory entries the directory sectors hold.
    fn entry_count(&self) -> usize {
        self.dir_sectors.len() * (self.sector_size() / DIR_ENTRY)
    }

    /// The child of storage `parent` named `name` (compared case-insensitively,
    /// as the format does). Walks the whole sibling tree rather than trusting
    /// its ordering; each entry is visited at most once.
    fn child(&self, parent: u32, name: &str) -> Option<(u32, Entry)> {
        let root = self.entry(parent)?.child;
        let mut stack = vec![root];
        let mut visits = 0usize;
        while let Some(id) = stack.pop() {
            if id == NO_STREAM {
                continue;
            }
            visits += 1;
            if visits > self.entry_count() {
                return None;
            }
            let e = self.entry(id)?;
            if name_eq(e.name(), name) {
                return Some((id, e));
            }
            stack.push(e.left);
            stack.push(e.right);
        }
        None
    }

    fn find(&self, path: &str) -> Option<Entry> {
        let mut id = 0u32;
        let mut found = self.entry(0)?;
        for part in path.split('/').filter(|p| !p.is_empty()) {
            if !matches!(found.kind, EntryKind::Storage | EntryKind::Root) {
                return None;
            }
            (id, found) = self.child(id, part)?;
        }
        Some(found)
    }

    /// Whether `path` names a stream.
    pub fn is_stream(&self, path: &str) -> bool {
        self.stream(path).is_some()
    }

    /// The size of stream `path`, if it is one.
    pub fn stream_len(&self, path: &str) -> Option<u64> {
        self.stream(path).map(|s| s.size())
    }

    /// Finds stream `path` (one directory walk), to check its size before reading.
    pub fn stream(&self, path: &str) -> Option<Stream> {
        self.find(path)
            .filter(|e| e.kind == EntryKind::Stream)
            .map(|entry| Stream { entry })
    }

    /// Copies stream `path` into `out` (cleared first). `Ok(false)` when there
    /// is no such stream; an error when its chain is broken or too short.
    pub fn read_stream(&self, path: &str, out: &mut Vec<u8>) -> Result<bool, CfbError> {
        out.clear();
        let Some(stream) = self.stream(path) else {
            return Ok(false);
        };
        self.read(&stream, out)?;
        Ok(true)
    }

    /// Appends `want` bytes read at `offset` to `out`.
    fn append(&self, offset: u64, want: usize, out: &mut Vec<u8>) -> bool {
        let start = out.len();
        out.resize(start.saturating_add(want), 0);
        out.get_mut(start..)
            .is_some_and(|tail| self.src.read_at(offset, tail))
    }

    /// Copies a stream found by [`Compound::stream`] into `out` (cleared first).
    pub fn read(&self, stream: &Stream, out: &mut Vec<u8>) -> Result<(), CfbError> {
        out.clear();
        let e = stream.entry;
        let Ok(size) = usize::try_from(e.size) else {
            return err("stream larger than memory");
        };
        if size == 0 {
            return Ok(());
        }
        if e.size > self.len {
            return err("stream larger than the file");
        }
        out.reserve_exact(size);
        let mut s = e.start;
        let mut steps = 0usize;
        if e.size < self.mini_cutoff {
            let limit = self.ministream_sectors.len() * (self.sector_size() / MINI_SECTOR);
            while out.len() < size {
                steps += 1;
                if steps > limit {
                    return err("mini sector chain does not end");
                }
                let take = MINI_SECTOR.min(size - out.len());
                let read = self
                    .mini_offset(s)
                    .is_some_and(|at| self.append(at, take, out));
                if !read {
                    return err(format!("mini sector {s} outside the mini stream"));
                }
                s = self.mini_next(s).unwrap_or(END_OF_CHAIN);
                if s == END_OF_CHAIN && out.len() < size {
                    return err("stream shorter than its size");
                }
            }
        } else {
            while out.len() < size {
                let remaining = size - out.len();
                // Runs of consecutive sectors are copied in one piece.
                let first = s;
                let mut run = 1usize;
                let mut next = self.next(s);
                loop {
                    steps += 1;
                    if steps > self.max_sectors() {
                        return err("sector chain does not end");
                    }
                    if run << self.sector_shift >= remaining {
                        break;
                    }
                    let follows = u32::try_from(run)
                        .ok()
                        .and_then(|r| first.checked_add(r))
                        .filter(|&f| next == Some(f));
                    match follows {
                        Some(n) => {
                            next = self.next(n);
                            run += 1;
                        }
                        None => break,
                    }
                }
                let want = (run << self.sector_shift).min(remaining);
                let read = self
                    .offset(first)
                    .is_some_and(|at| self.append(at, want, out));
                if !read {
                    return err(format!("sector {first} outside the file"));
                }
                s = next.unwrap_or(END_OF_CHAIN);
                if s == END_OF_CHAIN && out.len() < size {
                    return err("stream shorter than its size");
                }
            }
        }
        Ok(())
    }
}

/// Compares a UTF-16LE directory name with `name`, ignoring case.
fn name_eq(utf16: &[u8], name: &str) -> bool {
    let mut units = utf16.chunks_exact(2).map(|c| {
        u16::from_le_bytes([
            c.first().copied().unwrap_or(0),
            c.get(1).copied().unwrap_or(0),
        ])
    });
    let mut ours = name.encode_utf16();
    loop {
        match (units.next(), ours.next()) {
            (None, None) => return true,
            (Some(a), Some(b)) if a == b || fold(a) == fold(b) => {}
            _ => return false,
        }
    }
}

fn fold(u: u16) -> u16 {
    // Stream names are nearly all ASCII.
    if let Ok(b) = u8::try_from(u) {
        if b.is_ascii() {
            return u16::from(b.to_ascii_uppercase());
        }
    }
    char::from_u32(u32::from(u))
        .and_then(|c| c.to_uppercase().next())
        .and_then(|c| u16::try_from(u32::from(c)).ok())
        .unwrap_or(u)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FREE: u32 = 0xFFFF_FFFF;

    fn put32(b: &mut [u8], off: usize, v: u32) {
        b[off..off + 4].copy_from_slice(&v.to_le_bytes());
    }

    fn dir_entry(
        name: &str,
        kind: u8,
        left: u32,
        right: u32,
        child: u32,
        start: u32,
        size: u32,
    ) -> [u8; 128] {
        let mut e = [0u8; 128];
        let units: Vec<u16> = name.encode_utf16().collect();
        for (i, u) in units.iter().enumerate() {
            e[2 * i..2 * i + 2].copy_from_slice(&u.to_le_bytes());
        }
        e[0x40..0x42].copy_from_slice(&((units.len() as u16 + 1) * 2).to_le_bytes());
        e[0x42] = kind;
        e[0x43] = 1;
        put32(&mut e, 0x44, left);
        put32(&mut e, 0x48, right);
        put32(&mut e, 0x4C, child);
        put32(&mut e, 0x74, start);
        put32(&mut e, 0x78, size);
        e
    }

    fn big_data() -> Vec<u8> {
        (0..4608u32).map(|i| (i % 251) as u8).collect()
    }

    fn small_data() -> Vec<u8> {
        (0..100u32).map(|i| (i * 7 % 256) as u8).collect()
    }

    /// A version-3 file: sector 0 FAT, 1 directory, 2 mini FAT, 3 mini
    /// stream, 4..=12 the big stream, chained out of order (..6, 8, 7, 9..).
    fn build(fat_patch: &[(usize, u32)]) -> Vec<u8> {
        let mut f = vec![0u8; 512 * 14];
        f[..8].copy_from_slice(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
        f[0x18..0x1A].copy_from_slice(&0x3Eu16.to_le_bytes());
        f[0x1A..0x1C].copy_from_slice(&3u16.to_le_bytes());
        f[0x1C..0x1E].copy_from_slice(&0xFFFEu16.to_le_bytes());
        f[0x1E..0x20].copy_from_slice(&9u16.to_le_bytes());
        f[0x20..0x22].copy_from_slice(&6u16.to_le_bytes());
        put32(&mut f, 0x2C, 1);
        put32(&mut f, 0x30, 1);
        put32(&mut f, 0x38, 4096);
        put32(&mut f, 0x3C, 2);
        put32(&mut f, 0x40, 1);
        put32(&mut f, 0x44, END_OF_CHAIN);
        for i in 0..HEADER_DIFAT {
            put32(&mut f, 0x4C + 4 * i, if i == 0 { 0 } else { FREE });
        }
        let sector = |n: usize| 512 * (n + 1);
        let mut fat = vec![FREE; 128];
        fat[0] = 0xFFFF_FFFD;
        fat[1] = END_OF_CHAIN;
        fat[2] = END_OF_CHAIN;
        fat[3] = END_OF_CHAIN;
        for (from, to) in [
            (4, 5),
            (5, 6),
            (6, 8),
            (8, 7),
            (7, 9),
            (9, 10),
            (10, 11),
            (11, 12),
        ] {
            fat[from] = to;
        }
        fat[12] = END_OF_CHAIN;
        for &(i, v) in fat_patch {
            fat[i] = v;
        }
        for (i, v) in fat.iter().enumerate() {
            put32(&mut f, sector(0) + 4 * i, *v);
        }
        let entries = [
            dir_entry("Root Entry", 5, FREE, FREE, 1, 3, 512),
            dir_entry("Dir", 1, FREE, 3, 2, 0, 0),
            dir_entry("Small", 2, FREE, FREE, FREE, 0, 100),
            dir_entry("Big", 2, FREE, FREE, FREE, 4, 4608),
        ];
        for (i, e) in entries.iter().enumerate() {
            f[sector(1) + 128 * i..sector(1) + 128 * (i + 1)].copy_from_slice(e);
        }
        let mut minifat = vec![FREE; 128];
        minifat[0] = 1;
        minifat[1] = END_OF_CHAIN;
        for (i, v) in minifat.iter().enumerate() {
            put32(&mut f, sector(2) + 4 * i, *v);
        }
        f[sector(3)..sector(3) + 100].copy_from_slice(&small_data());
        let order = [4, 5, 6, 8, 7, 9, 10, 11, 12];
        for (k, chunk) in big_data().chunks(512).enumerate() {
            let s = sector(order[k]);
            f[s..s + chunk.len()].copy_from_slice(chunk);
        }
        f
    }

    #[test]
    fn reads_regular_and_mini_streams_by_path() {
        let f = build(&[]);
        let c = Compound::open(&f).unwrap();
        let mut out = Vec::new();
        assert!(c.read_stream("Big", &mut out).unwrap());
        assert_eq!(out, big_data());
        assert!(c.read_stream("dir/SMALL", &mut out).unwrap());
        assert_eq!(out, small_data());
        assert_eq!(c.stream_len("Dir/Small"), Some(100));
        assert!(c.is_stream("Dir/Small"));
        assert!(!c.is_stream("Dir"));
        assert!(!c.read_stream("Dir/Missing", &mut out).unwrap());
        assert!(!c.read_stream("Big/Small", &mut out).unwrap());
    }

    #[test]
    fn a_seekable_reader_reads_the_same_as_the_slice() {
        let f = build(&[]);
        let src = SeekSource::new(std::io::Cursor::new(f.clone())).unwrap();
        let c = Compound::open_source(Box::new(src)).unwrap();
        let mut out = Vec::new();
        assert!(c.read_stream("Big", &mut out).unwrap());
        assert_eq!(out, big_data());
        assert!(c.read_stream("Dir/Small", &mut out).unwrap());
        assert_eq!(out, small_data());
        // Cut inside the big stream: the header and directory still read,
        // the stream does not.
        let cut = SeekSource::new(std::io::Cursor::new(f[..512 * 9].to_vec())).unwrap();
        let c = Compound::open_source(Box::new(cut)).unwrap();
        assert!(c.read_stream("Dir/Small", &mut out).unwrap());
        assert!(c.read_stream("Big", &mut out).is_err());
    }

    #[test]
    fn broken_chains_are_errors() {
        // The big stream's chain ends after three sectors.
        let f = build(&[(6, END_OF_CHAIN)]);
        let c = Compound::open(&f).unwrap();
        assert!(c.read_stream("Big", &mut Vec::new()).is_err());
        // A directory chain that loops forever is refused on open.
        let f = build(&[(1, 1)]);
        assert!(Compound::open(&f).is_err());
        // A FAT entry pointing past the file.
        let f = build(&[(5, 5000)]);
        let c = Compound::open(&f).unwrap();
        assert!(c.read_stream("Big", &mut Vec::new()).is_err());
    }

    #[test]
    fn bad_headers_are_errors() {
        let mut f = build(&[]);
        f[0x1E] = 12; // version 3 with 4096-byte sectors
        assert!(Compound::open(&f).is_err());
        assert!(Compound::open(&f[..100]).is_err());
    }
}
