//! The `languages` chunk: the catalogues other than English (`lasso_core::i18n`), so that a
//! page in English never downloads the Ukrainian words, and one in Ukrainian fetches them
//! while it mounts (`Shared::speak` switches the interface once they are in).

use super::NotLoaded;
use lasso_core::i18n::{self, Locale};

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
