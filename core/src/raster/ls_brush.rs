//! Label Studio's brush RLE: the `rle` array of a `brushlabels` result.
//!
//! The format is thi.ng's `rle-pack` over the RGBA bytes of the mask image, row-major: a 32-bit
//! value count, a 5-bit word size − 1, four 4-bit run-length widths − 1, then records of
//! `flag(1) width-index(2) length−1` followed by one word (a run, flag 1) or `length` words
//! (literals, flag 0); the bit string is padded with zeros to whole bytes. [`encode_mask`]
//! writes it bit for bit as `label_studio_converter.brush.encode_rle` does (word size 8, widths
//! 3/4/8/16, and its padding, which adds a whole zero byte when the bits already fill bytes);
//! [`decode`] reads any word size and widths, as Label Studio's own front end may write.

use std::fmt;

/// Why a brush RLE could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BrushError {
    /// The data ends before the values it announces.
    Truncated {
        /// Bit offset where more data was needed.
        bit: usize,
    },
    /// The header announces a different number of values than the mask needs.
    WrongCount {
        /// Values in the header.
        found: u64,
        /// `width × height × 4`.
        expected: u64,
    },
    /// A run goes past the announced number of values.
    Overrun {
        /// Index of the value where the run ends.
        end: u64,
    },
}

impl fmt::Display for BrushError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BrushError::Truncated { bit } => {
                write!(f, "brush RLE ends early (more data needed at bit {bit})")
            }
            BrushError::WrongCount { found, expected } => write!(
                f,
                "brush RLE holds {found} values, but width × height × 4 is {expected}"
            ),
            BrushError::Overrun { end } => {
                write!(
                    f,
                    "brush RLE run ends at value {end}, past the announced count"
                )
            }
        }
    }
}

impl std::error::Error for BrushError {}

struct BitReader<'a> {
    data: &'a [u8],
    bit: usize,
}

impl BitReader<'_> {
    fn read(&mut self, width: u32) -> Result<u64, BrushError> {
        let mut value = 0u64;
        for _ in 0..width {
            let byte = self
                .data
                .get(self.bit / 8)
                .ok_or(BrushError::Truncated { bit: self.bit })?;
            let bit = (byte >> (7 - (self.bit % 8))) & 1;
            value = (value << 1) | u64::from(bit);
            self.bit += 1;
        }
        Ok(value)
    }
}

#[derive(Default)]
struct BitWriter {
    bytes: Vec<u8>,
    bits: usize,
}

impl BitWriter {
    fn write(&mut self, value: u64, width: u32) {
        for i in (0..width).rev() {
            if self.bits.is_multiple_of(8) {
                self.bytes.push(0);
            }
            if (value >> i) & 1 == 1 {
                if let Some(last) = self.bytes.last_mut() {
                    *last |= 1 << (7 - (self.bits % 8));
                }
            }
            self.bits += 1;
        }
    }
}

/// Values a decoded stream may hold, at most: an 8192 × 8192 RGBA mask (a guard against
/// hostile headers).
pub const MAX_VALUES: u64 = 1 << 28;

/// Decodes a brush RLE into its values (RGBA bytes for a brush mask), refusing streams that end
/// early or overrun. `expected` bounds the announced count when the image size is known.
pub fn decode(rle: &[u8], expected: Option<u64>) -> Result<Vec<u32>, BrushError> {
    let mut input = BitReader { data: rle, bit: 0 };
    let num = input.read(32)?;
    if let Some(expected) = expected {
        if num != expected {
            return Err(BrushError::WrongCount {
                found: num,
                expected,
            });
        }
    }
    if num > MAX_VALUES {
        return Err(BrushError::WrongCount {
            found: num,
            expected: expected.unwrap_or(MAX_VALUES),
        });
    }
    let word = input.read(5)? as u32 + 1;
    let mut widths = [0u32; 4];
    for w in &mut widths {
        *w = input.read(4)? as u32 + 1;
    }
    // Values are at most 32 bits; every record costs at least 4 bits, so a stream of n bytes
    // cannot fill much more than that: allocate as we go.
    let mut out: Vec<u32> = Vec::new();
    let mut i = 0u64;
    while i < num {
        let run = input.read(1)? == 1;
        let width = widths[input.read(2)? as usize];
        let j = i + 1 + input.read(width)?;
        if j > num {
            return Err(BrushError::Overrun { end: j });
        }
        if run {
            let value = input.read(word)? as u32;
            out.extend(std::iter::repeat_n(value, (j - i) as usize));
        } else {
            for _ in i..j {
                out.push(input.read(word)? as u32);
            }
        }
        i = j;
    }
    Ok(out)
}

/// Decodes a brush RLE to a row-major 0/1 mask of `width × height`: a pixel is set when its
/// alpha byte is non-zero (as the converter reads channel 3).
pub fn decode_mask(rle: &[u8], width: u32, height: u32) -> Result<Vec<u8>, BrushError> {
    let expected = u64::from(width) * u64::from(height) * 4;
    let values = decode(rle, Some(expected))?;
    Ok(values
        .chunks_exact(4)
        .map(|px| u8::from(px[3] != 0))
        .collect())
}

