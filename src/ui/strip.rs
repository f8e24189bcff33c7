//! The strip under the image: the images the editor moves through (a local dataset or the
//! bucket's task list) as thumbnails, each with how many annotations it holds — the open one
//! counted live — and a click, PageUp or PageDown to move. Shown when there are two or more.

use super::words::Words;
use crate::app::Runtime;
use crate::strip::StripEntry;
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use std::rc::Rc;

/// One thumbnail as the strip shows it.
#[derive(Clone, PartialEq)]
struct Item {
    index: usize,
    id: String,
    name: String,
    thumb: Option<String>,
    count: Option<usize>,
    current: bool,
    local: bool,
}

/// The strip.
#[component]
pub fn ImageStrip(runtime: Rc<Runtime>) -> impl IntoView {
    let strip = runtime.strip;
    let session = runtime.session;
    let doc = runtime.watch.doc;
    let w = Words(runtime.locale);
    let items = Memo::new(move |_| {
        doc.with(|_| ());
        let (open, open_count) = session.with_untracked(|s| {
            let task = s.editor.task();
            (task.id.clone(), task.annotations.len())
        });
        strip.with(|s| {
            let at = s.position(&open);
            s.entries
                .iter()
                .enumerate()
                .map(|(index, e)| {
                    let current = at == Some(index);
                    Item {
                        index,
                        id: e.id().to_string(),
                        name: e.name().to_string(),
                        thumb: s.thumbs.get(e.id()).cloned(),
                        count: if current {
                            Some(open_count)
                        } else {
                            s.counts.get(e.id()).copied()
                        },
                        current,
                        local: matches!(e, StripEntry::Local(_)),
                    }
                })
                .collect::<Vec<_>>()
        })
    });
    let runtime = SendWrapper::new(runtime);
    let position = move || {
        let list = items.get();
        let at = list.iter().position(|i| i.current);
        match at {
            Some(i) => w.f(
                "strip.position",
                &[
                    ("at", &w.num((i + 1) as f64, 0)),
                    ("n", &w.num(list.len() as f64, 0)),
                ],
            ),
            None => w.n("strip.count", list.len(), &[]),
        }
    };
    view! {
        <Show when=move || items.with(|i| i.len() > 1)>
            <nav class="lasso-strip" aria-label=move || w.t("strip.title")>
                <span class="lasso-strip-position">{position}</span>
                <ol class="lasso-strip-list">
                    <For
                        each=move || items.get()
                        key=|i| (i.id.clone(), i.thumb.clone(), i.count, i.current)
                        children={
                            let runtime = runtime.clone();
                            move |item| {
                                let runtime = runtime.clone();
                                let index = item.index;
                                let count = item.count;
                                let status = move || match count {
                                    Some(n) => w.n("strip.objects", n, &[]),
                                    None => w.t("strip.unopened").to_string(),
                                };
                                let name = item.name.clone();
                                let picture = match item.thumb.clone() {
                                    Some(src) => view! { <img src=src alt="" loading="lazy" decoding="async"/> }.into_any(),
                                    None => view! { <span class="lasso-strip-blank" aria-hidden="true">
                                        {if item.local { "…" } else { "JSON" }}
                                    </span> }.into_any(),
                                };
                                view! {
                                    <li>
                                        <button class="lasso-strip-item" class:current=item.current
                                            data-id=item.id.clone() data-count=item.count.map(|n| n.to_string())
                                            aria-current=item.current.then_some("true")
                                            title=move || format!("{name} — {}", status())
                                            on:click=move |_| crate::app::strip::open(&runtime, index)>
                                            {picture}
                                            <span class="lasso-strip-name">{item.name.clone()}</span>
                                            <span class="lasso-strip-status">{status}</span>
                                        </button>
                                    </li>
                                }
                            }
                        }
                    />
                </ol>
            </nav>
        </Show>
    }
}
