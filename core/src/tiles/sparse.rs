//! A file known only in the byte ranges fetched so far, readable as one (`Read + Seek`): a
//! decoder reading outside them stops with an error and the reader says where, so the caller
//! fetches that range (an HTTP range request, a slice of a local file) and tries again.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::io::{self, Read, Seek, SeekFrom};

/// Byte ranges of one file, by offset: disjoint, never touching (neighbours are merged).
#[derive(Clone, Debug, Default)]
pub struct SparseFile {
    chunks: BTreeMap<u64, Vec<u8>>,
}

impl SparseFile {
    /// Records `bytes` found at `offset`, merged with the ranges it overlaps or touches.
    pub fn add(&mut self, offset: u64, bytes: Vec<u8>) {
        if bytes.is_empty() {
            return;
        }
        let end = offset + bytes.len() as u64;
        let touching: Vec<u64> = self
            .chunks
            .range(..=end)
            .filter(|(&s, b)| s + b.len() as u64 >= offset)
            .map(|(&s, _)| s)
            .collect();
        if touching.is_empty() {
            self.chunks.insert(offset, bytes);
            return;
        }
        let old: Vec<(u64, Vec<u8>)> = touching
            .iter()
            .filter_map(|s| self.chunks.remove(s).map(|b| (*s, b)))
            .collect();
        let start = old
            .iter()
            .map(|(s, _)| *s)
            .min()
            .unwrap_or(offset)
            .min(offset);
        let stop = old
            .iter()
            .map(|(s, b)| s + b.len() as u64)
            .max()
            .unwrap_or(end)
            .max(end);
        let mut merged = vec![0u8; (stop - start) as usize];
        for (s, b) in old
            .iter()
            .map(|(s, b)| (*s, b.as_slice()))
            .chain([(offset, bytes.as_slice())])
        {
            let at = (s - start) as usize;
            merged[at..at + b.len()].copy_from_slice(b);
        }
        self.chunks.insert(start, merged);
    }

    /// Drops the bytes of `start..end` (a tile's, once it is decoded), keeping the rest of the
    /// ranges they were part of.
    pub fn forget(&mut self, start: u64, end: u64) {
        let overlapping: Vec<u64> = self
            .chunks
            .range(..end)
            .filter(|(&s, b)| s + b.len() as u64 > start)
            .map(|(&s, _)| s)
            .collect();
        for s in overlapping {
            let Some(bytes) = self.chunks.remove(&s) else {
                continue;
            };
            let e = s + bytes.len() as u64;
            if s < start {
                self.chunks
                    .insert(s, bytes[..(start - s) as usize].to_vec());
            }
            if end < e {
                self.chunks
                    .insert(end, bytes[(end - s) as usize..].to_vec());
            }
        }
    }

    /// Bytes held.
    pub fn held(&self) -> usize {
        self.chunks.values().map(Vec::len).sum()
    }

    /// The range holding byte `pos`: its start and bytes.
    fn chunk_at(&self, pos: u64) -> Option<(u64, &[u8])> {
        let (&start, bytes) = self.chunks.range(..=pos).next_back()?;
        (pos < start + bytes.len() as u64).then_some((start, bytes.as_slice()))
    }

    /// The first byte of `start..end` not held, if any.
    pub fn first_missing(&self, start: u64, end: u64) -> Option<u64> {
        let mut pos = start;
        while pos < end {
            match self.chunk_at(pos) {
                Some((s, bytes)) => pos = s + bytes.len() as u64,
                None => return Some(pos),
            }
        }
        None
    }

    /// A reader over the held ranges; a read of a byte not held fails and sets `missing`.
    pub fn reader<'a>(&'a self, missing: &'a Cell<Option<u64>>) -> SparseReader<'a> {
        SparseReader {
            file: self,
            pos: 0,
            missing,
            end_from: u64::MAX,
        }
    }

