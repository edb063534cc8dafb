"""Run one `mkdocs build` in this process; print its wall time and peak memory as JSON."""

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
start = time.perf_counter()
build(config)
seconds = time.perf_counter() - start
peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": seconds, "peak_mib": peak_kib / 1024}))
