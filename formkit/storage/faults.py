"""Disk faults: which ``OSError`` means "the disk refuses writes just now".

A full disk or quota, a volume remounted read-only, lost permissions, an I/O error or a
file-size limit are conditions of the machine, not bugs: the operator frees space or
repairs the volume and the same request then works. The store turns them into
:class:`DiskUnavailable` (a :class:`StoreUnavailable`, so respondents get the "try
again" page that keeps what they typed); caches and temporary files skip or report them
where they happen.
"""

from __future__ import annotations

import errno
from collections.abc import Iterator
from contextlib import contextmanager

from formkit.storage.base import StoreUnavailable

#: errno values of a disk that refuses writes: full, over quota, read-only, no
#: permission, failing, or beyond the process's file-size limit (RLIMIT_FSIZE).
DISK_FAULTS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM,
                         errno.EIO, errno.EFBIG})


class DiskUnavailable(StoreUnavailable):
    """The store's disk refused a write (full, read-only, failing); nothing was
    half-written, and trying again once the disk is repaired works."""


def is_disk_fault(error: BaseException) -> bool:
    """Whether ``error`` is an ``OSError`` of a disk that refuses writes."""
    return isinstance(error, OSError) and error.errno in DISK_FAULTS


@contextmanager
def disk_writes(what: str) -> Iterator[None]:
    """Raise :class:`DiskUnavailable` for a disk fault inside the block (other errors,
    bugs included, pass unchanged)."""
    try:
        yield
    except OSError as error:
        if is_disk_fault(error):
            raise DiskUnavailable(f"cannot write {what}: {error}") from error
        raise
