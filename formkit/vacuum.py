"""Removing what nobody will come back for: abandoned empty drafts and orphaned
temporary files.

``formkit store vacuum`` runs :func:`vacuum`; a scheduler can call it the same way (it
needs only the application). Age is measured with :mod:`formkit.clock`, so tests move
time instead of waiting.
"""

from __future__ import annotations

import datetime
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from flask import Flask

from formkit import clock

#: temporary files younger than this may belong to a write in progress.
TEMP_FILE_AGE = 60 * 60
#: how long a background export stays (``exporters.background.KEEP_SECONDS``).
EXPORT_KEEP_SECONDS = 24 * 3600
#: what an export leaves in the system's temporary folder (older versions; XLSX exports now
#: use a folder of this name that they always remove).
EXPORT_TEMP = "formkit-export-*"


@dataclass
class VacuumReport:
    """What one vacuum removed."""

    drafts: int = 0
    temp_files: int = 0


def remove_stale_files(folder: Path, pattern: str, older_than: float,
                       *, recursive: bool = True) -> int:
    """Delete files under ``folder`` matching ``pattern`` last changed before
    ``older_than`` (epoch seconds); returns how many. Missing folders and files that
    vanish meanwhile (another vacuum) are not errors."""
    if not folder.is_dir():
        return 0
    removed = 0
    for path in folder.rglob(pattern) if recursive else folder.glob(pattern):
        try:
            if path.is_file() and not path.is_symlink() and path.stat().st_mtime < older_than:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            continue
    return removed


def temp_file_places(app: Flask) -> Iterable[tuple[Path, str, bool]]:
    """(folder, pattern, recursive) of the temporary files formkit may leave behind:
    atomic writes of the TinyDB store and of the cache, and spreadsheet exports."""
    from formkit.storage.tinydb_store import TinyDBStore

    store = app.extensions["formkit"].store
    if isinstance(store, TinyDBStore):
        yield store.root, "*.tmp", True
    yield Path(app.instance_path) / "cache", "*.tmp", True
    yield Path(tempfile.gettempdir()), EXPORT_TEMP, False


def vacuum(app: Flask, older_than_days: float | None = None) -> VacuumReport:
    """Remove empty drafts untouched for ``older_than_days`` (default: the
    ``DRAFT_RETENTION_DAYS`` setting) and temporary files older than an hour."""
    with app.app_context():
        days = app.config["DRAFT_RETENTION_DAYS"] if older_than_days is None \
            else older_than_days
        now = clock.now()
        before = datetime.datetime.fromtimestamp(now - days * 86400, datetime.UTC)
        report = VacuumReport()
        report.drafts = app.extensions["formkit"].store.delete_empty_drafts(
            before.isoformat(timespec="microseconds"))
        for folder, pattern, recursive in temp_file_places(app):
            report.temp_files += remove_stale_files(folder, pattern, now - TEMP_FILE_AGE,
                                                    recursive=recursive)
        # Background exports (and their state) are downloadable for a day.
        from formkit.exporters import background  # it imports this module

        report.temp_files += background.remove_expired(now)
    return report
