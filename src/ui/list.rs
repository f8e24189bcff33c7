//! The annotation list in the side bar: one row per shape (number, class, kind, size, hidden
//! and locked marks, a prediction's score with accept and reject), filtered by class and
//! ordered by task, class or size; a click selects. The rows come from `core::edit::list`.

use super::words::Words;
use crate::app::Runtime;
use lasso_core::model::AnnotationId;
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use std::rc::Rc;

/// How many annotations the side list shows (selected ones are always shown).
const LIST_LIMIT: usize = 500;

/// One row of the annotation list.
#[derive(Clone, PartialEq)]
struct Row {
    id: AnnotationId,
    /// The annotation's number in the task, its kind and size in words.
    number: usize,
    kind: &'static str,
    size: String,
    hidden: bool,
    locked: bool,
    label: String,
    color: String,
    selected: bool,
    /// The score, when the annotation is a prediction waiting for review.
    score: Option<String>,
}

/// The list with its class filter and order.
#[component]
pub fn ObjectList(runtime: Rc<Runtime>) -> impl IntoView {
    let session = runtime.session;
    let watch = runtime.watch;
    let runtime_locale = runtime.locale;
    let words = Words(runtime_locale);
    let labels = Memo::new(move |_| {
        watch.doc.with(|_| ());
        session.with_untracked(|s| s.editor.task().labels.labels.clone())
    });
    // The list shows the first LIST_LIMIT annotations and any selected one beyond them, so a
    // task of 100,000 shapes neither builds 100,000 rows nor rebuilds them on every pan.
    // The list: filtered by class, in task order, by class or largest first.
    let list_class: RwSignal<Option<String>> = RwSignal::new(None);
    let list_order = RwSignal::new(lasso_core::edit::list::ListOrder::Task);
    let rows = Memo::new(move |_| {
        watch.doc.with(|_| ());
        watch.selection.with(|_| ());
        let (class, order) = (list_class.get(), list_order.get());
        let locale = runtime_locale.get();
        session.with_untracked(|s| {
            let task = s.editor.task();
            let selection = s.editor.selection();
            let row = |r: lasso_core::edit::list::ListRow| Row {
                color: task
                    .labels
                    .get(&r.label)
                    .map(|l| l.color.clone())
                    .unwrap_or_default(),
                selected: selection.contains(&r.id),
                score: r.score.map(|v| format!("{v:.2}")),
                id: r.id,
                number: r.number,
                kind: r.kind,
                size: r.size,
                hidden: r.hidden,
                locked: r.locked,
                label: r.label,
            };
            let (listed, _) =
                lasso_core::edit::list::rows(locale, task, class.as_deref(), order, LIST_LIMIT);
            let shown: std::collections::HashSet<AnnotationId> =
                listed.iter().map(|r| r.id.clone()).collect();
            let mut rows: Vec<Row> = listed.into_iter().map(row).collect();
            // A selected annotation beyond the first rows is listed too.
            for id in selection.iter().filter(|id| !shown.contains(*id)) {
                let doc = s.editor.document();
                if let (Some(i), Some(a)) = (doc.position(id), doc.annotation(id)) {
                    if class.as_deref().is_none_or(|c| a.label == c) {
                        rows.push(row(lasso_core::edit::list::ListRow {
                            number: i + 1,
                            id: a.id.clone(),
                            label: a.label.clone(),
                            kind: lasso_core::edit::list::kind_name(locale, a.shape.kind()),
                            size: lasso_core::edit::list::size_text(locale, &a.shape),
                            hidden: a.hidden,
                            locked: a.locked,
                            score: lasso_core::formats::predictions::score(a),
                        }));
                    }
                }
            }
            rows
        })
    });
    let hidden_rows = Memo::new(move |_| {
        watch.doc.with(|_| ());
        session.with_untracked(|s| s.editor.task().annotations.len().saturating_sub(LIST_LIMIT))
    });
    // `For` rows may be built from any thread in Leptos' types; this crate is single-threaded
    // wasm, so the wrapper only satisfies the bound.
    let list_runtime = SendWrapper::new(Rc::clone(&runtime));
    view! {
            <h2>{move || words.t("list.title")}</h2>
            <div class="lasso-list-controls">
                <select class="lasso-list-class" title=move || words.t("list.class_title") aria-label=move || words.t("list.class_title")
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        list_class.set((!v.is_empty()).then_some(v));
                    }>
                    <option value="">{move || words.t("list.all_classes")}</option>
                    {move || labels.get().into_iter().map(|l| view! {
                        <option value=l.name.clone()>{l.name.clone()}</option>
                    }).collect::<Vec<_>>()}
                </select>
                <select class="lasso-list-order" title=move || words.t("list.order_title") aria-label=move || words.t("list.order_title")
                    on:change=move |ev| {
                        if let Some(o) = lasso_core::edit::list::ListOrder::parse(&event_target_value(&ev)) {
                            list_order.set(o);
                        }
                    }>
                    <option value="task">{move || words.t("list.order_task")}</option>
                    <option value="class">{move || words.t("list.order_class")}</option>
                    <option value="largest">{move || words.t("list.order_largest")}</option>
                </select>
            </div>
            <ul class="lasso-list">
                <For
                    each=move || rows.get()
                    key=move |r| (r.id.clone(), r.number, r.label.clone(), r.kind, r.size.clone(), r.hidden, r.locked, r.selected, r.score.clone(), runtime_locale.get_untracked())
                    children=move |r| {
                        let id = r.id.clone();
                        let runtime = SendWrapper::new(Rc::clone(&list_runtime));
                        let review = r.score.clone().map(|score| {
                            let (accept_id, reject_id) = (r.id.clone(), r.id.clone());
                            let (ra, rr) = (runtime.clone(), runtime.clone());
                            view! {
                                <span class="lasso-item-score">{score}</span>
                                <button class="lasso-item-accept" title=move || words.t("list.accept_title")
                                    on:click=move |ev| {
                                        ev.stop_propagation();
                                        let id = accept_id.clone();
                                        crate::datasets::commit(&ra, |t| lasso_core::formats::predictions::accept(t, &id));
                                    }>"✓"</button>
                                <button class="lasso-item-reject" title=move || words.t("list.reject_title")
                                    on:click=move |ev| {
                                        ev.stop_propagation();
                                        let id = reject_id.clone();
                                        crate::datasets::commit(&rr, |t| lasso_core::formats::predictions::reject(t, &id));
                                    }>"✗"</button>
                            }
                        });
                        view! {
                            <li
                                class="lasso-item"
                                class:selected=r.selected
                                data-id=r.id.0.clone()
                                data-label=r.label.clone()
                                on:click=move |_| {
                                    let id = id.clone();
                                    runtime.dispatch(move |ed| lasso_core::edit::Outcome {
                                        selection_changed: ed.select(vec![id]),
                                        redraw: true,
                                        ..Default::default()
                                    });
                                }
                            >
                                <span class="lasso-item-number">{words.num(r.number as f64, 0)}</span>
                                <span class="lasso-swatch" style:background=r.color.clone()></span>
                                <span class="lasso-item-label">{r.label.clone()}</span>
                                <span class="lasso-item-kind">{r.kind}</span>
                                <span class="lasso-item-size">{r.size.clone()}</span>
                                {r.hidden.then(|| view! { <span class="lasso-item-hidden">{words.t("list.hidden")}</span> })}
                                {r.locked.then(|| view! { <span class="lasso-item-locked">{words.t("list.locked")}</span> })}
                                {review}
                            </li>
                        }
                    }
                />
            </ul>
            <Show when=move || { hidden_rows.get() > 0 }>
                <p class="lasso-list-more">
                    {move || words.n("list.more", hidden_rows.get(), &[])}
                </p>
            </Show>
    }
}
