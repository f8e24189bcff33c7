//! Magic wand: the 4-connected region of pixels similar in colour to a seed pixel.
//!
//! A scanline fill over RGBA bytes with a filled-pixel bitmap; a pixel belongs to the region when
//! every channel differs from the seed's by at most `tolerance`.

use super::mask::RunMask;

/// Why a fill could not run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FloodError {
    /// The pixel buffer is not `width × height × 4` bytes.
    WrongBufferSize {
        /// Bytes given.
        len: usize,
        /// Bytes needed.
        expected: usize,
    },
    /// The seed is outside the image.
    SeedOutside,
}

impl std::fmt::Display for FloodError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FloodError::WrongBufferSize { len, expected } => {
                write!(
                    f,
                    "image buffer has {len} bytes, {expected} expected (RGBA)"
                )
            }
            FloodError::SeedOutside => f.write_str("the clicked point is outside the image"),
        }
    }
}

impl std::error::Error for FloodError {}

/// The region around `(seed_x, seed_y)` of colours within `tolerance` of the seed's colour.
pub fn flood_fill(
    rgba: &[u8],
    width: u32,
    height: u32,
    seed_x: u32,
    seed_y: u32,
    tolerance: u8,
) -> Result<RunMask, FloodError> {
    let (w, h) = (width as usize, height as usize);
    let expected = w * h * 4;
    if rgba.len() != expected {
        return Err(FloodError::WrongBufferSize {
            len: rgba.len(),
            expected,
        });
    }
    if seed_x >= width || seed_y >= height {
        return Err(FloodError::SeedOutside);
    }
    let at = |x: usize, y: usize| (y * w + x) * 4;
    let s = at(seed_x as usize, seed_y as usize);
    let seed = [rgba[s], rgba[s + 1], rgba[s + 2], rgba[s + 3]];
    let similar = |x: usize, y: usize| {
        let i = at(x, y);
        (0..4).all(|c| rgba[i + c].abs_diff(seed[c]) <= tolerance)
    };
    let mut filled = vec![0u64; (w * h).div_ceil(64)];
    let is_filled = |filled: &Vec<u64>, i: usize| filled[i / 64] & (1 << (i % 64)) != 0;
    let mut stack = vec![(seed_x as usize, seed_y as usize)];
    while let Some((x, y)) = stack.pop() {
        if is_filled(&filled, y * w + x) || !similar(x, y) {
            continue;
        }
        // Extend left and right along the row.
        let mut left = x;
        while left > 0 && !is_filled(&filled, y * w + left - 1) && similar(left - 1, y) {
            left -= 1;
        }
        let mut right = x;
        while right + 1 < w && !is_filled(&filled, y * w + right + 1) && similar(right + 1, y) {
            right += 1;
        }
        for xx in left..=right {
            filled[(y * w + xx) / 64] |= 1 << ((y * w + xx) % 64);
        }
        // Seed the rows above and below once per run of candidates.
        for ny in [y.wrapping_sub(1), y + 1] {
            if ny >= h {
                continue;
            }
            let mut in_run = false;
            for xx in left..=right {
                let candidate = !is_filled(&filled, ny * w + xx) && similar(xx, ny);
                if candidate && !in_run {
                    stack.push((xx, ny));
                }
                in_run = candidate;
            }
        }
    }
    let mut columns = Vec::new();
    for x in 0..w {
        let mut spans = Vec::new();
        let mut start: Option<u32> = None;
        for y in 0..h {
            let set = is_filled(&filled, y * w + x);
            match (set, start) {
                (true, None) => start = Some(y as u32),
                (false, Some(s0)) => {
                    spans.push((s0, y as u32));
                    start = None;
                }
                _ => {}
            }
        }
        if let Some(s0) = start {
            spans.push((s0, height));
        }
        if !spans.is_empty() {
            columns.push((x as u32, spans));
        }
    }
    Ok(RunMask::from_columns(width, height, columns))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(w: u32, h: u32, f: impl Fn(u32, u32) -> [u8; 4]) -> Vec<u8> {
        (0..h)
            .flat_map(|y| (0..w).map(move |x| (x, y)))
            .flat_map(|(x, y)| f(x, y))
            .collect()
    }

    #[test]
    fn fills_the_connected_region_within_tolerance() {
        // A dark ring around a light centre; the outside is light too but not connected.
        let img = image(20, 20, |x, y| {
            let d = ((x as i32 - 10).pow(2) + (y as i32 - 10).pow(2)) as f64;
            if (16.0..49.0).contains(&d) {
                [10, 10, 10, 255]
            } else {
                [200 + (x % 3) as u8, 200, 200, 255]
            }
        });
        let inside = flood_fill(&img, 20, 20, 10, 10, 5).unwrap();
        assert!(inside.contains(10, 10) && inside.contains(11, 12));
        assert!(!inside.contains(10, 15) && !inside.contains(0, 0));
        let strict = flood_fill(&img, 20, 20, 10, 10, 0).unwrap();
        assert!(strict.area() < inside.area());
        let everything = flood_fill(&img, 20, 20, 0, 0, 255).unwrap();
        assert_eq!(everything.area(), 400);
    }

    #[test]
    fn bad_input_is_refused() {
        assert!(matches!(
            flood_fill(&[0; 12], 2, 2, 0, 0, 0),
            Err(FloodError::WrongBufferSize {
                len: 12,
                expected: 16
            })
        ));
        assert_eq!(
            flood_fill(&[0; 16], 2, 2, 2, 0, 0),
            Err(FloodError::SeedOutside)
        );
    }
}
