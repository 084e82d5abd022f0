"""DRF's parsers, refusing what no database can store (NUL, unpaired surrogates) with a 400.

The API's counterpart of `tiphub.web.request_checks` (which checks query strings, cookies and
headers for every request): bodies are parsed here, after authentication, and every key and
value is checked, at any depth of a JSON document.
"""

from __future__ import annotations

from typing import Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError

from tiphub.web.request_checks import (
    first_unstorable,
    first_unstorable_in_json,
    unstorable_message,
)


class JSONParser(parsers.JSONParser):
    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        data = super().parse(stream, media_type, parser_context)
        if found := first_unstorable_in_json(data):
            raise ParseError(unstorable_message(*found))
        return data


class FormParser(parsers.FormParser):
    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        data = super().parse(stream, media_type, parser_context)
        if found := first_unstorable(data.lists(), "field"):
            raise ParseError(unstorable_message(*found))
        return data


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        result = super().parse(stream, media_type, parser_context)
        if found := first_unstorable(result.data.lists(), "field"):
            raise ParseError(unstorable_message(*found))
        return result
