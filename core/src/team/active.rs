//! Active time on a task, as a lead's progress report counts it: time between a person's
//! inputs, where a gap longer than the idle limit counts only up to the limit (they stepped
//! away; the first input after the break starts counting again).

/// A gap between inputs longer than this is idle time beyond it (milliseconds).
pub const IDLE_MS: f64 = 60_000.0;

/// Accumulates active time from input timestamps (milliseconds, any monotonic origin).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ActiveClock {
    last: Option<f64>,
    active_ms: f64,
}

impl ActiveClock {
    /// Records an input at `now`.
    pub fn input(&mut self, now: f64) {
        if let Some(last) = self.last {
            let gap = now - last;
            if gap > 0.0 {
                self.active_ms += gap.min(IDLE_MS);
            }
        }
        if self.last.is_none_or(|l| now > l) {
            self.last = Some(now);
        }
    }

    /// Active time so far, whole milliseconds.
    pub fn active_ms(&self) -> u64 {
        self.active_ms.max(0.0) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idle_gaps_count_only_up_to_the_limit() {
        let mut c = ActiveClock::default();
        c.input(0.0);
        c.input(1_000.0);
        c.input(3_000.0);
        assert_eq!(c.active_ms(), 3_000);
        c.input(3_000.0 + 10.0 * 60_000.0); // ten minutes away
        assert_eq!(c.active_ms(), 3_000 + 60_000);
        c.input(2_000.0); // out of order: ignored
        assert_eq!(c.active_ms(), 63_000);
    }
}
