"""Fuzz the name normaliser (atheris; hypothesis fallback). Only SevenfoldError may escape.

Run: .venv/bin/python benchmarks/fuzz/fuzz_name_normaliser.py -max_total_time=600 out/fuzz/name_normaliser/corpus
(or all targets: .venv/bin/python benchmarks/fuzz/run_all.py --seconds 600)
"""

from _harness import run

if __name__ == "__main__":
    run("name_normaliser")
