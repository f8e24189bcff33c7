//! COCO run-length encoding, bit for bit as pycocotools (`maskApi.c`) does it.
//!
//! An [`Rle`] is the column-major run lengths of a binary mask, zeros first. The functions keep
//! pycocotools' quirks on purpose (how `merge` places empty runs, how `bbox` handles a run that
//! wraps a column, the `iscrowd` IoU), because consumers compare against it.

use crate::model::MaskRle;
use std::fmt;

/// A COCO RLE: `counts` alternate zeros and ones, column-major, starting with zeros.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Rle {
    /// Image height.
    pub height: u32,
    /// Image width.
    pub width: u32,
    /// Run lengths.
    pub counts: Vec<u32>,
}

/// Why an RLE could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RleError {
    /// The runs do not add up to `width × height`.
    WrongTotal {
        /// Sum of the runs.
        total: u64,
        /// `width × height`.
        expected: u64,
    },
    /// A compressed `counts` string is malformed at this byte offset.
    BadString {
        /// Byte offset in the string.
        offset: usize,
        /// What is wrong.
        reason: &'static str,
    },
    /// Two masks to combine have different sizes.
    SizeMismatch,
}

impl fmt::Display for RleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RleError::WrongTotal { total, expected } => write!(
                f,
                "RLE counts add up to {total}, but width × height is {expected}"
            ),
            RleError::BadString { offset, reason } => {
                write!(
                    f,
                    "compressed RLE counts invalid at byte {offset}: {reason}"
                )
            }
            RleError::SizeMismatch => f.write_str("masks of different sizes cannot be combined"),
        }
    }
}

impl std::error::Error for RleError {}

impl Rle {
    /// Encodes a column-major mask (`mask[x * height + y]`, non-zero = set), like `rleEncode`.
    pub fn encode(mask: &[u8], height: u32, width: u32) -> Rle {
        let mut counts = Vec::new();
        let mut previous = 0u8;
        let mut run = 0u32;
        for &value in mask.iter().take(height as usize * width as usize) {
            let value = u8::from(value != 0);
            if value != previous {
                counts.push(run);
                run = 0;
                previous = value;
            }
            run += 1;
        }
        counts.push(run);
        Rle {
            height,
            width,
            counts,
        }
    }

    /// Decodes to a column-major 0/1 mask, like `rleDecode`; refuses runs that do not add up.
    pub fn decode(&self) -> Result<Vec<u8>, RleError> {
        self.check()?;
        let mut mask = Vec::with_capacity(self.pixel_count() as usize);
        let mut value = 0u8;
        for &run in &self.counts {
            mask.resize(mask.len() + run as usize, value);
            value ^= 1;
        }
        Ok(mask)
    }

    fn pixel_count(&self) -> u64 {
        u64::from(self.height) * u64::from(self.width)
    }

    /// Checks that the runs add up to the image size.
    pub fn check(&self) -> Result<(), RleError> {
        let total: u64 = self.counts.iter().map(|&c| u64::from(c)).sum();
        if total != self.pixel_count() {
            return Err(RleError::WrongTotal {
                total,
                expected: self.pixel_count(),
            });
        }
        Ok(())
    }

    /// Number of set pixels (`rleArea`).
    pub fn area(&self) -> u64 {
        self.counts
            .iter()
            .skip(1)
            .step_by(2)
            .map(|&c| u64::from(c))
            .sum()
    }

    /// `[x, y, w, h]` of the set pixels as pycocotools' `toBbox` computes it (zeros if empty).
    pub fn bbox(&self) -> [f64; 4] {
        let h = self.height;
        let m = (self.counts.len() / 2) * 2;
        if m == 0 || h == 0 {
            return [0.0; 4];
        }
        let (mut xs, mut ys, mut xe, mut ye) = (self.width, h, 0u32, 0u32);
        let mut cc: u32 = 0;
        let mut xp = 0u32;
        for (j, &run) in self.counts.iter().take(m).enumerate() {
            cc = cc.wrapping_add(run);
            let t = cc.wrapping_sub((j % 2) as u32);
            let y = t % h;
            let x = (t - y) / h;
            if j % 2 == 0 {
                xp = x;
            } else if xp < x {
                ys = 0;
                ye = h - 1;
            }
            xs = xs.min(x);
            xe = xe.max(x);
            ys = ys.min(y);
            ye = ye.max(y);
        }
        [
            f64::from(xs),
            f64::from(ys),
            f64::from(xe) - f64::from(xs) + 1.0,
            f64::from(ye) - f64::from(ys) + 1.0,
        ]
    }

