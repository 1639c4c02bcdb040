"""When the reader collects its cyclic garbage: while the cursor rests, not on a key's way to
its frame.

Python collects when enough container objects have been made since its last collection: the
young generation every 700, the middle one every 10 young collections, the whole heap every 10
middle ones. Drawing makes many (each line a Strip with its caches, its segments, the
compositor's pieces), so collections fell inside keys. In tmux at 1,000 items, 84 Downs and 3
searches (bench/trace_tui.py's gc lines) ran 479 young collections (0.12 ms of CPU each), 44
middle ones (1.5-3 ms) and 3 of the whole heap (10-17 ms of CPU, 14-26 ms wall), each on the
way of the key being handled: the slowest Downs.

From the reader's first frame (`start`, after the command line kept the collector off while
the reader started) the objects made so far are left out of every collection (gc.freeze), and
the whole heap is collected automatically only after WHOLE_AUTO middle collections instead of
10. `at_rest`, called when the cursor rests before its row is previewed, collects the young and
middle generations, and the whole heap once WHOLE_AT_REST middle collections have run since the
last, so that keys find little left to collect. A held key (no rest) still gets young and
middle collections as before, and a whole one after WHOLE_AUTO: memory stays bounded.
"""

from __future__ import annotations

import gc

WHOLE_AUTO = 100  # middle collections before an automatic one of the whole heap (Python: 10)
WHOLE_AT_REST = 10  # middle collections after which a rest collects the whole heap

_managed = [False]  # whether `start` has run: the reader decides when to collect
_held = [False]  # whether `hold` turned the collector off


def start() -> None:
    """After the first frame: what exists now lives as long as the reader (modules, classes,
    styles, the screen), so it is left out of every later collection, and the collector runs
    again, collecting the whole heap when the cursor rests rather than while a key is handled."""
    gc.freeze()
    young, middle, _whole = gc.get_threshold()
    gc.set_threshold(young, middle, WHOLE_AUTO)
    gc.enable()
    _managed[0] = True


def hold() -> None:
    """A search's way from Enter to the frame of its hits: no collection until `release` (the
    young ones alone, some ten of them, were 1-1.5 ms of that way, and a middle one 1.5-3 ms
    more when it fell there). What the search made meanwhile is collected after the frame.
    Does nothing before `start` or while the collector is off."""
    if _managed[0] and gc.isenabled():
        gc.disable()
        _held[0] = True


def release() -> None:
    """Collect automatically again, as before `hold`."""
    if _held[0]:
        _held[0] = False
        gc.enable()


def at_rest() -> None:
    """The cursor rests (no key for a while): collect what the keys left behind now, the whole
    heap when it is due. Does nothing before `start` or while the collector is off."""
    if not _managed[0] or not gc.isenabled():
        return
    gc.collect(2 if gc.get_count()[2] >= WHOLE_AT_REST else 1)
