"""What Babel keeps in a worker: its CLDR global data, kept to the tables formkit's
formatting reads, and the locale data of the Canadian variants alone.

Babel reads all of CLDR's global data (``babel/global.dat``) the first time it loads a
locale, only to look up the locale's parent, and keeps it for the life of the process:
about 2.3 MiB in every worker, most of it the likely subtags of every language and the
languages of every territory, which an ``en_CA``/``fr_CA`` site never reads. Once a
worker starts, :func:`keep_what_formatting_reads` reads that data once, keeps the
tables formkit's formatting reads (a locale's parent, currency digits, time zone names)
and lets the rest go; a table it dropped is read again, whole, the first time anything
asks for it, so every Babel answer stays the same.

A locale's data is its parents' data with its own merged in: Babel keeps ``root``,
``en`` and ``en_CA`` each (0.6 MiB more than ``en_CA`` alone, as much again for
French), though formkit formats only with the Canadian variants.
:func:`load_alone` loads one and lets its parents' copies go; one asked for again is
read again (the Canadian one holds everything it inherited).
"""

from __future__ import annotations

import gc
import os
import pickle
import threading
from typing import Any

import babel.core
import babel.localedata

#: what loading a locale (``parent_exceptions``), a currency amount
#: (``currency_fractions``) and a time zone's name (the zone tables) read.
KEPT = frozenset({"parent_exceptions", "currency_fractions", "zone_aliases", "meta_zones",
                  "zone_territories", "territory_zones", "cldr"})

_lock = threading.Lock()


def _read_all() -> dict[str, Any]:
    path = os.path.join(os.path.dirname(babel.core.__file__), "global.dat")
    with open(path, "rb") as stream:
        return pickle.load(stream)


class KeptGlobalData(dict):
    """The kept tables; asked for any other, reads the whole data once and keeps it
    (Babel asks through ``get``)."""

    complete = False

    def get(self, key: Any, default: Any = None) -> Any:
        if not self.complete and key not in self:
            with _lock:
                if not self.complete:
                    self.update(_read_all())
                    self.complete = True
        return super().get(key, default)


def keep_what_formatting_reads() -> bool:
    """Install the kept tables as Babel's global data, unless Babel has read it already
    (or keeps it elsewhere, in a version this does not know); whether it did."""
    if getattr(babel.core, "_global_data", False) is not None:
        return False
    full = _read_all()
    # the kept tables are rebuilt from their own bytes once the whole data is gone, so
    # none of its freed memory is held by what stays
    kept = pickle.dumps({key: value for key, value in full.items() if key in KEPT})
    del full
    gc.collect()
    babel.core._global_data = KeptGlobalData(pickle.loads(kept))
    return True


def load_alone(identifier: str) -> None:
    """Load the locale data of ``identifier`` (e.g. ``en_CA``), then drop from Babel's
    cache the other locales' data it holds, merged copies its own data already holds
    (only when Babel keeps its cache as this version does)."""
    babel.localedata.load(identifier)
    cache = getattr(babel.localedata, "_cache", None)
    lock = getattr(babel.localedata, "_cache_lock", None)
    if not isinstance(cache, dict) or lock is None:
        return
    with lock:
        _alone.add(identifier)
        for name in [name for name in cache if name not in _alone]:
            del cache[name]


#: the locales loaded alone so far (kept in Babel's cache).
_alone: set[str] = set()
