//! The frame policy: given the last frame and what changed, what the next frame does — reuse
//! the layer bitmap as it is (a pan inside the planned region), stretch it (mid-zoom gesture),
//! patch the rectangle edits or a selection change left stale, or plan and rasterise anew.
//!
//! The painter only executes the decision, so the policy is tested here natively rather than
//! only through end-to-end tests.

use super::{union_rect, Dirty, PlanKey};
use crate::model::AnnotationId;

/// Bounds `(x0, y0, x1, y1)` in image pixels.
pub type Rect = (f64, f64, f64, f64);

/// What the painter kept from its last frame.
#[derive(Clone, Debug, PartialEq)]
pub struct LastFrame {
    /// The key of the plan in use.
    pub key: PlanKey,
    /// The plan no longer matches the document (edits were patched into the layer only), so a
    /// full raster must replan first.
    pub stale: bool,
    /// A layer bitmap of that plan exists, drawn with the current fill opacity.
    pub layer_ok: bool,
    /// The layer was drawn at the current device-pixel scale.
    pub sharp: bool,
}

/// The next frame's circumstances.
#[derive(Clone, Debug)]
pub struct FrameInput<'a> {
    /// What changed in the document since the last frame (see [`super::Scene::take_dirty`]).
    pub dirty: Option<&'a Dirty>,
    /// The scene's version now.
    pub version: u64,
    /// Annotations drawn on top, not in the layer (selected and being edited).
    pub exclude: &'a [AnnotationId],
    /// The visible part of the image.
    pub visible: Rect,
    /// Screen pixels per image pixel.
    pub scale: f64,
    /// A wheel or pinch zoom gesture is under way.
    pub zooming: bool,
    /// The gesture paused: draw sharp now.
    pub settle_now: bool,
}

/// What the next frame does.
#[derive(Clone, Debug, PartialEq)]
pub struct FrameDecision {
    /// The key the plan in use now has: the last one brought up to date when only a patch is
    /// needed (then the plan is also stale), or `None` to plan anew.
    pub key: Option<PlanKey>,
    /// Whether the kept plan is stale after this frame.
    pub stale: bool,
    /// Plan the view anew (region and zoom bucket of `PlanKey::for_view`).
    pub replan: bool,
    /// Draw the whole layer bitmap anew.
    pub raster: bool,
    /// Otherwise, redraw only this rectangle of the layer (image pixels).
    pub patch: Option<Rect>,
    /// The layer stands in stretched for another zoom bucket (a sharp frame follows).
    pub stretched: bool,
}

