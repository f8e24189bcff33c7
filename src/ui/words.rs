//! The interface's words in the language chosen now (`lasso_core::i18n`). Reading a word reads
//! the language signal, so a view that shows one follows `setLocale` without being rebuilt.

use lasso_core::i18n::{self, Locale};
use leptos::prelude::*;
use std::fmt::Display;

/// A handle on the catalogue in the current language; cheap to copy into closures.
#[derive(Clone, Copy)]
pub struct Words(pub RwSignal<Locale>);

impl Words {
    /// The message `id`.
    pub fn t(self, id: &'static str) -> &'static str {
        i18n::text(self.0.get(), id)
    }

    /// The message `id` with its placeholders filled.
    pub fn f(self, id: &'static str, args: &[(&str, &dyn Display)]) -> String {
        i18n::format(self.0.get(), id, args)
    }

    /// The plural message `id` for `count` things (`{n}` is the count).
    pub fn n(self, id: &'static str, count: usize, args: &[(&str, &dyn Display)]) -> String {
        i18n::plural(self.0.get(), id, count as u64, args)
    }

    /// A number written the language's way with `decimals` places.
    pub fn num(self, value: f64, decimals: usize) -> String {
        i18n::number(self.0.get(), value, decimals)
    }

    /// The message whose id is made at run time (`"action.box"`), or the id when there is none.
    pub fn dynamic(self, id: &str) -> String {
        i18n::lookup(self.0.get(), id).map_or_else(|| id.to_string(), str::to_string)
    }

    /// The language now (untracked reads are the caller's choice).
    pub fn locale(self) -> Locale {
        self.0.get()
    }
}
