"""Messages that reach a block while or after the flowgraph stops: GNU Radio leaves them in the block's
queue once its message thread has ended, so a block that must not lose them (the image sink's records,
a recording's annotations) drains its own queue in stop() and keeps doing so for a grace period.
One helper for every such block, so the rule lives once."""
from __future__ import annotations

import threading
import time

import pmt


def drain(block, port: str, handle, lock=None) -> int:
    """Hand every message waiting on ``port`` of ``block`` to ``handle``; how many there were."""
    bb, p, n = block.to_basic_block(), pmt.intern(port), 0
    with lock if lock is not None else _NoLock():
        while bb.nmsgs(p) > 0:
            msg = bb.delete_head_nowait(p)
            if msg is None:
                break
            handle(msg)
            n += 1
    return n


def keep_draining(block, port: str, handle, seconds: float, lock=None, then=None, name="late") -> threading.Thread:
    """A (non-daemon) thread that drains ``port`` for ``seconds``, then calls ``then(n_late)`` once."""
    def run():
        end, total = time.time() + seconds, 0
        while time.time() < end:
            total += drain(block, port, handle, lock)
            time.sleep(0.05)
        if then is not None:
            then(total)
    t = threading.Thread(target=run, name=name, daemon=False)
    t.start()
    return t


class _NoLock:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False
