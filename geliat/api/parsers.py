"""Request bodies: JSON only, size-capped, with errors in Indonesian."""

import json

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser

from geliat.api.exceptions import PayloadTooLarge


def _reject_constant(name: str):
    raise ValueError(name)  # NaN and Infinity are not JSON


class JsonParser(BaseParser):
    """JSON capped at ``DATA_UPLOAD_MAX_MEMORY_SIZE``.

    Django enforces that cap only when a body is read through ``request.body`` or
    form parsing; DRF streams JSON itself, so the cap is applied here.
    """

    media_type = "application/json"

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read() if limit is None else stream.read(limit + 1)
        if limit is not None and len(raw) > limit:
            raise PayloadTooLarge(
                _("Isi permintaan lebih dari %(size)d KB. Kirim data yang lebih sedikit per permintaan.")
                % {"size": limit // 1024}
            )
        encoding = (parser_context or {}).get("encoding") or settings.DEFAULT_CHARSET
        try:
            return json.loads(raw.decode(encoding), parse_constant=_reject_constant)
        except json.JSONDecodeError as exc:
            raise ParseError(
                _("Isi permintaan bukan JSON yang sah (baris %(line)d, kolom %(column)d). Periksa tanda kutip, koma dan kurung.")
                % {"line": exc.lineno, "column": exc.colno}
            ) from None
        except (ValueError, LookupError, RecursionError):
            # Bad encoding, NaN/Infinity, absurd nesting or huge numbers: still the client's error.
            raise ParseError(_("Isi permintaan bukan JSON yang sah. Kirim JSON UTF-8 biasa.")) from None
