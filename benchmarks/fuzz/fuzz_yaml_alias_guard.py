"""Fuzz the YAML alias guard (atheris; hypothesis fallback): structured documents of anchors and aliases
with BOMs and other characters before the anchors, in every style, some recursive. A document must be
refused, or load into data that is not recursive and whose expansion stays within the limits, within 2 s.

Run: .venv/bin/python benchmarks/fuzz/fuzz_yaml_alias_guard.py -max_total_time=600 out/fuzz/yaml_alias_guard/corpus
(or all targets: .venv/bin/python benchmarks/fuzz/run_all.py --seconds 600)
"""

from _harness import run

if __name__ == "__main__":
    run("yaml_alias_guard")
