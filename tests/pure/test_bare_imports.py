"""The pure modules import in a bare Python: no Django, no Celery, no settings."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PURE_MODULES = ["meetings.solver", "ellipse.editions.grid", "buyers.cpv", "buyers.matching"]


def test_pure_modules_import_without_django_or_celery():
    code = (
        "import sys\n"
        "for blocked in ('django', 'celery', 'kombu'):\n"
        "    sys.modules[blocked] = None  # any import of them raises ImportError\n"
        f"for name in {PURE_MODULES!r}:\n"
        "    __import__(name)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr


def test_the_blocker_catches_a_django_import():
    """The check above can fail: a module importing Django is refused."""
    code = "import sys\nsys.modules['django'] = None\nimport ellipse.outbox.models\n"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "ModuleNotFoundError" in result.stderr and "django" in result.stderr
