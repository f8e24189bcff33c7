//! Which tiles to fetch, keep, drop and draw for a view, without IO: the browser carries out
//! what it decides (starting and cancelling requests, drawing) and reports back.
//!
//! Visible tiles come first, nearest the view's centre, after the few tiles of the overview
//! level (shown at once, never dropped); then a ring around the view. Requests for tiles that
//! left the view are cancelled. A failed tile is retried with growing pauses and given up after
//! [`MAX_ATTEMPTS`]. Decoded tiles are kept in a least-recently-used cache with a byte budget;
//! while a tile is missing, the coarser tiles already at hand are drawn in its place.

use super::pyramid::{Rect, TileId};
use super::source::TileSource;
use lru::LruCache;
use std::collections::{BTreeSet, HashMap, HashSet};

/// Requests in flight at once (browsers open six connections per host over HTTP/1.1).
pub const PARALLEL: usize = 6;
/// Tries per tile before it is given up.
pub const MAX_ATTEMPTS: u32 = 5;
/// The first pause before a retry, in milliseconds; each further one doubles.
const FIRST_RETRY_MS: f64 = 250.0;
/// The prefetch ring around the view, as a share of the view's size on each side.
const RING: f64 = 0.5;

/// What the browser should do after a view change.
#[derive(Debug)]
pub struct Requests<T> {
    /// Tiles to request now, with their URLs (report each with [`TileLoader::started`]).
    pub start: Vec<(TileId, String)>,
    /// Requests to abandon (their tiles left the view).
    pub cancel: Vec<T>,
    /// When a failed tile is due for another try, in milliseconds from now.
    pub retry_in_ms: Option<f64>,
}

/// Counts for the page and its tests.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LoaderStats {
    /// Tiles decoded and kept.
    pub ready: usize,
    /// Requests in flight.
    pub loading: usize,
    /// Tiles given up after [`MAX_ATTEMPTS`].
    pub failed: usize,
    /// Bytes the kept tiles take decoded.
    pub bytes: usize,
}

#[derive(Clone, Copy, Debug)]
struct Failure {
    attempts: u32,
    retry_at: f64,
}

/// The tiles of one image: kept, in flight and failed. `T` is the browser's handle of a tile
/// (an image element).
pub struct TileLoader<T> {
    source: TileSource,
    ready: LruCache<TileId, T>,
    pinned: HashMap<TileId, T>,
    bytes: usize,
    budget: usize,
    loading: HashMap<TileId, T>,
    failures: HashMap<TileId, Failure>,
}

impl<T: Clone> TileLoader<T> {
    /// A loader keeping at most `budget` bytes of decoded tiles (the overview level aside).
    pub fn new(source: TileSource, budget: usize) -> Self {
        Self {
            source,
            ready: LruCache::unbounded(),
            pinned: HashMap::new(),
            bytes: 0,
            budget,
            loading: HashMap::new(),
            failures: HashMap::new(),
        }
    }

    /// The image's tiles and levels.
    pub fn source(&self) -> &TileSource {
        &self.source
    }

    /// The tiles a view wants, in the order to fetch them: the overview level, the visible
    /// tiles of the level for `resolution` (device pixels per image pixel) nearest the centre
    /// first, then the ring around the view.
    pub fn wanted(&self, view: &Rect, resolution: f64) -> Vec<TileId> {
        let p = &self.source.pyramid;
        let overview = p.overview_level();
        let target = self.target(resolution);
        let whole = Rect {
            x: 0.0,
            y: 0.0,
            w: f64::from(p.width),
            h: f64::from(p.height),
        };
        let mut order = p.tiles_in(overview, &whole);
        if target != overview {
            let visible = p.tiles_in(target, view);
            let seen: HashSet<TileId> = visible.iter().copied().collect();
            order.extend(visible);
            let ring = p.tiles_in(target, &view.grown(view.w * RING, view.h * RING));
            order.extend(ring.into_iter().filter(|t| !seen.contains(t)));
        }
        order
    }

    /// Decides what to start and cancel for the view; `now` in milliseconds.
    pub fn request(&mut self, view: &Rect, resolution: f64, now: f64) -> Requests<T> {
        let wanted = self.wanted(view, resolution);
        let keep: HashSet<TileId> = wanted.iter().copied().collect();
        let dropped: Vec<TileId> = self
            .loading
            .keys()
            .filter(|id| !keep.contains(id))
            .copied()
            .collect();
        let cancel = dropped
            .iter()
            .filter_map(|id| self.loading.remove(id))
            .collect();
        let mut start = Vec::new();
        let mut retry_in: Option<f64> = None;
        for id in wanted {
            if self.pinned.contains_key(&id) || self.loading.contains_key(&id) {
                continue;
            }
            if self.ready.get(&id).is_some() {
                continue; // now the most recently used
            }
            if let Some(f) = self.failures.get(&id) {
                if f.attempts >= MAX_ATTEMPTS {
                    continue;
                }
                if f.retry_at > now {
                    let wait = f.retry_at - now;
                    retry_in = Some(retry_in.map_or(wait, |r: f64| r.min(wait)));
                    continue;
                }
            }
            if self.loading.len() + start.len() >= PARALLEL {
                continue;
            }
            if let Some(url) = self.source.url(id) {
                start.push((id, url));
            }
        }
        Requests {
            start,
            cancel,
            retry_in_ms: retry_in,
        }
    }

