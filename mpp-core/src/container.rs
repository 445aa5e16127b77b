//! The compound-file container: stream access with size limits, and the
//! format detection from `\x01CompObj`.
// Sizes and offsets here come from the file: overflow must be checked.
#![cfg_attr(not(test), deny(clippy::arithmetic_side_effects))]

use std::io::{Read, Seek, SeekFrom};

use crate::bytes::{slice, u32_at};
use crate::compound::{Compound, SeekSource};
use crate::error::{Error, Result};

/// The format generations Microsoft Project has written since 1998.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub enum FileFormat {
    /// Project 98.
    Mpp8,
    /// Project 2000, 2002 and 2003.
    Mpp9,
    /// Project 2007.
    Mpp12,
    /// Project 2010 to 2021.
    Mpp14,
}

impl FileFormat {
    pub fn name(self) -> &'static str {
        match self {
            FileFormat::Mpp8 => "MPP8",
            FileFormat::Mpp9 => "MPP9",
            FileFormat::Mpp12 => "MPP12",
            FileFormat::Mpp14 => "MPP14",
        }
    }
}

/// What `\x01CompObj` says about the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompObj {
    pub application_name: String,
    pub format: String,
}

impl CompObj {
    /// Parses the stream: a 28-byte header, then length-prefixed ANSI strings.
    pub fn parse(data: &[u8]) -> Option<CompObj> {
        let mut off = 28usize;
        let mut next = || -> Option<String> {
            let len = usize::try_from(u32_at(data, off)?).ok()?;
            let start = off.checked_add(4)?;
            let text = slice(data, start, len)?;
            off = start.checked_add(len)?;
            Some(
                text.iter()
                    .take_while(|&&b| b != 0)
                    .map(|&b| char::from(b))
                    .collect(),
            )
        };
        let application_name = next()?;
        let format = next().unwrap_or_default();
        Some(CompObj {
            application_name,
            format,
        })
    }

    /// The major version of the saving application (`Microsoft.Project 16.0` -> 16).
    pub fn application_version(&self) -> Option<u32> {
        let name = &self.application_name;
        let start = name.find("Project")?.saturating_add("Project ".len());
        let digits: String = name
            .get(start..)?
            .chars()
            .take_while(|c| c.is_ascii_digit())
            .collect();
        digits.parse().ok()
    }

    pub fn file_format(&self) -> Result<FileFormat> {
        match self.format.as_str() {
            "MSProject.MPP8" | "MSProject.MPT8" => Ok(FileFormat::Mpp8),
            "MSProject.MPP9" | "MSProject.MPT9" | "MSProject.GLOBAL9" => Ok(FileFormat::Mpp9),
            "MSProject.MPP12" | "MSProject.MPT12" | "MSProject.GLOBAL12" => Ok(FileFormat::Mpp12),
            "MSProject.MPP14" | "MSProject.MPT14" | "MSProject.GLOBAL14" => Ok(FileFormat::Mpp14),
            "" => Err(Error::UnsupportedVersion(format!(
                "{} (no format string; Project 4.0 and older are not supported)",
                self.application_name
            ))),
            other => Err(Error::UnsupportedVersion(format!(
                "{other} saved by {}",
                self.application_name
            ))),
        }
    }
}

/// An opened compound file whose streams are read whole, under a size limit.
pub struct Container<'a> {
    file: Compound<'a>,
    max_stream: u64,
    /// A stream cannot hold more than the whole file.
    file_len: u64,
}

/// What a container reads from when it is not a slice: a seekable file.
pub trait ReadSeek: Read + Seek {}
impl<T: Read + Seek> ReadSeek for T {}

impl<'a> Container<'a> {
    /// Opens a compound file through a reader (a `File`) without reading it
    /// whole; `len` is the reader's length from its start.
    pub fn open_reader(mut reader: impl ReadSeek + 'a, len: u64, max_stream: u64) -> Result<Self> {
        const MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        let mut head = [0u8; 8];
        reader.seek(SeekFrom::Start(0))?;
        if len < 8 || reader.read_exact(&mut head).is_err() || head != MAGIC {
            return Err(Error::NotCompoundFile(
                "the file does not start with the OLE2 signature".into(),
            ));
        }
        // Directory entries and mini sectors are small reads at scattered
        // offsets: a block cache turns them into a few large reads.
        let source = SeekSource::new(BlockCache::new(reader, len))?;
        let file =
            Compound::open_source(Box::new(source)).map_err(|e| Error::NotCompoundFile(e.0))?;
        Ok(Container {
            file,
            max_stream,
            file_len: len,
        })
    }

