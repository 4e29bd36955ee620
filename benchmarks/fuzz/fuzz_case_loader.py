"""Fuzz the case loader (atheris; hypothesis fallback). Only SevenfoldError may escape.

Run: .venv/bin/python benchmarks/fuzz/fuzz_case_loader.py -max_total_time=600 out/fuzz/case_loader/corpus
(or all targets: .venv/bin/python benchmarks/fuzz/run_all.py --seconds 600)
"""

from _harness import run

if __name__ == "__main__":
    run("case_loader")
