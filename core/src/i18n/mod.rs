//! The words of the user interface: one message catalogue per language, with plural forms and
//! numbers written the way each language writes them.
//!
//! Messages are looked up by a dotted id (`"toolbar.fit"`, `"action.box"`), so the keymap's
//! action names lead straight to their descriptions. A message may hold placeholders
//! (`{name}`), filled by [`format`]; a message with plural forms holds them separated by `|` in
//! the order of the language's CLDR categories ([`Locale::plural_categories`]), and
//! [`plural`] picks one by count. A message missing from a catalogue falls back to English, and
//! an unknown id to the id itself, so a gap shows as a readable word rather than nothing (the
//! catalogue tests and `xtask tidy` keep both from happening).
//!
//! In the browser only the English words of the main module are built in: the Ukrainian
//! catalogue ([`ukrainian`]) and the English words of the parts loaded on demand
//! ([`english_panels`]) are loaded by the web crate and handed to [`install`], so a page in
//! English never downloads the Ukrainian words and the first screen never downloads the
//! panels' words. Until then a Ukrainian message falls back to English (the web crate switches
//! the language only once its words are in) and a panel's word is its id (the web crate shows
//! a panel only once its words are in). Elsewhere every catalogue is built in.
//!
//! The plural rules and number separators of the two languages are written here rather than
//! taken from an ICU crate: they are a few lines each, the browser's `Intl` checks them in the
//! web crate's tests, and a full CLDR data set would weigh more than the editor's first load
//! can carry.

mod en;
mod uk;

use std::collections::HashMap;
use std::fmt::Display;
use std::sync::OnceLock;

/// A language the interface speaks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Locale {
    /// English (the default, and the fallback for any missing message).
    #[default]
    En,
    /// Ukrainian.
    Uk,
}

/// A CLDR plural category (the integer ones: the catalogue counts whole things).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PluralCategory {
    /// `one`: 1 in English; 1, 21, 31, … (not 11) in Ukrainian.
    One,
    /// `few`: 2–4, 22–24, … (not 12–14) in Ukrainian.
    Few,
    /// `many`: 0, 5–20, 25–30, … in Ukrainian.
    Many,
    /// `other`: everything else.
    Other,
}

impl Locale {
    /// Every supported language.
    pub const ALL: [Locale; 2] = [Locale::En, Locale::Uk];

    /// Reads a BCP 47 tag (`"en"`, `"en-GB"`, `"uk"`, `"uk-UA"`; case-insensitive): its
    /// language subtag decides.
    pub fn parse(tag: &str) -> Result<Locale, String> {
        let language = tag
            .trim()
            .split(['-', '_'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        match language.as_str() {
            "en" => Ok(Locale::En),
            "uk" => Ok(Locale::Uk),
            _ => Err(format!(
                "locale {tag:?} is not supported; use one of: en, uk"
            )),
        }
    }

    /// The BCP 47 tag, as the page's `lang` attribute carries it.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Uk => "uk",
        }
    }

    /// The plural categories of the language, in the order a plural message lists its forms.
    pub fn plural_categories(self) -> &'static [PluralCategory] {
        match self {
            Locale::En => &[PluralCategory::One, PluralCategory::Other],
            Locale::Uk => &[
                PluralCategory::One,
                PluralCategory::Few,
                PluralCategory::Many,
                PluralCategory::Other,
            ],
        }
    }

    /// The plural category of a whole number (CLDR rules; `Intl.PluralRules` agrees, which
    /// the web crate's browser tests check).
    pub fn plural_category(self, n: u64) -> PluralCategory {
        match self {
            Locale::En => {
                if n == 1 {
                    PluralCategory::One
                } else {
                    PluralCategory::Other
                }
            }
            Locale::Uk => {
                let (ten, hundred) = (n % 10, n % 100);
                if ten == 1 && hundred != 11 {
                    PluralCategory::One
                } else if (2..=4).contains(&ten) && !(12..=14).contains(&hundred) {
                    PluralCategory::Few
                } else {
                    // Every other integer is `many`; `other` is for fractions.
                    PluralCategory::Many
                }
            }
        }
    }

    /// The catalogue of the language (for English, the main module's words; empty while a
    /// catalogue loaded on demand is not in).
    fn messages(self) -> &'static HashMap<&'static str, &'static str> {
        static EN: OnceLock<HashMap<&str, &str>> = OnceLock::new();
        match self {
            Locale::En => EN.get_or_init(|| en::MESSAGES.iter().copied().collect()),
            Locale::Uk => installed(&UKRAINIAN, uk::MESSAGES),
        }
    }

    /// Whether the language can be spoken: always, except in a browser before [`install`] was
    /// given its words (English's main words are built in; see [`english_panels_installed`]
    /// for the rest).
    pub fn is_installed(self) -> bool {
        match self {
            Locale::En => true,
            Locale::Uk => !installed(&UKRAINIAN, uk::MESSAGES).is_empty(),
        }
    }

    /// The separators of whole-number groups and of decimals.
    fn separators(self) -> (&'static str, &'static str) {
        match self {
            Locale::En => (",", "."),
            // CLDR: a no-break space groups digits, a comma starts the decimals.
            Locale::Uk => ("\u{a0}", ","),
        }
    }
}

