"""Benchmark tooling: the data generator (``manage.py bench_data``), the runner (``manage.py bench``),
bulk loading with COPY and the floor view. Installed, and its URL served, only when BENCH_MODE is on
(``make bench`` sets it); production never loads this app."""
