//! A read-only compound file (OLE2/CFB, [MS-CFB]) over a byte slice.
//!
//! Only what a reader of `.mpp` files needs: find a stream by path and copy
//! its bytes out. Nothing is decoded up front except the header and the list
//! of FAT sectors; FAT and mini-FAT entries are read in place, so opening a
//! file and reading the few dozen streams a project uses touches little more
//! than those streams' sectors. Every chain walk is bounded by the number of
//! sectors the file can hold, so cycles end in an error, never a hang.

use crate::bytes::{slice, u16_at, u32_at, u8_at};

const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
const NO_STREAM: u32 = 0xFFFF_FFFF;
const DIR_ENTRY: usize = 128;
const MINI_SECTOR: usize = 64;
const HEADER_DIFAT: usize = 109;

/// Why the container could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CfbError(pub String);

fn err<T>(msg: impl Into<String>) -> Result<T, CfbError> {
    Err(CfbError(msg.into()))
}

/// An opened compound file.
pub struct Compound<'a> {
    data: &'a [u8],
    sector_shift: u32,
    major_version: u16,
    /// The sectors holding the FAT, in order.
    fat_sectors: Vec<u32>,
    /// The sectors holding the mini FAT, in order.
    minifat_sectors: Vec<u32>,
    /// The sectors of the mini stream (the root entry's stream), in order.
    ministream_sectors: Vec<u32>,
    /// The sectors of the directory, in order.
    dir_sectors: Vec<u32>,
    mini_cutoff: u64,
}

/// A stream found in the directory, not read yet.
#[derive(Debug, Clone, Copy)]
pub struct Stream<'a> {
    entry: Entry<'a>,
}

impl Stream<'_> {
    /// The size the directory declares (checked against the chain on read).
    pub fn size(&self) -> u64 {
        self.entry.size
    }
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
struct Entry<'a> {
    /// UTF-16LE name bytes without the terminator.
    name: &'a [u8],
    kind: EntryKind,
    left: u32,
    right: u32,
    child: u32,
    start: u32,
    size: u64,
}

impl<'a> Compound<'a> {
    pub fn open(data: &'a [u8]) -> Result<Compound<'a>, CfbError> {
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
        let mut c = Compound {
            data,
            sector_shift,
            major_version,
            fat_sectors: Vec::new(),
            minifat_sectors: Vec::new(),
            ministream_sectors: Vec::new(),
            dir_sectors: Vec::new(),
            mini_cutoff,
        };
        // The FAT sector list: 109 in the header, then a chain of DIFAT sectors.
        let fat_count = usize::try_from(fat_count).unwrap_or(usize::MAX);
        if fat_count > c.max_sectors() {
            return err("FAT sector count larger than the file");
        }
        let mut fat = Vec::with_capacity(fat_count);
        for i in 0..HEADER_DIFAT.min(fat_count) {
            fat.push(field(0x4C + 4 * i)?);
        }
        let per_difat = c.sector_size() / 4 - 1;
        let mut difat = first_difat;
        let mut steps = 0usize;
        while fat.len() < fat_count && difat < END_OF_CHAIN {
            steps += 1;
            if steps > c.max_sectors() {
                return err("DIFAT chain does not end");
            }
            let sector = c
                .sector(difat)
                .ok_or_else(|| CfbError("DIFAT sector outside the file".into()))?;
            for i in 0..per_difat {
                if fat.len() >= fat_count {
                    break;
                }
                fat.push(u32_at(sector, 4 * i).unwrap_or(NO_STREAM));
            }
            difat = u32_at(sector, 4 * per_difat).unwrap_or(END_OF_CHAIN);
        }
        if fat.len() < fat_count {
            return err("missing FAT sectors");
        }
        c.fat_sectors = fat;
        c.dir_sectors = c.chain(first_dir)?;
        c.minifat_sectors = if first_minifat >= END_OF_CHAIN {
            Vec::new()
        } else {
            c.chain(first_minifat)?
        };
        let root = c
            .entry(0)
            .filter(|e| e.kind == EntryKind::Root)
            .ok_or_else(|| CfbError("no root entry".into()))?;
        c.ministream_sectors = if root.start >= END_OF_CHAIN || root.size == 0 {
            Vec::new()
        } else {
            c.chain(root.start)?
        };
        Ok(c)
    }

    fn sector_size(&self) -> usize {
        1usize << self.sector_shift
    }

    /// An upper bound of the sectors the file can hold (bounds every walk).
    fn max_sectors(&self) -> usize {
        (self.data.len() >> self.sector_shift) + 1
    }

    /// The bytes of sector `n` (a short last sector is cut at the file end).
    fn sector(&self, n: u32) -> Option<&'a [u8]> {
        let size = self.sector_size();
        let start = usize::try_from(n).ok()?.checked_add(1)?.checked_mul(size)?;
        let end = start.checked_add(size)?.min(self.data.len());
        self.data.get(start..end).filter(|s| !s.is_empty())
    }

