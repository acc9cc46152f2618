"""PDF rendering with WeasyPrint (HTML + GB/T 9704-2012 CSS)."""

from __future__ import annotations

import logging
from datetime import date
from functools import lru_cache
from pathlib import Path

import jinja2

from .fonts import LETTER_SPACING_PT, LINE_PT, PAGE, ROLES, cached_faces
from .model import DocumentModel
from .qr import qr_png_data_uri

TEMPLATES = Path(__file__).resolve().parent.parent / "templates_docs" / "html"

# WeasyPrint logs every layout step at INFO: seven lines per document would drown a batch's log
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


@lru_cache(maxsize=1)
def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


@lru_cache(maxsize=1)
def page_css() -> str:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=False)  # noqa: S701 - CSS
    faces = cached_faces()
    font_faces = "".join(
        f'@font-face {{ font-family: "{family}"; font-weight: {weight}; src: url("{path.as_uri()}"); }}\n'
        for family, weight, path in {v[0]: v for v in faces.values()}.values()
    )
    return font_faces + env.get_template("gbt9704.css").render(
        P=PAGE,
        F={k: r.css_family_with(cached=k in faces) for k, r in ROLES.items()},
        LINE_PT=LINE_PT,
        LETTER_SPACING=LETTER_SPACING_PT,
        TITLE_WEIGHT=ROLES["title"].weight,
    )


def model_html(model: DocumentModel, qr_url: str = "", created: date | None = None) -> str:
    return (
        _env()
        .get_template("document.html")
        .render(
            m=model,
            css=page_css(),
            qr_src=qr_png_data_uri(qr_url) if qr_url else "",
            created=created.isoformat() if created else "",
        )
    )


@lru_cache(maxsize=1)
def _font_config():
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=str(TEMPLATES)).write_pdf(font_config=_font_config())


def render_pdf(model: DocumentModel, qr_url: str = "", created: date | None = None) -> bytes:
    return html_to_pdf(model_html(model, qr_url, created))
