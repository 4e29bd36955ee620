"""Fuzz the citation parser (atheris; hypothesis fallback). Only SevenfoldError may escape.

Run: .venv/bin/python benchmarks/fuzz/fuzz_citation_parser.py -max_total_time=600 out/fuzz/citation_parser/corpus
(or all targets: .venv/bin/python benchmarks/fuzz/run_all.py --seconds 600)
"""

from _harness import run

if __name__ == "__main__":
    run("citation_parser")
