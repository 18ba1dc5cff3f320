"""Helpers of the integration tests: a real worker works in another process (wait for it) and
writes its e-mails to files (read them all back)."""

import email
import email.policy
import time
from collections.abc import Callable
from pathlib import Path


def wait_for(predicate: Callable[[], bool], timeout: float = 60.0) -> bool:
    """Poll ``predicate`` every 0.2 s until it holds (True) or ``timeout`` seconds pass (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def sent_messages(mail_dir: Path) -> list:
    """Every message Django's file backend wrote: one file per connection, and two worker
    processes sending in the same second may write to the same file, messages separated by a
    line of dashes."""
    found = []
    for path in sorted(mail_dir.glob("*.log")):
        for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if chunk.strip():
                found.append(email.message_from_bytes(chunk, policy=email.policy.default))
    return found
