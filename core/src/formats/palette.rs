//! Colours for classes that an imported file names without a colour, and colour parsing.

/// Distinct colours (Sasha Trubetskoy's list), given to new classes in order.
const COLORS: [&str; 16] = [
    "#e6194b", "#3cb44b", "#ffe119", "#4363d8", "#f58231", "#911eb4", "#46f0f0", "#f032e6",
    "#bcf60c", "#fabebe", "#008080", "#e6beff", "#9a6324", "#fffac8", "#800000", "#aaffc3",
];

/// The colour of the `i`-th new class.
pub(crate) fn color(i: usize) -> String {
    COLORS[i % COLORS.len()].to_string()
}

/// Parses `#rrggbb` or `#rgb` (case-insensitive); anything else is `None`.
pub(crate) fn parse_hex(css: &str) -> Option<[u8; 3]> {
    let hex = css.trim().strip_prefix('#')?;
    let digit = |i: usize| u8::from_str_radix(hex.get(i..i + 1)?, 16).ok();
    match hex.len() {
        6 => {
            let byte = |i: usize| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok();
            Some([byte(0)?, byte(2)?, byte(4)?])
        }
        3 => Some([digit(0)? * 17, digit(1)? * 17, digit(2)? * 17]),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_colours_parse_and_print() {
        assert_eq!(parse_hex("#E6194b"), Some([0xe6, 0x19, 0x4b]));
        assert_eq!(parse_hex("#f0a"), Some([0xff, 0x00, 0xaa]));
        assert_eq!(parse_hex("red"), None);
        assert_eq!(parse_hex("#12345"), None);
    }
}