/// The Ukrainian words, as [`install`] made them.
static UKRAINIAN: OnceLock<HashMap<&str, &str>> = OnceLock::new();

/// The English words of the parts loaded on demand, as [`install`] made them.
static ENGLISH_PANELS: OnceLock<HashMap<&str, &str>> = OnceLock::new();

/// A catalogue loaded on demand: built in outside the browser.
#[cfg(not(target_arch = "wasm32"))]
fn installed(
    catalogue: &'static OnceLock<HashMap<&'static str, &'static str>>,
    built_in: &'static [(&'static str, &'static str)],
) -> &'static HashMap<&'static str, &'static str> {
    catalogue.get_or_init(|| built_in.iter().copied().collect())
}

/// A catalogue loaded on demand, once the web crate has handed it to [`install`] (nothing
/// here reaches `built_in`, so the first screen never downloads it); empty before.
#[cfg(target_arch = "wasm32")]
fn installed(
    catalogue: &'static OnceLock<HashMap<&'static str, &'static str>>,
    _built_in: &'static [(&'static str, &'static str)],
) -> &'static HashMap<&'static str, &'static str> {
    static NONE: OnceLock<HashMap<&str, &str>> = OnceLock::new();
    catalogue
        .get()
        .unwrap_or_else(|| NONE.get_or_init(HashMap::new))
}

/// The Ukrainian catalogue, to hand to [`install`] (the web crate calls this from a wasm chunk
/// of its own).
pub fn ukrainian() -> &'static [(&'static str, &'static str)] {
    uk::MESSAGES
}

/// The English words of the parts loaded on demand, to hand to [`install`] for
/// [`Locale::En`] (the web crate calls this from a wasm chunk of its own).
pub fn english_panels() -> &'static [(&'static str, &'static str)] {
    en::PANELS
}

/// Whether the English words of the parts loaded on demand are in: always, except in a
/// browser before [`install`] was given them.
pub fn english_panels_installed() -> bool {
    !installed(&ENGLISH_PANELS, en::PANELS).is_empty()
}

/// Makes `messages` the words of `locale` loaded on demand: the Ukrainian catalogue, or the
/// English words of the parts loaded on demand. Outside the browser they are built in and
/// this changes nothing.
pub fn install(locale: Locale, messages: &'static [(&'static str, &'static str)]) {
    let catalogue = match locale {
        Locale::En => &ENGLISH_PANELS,
        Locale::Uk => &UKRAINIAN,
    };
    let _ = catalogue.set(messages.iter().copied().collect());
}

/// The ids of every message (the English catalogue is the complete one).
pub fn message_ids() -> impl Iterator<Item = &'static str> {
    en::MESSAGES.iter().chain(en::PANELS).map(|(id, _)| *id)
}

/// The raw catalogue text of `id` in `locale` (English when the language lacks it, the id
/// itself when no catalogue has it).
pub fn text(locale: Locale, id: &'static str) -> &'static str {
    lookup(locale, id).unwrap_or(id)
}

/// The catalogue text of an id made at run time (`"action.box"`), English when the language
/// lacks it; `None` when no catalogue has it.
pub fn lookup(locale: Locale, id: &str) -> Option<&'static str> {
    let english_panels = || installed(&ENGLISH_PANELS, en::PANELS).get(id);
    locale
        .messages()
        .get(id)
        .or_else(|| Locale::En.messages().get(id))
        .or_else(english_panels)
        .copied()
}