    /// Union (`intersect = false`) or intersection of masks, as `rleMerge`. An empty list gives
    /// a 0×0 RLE, masks of different sizes an error.
    pub fn merge(masks: &[Rle], intersect: bool) -> Result<Rle, RleError> {
        let Some(first) = masks.first() else {
            return Ok(Rle::default());
        };
        let (h, w) = (first.height, first.width);
        let mut cnts = first.counts.clone();
        for b in &masks[1..] {
            if b.height != h || b.width != w {
                return Err(RleError::SizeMismatch);
            }
            cnts = merge_two(&cnts, &b.counts, intersect);
        }
        Ok(Rle {
            height: h,
            width: w,
            counts: cnts,
        })
    }

    /// The pixels set in at least `min_votes` of `masks` (all of one size): a sweep over the
    /// runs' starts and ends, never a dense image, so it costs the runs, not the pixels.
    pub fn vote(masks: &[Rle], min_votes: usize) -> Result<Rle, RleError> {
        let Some(first) = masks.first() else {
            return Ok(Rle::default());
        };
        let (h, w) = (first.height, first.width);
        let total = u64::from(h) * u64::from(w);
        // (position, +1 where a set run starts, -1 where it ends)
        let mut edges: Vec<(u64, i64)> = Vec::new();
        for m in masks {
            if m.height != h || m.width != w {
                return Err(RleError::SizeMismatch);
            }
            let mut at = 0u64;
            for (i, &c) in m.counts.iter().enumerate() {
                if i % 2 == 1 && c > 0 {
                    edges.push((at, 1));
                    edges.push((at + u64::from(c), -1));
                }
                at += u64::from(c);
            }
        }
        edges.sort_unstable();
        let need = min_votes.max(1) as i64;
        let (mut count, mut at, mut on) = (0i64, 0u64, false);
        let mut counts = Vec::new();
        let mut i = 0;
        while i < edges.len() {
            let pos = edges[i].0;
            while i < edges.len() && edges[i].0 == pos {
                count += edges[i].1;
                i += 1;
            }
            if (count >= need) != on {
                counts.push(u32::try_from(pos - at).unwrap_or(u32::MAX));
                at = pos;
                on = !on;
            }
        }
        if at < total || counts.is_empty() {
            counts.push(u32::try_from(total - at).unwrap_or(u32::MAX));
        }
        Ok(Rle {
            height: h,
            width: w,
            counts,
        })
    }

    /// The compressed `counts` string of COCO JSON (`rleToString`).
    pub fn to_compressed(&self) -> String {
        let mut s = Vec::with_capacity(self.counts.len() * 2);
        for (i, &run) in self.counts.iter().enumerate() {
            let mut x = i64::from(run);
            if i > 2 {
                x -= i64::from(self.counts[i - 2]);
            }
            loop {
                let mut c = (x & 0x1f) as u8;
                x >>= 5;
                let more = if c & 0x10 != 0 { x != -1 } else { x != 0 };
                if more {
                    c |= 0x20;
                }
                s.push(c + 48);
                if !more {
                    break;
                }
            }
        }
        // Every byte is in 48..=111, ASCII.
        String::from_utf8(s).unwrap_or_default()
    }

