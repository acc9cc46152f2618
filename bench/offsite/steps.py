"""Per-step wall and CPU seconds of one ``detect`` run, in process (for the README analysis).

    steps.py FILE THREADS MEMORY_LIMIT

Prints JSON: {"steps": {label: [wall, cpu]}, "wall": ..., "cpu": ...}. CPU seconds are the
process's (all DuckDB threads) during each statement; "setup" is everything outside the
statements (imports, catalog load, rule resolution, Python glue).
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

t0, c0 = time.perf_counter(), time.process_time()

from zhifa.offsite.detect import DetectOptions, Detector  # noqa: E402


def main() -> None:
    path, threads, memory = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    with tempfile.TemporaryDirectory() as out:
        det = Detector(path, Path(out), options=DetectOptions(threads=threads, memory_limit=memory))
        det.run()
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    steps = {k: [round(det.timings[k], 2), round(det.cpu_timings.get(k, 0.0), 2)] for k in det.cpu_timings}
    inside = sum(v[1] for v in steps.values())
    steps["setup and Python"] = [None, round(cpu - inside, 2)]
    print(json.dumps({"steps": steps, "wall": round(wall, 2), "cpu": round(cpu, 2)}, ensure_ascii=False))


if __name__ == "__main__":
    main()
