"""Run one `mkdocs build` in this process; print its wall and CPU time and peak memory as JSON.

CPU time (user + system of this process) is the figure to compare on a machine that
other work shares: wall time then measures the neighbours too.
"""

from __future__ import annotations

import json
import logging
import os
import resource
import sys
import time

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
logging.disable(logging.WARNING)

from mkdocs.commands.build import build  # noqa: E402
from mkdocs.config import load_config  # noqa: E402

config = load_config(config_file=sys.argv[1])
before = resource.getrusage(resource.RUSAGE_SELF)
start = time.perf_counter()
build(config)
seconds = time.perf_counter() - start
after = resource.getrusage(resource.RUSAGE_SELF)
cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
print(json.dumps({"seconds": seconds, "cpu_s": cpu, "peak_mib": after.ru_maxrss / 1024}))