    /// A request was started for `id`.
    pub fn started(&mut self, id: TileId, handle: T) {
        self.loading.insert(id, handle);
    }

    /// The tile `id` arrived decoded; false when it was no longer wanted (cancelled meanwhile).
    /// Keeping it may drop the least recently used tiles beyond the budget.
    pub fn arrived(&mut self, id: TileId) -> bool {
        let Some(handle) = self.loading.remove(&id) else {
            return false;
        };
        self.failures.remove(&id);
        if id.level == self.source.pyramid.overview_level() {
            self.pinned.insert(id, handle);
            return true;
        }
        self.bytes += self.source.pyramid.tile_bytes(id);
        if let Some((old, _)) = self.ready.push(id, handle) {
            // The same tile again (or, never with an unbounded cache, one pushed out).
            self.bytes -= self.source.pyramid.tile_bytes(old);
        }
        while self.bytes > self.budget && self.ready.len() > 1 {
            match self.ready.pop_lru() {
                Some((old, _)) => self.bytes -= self.source.pyramid.tile_bytes(old),
                None => break,
            }
        }
        true
    }

    /// The request for `id` failed at `now`; when this was its last try, the message to show.
    pub fn failed(&mut self, id: TileId, now: f64) -> Option<String> {
        // Nothing to say about a request cancelled meanwhile.
        self.loading.remove(&id)?;
        let f = self.failures.entry(id).or_insert(Failure {
            attempts: 0,
            retry_at: now,
        });
        f.attempts += 1;
        f.retry_at = now + FIRST_RETRY_MS * f64::from(1u32 << (f.attempts - 1).min(8));
        (f.attempts >= MAX_ATTEMPTS).then(|| {
            format!(
                "Could not load the tile {} after {MAX_ATTEMPTS} tries: check the tile server.",
                self.source.url(id).unwrap_or_default()
            )
        })
    }

    /// Tries failed tiles again from now (the network came back).
    pub fn forget_failures(&mut self) {
        self.failures.clear();
    }

    /// The level a view at `resolution` shows: the pyramid's choice, never coarser than the
    /// overview.
    fn target(&self, resolution: f64) -> usize {
        let p = &self.source.pyramid;
        p.level_for(resolution).max(p.overview_level())
    }

    fn held(&self, id: &TileId) -> Option<&T> {
        self.pinned.get(id).or_else(|| self.ready.peek(id))
    }

    /// What to draw for the view, back to front, with where each tile goes in image pixels:
    /// for every visible tile of the level the view needs, the tile itself, or else the
    /// nearest coarser tiles at hand that cover it.
    pub fn drawable(&self, view: &Rect, resolution: f64) -> Vec<(Rect, T)> {
        let p = &self.source.pyramid;
        let target = self.target(resolution);
        let mut sharp = Vec::new();
        let mut stand_ins: BTreeSet<TileId> = BTreeSet::new();
        for id in p.tiles_in(target, view) {
            if self.held(&id).is_some() {
                sharp.push(id);
                continue;
            }
            for level in (0..target).rev() {
                let cover = p.covering(id, level);
                if !cover.is_empty() && cover.iter().all(|c| self.held(c).is_some()) {
                    stand_ins.extend(cover);
                    break;
                }
            }
        }
        stand_ins
            .into_iter()
            .chain(sharp)
            .filter_map(|id| Some((p.image_rect(id)?, self.held(&id)?.clone())))
            .collect()
    }

    /// Whether every visible tile of the level the view needs is at hand.
    pub fn sharp(&self, view: &Rect, resolution: f64) -> bool {
        let p = &self.source.pyramid;
        p.tiles_in(self.target(resolution), view)
            .iter()
            .all(|id| self.held(id).is_some())
    }

    /// Counts of kept, loading and failed tiles.
    pub fn stats(&self) -> LoaderStats {
        LoaderStats {
            ready: self.ready.len() + self.pinned.len(),
            loading: self.loading.len(),
            failed: self
                .failures
                .values()
                .filter(|f| f.attempts >= MAX_ATTEMPTS)
                .count(),
            bytes: self.bytes,
        }
    }
}

#[cfg(test)]
#[path = "loader_tests.rs"]
mod tests;
