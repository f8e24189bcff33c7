//! The catalogue's plural rules and number writing agree with the browser's `Intl` (run by
//! wasm-bindgen-test in headless Chromium): the reference for both is CLDR, which `Intl` ships.
//! And a language loaded on demand is spoken once its words are in, as are the English words
//! of the parts loaded on demand.
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Intl, Object, Reflect};
use lasso_core::i18n::{number, Locale, PluralCategory};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn locales(locale: Locale) -> Array {
    Array::of1(&JsValue::from_str(locale.tag()))
}

#[wasm_bindgen_test]
fn plural_categories_equal_intl_plural_rules() {
    for locale in Locale::ALL {
        let rules = Intl::PluralRules::new(&locales(locale), &Object::new());
        let counts = (0..=1_200u64).chain([10_001, 100_011, 1_000_002, 1_000_005, 123_456_789]);
        for n in counts {
            let theirs = String::from(rules.select(n as f64));
            let ours = match locale.plural_category(n) {
                PluralCategory::One => "one",
                PluralCategory::Few => "few",
                PluralCategory::Many => "many",
                PluralCategory::Other => "other",
            };
            assert_eq!(ours, theirs, "{locale:?} {n}");
        }
    }
}

#[wasm_bindgen_test]
fn numbers_equal_intl_number_format() {
    let values = [
        0.0,
        0.5,
        1.5,
        2.5,
        0.125,
        0.375,
        2.675,
        7.0,
        12.0,
        999.0,
        999.5,
        1000.0,
        1234.5,
        12_345.678,
        99_999.995,
        1_000_000.0,
        1_234_567.891,
        48_000_000.0,
        -1.0,
        -1234.56,
        0.05,
        0.15,
        0.25,
        0.35,
        1e15,
        5.678_9,
    ];
    for locale in Locale::ALL {
        for decimals in 0..=3usize {
            let options = Object::new();
            let d = JsValue::from_f64(decimals as f64);
            Reflect::set(&options, &"minimumFractionDigits".into(), &d).unwrap();
            Reflect::set(&options, &"maximumFractionDigits".into(), &d).unwrap();
            let format = Intl::NumberFormat::new(&locales(locale), &options).format();
            for v in values {
                let theirs = format
                    .call1(&JsValue::NULL, &JsValue::from_f64(v))
                    .unwrap()
                    .as_string()
                    .unwrap();
                assert_eq!(
                    number(locale, v, decimals),
                    theirs,
                    "{locale:?} {v} {decimals}"
                );
            }
        }
    }
}

#[wasm_bindgen_test]
async fn a_language_loaded_on_demand_is_spoken_once_its_words_are_in() {
    use lasso::state::{Session, Shared};
    use leptos::prelude::GetUntracked;
    let shared = Shared::new(Session::new(lasso_core::model::Task::default(), "t"));
    assert_eq!(shared.locale.get_untracked(), Locale::En);
    shared.speak(Locale::Uk).await;
    assert!(Locale::Uk.is_installed());
    assert_eq!(shared.locale.get_untracked(), Locale::Uk);
    assert_eq!(lasso_core::i18n::text(Locale::Uk, "tool.box"), "Рамка");
    // Once in, the language changes at once, both ways.
    shared.speak_soon(Locale::En);
    assert_eq!(shared.locale.get_untracked(), Locale::En);
    shared.speak_soon(Locale::Uk);
    assert_eq!(shared.locale.get_untracked(), Locale::Uk);
    assert_eq!(shared.locale_asked.get(), Locale::Uk);
}

#[wasm_bindgen_test]
async fn the_english_words_of_the_parts_loaded_on_demand_come_on_demand() {
    use lasso_core::i18n::{english_panels_installed, text};
    use leptos::prelude::{GetUntracked, RwSignal};
    // Nothing else in this module loads them: a panel's word is its id until they are in,
    // and the main module's own words are there from the start.
    assert!(!english_panels_installed());
    assert_eq!(text(Locale::En, "export.format"), "export.format");
    assert_eq!(text(Locale::En, "toolbar.fit"), "Fit");
    let locale = RwSignal::new(Locale::En);
    lasso::on_demand::languages::load_panel_words(locale)
        .await
        .unwrap();
    assert!(english_panels_installed());
    assert_eq!(text(Locale::En, "export.format"), "Format");
    assert_eq!(locale.get_untracked(), Locale::En);
}