    /// Reads a compressed `counts` string (`rleFrString`), checking it is well formed and that
    /// the runs add up to `height × width`.
    pub fn from_compressed(text: &str, height: u32, width: u32) -> Result<Rle, RleError> {
        let bytes = text.as_bytes();
        let mut counts: Vec<u32> = Vec::new();
        let mut p = 0;
        while p < bytes.len() {
            let mut x: i64 = 0;
            let mut k = 0u32;
            loop {
                let Some(&byte) = bytes.get(p) else {
                    return Err(RleError::BadString {
                        offset: p,
                        reason: "the string ends inside a number",
                    });
                };
                if !(48..48 + 64).contains(&byte) {
                    return Err(RleError::BadString {
                        offset: p,
                        reason: "character outside the RLE alphabet ('0' to 'o')",
                    });
                }
                if k >= 12 {
                    return Err(RleError::BadString {
                        offset: p,
                        reason: "number too long",
                    });
                }
                let c = i64::from(byte - 48);
                x |= (c & 0x1f) << (5 * k);
                let more = c & 0x20 != 0;
                p += 1;
                k += 1;
                if !more {
                    if c & 0x10 != 0 {
                        x |= -1i64 << (5 * k);
                    }
                    break;
                }
            }
            let m = counts.len();
            if m > 2 {
                x += i64::from(counts[m - 2]);
            }
            let run = u32::try_from(x).map_err(|_| RleError::BadString {
                offset: p,
                reason: "a run length is negative or too large",
            })?;
            counts.push(run);
        }
        let rle = Rle {
            height,
            width,
            counts,
        };
        rle.check()?;
        Ok(rle)
    }

    /// The model's persistent form.
    pub fn to_model(&self) -> MaskRle {
        MaskRle {
            width: self.width,
            height: self.height,
            counts: self.counts.clone(),
        }
    }

    /// From the model's persistent form, checked.
    pub fn from_model(mask: &MaskRle) -> Result<Rle, RleError> {
        let rle = Rle {
            height: mask.height,
            width: mask.width,
            counts: mask.counts.clone(),
        };
        rle.check()?;
        Ok(rle)
    }
}

/// One step of `rleMerge`, kept literal (including where it emits zero-length runs).
fn merge_two(a: &[u32], b: &[u32], intersect: bool) -> Vec<u32> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut ca, mut cb) = (
        a.first().copied().unwrap_or(0),
        b.first().copied().unwrap_or(0),
    );
    let (mut v, mut va, mut vb) = (false, false, false);
    let (mut ia, mut ib) = (1usize, 1usize);
    let mut cc: u32 = 0;
    let mut ct: u32 = 1;
    while ct > 0 {
        let c = ca.min(cb);
        cc = cc.wrapping_add(c);
        ct = 0;
        ca -= c;
        if ca == 0 && ia < a.len() {
            ca = a[ia];
            ia += 1;
            va = !va;
        }
        ct = ct.wrapping_add(ca);
        cb -= c;
        if cb == 0 && ib < b.len() {
            cb = b[ib];
            ib += 1;
            vb = !vb;
        }
        ct = ct.wrapping_add(cb);
        let vp = v;
        v = if intersect { va && vb } else { va || vb };
        if v != vp || ct == 0 {
            out.push(cc);
            cc = 0;
        }
    }
    out
}

/// IoU of boxes `[x, y, w, h]` as pycocotools' `bbIou`: `result[d][g]`; for a crowd `g` the
/// denominator is the area of `d`.
pub fn bbox_iou(dt: &[[f64; 4]], gt: &[[f64; 4]], iscrowd: &[bool]) -> Vec<Vec<f64>> {
    dt.iter()
        .map(|d| {
            gt.iter()
                .enumerate()
                .map(|(g, gb)| box_pair_iou(d, gb, iscrowd.get(g).copied().unwrap_or(false)))
                .collect()
        })
        .collect()
}

fn box_pair_iou(d: &[f64; 4], g: &[f64; 4], crowd: bool) -> f64 {
    let w = (d[2] + d[0]).min(g[2] + g[0]) - d[0].max(g[0]);
    if w <= 0.0 {
        return 0.0;
    }
    let h = (d[3] + d[1]).min(g[3] + g[1]) - d[1].max(g[1]);
    if h <= 0.0 {
        return 0.0;
    }
    let i = w * h;
    let da = d[2] * d[3];
    let u = if crowd { da } else { da + g[2] * g[3] - i };
    i / u
}

