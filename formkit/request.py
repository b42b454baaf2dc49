"""What the application accepts from a request body and a query string.

:class:`FormkitRequest` is the app's ``request_class``, so every view, CSRF protection
and every plugin route read input through it:

- A body that cannot be parsed (a multipart part without a name, a missing or broken
  boundary, a truncated body, invalid UTF-8 in an urlencoded body) is refused with a
  400 the first time anything reads ``request.form``, instead of reaching the code as
  an empty form (werkzeug's silent default) or as a key ``None``, which broke CSRF
  protection with a 500 before any view ran.
- Control characters other than tab, line feed and carriage return are removed from
  every form and query key and value (:func:`without_controls`): no answer needs
  them, they are invisible on screen, PostgreSQL refuses NUL in text, and XLSX files
  cannot hold them. They are removed rather than refused so a pasted answer is kept.
"""

from __future__ import annotations

import re

from flask import Request
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest
from werkzeug.formparser import FormDataParser
from werkzeug.utils import cached_property

#: C0 controls but tab, LF and CR, and DEL.
CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def without_controls(text: str) -> str:
    """``text`` without the control characters no answer needs (see module doc)."""
    return CONTROLS.sub("", text)


class MalformedBody(BadRequest):
    """The request body is not a well-formed form submission."""

    description = "The request body could not be read as a form."


def _cleaned(data: MultiDict, storage: type[MultiDict]) -> MultiDict:
    items = []
    for key, value in data.items(multi=True):
        if not isinstance(key, str):
            raise MalformedBody()  # a multipart part whose name has no value
        items.append((without_controls(key),
                      without_controls(value) if isinstance(value, str) else value))
    return storage(items)


class FormkitRequest(Request):
    """A request whose form refuses malformed bodies and whose form and query values
    carry no control characters."""

    def make_form_data_parser(self) -> FormDataParser:
        parser = super().make_form_data_parser()
        parser.silent = False  # a parse error must be seen, not read as an empty form
        return parser

    def _load_form_data(self) -> None:
        if "form" in self.__dict__:
            return
        try:
            super()._load_form_data()
            form = _cleaned(self.__dict__["form"], self.parameter_storage_class)
            files = _cleaned(self.__dict__["files"], self.parameter_storage_class)
        # werkzeug's parse errors (UnicodeDecodeError among them), or a part without name
        except (ValueError, MalformedBody) as error:
            self._empty_form()
            raise MalformedBody() from error
        self.__dict__["form"], self.__dict__["files"] = form, files

    def _empty_form(self) -> None:
        # Error pages and handlers that read the form again see an empty one.
        empty = self.parameter_storage_class()
        self.__dict__["form"], self.__dict__["files"] = empty, empty

    @cached_property
    def args(self) -> MultiDict[str, str]:  # type: ignore[override]
        return _cleaned(Request.args.__get__(self), self.parameter_storage_class)
