"""Exporters: the formats a coordinator downloads a form's responses in.

This package owns the exporter contract (:class:`Exporter`, :class:`ExportJob`), the
columns and sheets of a form's export (:mod:`.columns`: field types say which columns
they make and how a value becomes cells; nothing here switches on a type's name) and
the built-in formats, CSV, XLSX, JSON and the summary PDF, which register through the
``formkit_register_exporters`` hook like any plugin's format would.

It may import the schema, field types, review filters, storage and :mod:`formkit.pdf`;
it never imports views: the admin views and the background export job call it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, BinaryIO, ClassVar

if TYPE_CHECKING:  # the plugin registry imports this contract: it imports nothing back
    from formkit.review import Column, Filters
    from formkit.schema import Form
    from formkit.storage import Response


@dataclass
class ExportJob:
    """What an exporter gets: the form, the responses to write (a stream, in stored
    order), the plugins' columns, and how to write them."""

    form: Form
    responses: Iterable[Response]
    #: the plugins' columns (``formkit_response_columns``), titles in ``locale``.
    columns: list[Column]
    #: ``True``: labels for people in ``locale``; ``False``: stored codes, ISO 8601 UTC.
    labels: bool
    locale: str
    #: the coordinator's list filters the responses passed (``None``: all submitted).
    filters: Filters | None = None


class Exporter:
    """A download format. Subclass, set the class attributes, implement :meth:`write`,
    and return the class from ``formkit_register_exporters``."""

    #: the URL's extension: ``/admin/forms/<form>/export.<key>``; unique per application.
    key: ClassVar[str] = ""
    #: the link text on the coordinator pages (translatable: a lazy string).
    label: ClassVar[Any] = ""
    #: the ``Content-Type`` of the download.
    mimetype: ClassVar[str] = "application/octet-stream"
    #: whether the format also has a "codes" variant (``?values=codes``).
    codes: ClassVar[bool] = False
    #: seconds per response, to estimate whether the export runs in the background.
    cost_per_response: ClassVar[float] = 0.0

    def write(self, job: ExportJob) -> Iterator[str] | Iterator[bytes] | BinaryIO | bytes:
        """The file: an iterator of text or bytes (streamed to the browser), an open
        binary file (sent then closed) or bytes."""
        raise NotImplementedError

    def filename(self, job: ExportJob) -> str:
        """The download's name, without folder."""
        variant = job.locale if job.labels else "codes"
        return f"{job.form.id}-{variant}.{self.key}"

