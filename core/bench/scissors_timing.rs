//! Times the intelligent scissors on a 4,000 × 3,000 photo-like image: every pointer move of a
//! person tracing three objects (anchors every ~120 moves), through the editor as the page
//! calls it, and each anchor click. Prints the move times' median, 95th percentile and maximum.
//!
//! Usage: `cargo run --release -p lasso-core --features timing --bin lasso-scissors-timing`;
//! `core/bench/scissors_wasm.mjs` runs it as WebAssembly under V8 (the page's engine) too.

use lasso_core::edit::mask_tool::Pixels;
use lasso_core::edit::{Editor, Modifiers, PointerEvent, PointerKind, ToolName};
use lasso_core::model::{ImageRef, Label, LabelSet, Point, Task};
use lasso_core::random::Random;
use std::sync::Arc;
use std::time::Instant;

const W: u32 = 4000;
const H: u32 = 3000;

/// Textured background (noise over a gradient) with three elliptic objects of other colours.
fn image(objects: &[(f64, f64, f64, f64)]) -> Vec<u8> {
    let mut rng = Random::new(7, 0);
    let mut rgba = vec![255u8; (W * H * 4) as usize];
    for y in 0..H {
        for x in 0..W {
            let i = ((y * W + x) * 4) as usize;
            let base = 90.0 + 60.0 * f64::from(x) / f64::from(W) + rng.range(-25.0, 25.0);
            let mut px = [base, base * 0.9, base * 0.8];
            for (k, (cx, cy, rx, ry)) in objects.iter().enumerate() {
                let (dx, dy) = ((f64::from(x) - cx) / rx, (f64::from(y) - cy) / ry);
                if dx * dx + dy * dy <= 1.0 {
                    px = [200.0 - 50.0 * k as f64, 60.0 + 40.0 * k as f64, 40.0]
                        .map(|c| c + rng.range(-20.0, 20.0));
                }
            }
            for c in 0..3 {
                rgba[i + c] = px[c].clamp(0.0, 255.0) as u8;
            }
        }
    }
    rgba
}

fn event(kind: PointerKind, x: f64, y: f64) -> PointerEvent {
    PointerEvent {
        kind,
        pos: Point::new(x, y),
        mods: Modifiers::default(),
        scale: 0.5,
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn main() {
    let objects = [
        (900.0, 800.0, 420.0, 300.0),
        (2600.0, 1500.0, 600.0, 450.0),
        (1500.0, 2400.0, 350.0, 380.0),
    ];
    let task = Task {
        id: "t".into(),
        image: ImageRef {
            src: "x".into(),
            width: W,
            height: H,
            ..Default::default()
        },
        labels: LabelSet {
            labels: vec![Label::new("object", "#f00")],
            ..LabelSet::default()
        },
        ..Task::default()
    };
    let mut ed = Editor::new(task, "a");
    ed.set_pixels(Pixels {
        width: W,
        height: H,
        rgba: Arc::new(image(&objects)),
        ..Default::default()
    });
    ed.set_tool(ToolName::Scissors);
    let (mut moves, mut clicks) = (Vec::new(), Vec::new());
    for (cx, cy, rx, ry) in objects {
        // Around the outline a little outside it, as a hand follows it: ~3 px per move.
        let perimeter = std::f64::consts::TAU * ((rx * rx + ry * ry) / 2.0).sqrt();
        let steps = (perimeter / 3.0) as usize;
        for s in 0..=steps {
            let t = std::f64::consts::TAU * s as f64 / steps as f64;
            let (x, y) = (cx + (rx + 4.0) * t.cos(), cy + (ry + 4.0) * t.sin());
            if s % 120 == 0 {
                let start = Instant::now();
                ed.pointer(event(PointerKind::Down, x, y));
                ed.pointer(event(PointerKind::Up, x, y));
                clicks.push(start.elapsed().as_secs_f64() * 1e3);
            } else {
                let start = Instant::now();
                ed.pointer(event(PointerKind::Move, x, y));
                moves.push(start.elapsed().as_secs_f64() * 1e3);
            }
        }
        ed.finish_shape();
    }
    let mean = moves.iter().sum::<f64>() / moves.len() as f64;
    moves.sort_by(f64::total_cmp);
    clicks.sort_by(f64::total_cmp);
    println!(
        "{} moves: mean {:.3} ms, median {:.3} ms, p95 {:.3} ms, max {:.3} ms; {} anchor clicks: median {:.1} ms, max {:.1} ms; {} polygons",
        moves.len(),
        mean,
        percentile(&moves, 0.5),
        percentile(&moves, 0.95),
        moves[moves.len() - 1],
        clicks.len(),
        percentile(&clicks, 0.5),
        clicks[clicks.len() - 1],
        ed.task().annotations.len()
    );
}