    pub fn open(data: &'a [u8], max_stream: u64) -> Result<Self> {
        const MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        if data.get(..8) != Some(&MAGIC[..]) {
            return Err(Error::NotCompoundFile(
                "the file does not start with the OLE2 signature".into(),
            ));
        }
        let file = Compound::open(data).map_err(|e| Error::NotCompoundFile(e.0))?;
        Ok(Container {
            file,
            max_stream,
            file_len: data.len() as u64,
        })
    }

    /// The declared length of a stream (0 when it does not exist), without reading it.
    pub fn stream_len(&self, path: &str) -> u64 {
        self.file.stream_len(path).unwrap_or(0)
    }

    /// Reads a whole stream; `None` when it does not exist.
    pub fn stream(&mut self, path: &str) -> Result<Option<Vec<u8>>> {
        let Some(stream) = self.file.stream(path) else {
            return Ok(None);
        };
        let len = stream.size();
        if len > self.max_stream {
            return Err(Error::TooLarge {
                size: len,
                limit: self.max_stream,
            });
        }
        if len > self.file_len {
            return Err(Error::corrupt(
                path,
                format!(
                    "declares {len} bytes, more than the {}-byte file",
                    self.file_len
                ),
            ));
        }
        let mut buf = Vec::new();
        self.file
            .read(&stream, &mut buf)
            .map_err(|e| Error::corrupt(path, e.0))?;
        Ok(Some(buf))
    }

    /// Reads a stream, treating a missing one as empty.
    pub fn stream_or_empty(&mut self, path: &str) -> Result<Vec<u8>> {
        Ok(self.stream(path)?.unwrap_or_default())
    }
}

/// A few cached blocks in front of a reader: the compound reader asks for
/// 128-byte directory entries and 64-byte mini sectors at scattered offsets,
/// two system calls each on a bare `File`. Seeks move a position only; memory stays
/// under `CACHE_BLOCKS` blocks whatever the file's size.
struct BlockCache<R> {
    inner: R,
    len: u64,
    pos: u64,
    /// (block index, bytes), replaced round robin.
    blocks: Vec<(u64, Vec<u8>)>,
    next: usize,
}

const CACHE_BLOCK: u64 = 64 * 1024;
const CACHE_BLOCKS: usize = 16;

impl<R: Read + Seek> BlockCache<R> {
    fn new(inner: R, len: u64) -> Self {
        BlockCache {
            inner,
            len,
            pos: 0,
            blocks: Vec::new(),
            next: 0,
        }
    }

    /// The slot holding block `index`, read from the file if needed.
    fn slot(&mut self, index: u64) -> std::io::Result<usize> {
        if let Some(slot) = self.blocks.iter().position(|(i, _)| *i == index) {
            return Ok(slot);
        }
        let bad = || std::io::Error::new(std::io::ErrorKind::InvalidInput, "block out of range");
        let start = index.checked_mul(CACHE_BLOCK).ok_or_else(bad)?;
        let size = self
            .len
            .checked_sub(start)
            .ok_or_else(bad)?
            .min(CACHE_BLOCK);
        let mut data = vec![0u8; usize::try_from(size).map_err(|_| bad())?];
        self.inner.seek(SeekFrom::Start(start))?;
        self.inner.read_exact(&mut data)?;
        if self.blocks.len() < CACHE_BLOCKS {
            self.blocks.push((index, data));
            return Ok(self.blocks.len().saturating_sub(1));
        }
        let slot = self.next % CACHE_BLOCKS;
        self.next = slot.saturating_add(1);
        let entry = self.blocks.get_mut(slot).ok_or_else(bad)?;
        *entry = (index, data);
        Ok(slot)
    }
}

impl<R: Read + Seek> Read for BlockCache<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if buf.is_empty() || self.pos >= self.len {
            return Ok(0);
        }
        let index = self.pos / CACHE_BLOCK;
        let offset = usize::try_from(self.pos % CACHE_BLOCK).unwrap_or(usize::MAX);
        let slot = self.slot(index)?;
        let available = self
            .blocks
            .get(slot)
            .and_then(|(_, d)| d.get(offset..))
            .unwrap_or_default();
        let n = available.len().min(buf.len());
        if let (Some(dst), Some(src)) = (buf.get_mut(..n), available.get(..n)) {
            dst.copy_from_slice(src);
        }
        self.pos = self.pos.saturating_add(n as u64);
        Ok(n)
    }
}

