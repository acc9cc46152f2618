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
pageno     宋体 (SimSun)                             AR PL UMing CN (fonts-arphic-uming)
=========  ========================================  =====================================

PDF: the CSS ``font-family`` list names the standard font first and the stand-in after it;
fontconfig picks the first one installed and WeasyPrint embeds a subset of it, so the PDF looks
the same everywhere. DOCX: the runs name the standard East-Asian font (``仿宋`` …) so WPS/Word
on a government PC shows the real face; on other machines the viewer substitutes.

No font is bundled in git (the CJK fonts are 17–27 MB each).
"""

from __future__ import annotations

import math
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache


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
        names = [*self.preferred, self.standin]
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
    "pageno": FontRole("pageno", "宋体", ("宋体", "SimSun", "STSong"), "AR PL UMing CN", "fonts-arphic-uming", "宋体"),
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
