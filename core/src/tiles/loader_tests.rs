//! Tests of the tile loader: order, cancelling, retries, the byte budget and stand-ins.

use super::*;
use crate::tiles::dzi;
use proptest::prelude::*;

const DZI: &str =
    r#"<Image TileSize="254" Overlap="1" Format="jpg"><Size Width="8000" Height="6000"/></Image>"#;

fn loader(budget: usize) -> TileLoader<u32> {
    TileLoader::new(dzi::parse(DZI, "http://h/big.dzi").unwrap(), budget)
}

/// Starts everything the loader asks for and lets it arrive, until it asks for nothing more.
fn settle(l: &mut TileLoader<u32>, view: &Rect, resolution: f64) {
    loop {
        let r = l.request(view, resolution, 0.0);
        if r.start.is_empty() {
            break;
        }
        for (id, _) in r.start {
            l.started(id, id.col * 1000 + id.row);
            assert!(l.arrived(id));
        }
    }
}

const VIEW: Rect = Rect {
    x: 3000.0,
    y: 2000.0,
    w: 1000.0,
    h: 700.0,
};

#[test]
fn the_overview_comes_first_then_the_visible_tiles_nearest_the_centre() {
    let mut l = loader(1 << 30);
    let r = l.request(&VIEW, 1.0, 0.0);
    assert_eq!(r.start.len(), PARALLEL);
    let overview = l.source().pyramid.overview_level();
    assert!(r.start[..4].iter().all(|(id, _)| id.level == overview));
    let (first_visible, url) = &r.start[4];
    assert_eq!(first_visible.level, 13);
    // The view's centre (3500, 2350) is in tile column 13, row 9.
    assert_eq!((first_visible.col, first_visible.row), (13, 9));
    assert_eq!(url, "http://h/big_files/13/13_9.jpg");
    // Nothing more starts while six are in flight.
    for (id, _) in &r.start {
        l.started(*id, 0);
    }
    assert!(l.request(&VIEW, 1.0, 0.0).start.is_empty());
}

#[test]
fn requests_for_tiles_that_left_the_view_are_cancelled() {
    let mut l = loader(1 << 30);
    let r = l.request(&VIEW, 1.0, 0.0);
    for (id, _) in &r.start {
        l.started(*id, id.col);
    }
    let away = Rect {
        x: 100.0,
        y: 100.0,
        w: 500.0,
        h: 300.0,
    };
    let r = l.request(&away, 1.0, 0.0);
    assert_eq!(r.cancel.len(), 2, "the two visible tiles of the old view");
    assert_eq!(r.start.len(), 2);
    assert!(r.start.iter().all(|(id, _)| id.col <= 3 && id.row <= 2));
    // A cancelled tile arriving late is not kept.
    let old = TileId {
        level: 13,
        col: 13,
        row: 9,
    };
    assert!(!l.arrived(old));
    assert_eq!(l.stats().ready, 0);
}

#[test]
fn a_failed_tile_is_retried_after_a_growing_pause_then_given_up() {
    let mut l = loader(1 << 30);
    settle(
        &mut l,
        &Rect {
            x: 0.0,
            y: 0.0,
            w: 1.0,
            h: 1.0,
        },
        1e-6,
    );
    let view = Rect {
        x: 10.0,
        y: 10.0,
        w: 100.0,
        h: 100.0,
    };
    let mut now = 0.0;
    let mut pauses = Vec::new();
    for attempt in 1..=MAX_ATTEMPTS {
        let r = l.request(&view, 1.0, now);
        assert_eq!(r.start.len(), 1, "attempt {attempt}");
        let id = r.start[0].0;
        l.started(id, 0);
        let message = l.failed(id, now);
        assert_eq!(
            message.is_some(),
            attempt == MAX_ATTEMPTS,
            "attempt {attempt}"
        );
        let r = l.request(&view, 1.0, now);
        assert!(r.start.is_empty());
        if let Some(wait) = r.retry_in_ms {
            pauses.push(wait);
            now += wait;
        }
    }
    assert_eq!(pauses, vec![250.0, 500.0, 1000.0, 2000.0]);
    assert_eq!(l.stats().failed, 1);
    assert!(
        l.failed(
            TileId {
                level: 13,
                col: 0,
                row: 0
            },
            now
        )
        .is_none(),
        "not in flight"
    );
    l.forget_failures();
    assert_eq!(l.request(&view, 1.0, now).start.len(), 1);
}

