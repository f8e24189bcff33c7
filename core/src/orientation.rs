//! Photos store their pixels as the sensor saw them and an EXIF orientation saying how to turn
//! them upright; browsers show them upright (Chromium applies JPEG orientation), Pillow's
//! `exif_transpose` and training pipelines read them upright. Annotation coordinates therefore
//! refer to the upright pixels everywhere, and an image's size is its upright size: for
//! orientations 5–8 (a quarter turn) width and height trade places. Headers tell the stored
//! size; this module turns it upright.

use std::io::Cursor;

/// The EXIF orientation of a JPEG (1–8), from its first bytes (the APP1 segment comes right
/// after the start of the file); `None` for other formats, no EXIF, or no orientation tag.
pub fn exif_orientation(bytes: &[u8]) -> Option<u16> {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let exif = exif::Reader::new()
        .read_from_container(&mut Cursor::new(bytes))
        .ok()?;
    let field = exif.get_field(exif::Tag::Orientation, exif::In::PRIMARY)?;
    match field.value.get_uint(0)? {
        v @ 1..=8 => u16::try_from(v).ok(),
        _ => None,
    }
}

/// The upright size of an image stored as `width × height` with `orientation`.
pub fn upright_size(width: u32, height: u32, orientation: Option<u16>) -> (u32, u32) {
    match orientation {
        Some(5..=8) => (height, width),
        _ => (width, height),
    }
}

/// The upright size of the image in `bytes` whose stored size is `width × height`.
pub fn upright(bytes: &[u8], width: u32, height: u32) -> (u32, u32) {
    upright_size(width, height, exif_orientation(bytes))
}

/// A JPEG's first bytes with an EXIF orientation tag (for tests of the readers).
#[cfg(test)]
pub(crate) fn exif_header(orientation: u16) -> Vec<u8> {
    let mut tiff = vec![b'M', b'M', 0, 42, 0, 0, 0, 8];
    tiff.extend([0, 1]); // one IFD entry
    tiff.extend([0x01, 0x12, 0, 3, 0, 0, 0, 1]); // Orientation, SHORT, count 1
    tiff.extend(orientation.to_be_bytes());
    tiff.extend([0, 0, 0, 0, 0, 0]); // padding, no next IFD
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend(tiff);
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xE1];
    out.extend(u16::try_from(app1.len() + 2).unwrap_or(0).to_be_bytes());
    out.extend(app1);
    out.extend([0xFF, 0xD9]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarter_turns_trade_width_and_height() {
        for (o, want) in [(1, (40, 20)), (3, (40, 20)), (6, (20, 40)), (8, (20, 40))] {
            let header = exif_header(o);
            assert_eq!(exif_orientation(&header), Some(o));
            assert_eq!(upright(&header, 40, 20), want, "orientation {o}");
        }
        assert_eq!(upright(b"\x89PNG\r\n", 40, 20), (40, 20));
        assert_eq!(upright(&[0xFF, 0xD8, 0xFF], 40, 20), (40, 20), "truncated");
    }
}
