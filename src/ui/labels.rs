//! The classes panel: whole-image tags of the label set (single or multiple choice), and per
//! class the number of shapes with switches that hide or lock all of them at once. Every change
//! goes through the core editor as one op, so it is journaled and undoable.

use crate::app::Runtime;
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use std::rc::Rc;

/// One class row: name, colour, shape count and whether all its shapes are hidden / locked.
#[derive(Clone, PartialEq)]
struct ClassRow {
    name: String,
    color: String,
    count: usize,
    hidden: bool,
    locked: bool,
}

/// The tags of the label set and which of them the image has.
#[derive(Clone, PartialEq)]
struct Tags {
    choices: Vec<String>,
    chosen: Vec<String>,
    multi: bool,
}

/// The panel in the side bar, above the annotation list.
#[component]
pub fn ClassesPanel(runtime: Rc<Runtime>) -> impl IntoView {
    let session = runtime.session;
    let doc = runtime.watch.doc;
    let classes = Memo::new(move |_| {
        doc.with(|_| ());
        session.with_untracked(|s| {
            let task = s.editor.task();
            s.editor
                .label_states()
                .into_iter()
                .map(|st| ClassRow {
                    color: task
                        .labels
                        .get(&st.name)
                        .map(|l| l.color.clone())
                        .unwrap_or_default(),
                    name: st.name,
                    count: st.count,
                    hidden: st.hidden,
                    locked: st.locked,
                })
                .collect::<Vec<_>>()
        })
    });
    let tags = Memo::new(move |_| {
        doc.with(|_| ());
        session.with_untracked(|s| {
            let task = s.editor.task();
            Tags {
                choices: task.labels.tags.clone(),
                chosen: task.tags.clone(),
                multi: task.labels.multi_tag,
            }
        })
    });
    let tag_rt = SendWrapper::new(Rc::clone(&runtime));
    let class_rt = SendWrapper::new(Rc::clone(&runtime));
    let words = super::words::Words(runtime.locale);
    let tag_view = move || {
        let t = tags.get();
        if t.choices.is_empty() {
            return None;
        }
        let hint = words.t(if t.multi { "tags.multi" } else { "tags.single" });
        let buttons = t
            .choices
            .iter()
            .map(|name| {
                let on = t.chosen.contains(name);
                let rt = tag_rt.clone();
                let tag = name.clone();
                view! {
                    <button class="lasso-tag" class:active=on data-tag=name.clone()
                        aria-pressed=on.to_string()
                        on:click=move |_| rt.dispatch(|ed| ed.toggle_tag(&tag))>
                        {name.clone()}
                    </button>
                }
            })
            .collect_view();
        Some(view! {
            <div class="lasso-tags" data-multi=t.multi.to_string()>
                <h2>{words.t("tags.title")} " " <small>{hint}</small></h2>
                {buttons}
            </div>
        })
    };
    let class_view = move || {
        classes
            .get()
            .into_iter()
            .map(|r| {
                let (hide_rt, lock_rt) = (class_rt.clone(), class_rt.clone());
                let (hide_name, lock_name) = (r.name.clone(), r.name.clone());
                let what = words.t(if r.hidden { "classes.show_title" } else { "classes.hide_title" });
                let lock_what = words.t(if r.locked { "classes.unlock_title" } else { "classes.lock_title" });
                let name_arg: [(&str, &dyn std::fmt::Display); 1] = [("name", &r.name)];
                let (hide_title, lock_title) = (
                    lasso_core::i18n::format(words.locale(), what, &name_arg),
                    lasso_core::i18n::format(words.locale(), lock_what, &name_arg),
                );
                view! {
                    <li class="lasso-class" data-label=r.name.clone()>
                        <span class="lasso-swatch" style:background=r.color.clone()></span>
                        <span class="lasso-class-name">{r.name.clone()}</span>
                        <span class="lasso-class-count">{words.num(r.count as f64, 0)}</span>
                        <button class="lasso-label-hide" class:active=r.hidden
                            aria-pressed=r.hidden.to_string()
                            title=hide_title.clone() aria-label=hide_title
                            disabled=r.count == 0
                            on:click=move |_| hide_rt.dispatch(|ed| ed.toggle_label_hidden(&hide_name))>
                            {super::icons::hidden(r.hidden)}
                        </button>
                        <button class="lasso-label-lock" class:active=r.locked
                            aria-pressed=r.locked.to_string()
                            title=lock_title.clone() aria-label=lock_title
                            disabled=r.count == 0
                            on:click=move |_| lock_rt.dispatch(|ed| ed.toggle_label_locked(&lock_name))>
                            {super::icons::locked(r.locked)}
                        </button>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <section class="lasso-classes-panel">
            {tag_view}
            <h2>{move || words.t("classes.title")}</h2>
            <ul class="lasso-classes">{class_view}</ul>
        </section>
    }
}