/// Decides the next frame. `bounds` gives an annotation's indexed bounds (for the rectangle a
/// selection change leaves stale: shapes leaving the top layer and shapes joining it).
pub fn decide(
    last: Option<&LastFrame>,
    input: &FrameInput,
    bounds: impl Fn(&AnnotationId) -> Option<Rect>,
) -> FrameDecision {
    let Some(last) = last else {
        return FrameDecision {
            key: None,
            stale: false,
            replan: true,
            raster: true,
            patch: None,
            stretched: false,
        };
    };
    let mut key = last.key.clone();
    let mut stale = last.stale;
    let mut patch = None;
    if last.layer_ok {
        let since = match input.dirty {
            None => Some((input.version, None)),
            Some(Dirty::Region { since, rect, .. }) => Some((*since, Some(*rect))),
            Some(Dirty::All) => None,
        };
        if let Some((since, rect)) = since {
            let same_view = key.version == since
                && key.reusable_for(since, &key.exclude, input.visible, input.scale);
            if same_view {
                let mut rect = rect;
                for id in key.exclude.iter().filter(|id| !input.exclude.contains(id)) {
                    rect = union_rect(rect, bounds(id));
                }
                for id in input.exclude.iter().filter(|id| !key.exclude.contains(id)) {
                    rect = union_rect(rect, bounds(id));
                }
                if key.version != input.version || key.exclude != input.exclude {
                    key.version = input.version;
                    key.exclude = input.exclude.to_vec();
                    stale = true;
                    patch = rect;
                }
            }
        }
    }
    let need_raster = !last.layer_ok || (!last.sharp && input.settle_now);
    let stretched = input.zooming
        && !input.settle_now
        && last.layer_ok
        && key.stretchable_for(input.version, input.exclude, input.visible);
    let reusable = key.reusable_for(input.version, input.exclude, input.visible, input.scale);
    let replan = (!reusable && !stretched) || (need_raster && stale);
    let raster = replan || need_raster;
    FrameDecision {
        key: (!replan).then_some(key),
        stale: stale && !replan,
        replan,
        raster,
        patch: if raster { None } else { patch },
        stretched: stretched && !reusable && !replan,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(s: &str) -> AnnotationId {
        AnnotationId(s.into())
    }

    const VIEW: Rect = (100.0, 100.0, 300.0, 200.0);

    fn last(exclude: &[AnnotationId]) -> LastFrame {
        LastFrame {
            key: PlanKey::for_view(5, exclude, VIEW, 1.0),
            stale: false,
            layer_ok: true,
            sharp: true,
        }
    }

    fn input<'a>(
        version: u64,
        exclude: &'a [AnnotationId],
        visible: Rect,
        scale: f64,
    ) -> FrameInput<'a> {
        FrameInput {
            dirty: None,
            version,
            exclude,
            visible,
            scale,
            zooming: false,
            settle_now: false,
        }
    }

    fn no_bounds(_: &AnnotationId) -> Option<Rect> {
        None
    }

    /// (what happened, the decision's replan / raster / patch / stretched).
    fn check(
        case: &str,
        d: &FrameDecision,
        replan: bool,
        raster: bool,
        patch: Option<Rect>,
        stretched: bool,
    ) {
        assert_eq!(
            (d.replan, d.raster, d.patch, d.stretched),
            (replan, raster, patch, stretched),
            "{case}: {d:?}"
        );
    }

    #[test]
    fn the_first_frame_plans_and_rasterises() {
        let d = decide(None, &input(1, &[], VIEW, 1.0), no_bounds);
        check("first", &d, true, true, None, false);
    }

    #[test]
    fn panning_inside_the_planned_region_reuses_everything() {
        let l = last(&[]);
        let d = decide(
            Some(&l),
            &input(5, &[], (110.0, 105.0, 310.0, 205.0), 1.0),
            no_bounds,
        );
        check("small pan", &d, false, false, None, false);
        assert_eq!(d.key.as_ref(), Some(&l.key));
        let far = decide(
            Some(&l),
            &input(5, &[], (2000.0, 100.0, 2200.0, 200.0), 1.0),
            no_bounds,
        );
        check("pan far away", &far, true, true, None, false);
    }

    #[test]
    fn zooming_stretches_the_layer_until_the_gesture_pauses() {
        let l = last(&[]);
        let mut i = input(5, &[], (150.0, 120.0, 250.0, 170.0), 2.0);
        check(
            "zoom without a gesture",
            &decide(Some(&l), &i, no_bounds),
            true,
            true,
            None,
            false,
        );
        i.zooming = true;
        check(
            "mid-gesture",
            &decide(Some(&l), &i, no_bounds),
            false,
            false,
            None,
            true,
        );
        i.settle_now = true;
        check(
            "paused",
            &decide(Some(&l), &i, no_bounds),
            true,
            true,
            None,
            false,
        );
    }

    #[test]
    fn an_edit_patches_only_its_rectangle_and_leaves_the_plan_stale() {
        let l = last(&[]);
        let dirty = Dirty::Region {
            since: 5,
            rect: (120.0, 120.0, 140.0, 130.0),
            changes: vec![],
        };
        let mut i = input(6, &[], VIEW, 1.0);
        i.dirty = Some(&dirty);
        let d = decide(Some(&l), &i, no_bounds);
        check(
            "edit",
            &d,
            false,
            false,
            Some((120.0, 120.0, 140.0, 130.0)),
            false,
        );
        assert!(d.stale);
        assert_eq!(d.key.as_ref().map(|k| k.version), Some(6));
        // A stale plan is replanned before the layer is drawn anew (sharp after a zoom).
        let stale = LastFrame {
            key: d.key.clone().unwrap_or_else(|| l.key.clone()),
            stale: true,
            layer_ok: true,
            sharp: false,
        };
        let mut settle = input(6, &[], VIEW, 1.0);
        settle.settle_now = true;
        check(
            "sharp after edits",
            &decide(Some(&stale), &settle, no_bounds),
            true,
            true,
            None,
            false,
        );
    }

    #[test]
    fn a_selection_change_patches_where_the_shapes_leave_and_join_the_top_layer() {
        let before = [id("a")];
        let l = last(&before);
        let now = [id("b")];
        let bounds = |x: &AnnotationId| match x.0.as_str() {
            "a" => Some((110.0, 110.0, 120.0, 120.0)),
            "b" => Some((200.0, 150.0, 210.0, 160.0)),
            _ => None,
        };
        let d = decide(Some(&l), &input(5, &now, VIEW, 1.0), bounds);
        check(
            "selection",
            &d,
            false,
            false,
            Some((110.0, 110.0, 210.0, 160.0)),
            false,
        );
        assert_eq!(d.key.map(|k| k.exclude), Some(now.to_vec()));
    }

    #[test]
    fn everything_dirty_or_a_lost_layer_redraws_all() {
        let l = last(&[]);
        let mut i = input(6, &[], VIEW, 1.0);
        i.dirty = Some(&Dirty::All);
        check(
            "another task",
            &decide(Some(&l), &i, no_bounds),
            true,
            true,
            None,
            false,
        );
        let no_layer = LastFrame {
            layer_ok: false,
            ..last(&[])
        };
        // The plan still fits; only the bitmap is drawn again (the fill opacity changed).
        check(
            "opacity",
            &decide(Some(&no_layer), &input(5, &[], VIEW, 1.0), no_bounds),
            false,
            true,
            None,
            false,
        );
    }
}
