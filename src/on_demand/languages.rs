//! The `languages` chunk: the catalogues other than English (`lasso_core::i18n`), so that a
//! page in English never downloads the Ukrainian words, and one in Ukrainian fetches them
//! while it mounts.

use super::NotLoaded;
use crate::state::Shared;
use lasso_core::i18n::{self, Locale};
use leptos::prelude::{GetUntracked, Set};
use std::rc::Rc;

split! {
    languages;
    /// The Ukrainian catalogue.
    fn ukrainian() -> Result<&'static [(&'static str, &'static str)], NotLoaded> {
        Ok(i18n::ukrainian())
    }
}

/// Fetches the words of `locale` unless they are in.
async fn load(locale: Locale) -> Result<(), NotLoaded> {
    if locale.is_installed() {
        return Ok(());
    }
    match locale {
        Locale::En => Ok(()),
        Locale::Uk => {
            i18n::install(Locale::Uk, ukrainian().await?);
            Ok(())
        }
    }
}

/// Makes the interface speak `locale` once its words are in (at once when they are). The
/// last language asked for wins, even if an earlier one arrives later. When the words cannot
/// be fetched (offline before the language was ever used) the interface keeps its language,
/// the banner says why, and asking again tries again.
pub async fn speak(shared: &Shared, locale: Locale) {
    shared.locale_asked.set(locale);
    if let Err(NotLoaded) = load(locale).await {
        if shared.locale_asked.get() == locale {
            shared.locale_asked.set(shared.locale.get_untracked());
            shared.fail_say("app.part_unavailable", &[]);
        }
        return;
    }
    if shared.locale_asked.get() == locale {
        shared.locale.set(locale);
    }
}

/// [`speak`] without waiting: the language changes at once when its words are in, otherwise
/// when they arrive.
pub fn speak_soon(shared: &Rc<Shared>, locale: Locale) {
    if locale.is_installed() {
        shared.locale_asked.set(locale);
        shared.locale.set(locale);
        return;
    }
    let shared = Rc::clone(shared);
    wasm_bindgen_futures::spawn_local(async move { speak(&shared, locale).await });
}
