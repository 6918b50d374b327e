"""Interleaved timing of steps side by side, and ratio statistics.

Every round runs each step in a palindromic order (A B B A for two steps,
A B C C B A for three), so a slow drift of the machine's speed (other
processes, thermal state) weighs on every step alike, and each round gives
one ratio. The figure reported is the median of those per-round ratios,
with their interquartile range and extremes as the spread.
"""

import dataclasses
import math
import time

import numpy as np


@dataclasses.dataclass(frozen=True)
class Budget:
    """How long to time a group of steps.

    Attributes:
      seconds: the time to spend on the timed rounds (after warm-up).
      min_rounds: at least this many rounds, whatever the time.
      max_rounds: at most this many.
      warmup: untimed runs of each step first (the first one optimizes and
        places the graph).
      min_sample_s: each timed sample repeats a step until it lasts about
        this long, so that fast steps are not lost in the timer's noise.
    """

    seconds: float
    min_rounds: int
    max_rounds: int = 200
    warmup: int = 2
    min_sample_s: float = 0.005


def _run(step, repeats):
    session, fetch = step.session, step.fetch
    start = time.perf_counter()
    for _ in range(repeats):
        session.run(fetch)
    return time.perf_counter() - start


def interleaved(steps, budget):
    """Times `steps` round by round, interleaved.

    Args:
      steps: a list of `step.Step`.
      budget: a `Budget`.

    Returns:
      A float array [rounds, len(steps)]: the seconds per run of each step
      in each round.
    """
    for step in steps:
        for _ in range(budget.warmup):
            _run(step, 1)
    estimates = np.array([_run(step, 1) for step in steps])
    repeats = max(1, math.ceil(budget.min_sample_s / max(estimates.min(), 1e-6)))
    round_cost = 2 * repeats * estimates.sum()
    rounds = int(
        np.clip(budget.seconds / round_cost, budget.min_rounds, budget.max_rounds)
    )
    order = list(range(len(steps)))
    order += order[::-1]
    times = np.zeros((rounds, len(steps)))
    for r in range(rounds):
        for i in order:
            times[r, i] += _run(steps[i], repeats)
    return times / (2 * repeats)


def ratio_summary(numerator, denominator):
    """Statistics of the per-round ratios `numerator / denominator`.

    Args:
      numerator: per-round times of one step.
      denominator: per-round times of the other, same rounds.

    Returns:
      A dict: `ratio` (median), `q25`, `q75`, `min`, `max`, `rounds`, and
      the median times `ms` and `anchor_ms`.
    """
    ratios = np.asarray(numerator) / np.asarray(denominator)
    q25, median, q75 = np.percentile(ratios, [25, 50, 75])
    return {
        "ratio": float(median),
        "q25": float(q25),
        "q75": float(q75),
        "min": float(ratios.min()),
        "max": float(ratios.max()),
        "rounds": int(ratios.size),
        "ms": 1e3 * float(np.median(numerator)),
        "anchor_ms": 1e3 * float(np.median(denominator)),
    }
