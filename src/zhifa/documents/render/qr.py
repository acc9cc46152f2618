"""QR codes (segno) for documents: the caller passes the verification URL.

Encoding a code (segno tries all eight masks in Python) costs about 5 ms; a document is rendered in
PDF and DOCX from the same URL, so the encoded code and its PNG are kept for the last few URLs."""

from __future__ import annotations

import base64
import io
from functools import lru_cache

import segno


@lru_cache(maxsize=32)
def _code(url: str) -> segno.QRCode:
    return segno.make(url, error="m", micro=False)


def qr_svg_data_uri(url: str) -> str:
    return _code(url).svg_data_uri(scale=4, border=1, dark="#000")


@lru_cache(maxsize=32)
def qr_png(url: str, scale: int = 6) -> bytes:
    buf = io.BytesIO()
    _code(url).save(buf, kind="png", scale=scale, border=1)
    return buf.getvalue()


def qr_png_data_uri(url: str, scale: int = 6) -> str:
    """PNG (not SVG) so the PDF carries the code as an image a reader or a test can extract."""
    return "data:image/png;base64," + base64.b64encode(qr_png(url, scale)).decode("ascii")


def qr_matrix(url: str) -> list[list[bool]]:
    """Module matrix (without border) of the code for ``url``: used to check a rendered code."""
    return [[bool(v) for v in row] for row in _code(url).matrix]
