//! The list of every hotkey (`?`, or the toolbar's `?`): each action with what it does and the
//! keys that trigger it now — remapped keys included — the labels' keys by class name, and the
//! fixed Ctrl chords.

use super::words::Words;
use crate::app::Runtime;
use lasso_core::edit::keymap::{key_label, FIXED_CHORDS};
use leptos::prelude::*;
use std::rc::Rc;

/// The overlay.
#[component]
pub fn HelpOverlay(runtime: Rc<Runtime>) -> impl IntoView {
    let open = runtime.help_open;
    let session = runtime.session;
    let words = Words(runtime.locale);
    let rows = move || {
        session.with(|s| {
            let labels = &s.editor.task().labels.labels;
            s.keymap
                .help()
                .into_iter()
                .filter_map(|(name, keys)| {
                    // A label's row names its class; keys of labels the task lacks are left out.
                    match name
                        .strip_prefix("label_")
                        .and_then(|n| n.parse::<usize>().ok())
                    {
                        Some(n) => {
                            let label = labels.get(n.checked_sub(1)?)?;
                            let what = words.f("help.label", &[("name", &label.name)]);
                            Some((name, what, keys))
                        }
                        None => {
                            let what = words.dynamic(&format!("action.{name}"));
                            Some((name, what, keys))
                        }
                    }
                })
                .collect::<Vec<_>>()
        })
    };
    view! {
        <Show when=move || open.get()>
            <div class="lasso-help lasso-gallery" role="dialog" aria-label=move || words.t("help.title")>
                <h3>{move || words.t("help.title")}</h3>
                <table class="lasso-help-table">
                    {move || rows().into_iter().map(|(name, what, keys)| view! {
                        <tr data-action=name>
                            <td class="lasso-help-keys">
                                {if keys.is_empty() {
                                    view! { <span class="lasso-help-unbound">{words.t("help.none")}</span> }.into_any()
                                } else {
                                    keys.iter().map(|k| view! { <kbd>{key_label(k)}</kbd> }).collect::<Vec<_>>().into_any()
                                }}
                            </td>
                            <td>{what}</td>
                        </tr>
                    }).collect::<Vec<_>>()}
                    {move || FIXED_CHORDS.iter().map(|(keys, what)| view! {
                        <tr data-action="fixed">
                            <td class="lasso-help-keys">
                                {keys.split(", ").map(|k| view! { <kbd>{key_label(k)}</kbd> }).collect::<Vec<_>>()}
                            </td>
                            <td>{words.dynamic(what)}</td>
                        </tr>
                    }).collect::<Vec<_>>()}
                </table>
                <button class="lasso-help-close" on:click=move |_| open.set(false)>{move || words.t("help.close")}</button>
            </div>
        </Show>
    }
}
