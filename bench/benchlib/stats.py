"""Medians and spreads of repeated measurements; every summary keeps its samples."""

import statistics


def summary(samples: list[float]) -> dict:
    """Median with the range it came from, so the report can show the spread next to every number."""
    values = [s for s in samples if s is not None]
    if not values:
        return {"median": None, "min": None, "max": None, "n": 0, "samples": []}
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "n": len(values),
        "samples": values,
    }


def ratio_summary(numerators: list[float], denominators: list[float]) -> dict:
    """Ratios taken pairwise (round by round), then summarised: two runs in the same round saw the same
    machine load, so their ratio is steadier than a ratio of medians over the whole run."""
    pairs = [n / d for n, d in zip(numerators, denominators) if n is not None and d]
    return summary(pairs)
