"""PDF rendering with WeasyPrint (HTML + GB/T 9704-2012 CSS)."""

from __future__ import annotations

import atexit
import logging
import re
import shutil
import threading
from collections import OrderedDict
from datetime import date
from functools import lru_cache
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from .fonts import LETTER_SPACING_PT, LINE_PT, PAGE, ROLES, cached_faces
from .model import DocumentModel, label_lines
from .qr import qr_png_data_uri

TEMPLATES = Path(__file__).resolve().parent.parent / "templates_docs" / "html"

# WeasyPrint logs every layout step at INFO: seven lines per document would drown a batch's log
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


# a document or case number (南召交执罚决〔2026〕0002号): never broken inside (the cells break anywhere)
_NUMBER = re.compile(r"[^\s、，,；;（）()]*〔\d{4}〕\d+号")


def keep_numbers(text: str) -> Markup:
    """Cell text with every document number wrapped in a no-break span (the rest escaped)."""
    out, last = [], 0
    for m in _NUMBER.finditer(text):
        out.append(escape(text[last : m.start()]))
        out.append(Markup('<span class="nobr">') + escape(m.group(0)) + Markup("</span>"))
        last = m.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


@lru_cache(maxsize=1)
def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["keep_numbers"] = keep_numbers
    env.globals.update(
        label_lines=label_lines,
        block_w=PAGE["block_w_mm"],
        table_pt=PAGE["table_pt"],
        # room for writing in a form cell: lines of the cells' own height (小四 × 1.5)
        table_line=PAGE["table_pt"] * 1.5,
    )
    return env


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
        INDENT_PT=round(2 * (PAGE["body_pt"] + LETTER_SPACING_PT), 3),
        TITLE_WEIGHT=ROLES["title"].weight,
    )


def model_html(model: DocumentModel, qr_url: str = "", created: date | None = None, *, inline_css: bool = True) -> str:
    """The document as HTML; with ``inline_css`` (the default) the page CSS is in a ``<style>`` element,
    so the file stands alone. :func:`render_pdf` passes the CSS pre-parsed instead."""
    return (
        _env()
        .get_template("document.html")
        .render(
            m=model,
            css=page_css() if inline_css else "",
            qr_src=qr_png_data_uri(qr_url) if qr_url else "",
            created=created.isoformat() if created else "",
        )
    )


@lru_cache(maxsize=1)
def _font_config():
    from weasyprint.text.fonts import FontConfiguration

    config = FontConfiguration()
    atexit.register(_remove_font_folder, config)
    # a forked pool worker leaves through os._exit (no atexit) after running multiprocessing's finalizers
    from multiprocessing import util

    util.Finalize(config, _remove_font_folder, args=(config,), exitpriority=10)
    return config


def _remove_font_folder(config) -> None:
    """The font configuration copies the ``@font-face`` files (the cached faces, ~17 MB) to a temporary
    folder that its ``__del__`` removes; at interpreter exit that may run after ``shutil`` is gone, so
    the folder is removed here first."""
    folder = getattr(config, "_folder", None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        config._folder = None


@lru_cache(maxsize=1)
def _stylesheet():
    """The page CSS parsed once per process (tinycss2 and the cascade's selector index cost about 7 ms a
    document); its ``@font-face`` rules are registered once in the shared font configuration."""
    from weasyprint import CSS

    return CSS(string=page_css(), base_url=str(TEMPLATES), font_config=_font_config())


_SUBSETS: OrderedDict[tuple, bytes] = OrderedDict()
_SUBSETS_LOCK = threading.Lock()
SUBSET_CACHE_SIZE = 48


def _install_subset_cache() -> bool:
    """Keep WeasyPrint's font subsets for repeated glyph sets (same output, less CPU).

    WeasyPrint subsets every embedded font of every PDF with HarfBuzz (~5 ms a font even with the
    cached GB 2312 faces). The title (小标宋) and heading (黑体/楷体) fonts of a document type print the
    same characters in every document of that type, so their subset is the same bytes each time: the
    subset is kept per font and glyph set, and only the body font (names, numbers, facts) is subset anew.
    The key holds everything the subset depends on (font, glyph ids, hinting, missing-glyph outline)."""
    try:
        from weasyprint.pdf.fonts import Font
    except ImportError:  # pragma: no cover - another WeasyPrint layout
        return False
    original = getattr(Font, "subset", None)
    if original is None or getattr(original, "_zhifa_cached", False):
        return original is not None

    def subset(self, to_unicode, hinting):
        if not to_unicode:
            return original(self, to_unicode, hinting)
        content = self.file_content
        key = (
            self.hash,
            self.index,
            len(content),
            bytes(content[:256]),
            tuple(sorted(to_unicode)),
            bool(hinting),
            bool(self.missing),
        )
        with _SUBSETS_LOCK:  # web threads may render while a batch renders in the job's thread
            found = _SUBSETS.get(key)
            if found is not None:
                _SUBSETS.move_to_end(key)
        if found is not None:
            self.file_content = found
            return None
        result = original(self, to_unicode, hinting)
        if self.file_content is not content:  # subset done (else HarfBuzz failed and the font stays whole)
            with _SUBSETS_LOCK:
                _SUBSETS[key] = self.file_content
                while len(_SUBSETS) > SUBSET_CACHE_SIZE:
                    _SUBSETS.popitem(last=False)
        return result

    subset._zhifa_cached = True  # type: ignore[attr-defined]
    Font.subset = subset
    return True


def html_to_pdf(html: str, *, pre_parsed_css: bool = False) -> bytes:
    from weasyprint import HTML

    _install_subset_cache()

    sheets = [_stylesheet()] if pre_parsed_css else None
    return HTML(string=html, base_url=str(TEMPLATES)).write_pdf(stylesheets=sheets, font_config=_font_config())


def render_pdf(model: DocumentModel, qr_url: str = "", created: date | None = None) -> bytes:
    return html_to_pdf(model_html(model, qr_url, created, inline_css=False), pre_parsed_css=True)
