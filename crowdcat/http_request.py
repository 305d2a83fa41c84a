"""The app's request: form text read as strict UTF-8, and a body limit for the JSON API.

Werkzeug reads a form leniently: bytes that are no UTF-8 (`%ED%A0%80`, half of a surrogate
pair) are kept as the percent-escaped text itself in a urlencoded form and become U+FFFD in
a multipart one, and a body with raw invalid bytes reads as an empty form. Either way
something other than what was sent would be checked and stored. Here such a form is
refused (MalformedForm, with a message in the user's language) before any view sees it.

The JSON API takes small bodies (a page's values: a few kB); its requests are capped at
API_MAX_BODY_BYTES (413 above it) while uploads keep MAX_CONTENT_LENGTH.
"""
from __future__ import annotations

import codecs
from typing import IO, Any
from urllib.parse import parse_qsl

from flask import Request as FlaskRequest
from flask import current_app
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import Headers
from werkzeug.formparser import FormDataParser, MultiPartParser

from crowdcat.services.errors import ServiceError

API_PREFIX = "/api/"
DEFAULT_API_MAX_BODY_BYTES = 1024 * 1024
_STRICT_UTF8 = "crowdcat_strict_utf_8"


class MalformedForm(ServiceError):
    """A form whose text is not valid UTF-8: refused whole, nothing read from it."""

    code = "invalid_encoding"

    def __init__(self) -> None:
        super().__init__(_l("The form was sent with text that is not valid UTF-8, so it "
                            "cannot be read. Nothing was saved. Please reload the page and "
                            "try again."))


def _strict_codec(name: str) -> codecs.CodecInfo | None:
    """UTF-8 that ignores a caller's errors="replace" (Werkzeug's multipart fields)."""
    if name != _STRICT_UTF8:
        return None
    return codecs.CodecInfo(
        name=_STRICT_UTF8, encode=codecs.utf_8_encode,
        decode=lambda data, errors="strict": codecs.utf_8_decode(data, "strict", True))


codecs.register(_strict_codec)


class _StrictMultiPartParser(MultiPartParser):
    """Multipart fields decoded as strict UTF-8 (unless a part declares ASCII or Latin-1)."""

    def get_part_charset(self, headers: Headers) -> str:
        """The part's declared charset, UTF-8 (strict) by default."""
        charset = super().get_part_charset(headers)
        return _STRICT_UTF8 if charset == "utf-8" else charset


class StrictFormDataParser(FormDataParser):
    """Werkzeug's form parser, refusing text that is not valid UTF-8."""

    def _parse_urlencoded(self, stream: IO[bytes], mimetype: str,
                          content_length: int | None, options: dict[str, str]) -> Any:
        try:
            items = parse_qsl(stream.read().decode(), keep_blank_values=True,
                              errors="strict")
        except UnicodeDecodeError as exc:
            raise MalformedForm from exc
        return stream, self.cls(items), self.cls()

    def _parse_multipart(self, stream: IO[bytes], mimetype: str,
                         content_length: int | None, options: dict[str, str]) -> Any:
        parser = _StrictMultiPartParser(
            stream_factory=self.stream_factory, max_form_memory_size=self.max_form_memory_size,
            max_form_parts=self.max_form_parts, cls=self.cls)
        boundary = options.get("boundary", "").encode("ascii")
        if not boundary:
            raise ValueError("Missing boundary")
        try:
            form, files = parser.parse(stream, boundary, content_length)
        except UnicodeDecodeError as exc:
            raise MalformedForm from exc
        return stream, form, files


class Request(FlaskRequest):
    """Flask's request with the strict form parser and the API's body limit."""

    form_data_parser_class = StrictFormDataParser

    @property
    def max_content_length(self) -> int | None:
        """MAX_CONTENT_LENGTH, or API_MAX_BODY_BYTES for the JSON API (whichever is less)."""
        limit = FlaskRequest.max_content_length.fget(self)  # type: ignore[attr-defined]
        if self._max_content_length is None and current_app and self.path.startswith(API_PREFIX):
            api = current_app.config.get("API_MAX_BODY_BYTES", DEFAULT_API_MAX_BODY_BYTES)
            return api if limit is None else min(limit, api)
        return limit

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value
