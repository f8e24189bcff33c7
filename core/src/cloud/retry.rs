//! When to try a queued upload again.

/// First retry delay.
pub const FIRST_DELAY_MS: u64 = 1_000;
/// Longest delay between two attempts.
pub const MAX_DELAY_MS: u64 = 60_000;

/// Delay before attempt `attempt + 1` after `attempt` failures (1-based): exponential from one
/// second, doubled each time, capped at a minute, with `jitter` in `[0, 1)` spreading up to a
/// quarter of the delay so that many tabs coming back online do not retry in lockstep.
pub fn retry_delay_ms(attempt: u32, jitter: f64) -> u64 {
    let exponent = attempt.saturating_sub(1).min(16);
    let base = FIRST_DELAY_MS
        .saturating_mul(1u64 << exponent)
        .min(MAX_DELAY_MS);
    let jitter = if jitter.is_finite() {
        jitter.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let spread = (base as f64 * 0.25 * jitter) as u64;
    base - spread
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn doubles_from_one_second_up_to_a_minute() {
        let delays: Vec<u64> = (1..=9).map(|a| retry_delay_ms(a, 0.0)).collect();
        assert_eq!(
            delays,
            vec![1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000]
        );
    }

    proptest! {
        #[test]
        fn delay_is_bounded_and_never_grows_when_attempts_fall(attempt in 0u32..10_000, jitter in proptest::num::f64::ANY) {
            let d = retry_delay_ms(attempt, jitter);
            prop_assert!((FIRST_DELAY_MS * 3 / 4..=MAX_DELAY_MS).contains(&d));
            prop_assert!(retry_delay_ms(attempt.saturating_sub(1), 0.0) <= retry_delay_ms(attempt, 0.0));
        }
    }
}
