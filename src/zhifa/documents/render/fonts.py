"""Font roles of GB/T 9704-2012 and their aliases on machines without the Windows fonts.

The standard names 小标宋 (title), 仿宋 (body), 黑体 (layer-1 headings), 楷体 (layer-2
headings) and 宋体 (page numbers). Government PCs have them (``方正小标宋简体``, ``仿宋``/``仿宋_GB2312``,
``黑体``, ``楷体``/``楷体_GB2312``, ``宋体``); a Debian server has free stand-ins:

=========  ========================================  =====================================
role       first choice (Windows / WPS)              Debian stand-in (package)
=========  ========================================  =====================================
title      方正小标宋简体, 小标宋                    Noto Serif CJK SC Bold (fonts-noto-cjk)
body       仿宋_GB2312, 仿宋 (FangSong)              Noto Serif CJK SC (fonts-noto-cjk)
heading1   黑体 (SimHei)                             WenQuanYi Zen Hei (fonts-wqy-zenhei)
heading2   楷体_GB2312, 楷体 (KaiTi)                 AR PL UKai CN (fonts-arphic-ukai)
pageno     宋体 (SimSun)                             Noto Serif CJK SC (fonts-noto-cjk)
=========  ========================================  =====================================

PDF: the CSS ``font-family`` list names the standard font first and the stand-in after it;
fontconfig picks the first one installed and WeasyPrint embeds a subset of it, so the PDF looks
the same everywhere. DOCX: the runs name the standard East-Asian font (``仿宋`` …) so WPS/Word
on a government PC shows the real face; on other machines the viewer substitutes.

No font is bundled in git (the CJK fonts are 17–27 MB each).

Speed: WeasyPrint subsets every embedded font for every PDF, and a CJK font with ~65,000
glyphs makes that the largest cost of a document. :func:`build_font_cache` writes, once per
machine, a subset of each stand-in limited to the GB 2312 repertoire plus ASCII and the
punctuation the documents use (about 7,600 glyphs, renamed ``ZF …`` so they never shadow a real
font). When the cache exists the CSS lists the cached face before the system stand-in; a
character outside GB 2312 (a rare name) still falls back to the full stand-in, so nothing is
lost. Build it with ``python -m zhifa.documents.render.fonts --build-cache [DIR]`` (about a
minute); the directory is ``$ZHIFA_FONT_CACHE`` or ``~/.cache/zhifa/fonts``.
"""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


@dataclass(frozen=True)
class FontRole:
    role: str
    gb_name: str  # the name used in GB/T 9704-2012
    preferred: tuple[str, ...]  # installed names on government PCs
    standin: str  # Debian stand-in family
    package: str
    docx_east_asia: str  # East-Asian font name written into DOCX runs
    weight: int = 400

    @property
    def css_family(self) -> str:
        return self.css_family_with(cached=False)

    @property
    def cache_family(self) -> str:
        return f"ZF {self.standin} {'Bold' if self.weight >= 700 else 'Regular'}"

    def css_family_with(self, cached: bool) -> str:
        names = [*self.preferred, *([self.cache_family] if cached else []), self.standin]
        return ", ".join(f'"{n}"' for n in names) + ", serif"


ROLES: dict[str, FontRole] = {
    "title": FontRole(
        "title",
        "小标宋体",
        ("方正小标宋简体", "方正小标宋_GBK", "FZXiaoBiaoSong-B05S", "小标宋"),
        "Noto Serif CJK SC",
        "fonts-noto-cjk",
        "方正小标宋简体",
        700,
    ),
    "body": FontRole(
        "body",
        "仿宋体",
        ("仿宋_GB2312", "仿宋", "FangSong", "STFangsong"),
        "Noto Serif CJK SC",
        "fonts-noto-cjk",
        "仿宋_GB2312",
    ),
    "heading1": FontRole(
        "heading1", "黑体", ("黑体", "SimHei", "STHeiti"), "WenQuanYi Zen Hei", "fonts-wqy-zenhei", "黑体"
    ),
    "heading2": FontRole(
        "heading2",
        "楷体",
        ("楷体_GB2312", "楷体", "KaiTi", "STKaiti"),
        "AR PL UKai CN",
        "fonts-arphic-ukai",
        "楷体_GB2312",
    ),
    # Noto Serif CJK is itself a 宋体 (Ming) design; using it for page numbers too saves one
    # embedded font per PDF (AR PL UMing CN, fonts-arphic-uming, is the other 宋体 stand-in).
    "pageno": FontRole("pageno", "宋体", ("宋体", "SimSun", "STSong"), "Noto Serif CJK SC", "fonts-noto-cjk", "宋体"),
}

