"""Shared set-up for the Django benchmarks: a throw-away test database, seeded schedule."""

import os
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ellipse.settings.test")
os.environ.setdefault("MEDIA_ROOT", "/tmp/ellipse-bench-media")


def setup():
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    name = connection.creation.create_test_db(verbosity=0, keepdb=False)
    return connection, name


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    ram = f"{mem_kb / 1024 / 1024:.0f} GiB RAM"
    return f"{nproc} cores (nproc), {cpu}, {ram}, Python {platform.python_version()}"