/// IoU of masks as `pycocotools.mask.iou(dt, gt, iscrowd)`: `result[d][g]`, `-1` where sizes
/// differ; for a crowd `g` the denominator is the area of `d`.
pub fn iou(dt: &[Rle], gt: &[Rle], iscrowd: &[bool]) -> Vec<Vec<f64>> {
    let db: Vec<[f64; 4]> = dt.iter().map(Rle::bbox).collect();
    let gb: Vec<[f64; 4]> = gt.iter().map(Rle::bbox).collect();
    let mut out = bbox_iou(&db, &gb, iscrowd);
    for (d, row) in out.iter_mut().enumerate() {
        for (g, cell) in row.iter_mut().enumerate() {
            if *cell <= 0.0 {
                continue;
            }
            let (a, b) = (&dt[d], &gt[g]);
            if a.height != b.height || a.width != b.width {
                *cell = -1.0;
                continue;
            }
            let crowd = iscrowd.get(g).copied().unwrap_or(false);
            *cell = pair_iou(&a.counts, &b.counts, crowd, a);
        }
    }
    out
}

fn pair_iou(a: &[u32], b: &[u32], crowd: bool, dt: &Rle) -> f64 {
    let (mut ca, mut cb) = (
        a.first().copied().unwrap_or(0),
        b.first().copied().unwrap_or(0),
    );
    let (mut va, mut vb) = (false, false);
    let (mut ia, mut ib) = (1usize, 1usize);
    let (mut inter, mut union) = (0u64, 0u64);
    let mut ct: u32 = 1;
    while ct > 0 {
        let c = ca.min(cb);
        if va || vb {
            union += u64::from(c);
            if va && vb {
                inter += u64::from(c);
            }
        }
        ct = 0;
        ca -= c;
        if ca == 0 && ia < a.len() {
            ca = a[ia];
            ia += 1;
            va = !va;
        }
        ct = ct.wrapping_add(ca);
        cb -= c;
        if cb == 0 && ib < b.len() {
            cb = b[ib];
            ib += 1;
            vb = !vb;
        }
        ct = ct.wrapping_add(cb);
    }
    if inter == 0 {
        union = 1;
    } else if crowd {
        union = dt.area();
    }
    // pycocotools accumulates in 32-bit unsigned; masks up to 65535² fit either way.
    inter as f64 / union as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn mask_strategy() -> impl Strategy<Value = (u32, u32, Vec<u8>)> {
        (1u32..24, 1u32..24).prop_flat_map(|(h, w)| {
            (
                Just(h),
                Just(w),
                proptest::collection::vec(
                    prop_oneof![3 => Just(0u8), 1 => Just(1u8)],
                    (h * w) as usize,
                ),
            )
        })
    }

    #[test]
    fn encodes_like_the_coco_example() {
        // 3×2 (h×w), column-major: column 0 = [0,1,1], column 1 = [1,0,0].
        let rle = Rle::encode(&[0, 1, 1, 1, 0, 0], 3, 2);
        assert_eq!(rle.counts, vec![1, 3, 2]);
        assert_eq!(rle.area(), 3);
        assert_eq!(rle.bbox(), [0.0, 0.0, 2.0, 3.0]);
        let empty = Rle::encode(&[0; 6], 3, 2);
        assert_eq!(empty.counts, vec![6]);
        assert_eq!(empty.bbox(), [0.0; 4]);
        let starts_set = Rle::encode(&[1, 0, 0, 0], 2, 2);
        assert_eq!(starts_set.counts, vec![0, 1, 3]);
    }

    #[test]
    fn compressed_strings_match_known_pycocotools_output() {
        // pycocotools.mask.encode of a 4×4 Fortran mask with a 2×2 square at (1,1).
        let mut m = vec![0u8; 16];
        for x in 1..3 {
            for y in 1..3 {
                m[x * 4 + y] = 1;
            }
        }
        let rle = Rle::encode(&m, 4, 4);
        assert_eq!(rle.counts, vec![5, 2, 2, 2, 5]);
        assert_eq!(rle.to_compressed(), "52203");
        assert_eq!(Rle::from_compressed("52203", 4, 4).unwrap(), rle);
    }

    #[test]
    fn malformed_strings_are_refused_with_the_offset() {
        assert!(matches!(
            Rle::from_compressed("5 2", 4, 4),
            Err(RleError::BadString { offset: 1, .. })
        ));
        // '`' = 48 + 48 has the continuation bit: the string ends inside a number.
        assert!(matches!(
            Rle::from_compressed("5`", 4, 4),
            Err(RleError::BadString { .. })
        ));
        assert!(matches!(
            Rle::from_compressed("52203", 5, 4),
            Err(RleError::WrongTotal {
                total: 16,
                expected: 20
            })
        ));
        assert!(Rle::from_compressed(&"o".repeat(40), 4, 4).is_err());
    }

    #[test]
    fn crowd_iou_divides_by_the_detection_area() {
        let g = Rle::encode(&[1, 1, 1, 1, 0, 0, 0, 0, 0], 3, 3);
        let d = Rle::encode(&[1, 1, 0, 0, 0, 0, 0, 0, 0], 3, 3);
        let plain = iou(std::slice::from_ref(&d), std::slice::from_ref(&g), &[false]);
        let crowd = iou(&[d], &[g], &[true]);
        assert_eq!(plain[0][0], 0.5);
        assert_eq!(crowd[0][0], 1.0);
    }

    proptest! {
        #[test]
        fn encode_decode_is_identity((h, w, m) in mask_strategy()) {
            let rle = Rle::encode(&m, h, w);
            prop_assert_eq!(rle.decode().unwrap(), m.clone());
            prop_assert_eq!(rle.area(), m.iter().map(|&v| u64::from(v)).sum::<u64>());
        }

        #[test]
        fn compressed_roundtrip((h, w, m) in mask_strategy()) {
            let rle = Rle::encode(&m, h, w);
            let text = rle.to_compressed();
            prop_assert_eq!(Rle::from_compressed(&text, h, w).unwrap(), rle);
        }

        #[test]
        fn iou_is_symmetric_and_bounded((h, w, a) in mask_strategy(), seed in any::<u64>()) {
            let b: Vec<u8> = a.iter().enumerate().map(|(i, _)| u8::from((seed >> (i % 64)) & 1 == 1)).collect();
            let (ra, rb) = (Rle::encode(&a, h, w), Rle::encode(&b, h, w));
            let ab = iou(std::slice::from_ref(&ra), std::slice::from_ref(&rb), &[false])[0][0];
            let ba = iou(&[rb], &[ra], &[false])[0][0];
            prop_assert!((0.0..=1.0).contains(&ab));
            prop_assert_eq!(ab, ba);
        }

        #[test]
        fn merge_matches_pixelwise_or_and_and((h, w, a) in mask_strategy(), seed in any::<u64>()) {
            let b: Vec<u8> = a.iter().enumerate().map(|(i, _)| u8::from((seed.rotate_left(i as u32 % 64)) & 3 == 0)).collect();
            let (ra, rb) = (Rle::encode(&a, h, w), Rle::encode(&b, h, w));
            let union = Rle::merge(&[ra.clone(), rb.clone()], false).unwrap().decode().unwrap();
            let inter = Rle::merge(&[ra, rb], true).unwrap().decode().unwrap();
            for i in 0..a.len() {
                prop_assert_eq!(union[i], a[i] | b[i]);
                prop_assert_eq!(inter[i], a[i] & b[i]);
            }
        }

        #[test]
        fn a_vote_counts_each_pixel((h, w, a) in mask_strategy(), seed in any::<u64>(), need in 1usize..4) {
            let layers: Vec<Vec<u8>> = (0..3u32)
                .map(|k| a.iter().enumerate().map(|(i, &v)| {
                    if k == 0 { v } else { u8::from(seed.rotate_left((i as u32 * (k + 1)) % 64) & 1 == 1) }
                }).collect())
                .collect();
            let rles: Vec<Rle> = layers.iter().map(|m| Rle::encode(m, h, w)).collect();
            let voted = Rle::vote(&rles, need).unwrap();
            prop_assert!(voted.check().is_ok());
            let got = voted.decode().unwrap();
            for i in 0..a.len() {
                let votes = layers.iter().filter(|m| m[i] != 0).count();
                prop_assert_eq!(got[i] != 0, votes >= need);
            }
            // Runs are canonical: the same as encoding the voted pixels.
            prop_assert_eq!(voted.counts, Rle::encode(&got, h, w).counts);
        }

        #[test]
        fn garbage_strings_never_panic(text in "[0-o ]{0,40}", h in 0u32..50, w in 0u32..50) {
            let _ = Rle::from_compressed(&text, h, w);
        }
    }
}
