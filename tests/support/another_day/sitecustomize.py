"""The whole test run on another day: every Python process of it (pytest, and the workers, web
servers and commands the tests start) sees the clock moved by the same offset, and ticking.

``scripts/test-on-date.sh`` puts this folder on PYTHONPATH and sets ``REFRAIN_CLOCK_OFFSET`` (seconds
from the real clock to the day asked for), computed once, so processes started minutes apart still
agree on the time. time-machine moves Python's clocks (``time.time``, ``datetime.now``...), not
``time.monotonic``, so timeouts and sleeps stay real: libfaketime, which moves the system's, hangs
Python's timed waits on locks.
"""

import os
import time

_offset = os.environ.get("REFRAIN_CLOCK_OFFSET")
if _offset:
    import time_machine

    _traveller = time_machine.travel(time.time() + float(_offset), tick=True)
    _traveller.start()
