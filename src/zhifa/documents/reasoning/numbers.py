"""Numbers, amounts and dates in document wording (pure: no Django).

Documents print Arabic numerals (GB/T 9704-2012 成文日期 style: ``2026年3月5日``) and, for
fines, the amount in capital Chinese numerals as well (``叁仟元整``). The verifier reads the
other way: it turns Chinese numerals in a draft (``六十日``, ``叁仟元``) back into integers, so a
draft cannot slip a changed figure past it by writing it in characters.
"""

from __future__ import annotations

import re
from datetime import date, datetime

_SMALL_DIGITS = {
    "零": 0,
    "〇": 0,
    "○": 0,
    "一": 1,
    "壹": 1,
    "二": 2,
    "贰": 2,
    "貳": 2,
    "两": 2,
    "三": 3,
    "叁": 3,
    "參": 3,
    "四": 4,
    "肆": 4,
    "五": 5,
    "伍": 5,
    "六": 6,
    "陆": 6,
    "七": 7,
    "柒": 7,
    "八": 8,
    "捌": 8,
    "九": 9,
    "玖": 9,
}
_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_BIG_UNITS = {"万": 10_000, "萬": 10_000, "亿": 100_000_000}

CN_NUMERAL_CHARS = "".join(_SMALL_DIGITS) + "".join(_UNITS) + "".join(_BIG_UNITS)
CN_NUMERAL_RE = f"[{CN_NUMERAL_CHARS}]+"


def parse_cn_int(text: str) -> int | None:
    """``三十三`` → 33, ``叁仟伍佰`` → 3500, ``二〇二六`` → 2026, ``十五`` → 15; None if not a numeral."""
    text = text.strip()
    if not text or any(ch not in CN_NUMERAL_CHARS for ch in text):
        return None
    if not any(ch in _UNITS or ch in _BIG_UNITS for ch in text):
        # digit-by-digit form (二〇二六)
        return int("".join(str(_SMALL_DIGITS[ch]) for ch in text))
    total = 0
    section = 0
    digit: int | None = None
    for ch in text:
        if ch in _SMALL_DIGITS:
            digit = _SMALL_DIGITS[ch]
        elif ch in _UNITS:
            section += (1 if digit is None else digit) * _UNITS[ch]
            digit = None
        else:  # big unit
            section += digit or 0
            total += (section or 1) * _BIG_UNITS[ch]
            section = 0
            digit = None
    return total + section + (digit or 0)


def parse_int(text: str) -> int | None:
    """An Arabic (with optional thousands commas) or Chinese integer."""
    t = text.replace(",", "").replace("，", "").strip()
    if t.isdigit():
        return int(t)
    return parse_cn_int(t)


_CAP_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_CAP_UNITS = ["", "拾", "佰", "仟"]
_CAP_SECTIONS = ["", "万", "亿"]


def amount_capital(yuan: int) -> str:
    """Capital-numeral amount for money fields: 3000 → ``叁仟元整``, 30500 → ``叁万零伍佰元整``."""
    if yuan < 0:
        raise ValueError("amount must not be negative")
    if yuan == 0:
        return "零元整"
    sections: list[int] = []
    n = yuan
    while n:
        sections.append(n % 10_000)
        n //= 10_000
    out = ""
    zero_pending = False
    for idx in range(len(sections) - 1, -1, -1):
        sec = sections[idx]
        if sec == 0:
            zero_pending = bool(out)
            continue
        if out and (zero_pending or sec < 1000):
            out += "零"
        zero_pending = False
        part = ""
        inner_zero = False
        for pos in range(3, -1, -1):
            d = (sec // 10**pos) % 10
            if d == 0:
                inner_zero = bool(part)
                continue
            if inner_zero:
                part += "零"
                inner_zero = False
            part += _CAP_DIGITS[d] + _CAP_UNITS[pos]
        out += part + _CAP_SECTIONS[idx]
    return out + "元整"


def yuan(amount: int) -> str:
    """Plain yuan figure as printed in the text: ``3000元``."""
    return f"{int(amount)}元"


def cn_date(value: date | datetime | None) -> str:
    """``2026年3月5日`` (Arabic numerals, no leading zeros)."""
    if value is None:
        return ""
    return f"{value.year}年{value.month}月{value.day}日"


def cn_datetime(value: datetime | date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return f"{cn_date(value)}{value.hour}时{value.minute:02d}分"
    return cn_date(value)


def weight_text(kg: int | float) -> str:
    """Weights are printed in kilograms as recorded (``55000千克``); tonnes only when stated."""
    if float(kg).is_integer():
        return f"{int(kg)}千克"
    return f"{kg}千克"


_ART_RE = re.compile(r"^第?([0-9]+|[一二三四五六七八九十百零〇两]+)条")


def cn_article(n: int) -> str:
    """Article number in Chinese numerals as statutes print it: 43 → ``第四十三条``."""
    return f"第{int_to_cn(n)}条"


def int_to_cn(n: int) -> str:
    """Lower-case Chinese numeral for article/paragraph numbers (1–9999)."""
    digits = "零一二三四五六七八九"
    if n < 0:
        raise ValueError("negative")
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    out = ""
    units = [(1000, "千"), (100, "百"), (10, "十")]
    rest = n
    zero = False
    for value, name in units:
        d = rest // value
        rest %= value
        if d:
            if zero and out:
                out += "零"
            out += digits[d] + name
            zero = False
        elif out:
            zero = True
    if rest:
        if zero and out:
            out += "零"
        out += digits[rest]
    return out