#[test]
fn the_byte_budget_drops_the_least_recently_used_but_never_the_overview() {
    let tile = 256 * 256 * 4;
    let mut l = loader(10 * tile);
    let views: Vec<Rect> = (0..6)
        .map(|i| Rect {
            x: 2000.0 * f64::from(i % 4),
            y: 1500.0 * f64::from(i / 4),
            w: 300.0,
            h: 300.0,
        })
        .collect();
    for v in &views {
        settle(&mut l, v, 1.0);
        assert!(l.stats().bytes <= 10 * tile, "{:?}", l.stats());
        assert!(l.sharp(v, 1.0));
    }
    // The first view's tiles were dropped, the overview is still drawn in their place.
    assert!(!l.sharp(&views[0], 1.0));
    let drawn = l.drawable(&views[0], 1.0);
    assert!(!drawn.is_empty());
    let overview = l.source().pyramid.overview_level();
    assert!(
        drawn.iter().all(|(r, _)| r.w > 2000.0),
        "only overview tiles: {drawn:?}"
    );
    assert_eq!(l.stats().ready, 4 + l.stats().bytes / tile);
    let _ = overview;
}

#[test]
fn coarser_tiles_stand_in_until_the_sharp_one_arrives() {
    let mut l = loader(1 << 30);
    let view = Rect {
        x: 1050.0,
        y: 1050.0,
        w: 100.0,
        h: 100.0,
    };
    settle(&mut l, &view, 0.5);
    // At 0.5 the level 12 tile is sharp; zoomed to 1 the level 13 tile is missing.
    assert!(l.sharp(&view, 0.5));
    assert!(!l.sharp(&view, 1.0));
    let drawn = l.drawable(&view, 1.0);
    assert_eq!(drawn.len(), 1);
    assert_eq!(
        (drawn[0].0.x, drawn[0].0.w),
        (1014.0, 512.0),
        "the level-12 tile, twice its pixels"
    );
    settle(&mut l, &view, 1.0);
    let drawn = l.drawable(&view, 1.0);
    assert_eq!(drawn.len(), 1);
    assert_eq!((drawn[0].0.x, drawn[0].0.w), (1015.0, 256.0));
}

proptest! {
    /// With the overview at hand, whatever the view and zoom, the drawn tiles cover every
    /// point of the image in view.
    #[test]
    fn drawn_tiles_cover_the_view(
        x in -2000.0..9000.0f64, y in -2000.0..7000.0f64,
        w in 1.0..6000.0f64, h in 1.0..6000.0f64, zoom in -8i32..3,
        fetched in proptest::collection::vec(0usize..40, 0..20),
    ) {
        let mut l = loader(1 << 30);
        let view = Rect { x, y, w, h };
        let resolution = 2f64.powi(zoom);
        let r = l.request(&view, resolution, 0.0);
        let overview: Vec<TileId> = r.start.iter().map(|(id, _)| *id).take(4).collect();
        for id in &overview {
            l.started(*id, 0);
            l.arrived(*id);
        }
        // Some sharper tiles arrive too.
        let wanted = l.wanted(&view, resolution);
        for i in fetched {
            if let Some(id) = wanted.get(i) {
                l.started(*id, 0);
                l.arrived(*id);
            }
        }
        let drawn = l.drawable(&view, resolution);
        for sx in 0..8 {
            for sy in 0..8 {
                let px = x + w * (f64::from(sx) + 0.5) / 8.0;
                let py = y + h * (f64::from(sy) + 0.5) / 8.0;
                if px < 0.0 || py < 0.0 || px >= 8000.0 || py >= 6000.0 {
                    continue;
                }
                prop_assert!(
                    drawn.iter().any(|(r, _)| px >= r.x && px < r.x + r.w && py >= r.y && py < r.y + r.h),
                    "({px}, {py}) not covered"
                );
            }
        }
    }
}
