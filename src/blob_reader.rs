//! A `Blob` read as a file (`Read`, `BufRead`, `Seek`) in a worker, where `FileReaderSync`
//! reads a slice of it synchronously: the core's decoders read a huge local image a part at a
//! time without the page ever holding it whole.

use std::io::{self, BufRead, Read, Seek, SeekFrom};

/// Bytes read from the blob at once (one call into the browser per megabyte).
const CHUNK: u64 = 1 << 20;

/// A blob read from a position, a chunk at a time.
pub struct BlobReader {
    blob: web_sys::Blob,
    reader: web_sys::FileReaderSync,
    size: u64,
    /// Where the next byte is read.
    position: u64,
    /// The chunk held and where in the blob it starts.
    chunk: Vec<u8>,
    chunk_start: u64,
}

impl BlobReader {
    /// A reader of `blob` from its start; an error outside a worker (no `FileReaderSync`).
    pub fn new(blob: web_sys::Blob) -> Result<BlobReader, String> {
        let reader = web_sys::FileReaderSync::new()
            .map_err(|_| "files are read this way only in a worker".to_string())?;
        Ok(BlobReader {
            size: blob.size() as u64,
            blob,
            reader,
            position: 0,
            chunk: Vec::new(),
            chunk_start: 0,
        })
    }

    /// The bytes held from the current position on.
    fn held(&self) -> &[u8] {
        let chunk_end = self.chunk_start + self.chunk.len() as u64;
        if self.position < self.chunk_start || self.position >= chunk_end {
            return &[];
        }
        &self.chunk[(self.position - self.chunk_start) as usize..]
    }
}

impl BufRead for BlobReader {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.held().is_empty() && self.position < self.size {
            let end = (self.position + CHUNK).min(self.size);
            let slice = self
                .blob
                .slice_with_f64_and_f64(self.position as f64, end as f64)
                .map_err(|e| io::Error::other(format!("cannot slice the file: {e:?}")))?;
            let buffer = self
                .reader
                .read_as_array_buffer(&slice)
                .map_err(|e| io::Error::other(format!("cannot read the file: {e:?}")))?;
            self.chunk = js_sys::Uint8Array::new(&buffer).to_vec();
            self.chunk_start = self.position;
        }
        Ok(self.held())
    }

    fn consume(&mut self, amount: usize) {
        self.position = (self.position + amount as u64).min(self.size);
    }
}

impl Read for BlobReader {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let held = self.fill_buf()?;
        let n = held.len().min(out.len());
        out[..n].copy_from_slice(&held[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl Seek for BlobReader {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let target = match to {
            SeekFrom::Start(p) => Some(p),
            SeekFrom::End(d) => self.size.checked_add_signed(d),
            SeekFrom::Current(d) => self.position.checked_add_signed(d),
        };
        self.position = target
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "seek before the start"))?;
        Ok(self.position)
    }
}
