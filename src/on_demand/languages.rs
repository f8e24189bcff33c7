//! The `languages` chunk: the catalogues other than English (`lasso_core::i18n`), so that a
//! page in English never downloads the Ukrainian words, and one in Ukrainian fetches them
//! while it mounts (`Shared::speak` switches the interface once they are in). And the `words`
//! chunk: the English words that only parts loaded on demand show, fetched while the editor
//! mounts and before any such part is shown.

use super::NotLoaded;
use lasso_core::i18n::{self, Locale};
use leptos::prelude::*;

split! {
    languages;
    /// The Ukrainian catalogue.
    fn ukrainian() -> Result<&'static [(&'static str, &'static str)], NotLoaded> {
        Ok(i18n::ukrainian())
    }
}

/// Fetches the words of `locale` and installs them, unless they are in.
pub async fn load(locale: Locale) -> Result<(), NotLoaded> {
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

split! {
    words;
    /// The English words of the parts loaded on demand.
    fn english_panels() -> Result<&'static [(&'static str, &'static str)], NotLoaded> {
        Ok(i18n::english_panels())
    }
}

/// Fetches the English words of the parts loaded on demand and installs them, unless they are
/// in; then `locale`'s readers read their words again (a word shown before is its id).
pub async fn load_panel_words(locale: RwSignal<Locale>) -> Result<(), NotLoaded> {
    if i18n::english_panels_installed() {
        return Ok(());
    }
    i18n::install(Locale::En, english_panels().await?);
    locale.update(|_| ());
    Ok(())
}