# GB/T 9704-2012 measures (mm / pt) used by both renderers.
PAGE = {
    "width_mm": 210,
    "height_mm": 297,
    "top_mm": 37,  # 天头
    "inner_mm": 28,  # 订口
    "block_w_mm": 156,  # 版心宽
    "block_h_mm": 225,  # 版心高
    "lines": 22,
    "chars": 28,
    "title_pt": 22,  # 2号
    "body_pt": 16,  # 3号
    "pageno_pt": 14,  # 4号
    "table_pt": 12,  # form cells: 小四 (forms are tables, not running text)
}
PAGE["outer_mm"] = PAGE["width_mm"] - PAGE["inner_mm"] - PAGE["block_w_mm"]  # 26
PAGE["bottom_mm"] = PAGE["height_mm"] - PAGE["top_mm"] - PAGE["block_h_mm"]  # 35
MM_PT = 72 / 25.4
# floor to 1/1000 pt so that exactly 22 lines fit the 225 mm block (rounding up loses a line)
LINE_PT = math.floor(PAGE["block_h_mm"] / PAGE["lines"] * MM_PT * 1000) / 1000  # 28.990 pt
CHAR_PT = PAGE["block_w_mm"] / PAGE["chars"] * MM_PT  # ≈ 15.79 pt
LETTER_SPACING_PT = round(CHAR_PT - PAGE["body_pt"], 3) - 0.005  # ≈ -0.21 pt


@lru_cache(maxsize=1)
def installed_families() -> frozenset[str]:
    """Font families fontconfig knows (empty set when fc-list is missing)."""
    exe = shutil.which("fc-list")
    if not exe:
        return frozenset()
    out = subprocess.run([exe, ":", "family"], capture_output=True, text=True, check=False).stdout
    names: set[str] = set()
    for line in out.splitlines():
        for name in line.split(","):
            names.add(name.strip())
    return frozenset(names)


def font_report() -> list[dict[str, str]]:
    """Which face each role will use on this machine."""
    families = installed_families()
    rows = []
    for role in ROLES.values():
        used = next((n for n in role.preferred if n in families), None)
        if used is None:
            used = role.standin if role.standin in families else "(missing: install " + role.package + ")"
        rows.append({"role": role.role, "gb_name": role.gb_name, "uses": used})
    return rows


# ---- optional subset cache --------------------------------------------------------------------

EXTRA_CHARS = "〔〕—·•“”‘’《》（）【】〈〉「」☑□√×％℃№…、。，；：？！"


def cache_dir(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    return Path(env.get("ZHIFA_FONT_CACHE") or Path.home() / ".cache" / "zhifa" / "fonts")


def _charset() -> str:
    chars = {chr(c) for c in range(0x20, 0x7F)} | set(EXTRA_CHARS)
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return "".join(sorted(chars))


def _cache_file(role: FontRole, directory: Path) -> Path:
    return directory / (role.cache_family.replace(" ", "-") + ".font")


def _source(role: FontRole) -> tuple[str, int] | None:
    """(file, face index) of the stand-in, from fontconfig."""
    exe = shutil.which("fc-match")
    if not exe:
        return None
    style = "Bold" if role.weight >= 700 else "Regular"
    out = subprocess.run(
        [exe, "-f", "%{file}|%{index}|%{family}", f"{role.standin}:style={style}"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    parts = out.split("|")
    if len(parts) < 3 or role.standin not in parts[2]:
        return None
    return parts[0], int(parts[1] or 0)


def cached_faces(directory: Path | None = None) -> dict[str, tuple[str, int, Path]]:
    """Roles whose cached subset exists: role → (family, weight, file)."""
    d = directory or cache_dir()
    out = {}
    for key, role in ROLES.items():
        f = _cache_file(role, d)
        if f.exists():
            out[key] = (role.cache_family, role.weight, f)
    return out


def build_font_cache(directory: Path | None = None, force: bool = False) -> list[Path]:
    """Write the GB 2312 subsets of the stand-ins (fontTools comes with WeasyPrint)."""
    import logging

    from fontTools import subset
    from fontTools.ttLib import TTFont

    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)  # "BDF NOT subset" noise

    d = directory or cache_dir()
    d.mkdir(parents=True, exist_ok=True)
    text = _charset()
    written = []
    done: set[tuple[str, int]] = set()
    for role in ROLES.values():
        target = _cache_file(role, d)
        src = _source(role)
        if src is None or (target.exists() and not force) or (src, role.weight) in done:
            continue
        done.add((src, role.weight))
        font = TTFont(src[0], fontNumber=src[1])
        opts = subset.Options()
        opts.desubroutinize = True
        opts.notdef_outline = True
        opts.name_IDs = ["*"]
        opts.layout_features = ["*"]
        sub = subset.Subsetter(opts)
        sub.populate(text=text)
        sub.subset(font)
        name = font["name"]
        for rec in name.names:
            if rec.nameID in (1, 4, 16):
                rec.string = role.cache_family
            elif rec.nameID == 6:
                rec.string = role.cache_family.replace(" ", "-")
        tmp = target.with_suffix(".tmp")
        font.save(tmp)
        tmp.replace(target)
        written.append(target)
    return written


if __name__ == "__main__":  # pragma: no cover - operator command
    if len(sys.argv) >= 2 and sys.argv[1] == "--build-cache":
        where = Path(sys.argv[2]) if len(sys.argv) > 2 else None
        for path in build_font_cache(where, force=True):
            print(path)
    for row in font_report():
        print(f"{row['role']:9} {row['gb_name']:5} -> {row['uses']}")
