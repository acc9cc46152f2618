"""QR codes (segno) for documents: the caller passes the verification URL."""

from __future__ import annotations

import io

import segno


def qr_svg_data_uri(url: str) -> str:
    return segno.make(url, error="m", micro=False).svg_data_uri(scale=4, border=1, dark="#000")


def qr_png(url: str, scale: int = 6) -> bytes:
    buf = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buf, kind="png", scale=scale, border=1)
    return buf.getvalue()


def qr_png_data_uri(url: str, scale: int = 6) -> str:
    """PNG (not SVG) so the PDF carries the code as an image a reader or a test can extract."""
    return segno.make(url, error="m", micro=False).png_data_uri(scale=scale, border=1)


def qr_matrix(url: str) -> list[list[bool]]:
    """Module matrix (without border) of the code for ``url``: used to check a rendered code."""
    return [[bool(v) for v in row] for row in segno.make(url, error="m", micro=False).matrix]
