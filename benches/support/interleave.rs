//! Interleaved A/B timing for the run-time benchmarks: alternates rounds of the hand-written and
//! the scoped query, so load from other processes hits both alike, and reports the median of the
//! per-round ratios (criterion's sequential runs drift on a busy machine).

use std::future::Future;
use std::time::{Duration, Instant};

/// Runs `rounds` rounds of `per_round` calls of each and prints the median ratio `b / a`.
pub fn compare<A, B, FA, FB>(label: &str, rt: &tokio::runtime::Runtime, mut a: A, mut b: B)
where
    A: FnMut() -> FA,
    B: FnMut() -> FB,
    FA: Future,
    FB: Future,
{
    let (rounds, per_round) = (41, 200);
    let time = |f: &mut dyn FnMut()| {
        let start = Instant::now();
        for _ in 0..per_round {
            f();
        }
        start.elapsed()
    };
    let mut ratios = Vec::with_capacity(rounds);
    let (mut total_a, mut total_b) = (Duration::ZERO, Duration::ZERO);
    for round in 0..rounds {
        // Swap the order every round so neither side always runs first.
        let (ta, tb) = if round % 2 == 0 {
            let ta = time(&mut || drop(rt.block_on(a())));
            (ta, time(&mut || drop(rt.block_on(b()))))
        } else {
            let tb = time(&mut || drop(rt.block_on(b())));
            (time(&mut || drop(rt.block_on(a()))), tb)
        };
        total_a += ta;
        total_b += tb;
        ratios.push(tb.as_secs_f64() / ta.as_secs_f64());
    }
    ratios.sort_by(f64::total_cmp);
    let n = (rounds * per_round) as f64;
    let line = format!(
        "interleaved {label}: hand-written {:.2} us, scoped {:.2} us, median ratio {:.3}",
        total_a.as_secs_f64() * 1e6 / n,
        total_b.as_secs_f64() * 1e6 / n,
        ratios[rounds / 2]
    );
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{line}");
}