/// Encodes values as `encode_rle(arr)` of the converter does (word size 8: values are bytes).
pub fn encode_values(values: &[u8]) -> Vec<u8> {
    let runs = runs_of(values.iter().map(|&v| (v, 1u64)));
    encode_runs(values.len() as u64, &runs)
}

/// Encodes a row-major 0/1 mask as Label Studio stores brush masks: every pixel as four bytes,
/// 255 where set, exactly as `encode_rle(np.repeat(mask * 255, 4))`.
pub fn encode_mask(mask: &[u8]) -> Vec<u8> {
    let runs = runs_of(mask.iter().map(|&v| (if v != 0 { 255u8 } else { 0 }, 4u64)));
    encode_runs(mask.len() as u64 * 4, &runs)
}

fn runs_of(items: impl Iterator<Item = (u8, u64)>) -> Vec<(u8, u64)> {
    let mut runs: Vec<(u8, u64)> = Vec::new();
    for (value, n) in items {
        match runs.last_mut() {
            Some((v, len)) if *v == value => *len += n,
            _ => runs.push((value, n)),
        }
    }
    runs
}

fn encode_runs(num: u64, runs: &[(u8, u64)]) -> Vec<u8> {
    let mut out = BitWriter::default();
    out.write(num, 32);
    out.write(8 - 1, 5);
    for width in [3u64, 4, 8, 16] {
        out.write(width - 1, 4);
    }
    for &(value, length) in runs {
        let value = u64::from(value);
        if length == 1 {
            out.write(0, 1);
            out.write(0, 2);
            out.write(0, 3);
            out.write(value, 8);
        } else if length <= 8 {
            out.write(1, 1);
            out.write(0, 2);
            out.write(length - 1, 3);
            out.write(value, 8);
        } else if length <= 16 {
            out.write(1, 1);
            out.write(1, 2);
            out.write(length - 1, 4);
            out.write(value, 8);
        } else if length <= 256 {
            out.write(1, 1);
            out.write(2, 2);
            out.write(length - 1, 8);
            out.write(value, 8);
        } else {
            let mut rest = length;
            while rest > 1 << 16 {
                out.write(1, 1);
                out.write(3, 2);
                out.write((1 << 16) - 1, 16);
                out.write(value, 8);
                rest -= 1 << 16;
            }
            out.write(1, 1);
            out.write(3, 2);
            out.write(rest - 1, 16);
            out.write(value, 8);
        }
    }
    // The converter pads with 8 - len % 8 zero bits: a whole byte when already aligned.
    let pad = 8 - out.bits % 8;
    out.write(0, pad as u32);
    out.bytes
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn header_is_what_the_converter_writes() {
        let rle = encode_mask(&[0, 1]);
        // 8 values; word size 8 → 00111; widths 3,4,8,16 → 0010 0011 0111 1111.
        let mut r = BitReader { data: &rle, bit: 0 };
        assert_eq!(r.read(32).unwrap(), 8);
        assert_eq!(r.read(5).unwrap(), 7);
        assert_eq!(
            [
                r.read(4).unwrap(),
                r.read(4).unwrap(),
                r.read(4).unwrap(),
                r.read(4).unwrap()
            ],
            [2, 3, 7, 15]
        );
        assert_eq!(decode_mask(&rle, 2, 1).unwrap(), vec![0, 1]);
    }

    #[test]
    fn long_runs_are_split_like_the_converter() {
        let mask = vec![1u8; 40_000];
        let rle = encode_mask(&mask);
        assert_eq!(decode_mask(&rle, 200, 200).unwrap(), mask);
    }

    #[test]
    fn bad_streams_are_refused() {
        let rle = encode_mask(&[1, 0, 1, 1]);
        assert!(matches!(
            decode_mask(&rle, 3, 1),
            Err(BrushError::WrongCount {
                found: 16,
                expected: 12
            })
        ));
        assert!(matches!(
            decode(&rle[..rle.len() - 3], None),
            Err(BrushError::Truncated { .. })
        ));
        // A header announcing 2^32-1 values is refused before allocating.
        assert!(decode(&[0xff, 0xff, 0xff, 0xff, 0x38], None).is_err());
    }

    proptest! {
        #[test]
        fn mask_roundtrip(w in 1u32..40, h in 1u32..40, seed in any::<u64>(), density in 0u32..4) {
            let mask: Vec<u8> = (0..w * h)
                .map(|i| u8::from((seed.rotate_left(i % 64) ^ u64::from(i / 7)) % 4 < u64::from(density)))
                .collect();
            prop_assert_eq!(decode_mask(&encode_mask(&mask), w, h).unwrap(), mask);
        }

        #[test]
        fn values_roundtrip(values in proptest::collection::vec(any::<u8>(), 0..600)) {
            let decoded = decode(&encode_values(&values), None).unwrap();
            let decoded: Vec<u8> = decoded.into_iter().map(|v| v as u8).collect();
            prop_assert_eq!(decoded, values);
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let _ = decode(&bytes, None);
            let _ = decode_mask(&bytes, 3, 3);
        }
    }
}
