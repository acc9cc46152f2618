"""Document gallery: render every document type of the sample case to PDF and a small PNG of
its first page (``pdftoppm -r 60``), for ``docs/gallery/``.

    python -m zhifa.documents.render.gallery docs/gallery
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from ..reasoning.samples import gallery_context
from . import SPECS, render_document

QR_BASE = "https://zhifa.example.gov.cn/v/"


def build_gallery(out_dir: Path, dpi: int = 60, keep_pdf: bool = False) -> list[Path]:
    exe = shutil.which("pdftoppm")
    if not exe:
        raise SystemExit("pdftoppm (poppler-utils) is needed for the gallery")
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        for code, spec in SPECS.items():
            ctx = gallery_context(code)
            doc = render_document(ctx, "pdf", qr_url=f"{QR_BASE}{code}-sample?sig=demo")
            pdf = Path(tmp) / f"{code}.pdf"
            pdf.write_bytes(doc.content)
            if keep_pdf:
                shutil.copy(pdf, out_dir / pdf.name)
            subprocess.run(
                [
                    exe,
                    "-r",
                    str(dpi),
                    "-png",
                    "-gray",
                    "-f",
                    "1",
                    "-l",
                    "1",
                    "-singlefile",
                    str(pdf),
                    str(out_dir / code),
                ],
                check=True,
            )
            png = out_dir / f"{code}.png"
            _shrink(png)
            written.append(png)
            print(f"{code}\t{spec.title}\t{doc.sha256[:16]}")
    return written


def _shrink(png: Path) -> None:
    """16 grey levels keep the pages legible at a quarter of the size."""
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - Pillow comes with WeasyPrint
        return
    with Image.open(png) as im:
        small = im.convert("L").quantize(colors=16)
        small.save(png, optimize=True)


if __name__ == "__main__":
    build_gallery(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/gallery"))
