//! Icons of the tool rail and the class rows: small inline SVG line drawings in the text colour (no image files,
//! nothing a strict Content Security Policy would refuse), hidden from assistive technology
//! because each button carries its tool's name.

use lasso_core::edit::ToolName;
use leptos::prelude::*;

/// An eye, struck through when `hidden`.
pub fn hidden(hidden: bool) -> impl IntoView {
    let shapes = view! {
        <path d="M2 12s3.6-6.5 10-6.5S22 12 22 12s-3.6 6.5-10 6.5S2 12 2 12z"/>
        <circle cx="12" cy="12" r="3"/>
        {hidden.then(|| view! { <path d="M4 20L20 4"/> })}
    };
    svg(shapes.into_any(), 16)
}

/// A padlock, shut when `locked`.
pub fn locked(locked: bool) -> impl IntoView {
    let hasp = if locked {
        "M8 11V8a4 4 0 0 1 8 0v3"
    } else {
        "M8 11V8a4 4 0 0 1 7.8-1.2"
    };
    let shapes = view! {
        <rect x="5" y="11" width="14" height="10" rx="1.5"/>
        <path d=hasp/>
    };
    svg(shapes.into_any(), 16)
}

fn svg(shapes: AnyView, size: u32) -> impl IntoView {
    view! {
        <svg class="lasso-icon" viewBox="0 0 24 24" width=size height=size aria-hidden="true"
            fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round"
            stroke-linejoin="round" focusable="false">
            {shapes}
        </svg>
    }
}

/// The icon of a tool.
pub fn tool(name: ToolName) -> impl IntoView {
    let shapes = match name {
        ToolName::Select => view! { <path d="M6 3l12 9-5.5 1.2L10 19z"/> }.into_any(),
        ToolName::Box => view! { <rect x="4" y="6" width="16" height="12" rx="1"/> }.into_any(),
        ToolName::RotatedBox => view! { <path d="M8 3.5l13 5-4.5 12-13-5z"/> }.into_any(),
        ToolName::Polygon => view! { <path d="M4 9l7-6 9 5-3 12H7z"/> }.into_any(),
        ToolName::Polyline => view! { <path d="M3 19l6-9 5 5 7-11"/> }.into_any(),
        ToolName::Keypoints => view! {
            <circle cx="6" cy="7" r="2.2"/>
            <circle cx="18" cy="6" r="2.2"/>
            <circle cx="12" cy="18" r="2.2"/>
            <path d="M7.5 8.8l3.4 7.2M16.5 7.9l-3.4 8"/>
        }
        .into_any(),
        ToolName::Brush => view! {
            <path d="M20 4l-8.5 9.5"/>
            <path d="M11 13c-3 0-4.5 2-4.5 4S5 20 3 20c5 1.5 9.5 0 9.5-4z"/>
        }
        .into_any(),
        ToolName::Eraser => view! {
            <path d="M9 20l-5.5-5.5 10-10 8 8L14 20z"/>
            <path d="M8 10l8 8M9 20h11"/>
        }
        .into_any(),
        ToolName::Wand => {
            view! { <path d="M4 20L15 9M15 3v3M19.5 4.5l-2 2M21 9h-3M12.5 4.5l1.5 1.5"/> }
                .into_any()
        }
        ToolName::Segment => {
            view! { <path d="M12 3l2.2 6.8L21 12l-6.8 2.2L12 21l-2.2-6.8L3 12l6.8-2.2z"/> }
                .into_any()
        }
        ToolName::Scissors => view! {
            <circle cx="6" cy="6" r="2.6"/>
            <circle cx="6" cy="18" r="2.6"/>
            <path d="M8.2 7.6L20 18M8.2 16.4L20 6"/>
        }
        .into_any(),
    };
    svg(shapes, 18)
}