    /// Like [`Self::reader`], but bytes not held from `end` on read as the end of the file: a
    /// decompressor that reads ahead past a tile's last byte (deflate fills its buffer) stops
    /// there instead of asking for bytes it does not need.
    pub fn reader_ending<'a>(
        &'a self,
        missing: &'a Cell<Option<u64>>,
        end: u64,
    ) -> SparseReader<'a> {
        SparseReader {
            end_from: end,
            ..self.reader(missing)
        }
    }
}

/// Reads a [`SparseFile`] as if it were whole.
pub struct SparseReader<'a> {
    file: &'a SparseFile,
    pos: u64,
    missing: &'a Cell<Option<u64>>,
    end_from: u64,
}

impl Read for SparseReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        match self.file.chunk_at(self.pos) {
            Some((start, bytes)) => {
                let from = (self.pos - start) as usize;
                let n = buf.len().min(bytes.len() - from);
                buf[..n].copy_from_slice(&bytes[from..from + n]);
                self.pos += n as u64;
                Ok(n)
            }
            None if self.pos >= self.end_from => Ok(0),
            None => {
                self.missing.set(Some(self.pos));
                Err(io::Error::other(format!(
                    "byte {} not fetched yet",
                    self.pos
                )))
            }
        }
    }
}

impl Seek for SparseReader<'_> {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let pos = match to {
            SeekFrom::Start(p) => Some(p),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
            // The length is unknown until the end is fetched; nothing here seeks from the end.
            SeekFrom::End(_) => None,
        };
        self.pos = pos.ok_or_else(|| io::Error::other("seek outside the file"))?;
        Ok(self.pos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_across_ranges_and_names_the_first_missing_byte() {
        let mut f = SparseFile::default();
        f.add(0, b"abcd".to_vec());
        f.add(4, b"efgh".to_vec());
        f.add(20, b"xyz".to_vec());
        let missing = Cell::new(None);
        let mut r = f.reader(&missing);
        let mut buf = [0u8; 6];
        r.read_exact(&mut buf).unwrap();
        assert_eq!(&buf, b"abcdef");
        r.seek(SeekFrom::Start(21)).unwrap();
        let mut two = [0u8; 2];
        r.read_exact(&mut two).unwrap();
        assert_eq!(&two, b"yz");
        r.seek(SeekFrom::Start(6)).unwrap();
        let mut more = [0u8; 4];
        assert!(r.read_exact(&mut more).is_err());
        assert_eq!(missing.get(), Some(8));
        assert_eq!(f.first_missing(0, 8), None);
        assert_eq!(f.first_missing(2, 23), Some(8));
        assert_eq!(f.first_missing(20, 23), None);
        let mut ending = f.reader_ending(&missing, 8);
        ending.seek(SeekFrom::Start(6)).unwrap();
        let mut tail = Vec::new();
        ending.read_to_end(&mut tail).unwrap();
        assert_eq!(&tail, b"gh");
    }

    #[test]
    fn overlapping_ranges_merge_and_forgetting_keeps_the_rest() {
        let mut f = SparseFile::default();
        f.add(0, b"abcdefgh".to_vec());
        f.add(6, b"ghij".to_vec()); // overlaps the end
        f.add(2, b"cd".to_vec()); // inside
        assert_eq!(f.chunks.len(), 1);
        assert_eq!(f.held(), 10);
        f.forget(3, 5);
        assert_eq!(f.first_missing(0, 10), Some(3));
        assert_eq!(f.first_missing(5, 10), None);
        let missing = Cell::new(None);
        let mut r = f.reader(&missing);
        r.seek(SeekFrom::Start(5)).unwrap();
        let mut rest = [0u8; 5];
        r.read_exact(&mut rest).unwrap();
        assert_eq!(&rest, b"fghij");
        f.add(3, b"de".to_vec()); // touches both neighbours: one range again
        assert_eq!(f.chunks.len(), 1);
        f.forget(0, 100);
        assert_eq!(f.held(), 0);
    }
}
