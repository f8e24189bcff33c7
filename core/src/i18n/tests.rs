//! The catalogues' completeness, CLDR plural rules and number writing.

use super::*;
use proptest::prelude::*;
use std::collections::BTreeSet;

fn placeholders(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        out.insert(after[..close].to_string());
        rest = &after[close + 1..];
    }
    out
}

fn catalogue(locale: Locale) -> Vec<(&'static str, &'static str)> {
    match locale {
        Locale::En => en::MESSAGES.iter().chain(en::PANELS).copied().collect(),
        Locale::Uk => uk::MESSAGES.to_vec(),
    }
}

#[test]
fn every_language_has_every_message_once_with_the_same_placeholders_and_its_plural_forms() {
    let english: BTreeSet<&str> = message_ids().collect();
    assert_eq!(
        english.len(),
        message_ids().count(),
        "an English id is listed twice"
    );
    for locale in Locale::ALL {
        let messages = catalogue(locale);
        let ids: BTreeSet<&str> = messages.iter().map(|(id, _)| *id).collect();
        assert_eq!(
            ids.len(),
            messages.len(),
            "{locale:?}: an id is listed twice"
        );
        assert_eq!(
            ids.symmetric_difference(&english).collect::<Vec<_>>(),
            Vec::<&&str>::new(),
            "{locale:?} lacks or adds these ids"
        );
        for (id, text) in messages {
            let english_text = text_of(Locale::En, id);
            let plural = english_text.contains('|');
            let forms: Vec<&str> = text.split('|').collect();
            let wanted = if plural {
                locale.plural_categories().len()
            } else {
                1
            };
            assert_eq!(forms.len(), wanted, "{locale:?} {id}: {text}");
            let english_names = placeholders(english_text.split('|').next_back().unwrap());
            for form in forms {
                assert!(!form.trim().is_empty(), "{locale:?} {id} has an empty form");
                let mut names = placeholders(form);
                if plural {
                    // A form may leave the count out ("one" forms sometimes do).
                    names.insert("n".into());
                }
                let mut expected = english_names.clone();
                if plural {
                    expected.insert("n".into());
                }
                assert_eq!(names, expected, "{locale:?} {id}: {form}");
            }
        }
    }
}

fn text_of(locale: Locale, id: &str) -> &'static str {
    lookup(locale, id).unwrap()
}

#[test]
fn plural_categories_follow_cldr() {
    use PluralCategory::*;
    let uk = |n| Locale::Uk.plural_category(n);
    let cases = [
        (0, Many),
        (1, One),
        (2, Few),
        (4, Few),
        (5, Many),
        (11, Many),
        (12, Many),
        (14, Many),
        (21, One),
        (22, Few),
        (25, Many),
        (101, One),
        (111, Many),
        (112, Many),
        (122, Few),
        (1_000_001, One),
    ];
    for (n, category) in cases {
        assert_eq!(uk(n), category, "{n}");
    }
    assert_eq!(Locale::En.plural_category(1), One);
    assert_eq!(Locale::En.plural_category(0), Other);
    assert_eq!(Locale::En.plural_category(21), Other);
}

#[test]
fn plural_messages_pick_the_form_of_the_count() {
    let points = |locale, n| plural(locale, "size.points", n, &[]);
    assert_eq!(points(Locale::En, 1), "1 point");
    assert_eq!(points(Locale::En, 2), "2 points");
    assert_eq!(points(Locale::Uk, 1), "1 точка");
    assert_eq!(points(Locale::Uk, 3), "3 точки");
    assert_eq!(points(Locale::Uk, 5), "5 точок");
    assert_eq!(points(Locale::Uk, 21), "21 точка");
    assert_eq!(points(Locale::Uk, 1_234), "1\u{a0}234 точки");
    assert_eq!(
        plural(Locale::En, "local.size", 1, &[("size", &"2 KB")]),
        "1 image, 2 KB"
    );
}

#[test]
fn numbers_are_written_the_languages_way_with_halves_rounded_away_from_zero() {
    assert_eq!(number(Locale::En, 1_234_567.891, 2), "1,234,567.89");
    assert_eq!(
        number(Locale::Uk, 1_234_567.891, 2),
        "1\u{a0}234\u{a0}567,89"
    );
    assert_eq!(number(Locale::En, 999.0, 0), "999");
    assert_eq!(number(Locale::En, 1000.0, 0), "1,000");
    assert_eq!(number(Locale::Uk, 1000.0, 0), "1\u{a0}000");
    assert_eq!(number(Locale::En, 2.5, 0), "3");
    assert_eq!(number(Locale::En, 0.125, 2), "0.13");
    assert_eq!(number(Locale::En, 999.5, 0), "1,000");
    assert_eq!(number(Locale::En, -1234.5, 1), "-1,234.5");
    assert_eq!(number(Locale::Uk, 0.5, 2), "0,50");
    // 2.675 and 0.15 are stored a little below; their shortest decimals decide, as in Intl.
    assert_eq!(number(Locale::En, 2.675, 2), "2.68");
    assert_eq!(number(Locale::En, 0.15, 1), "0.2");
    assert_eq!(number_as_is(Locale::Uk, 4.5), "4,5");
    assert_eq!(number_as_is(Locale::En, 1200.0), "1,200");
}

proptest! {
    #[test]
    fn a_written_number_reads_back_as_the_value_rounded(v in -1e12f64..1e12, d in 0usize..4) {
        for locale in Locale::ALL {
            let text = number(locale, v, d);
            let plain: String = match locale {
                Locale::En => text.replace(',', ""),
                Locale::Uk => text.replace('\u{a0}', "").replace(',', "."),
            };
            let read: f64 = plain.parse().unwrap();
            let step = 10f64.powi(-(d as i32));
            prop_assert!((read - v).abs() <= step / 2.0 + v.abs() * 1e-15, "{v} {d} {text}");
            // Groups of three digits exactly.
            let whole = plain.trim_start_matches('-').split('.').next().unwrap().len();
            let groups = text.matches(match locale { Locale::En => ",", Locale::Uk => "\u{a0}" }).count();
            prop_assert_eq!(groups, (whole - 1) / 3);
        }
    }
}

#[test]
fn locales_read_from_tags_and_unknown_ones_are_named() {
    assert_eq!(Locale::parse("uk-UA"), Ok(Locale::Uk));
    assert_eq!(Locale::parse("EN_gb"), Ok(Locale::En));
    let err = Locale::parse("de").unwrap_err();
    assert!(err.contains("\"de\"") && err.contains("en, uk"), "{err}");
}

#[test]
fn placeholders_fill_and_unknown_ones_stay() {
    assert_eq!(
        format(
            Locale::En,
            "status.image_size",
            &[("w", &"10"), ("h", &"20")]
        ),
        "10 × 20 px"
    );
    assert_eq!(format(Locale::En, "status.image_size", &[]), "{w} × {h} px");
    assert_eq!(text(Locale::Uk, "no.such.id"), "no.such.id");
}