impl<R> Seek for BlockCache<R> {
    fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
        let target = match to {
            SeekFrom::Start(p) => Some(p),
            SeekFrom::End(d) => self.len.checked_add_signed(d),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        };
        self.pos = target.ok_or_else(|| {
            std::io::Error::new(std::io::ErrorKind::InvalidInput, "seek before the start")
        })?;
        Ok(self.pos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn compobj(app: &str, fmt: &str) -> Vec<u8> {
        let mut v = vec![0u8; 28];
        for s in [app, fmt] {
            let mut b = s.as_bytes().to_vec();
            b.push(0);
            v.extend_from_slice(&(b.len() as u32).to_le_bytes());
            v.extend_from_slice(&b);
        }
        v
    }

    #[test]
    fn compobj_names_format_and_version() {
        let c = CompObj::parse(&compobj("Microsoft.Project 16.0", "MSProject.MPP14")).unwrap();
        assert_eq!(c.application_version(), Some(16));
        assert_eq!(c.file_format().unwrap(), FileFormat::Mpp14);
        let c = CompObj::parse(&compobj("Microsoft Project 9.0", "MSProject.MPP9")).unwrap();
        assert_eq!(c.application_version(), Some(9));
        assert_eq!(c.file_format().unwrap(), FileFormat::Mpp9);
    }

    #[test]
    fn unknown_formats_are_typed_errors() {
        let c = CompObj::parse(&compobj("Microsoft Project 4.0", "")).unwrap();
        assert!(matches!(c.file_format(), Err(Error::UnsupportedVersion(_))));
        let c = CompObj::parse(&compobj("Word", "Word.Document.8")).unwrap();
        assert!(matches!(c.file_format(), Err(Error::UnsupportedVersion(_))));
        assert!(CompObj::parse(&[0u8; 32]).is_some_and(|c| c.application_name.is_empty()));
        assert!(CompObj::parse(&[0u8; 10]).is_none());
    }

    #[test]
    fn non_cfb_input_is_refused() {
        assert!(matches!(
            Container::open(b"hello world, not a compound file", 1 << 20),
            Err(Error::NotCompoundFile(_))
        ));
    }

    #[test]
    fn block_cache_reads_what_the_reader_holds() {
        // Three and a half blocks of distinct bytes; reads across block edges,
        // seeks back and forth, more blocks than the cache keeps.
        let data: Vec<u8> = (0..(CACHE_BLOCK * 3 + CACHE_BLOCK / 2))
            .map(|i| (i % 251) as u8)
            .collect();
        let mut c = BlockCache::new(Cursor::new(data.clone()), data.len() as u64);
        for &(at, n) in &[
            (0u64, 10usize),
            (CACHE_BLOCK - 3, 9),
            (3 * CACHE_BLOCK + 5, 100),
            (7, 200_000),
        ] {
            c.seek(SeekFrom::Start(at)).unwrap();
            let mut got = Vec::new();
            (&mut c).take(n as u64).read_to_end(&mut got).unwrap();
            let end = (at as usize + n).min(data.len());
            assert_eq!(got, data[at as usize..end]);
        }
        assert_eq!(c.seek(SeekFrom::End(0)).unwrap(), data.len() as u64);
        assert_eq!(c.read(&mut [0u8; 4]).unwrap(), 0);
        assert!(c.seek(SeekFrom::Current(-(data.len() as i64) - 1)).is_err());
        // More blocks than the cache keeps: old ones are replaced, reads stay right.
        let many: Vec<u8> = (0..CACHE_BLOCK * 20).map(|i| (i % 253) as u8).collect();
        let mut c = BlockCache::new(Cursor::new(many.clone()), many.len() as u64);
        for i in 0..200u64 {
            let at = (i * 7919 * 97) % many.len() as u64;
            c.seek(SeekFrom::Start(at)).unwrap();
            let mut b = [0u8; 1];
            c.read_exact(&mut b).unwrap();
            assert_eq!(b[0], many[at as usize]);
            assert!(c.blocks.len() <= CACHE_BLOCKS);
        }
        assert_eq!(c.blocks.len(), CACHE_BLOCKS);
    }
}