/// The message `id` with its placeholders (`{name}`) filled from `args`; a placeholder without
/// an argument stays as written.
pub fn format(locale: Locale, id: &'static str, args: &[(&str, &dyn Display)]) -> String {
    fill(text(locale, id), args)
}

/// The plural message `id` for `count` things: the form of the count's category, with `{n}`
/// the count written in the language's way and the other placeholders from `args`.
pub fn plural(
    locale: Locale,
    id: &'static str,
    count: u64,
    args: &[(&str, &dyn Display)],
) -> String {
    let forms: Vec<&str> = text(locale, id).split('|').collect();
    let category = locale.plural_category(count);
    let index = locale
        .plural_categories()
        .iter()
        .position(|c| *c == category)
        .unwrap_or(0);
    let form = forms
        .get(index)
        .or_else(|| forms.last())
        .copied()
        .unwrap_or_default();
    let n = number(locale, count as f64, 0);
    let mut all: Vec<(&str, &dyn Display)> = vec![("n", &n)];
    all.extend_from_slice(args);
    fill(form, &all)
}

fn fill(template: &str, args: &[(&str, &dyn Display)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                match args.iter().find(|(n, _)| *n == name) {
                    Some((_, value)) => out.push_str(&value.to_string()),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// `value` written with `decimals` digits after the separator, digits grouped by thousands, in
/// the language's way (`12,345.6` in English, `12 345,6` in Ukrainian); as
/// `Intl.NumberFormat(locale, {minimumFractionDigits: d, maximumFractionDigits: d})` writes it,
/// halves rounded away from zero as `Intl` rounds them (Rust's `{:.2}` rounds the stored binary
/// value, so 0.15 becomes "0.1" there and "0.2" here and in `Intl`).
pub fn number(locale: Locale, value: f64, decimals: usize) -> String {
    if !value.is_finite() {
        return value.to_string();
    }
    let (group, decimal) = locale.separators();
    let digits = rounded_digits(value.abs(), decimals);
    let whole_len = digits.len() - decimals;
    let mut out = String::with_capacity(digits.len() + 8);
    if value.is_sign_negative() {
        out.push('-');
    }
    for (i, c) in digits[..whole_len].chars().enumerate() {
        if i > 0 && (whole_len - i).is_multiple_of(3) {
            out.push_str(group);
        }
        out.push(c);
    }
    if decimals > 0 {
        out.push_str(decimal);
        out.push_str(&digits[whole_len..]);
    }
    out
}

/// `value` with as many decimals as it needs (the shortest decimal that reads back as it), in
/// the language's way: `4.5` is `4,5` in Ukrainian, `4` stays `4`.
pub fn number_as_is(locale: Locale, value: f64) -> String {
    let shortest = format!("{value}");
    let decimals = shortest.split_once('.').map_or(0, |(_, f)| f.len());
    number(locale, value, decimals)
}

/// The decimal digits of `value` (≥ 0) rounded to `decimals` places, halves away from zero,
/// without the point: `rounded_digits(2.675, 2)` is `"268"`. The number rounded is the shortest
/// decimal that reads back as `value` (2.675, not the 2.67499999… stored), as ICU and so `Intl`
/// round it.
fn rounded_digits(value: f64, decimals: usize) -> String {
    // Rust writes the shortest round-trip decimal, never in exponent form.
    let shortest = format!("{value}");
    let (whole, fraction) = shortest.split_once('.').unwrap_or((shortest.as_str(), ""));
    let mut digits: Vec<u8> = whole.bytes().collect();
    digits.extend((0..decimals).map(|i| fraction.as_bytes().get(i).copied().unwrap_or(b'0')));
    if fraction
        .as_bytes()
        .get(decimals)
        .is_some_and(|d| *d >= b'5')
    {
        let mut i = digits.len();
        loop {
            if i == 0 {
                digits.insert(0, b'1');
                break;
            }
            i -= 1;
            if digits[i] == b'9' {
                digits[i] = b'0';
            } else {
                digits[i] += 1;
                break;
            }
        }
    }
    String::from_utf8(digits).unwrap_or_default()
}

#[cfg(test)]
mod tests;