    /// The FAT entry of sector `n`: the next sector of its chain.
    fn next(&self, n: u32) -> Option<u32> {
        let per = self.sector_size() / 4;
        let n = usize::try_from(n).ok()?;
        let fat_sector = *self.fat_sectors.get(n / per)?;
        u32_at(self.sector(fat_sector)?, (n % per) * 4)
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
        let per = self.sector_size() / 4;
        let n = usize::try_from(n).ok()?;
        let sector = *self.minifat_sectors.get(n / per)?;
        u32_at(self.sector(sector)?, (n % per) * 4)
    }

    /// The 64 bytes of mini sector `n` in the mini stream.
    fn mini_sector(&self, n: u32) -> Option<&'a [u8]> {
        let per = self.sector_size() / MINI_SECTOR;
        let n = usize::try_from(n).ok()?;
        let sector = self.sector(*self.ministream_sectors.get(n / per)?)?;
        let off = (n % per) * MINI_SECTOR;
        sector.get(off..off.checked_add(MINI_SECTOR)?.min(sector.len()))
    }

    /// Directory entry `id`, if it exists and is in use.
    fn entry(&self, id: u32) -> Option<Entry<'a>> {
        let per = self.sector_size() / DIR_ENTRY;
        let id = usize::try_from(id).ok()?;
        let sector = self.sector(*self.dir_sectors.get(id / per)?)?;
        let e = slice(sector, (id % per) * DIR_ENTRY, DIR_ENTRY)?;
        let kind = match u8_at(e, 0x42)? {
            1 => EntryKind::Storage,
            2 => EntryKind::Stream,
            5 => EntryKind::Root,
            _ => EntryKind::Other,
        };
        let name_len = usize::from(u16_at(e, 0x40)?).min(64).saturating_sub(2) & !1;
        let size = u64::from(u32_at(e, 0x78)?) | u64::from(u32_at(e, 0x7C)?) << 32;
        Some(Entry {
            name: e.get(..name_len)?,
            kind,
            left: u32_at(e, 0x44)?,
            right: u32_at(e, 0x48)?,
            child: u32_at(e, 0x4C)?,
            start: u32_at(e, 0x74)?,
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
    fn child(&self, parent: u32, name: &str) -> Option<(u32, Entry<'a>)> {
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
            if name_eq(e.name, name) {
                return Some((id, e));
            }
            stack.push(e.left);
            stack.push(e.right);
        }
        None
    }

    fn find(&self, path: &str) -> Option<Entry<'a>> {
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
    pub fn stream(&self, path: &str) -> Option<Stream<'a>> {
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

    /// Copies a stream found by [`Compound::stream`] into `out` (cleared first).
    pub fn read(&self, stream: &Stream<'a>, out: &mut Vec<u8>) -> Result<(), CfbError> {
        out.clear();
        let e = stream.entry;
        let Ok(size) = usize::try_from(e.size) else {
            return err("stream larger than memory");
        };
        if size == 0 {
            return Ok(());
        }
        if size > self.data.len() {
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
                let bytes = self
                    .mini_sector(s)
                    .ok_or_else(|| CfbError(format!("mini sector {s} outside the mini stream")))?;
                let take = bytes.len().min(size - out.len());
                out.extend_from_slice(bytes.get(..take).unwrap_or_default());
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
                let bytes = usize::try_from(first)
                    .ok()
                    .and_then(|f| f.checked_add(1))
                    .and_then(|f| f.checked_mul(self.sector_size()))
                    .and_then(|start| slice(self.data, start, want))
                    .ok_or_else(|| CfbError(format!("sector {first} outside the file")))?;
                out.extend_from_slice(bytes);
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
