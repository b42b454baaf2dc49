"""Exports too long for one request, written by the outbox worker.

An export estimated above ``EXPORT_BACKGROUND_SECONDS`` (the exporter's cost per
response × the form's responses) becomes an outbox message of kind ``export``: the
worker writes the file under ``<instance>/exports/`` and keeps a small state file beside
it (who asked, how many rows are written, whether it is ready), which the coordinator's
page reads and reloads. The files are removed after :data:`KEEP_SECONDS` by the daily
vacuum. Only the coordinator who asked may see the job or download its file.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import force_locale
from werkzeug.datastructures import MultiDict

from formkit import clock
from formkit.exporters import Exporter, ExportJob
from formkit.outbox.queue import enqueue
from formkit.review import Filters, matching, plugin_columns
from formkit.state import current_registry
from formkit.storage import Response
from formkit.vacuum import EXPORT_KEEP_SECONDS

KIND = "export"
#: how long a finished export stays downloadable (the daily vacuum removes it after).
KEEP_SECONDS = EXPORT_KEEP_SECONDS
#: rows between two updates of a job's progress.
PROGRESS_EVERY = 500
_JOB_ID = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")


def folder() -> Path:
    return Path(current_app.instance_path) / "exports"


def wanted(exporter: Exporter, responses: int) -> bool:
    """Whether an export of ``responses`` responses is expected to take too long."""
    estimate = responses * exporter.cost_per_response
    return estimate > float(current_app.config["EXPORT_BACKGROUND_SECONDS"])


def _state_path(job_id: str) -> Path | None:
    if not job_id or len(job_id) > 40 or not set(job_id) <= _JOB_ID:
        return None
    return folder() / f"{job_id}.json"


def state(job_id: str) -> dict[str, Any] | None:
    """A job's state (``form``, ``user``, ``done``, ``total``, ``ready``, ``name``), or
    ``None`` when there is no such job (or it was removed)."""
    path = _state_path(job_id)
    try:
        return json.loads(path.read_text(encoding="utf-8")) if path else None
    except (OSError, ValueError):
        return None


def _save_state(job_id: str, data: dict[str, Any]) -> None:
    path = _state_path(job_id)
    assert path is not None
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".json.tmp")
    temporary.write_text(json.dumps(data), encoding="utf-8")
    os.replace(temporary, path)


def file_path(job_id: str, data: dict[str, Any]) -> Path:
    return folder() / f"{job_id}.{data['fmt']}"


def remove_expired(now: float) -> int:
    """Remove the jobs started more than :data:`KEEP_SECONDS` before ``now`` — dated by
    their state, on the app's clock like everything else — with their files; a file
    whose job is gone goes by its age. Returns how many files were removed."""
    base = folder()
    if not base.is_dir():
        return 0
    removed, kept = 0, set()
    for path in base.glob("*.json"):
        data = state(path.stem)
        started = (data or {}).get("started")
        if isinstance(started, (int, float)) and started >= now - KEEP_SECONDS:
            kept.add(path.stem)
            continue
        doomed = [path, file_path(path.stem, data)] if data and data.get("fmt") else [path]
        for each in doomed:
            with contextlib.suppress(FileNotFoundError):
                each.unlink()
                removed += 1
    for path in base.iterdir():
        if path.stem in kept or path.suffix == ".json":
            continue
        with contextlib.suppress(FileNotFoundError):
            if path.is_file() and path.stat().st_mtime < now - KEEP_SECONDS:
                path.unlink()
                removed += 1
    return removed


def start(*, form_id: str, fmt: str, args: dict[str, Any], labels: bool, locale: str,
          user_id: str, total: int, name: str) -> str:
    """Queue an export for the worker; its job id."""
    job_id = secrets.token_urlsafe(16)
    _save_state(job_id, {"form": form_id, "fmt": fmt, "user": user_id, "done": 0,
                         "total": total, "ready": False, "name": name,
                         "started": clock.now()})
    enqueue(f"{KIND}:{job_id}", KIND, {"job": job_id, "form": form_id, "fmt": fmt,
                                       "args": args, "labels": labels, "locale": locale})
    return job_id


def _counted(job_id: str, data: dict[str, Any],
             responses: Iterable[Response]) -> Iterator[Response]:
    for number, response in enumerate(responses, start=1):
        if number % PROGRESS_EVERY == 0:
            _save_state(job_id, {**data, "done": number})
        yield response


def run(payload: dict[str, Any], message_id: str) -> None:
    """The worker's part: write the file, then mark the job ready."""
    job_id = payload["job"]
    data = state(job_id)
    registry = current_registry()
    form = registry.get_form(payload["form"])
    exporter = registry.exporters.get(payload["fmt"])
    if data is None or form is None or exporter is None:
        return  # removed meanwhile: nothing to write
    locale = payload["locale"]
    with force_locale(locale):
        columns = plugin_columns(form)
        filters = Filters.from_args(MultiDict(payload["args"]), form, columns,
                                    current_app.config["LANGUAGES"])
        responses = _counted(job_id, data, matching(form, filters, locale))
        body = exporter.write(ExportJob(form, responses, columns, payload["labels"], locale,
                                        filters))
        target = file_path(job_id, data)
        temporary = target.with_suffix(target.suffix + ".tmp")
        with open(temporary, "wb") as out:
            if isinstance(body, bytes):
                out.write(body)
            elif hasattr(body, "read"):
                with body:
                    while chunk := body.read(1 << 20):
                        out.write(chunk)
            else:
                for chunk in body:
                    out.write(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)
        os.replace(temporary, target)
    _save_state(job_id, {**data, "done": data["total"], "ready": True})
