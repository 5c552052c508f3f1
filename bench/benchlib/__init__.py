"""The benchmark behind `bench/run`: builds the three workers, measures them in workerd, measures the
generator at scale and the rebuild cost, and writes `bench/results/results.json` for `bench/report.py`."""
