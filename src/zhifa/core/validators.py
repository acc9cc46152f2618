"""Identifier validation and masking (pure: no Django).

* 统一社会信用代码 (GB 32100-2015) and 居民身份证号码 (GB 11643-1999) are checked with
  python-stdnum (``stdnum.cn.uscc``, ``stdnum.cn.ric``);
* 机动车号牌 follow GA 36-2018: ordinary plates, 挂/学/警/港/澳 suffixes, 使/领 prefixes and the
  new-energy plates (small: D/F first serial character, large: D/F sixth). The letters that mark a
  new-energy plate are a parameter (``nev_letters``) because newer plates use more letters and the
  official notice for that extension was not seen (FACTS I).

Each validator returns the normalised value or raises :class:`ValidationProblem` with a stable
code, the field name and a Chinese message naming the rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from stdnum import exceptions as stdnum_exc
from stdnum.cn import ric, uscc

from zhifa.core.errors import DomainError


class ValidationProblem(DomainError):
    pass


PROVINCE_ABBR = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
# GA 36-2018: serial characters never use I or O.
_SERIAL = "A-HJ-NP-Z0-9"
_AUTH = "A-HJ-NP-Z"
DEFAULT_NEV_LETTERS = "DF"

PLATE_COLOURS = {
    "blue": "蓝色",
    "yellow": "黄色",
    "green": "绿色",
    "yellow_green": "黄绿色",
    "white": "白色",
    "black": "黑色",
}


def _clean(value: str | None) -> str:
    return re.sub(r"\s+", "", value or "").upper()


def validate_uscc(value: str | None, field: str = "uscc") -> str:
    code = _clean(value)
    if not code:
        raise ValidationProblem("uscc.required", "统一社会信用代码不能为空", field)
    if len(code) != 18:
        raise ValidationProblem("uscc.length", f"统一社会信用代码应为18位（GB 32100-2015），当前为{len(code)}位", field)
    try:
        return uscc.validate(code)
    except stdnum_exc.InvalidChecksum:
        raise ValidationProblem("uscc.checksum", "统一社会信用代码校验码错误（GB 32100-2015 第18位校验码不符）", field)
    except stdnum_exc.ValidationError:
        raise ValidationProblem(
            "uscc.format",
            "统一社会信用代码格式错误（GB 32100-2015：不得含I、O、S、V、Z，第3-8位为行政区划码）",
            field,
        )


def validate_id_number(value: str | None, field: str = "id_number") -> str:
    number = _clean(value)
    if not number:
        raise ValidationProblem("id_number.required", "身份证号码不能为空", field)
    if not re.fullmatch(r"\d{17}[\dX]", number):
        raise ValidationProblem("id_number.format", "身份证号码应为17位数字加1位数字或X（GB 11643-1999）", field)
    try:
        return ric.validate(number)
    except stdnum_exc.InvalidChecksum:
        raise ValidationProblem("id_number.checksum", "身份证号码校验码错误（GB 11643-1999 第18位校验码不符）", field)
    except stdnum_exc.InvalidComponent:
        raise ValidationProblem("id_number.birth_date", "身份证号码中的出生日期无效（GB 11643-1999 第7-14位）", field)
    except stdnum_exc.ValidationError:
        raise ValidationProblem("id_number.format", "身份证号码格式错误（GB 11643-1999）", field)


def id_number_birth_date(number: str) -> date:
    return ric.get_birth_date(number)


def plate_pattern(nev_letters: str = DEFAULT_NEV_LETTERS) -> re.Pattern[str]:
    # digits are ASCII [0-9]: Python's \d would also accept full-width and other Unicode digits
    nev = re.escape(nev_letters)
    return re.compile(
        rf"^(?:"
        rf"(?P<ordinary>[{PROVINCE_ABBR}][{_AUTH}][{_SERIAL}]{{4}}[{_SERIAL}挂学警港澳])"
        rf"|(?P<nev_large>[{PROVINCE_ABBR}][{_AUTH}][0-9]{{5}}[{nev}])"
        rf"|(?P<nev_small>[{PROVINCE_ABBR}][{_AUTH}][{nev}][{_SERIAL}][0-9]{{4}})"
        rf"|(?P<embassy>使[0-9]{{6}})"
        rf"|(?P<consulate>[{PROVINCE_ABBR}][{_AUTH}][0-9]{{4}}领)"
        rf")$"
    )


_DEFAULT_PLATE = plate_pattern()


@dataclass(frozen=True)
class Plate:
    plate: str
    kind: str  # ordinary | trailer | nev_small | nev_large | embassy | consulate | coach | police | hk | macau

    @property
    def province(self) -> str:
        return self.plate[0]


def parse_plate(value: str | None, field: str = "plate", nev_letters: str = DEFAULT_NEV_LETTERS) -> Plate:
    plate = _clean(value).replace("·", "").replace("-", "")
    if not plate:
        raise ValidationProblem("plate.required", "车牌号码不能为空", field)
    pattern = _DEFAULT_PLATE if nev_letters == DEFAULT_NEV_LETTERS else plate_pattern(nev_letters)
    m = pattern.match(plate)
    if not m:
        if plate[0] not in PROVINCE_ABBR + "使":
            msg = "车牌号码首字应为省、自治区、直辖市简称（GA 36-2018）"
        elif len(plate) > 1 and plate[1] in "IO":
            msg = "车牌号码第2位发牌机关代号不得为字母I或O（GA 36-2018）"
        elif re.search(r"[IO]", plate[2:]):
            msg = "车牌号码序号不得使用字母I或O（GA 36-2018）"
        elif len(plate) == 8:
            msg = (
                "新能源汽车号牌格式错误：小型车第3位应为"
                + "/".join(nev_letters)
                + "，大型车第8位应为"
                + "/".join(nev_letters)
                + "（GA 36-2018）"
            )
        else:
            msg = "车牌号码格式错误：应为省份简称+发牌机关代号+5位序号，新能源号牌为6位序号（GA 36-2018）"
        raise ValidationProblem("plate.format", msg, field)
    kind = m.lastgroup or "ordinary"
    if kind == "ordinary":
        kind = {"挂": "trailer", "学": "coach", "警": "police", "港": "hk", "澳": "macau"}.get(plate[-1], "ordinary")
    return Plate(plate=plate, kind=kind)


def validate_plate(value: str | None, field: str = "plate", nev_letters: str = DEFAULT_NEV_LETTERS) -> str:
    return parse_plate(value, field, nev_letters).plate


def validate_phone(value: str | None, field: str = "phone") -> str:
    phone = re.sub(r"[\s-]", "", value or "")
    if not phone:
        return ""
    if re.fullmatch(r"1[3-9]\d{9}", phone) or re.fullmatch(r"0\d{2,3}\d{7,8}", phone):
        return phone
    raise ValidationProblem("phone.format", "电话号码格式错误：应为11位手机号或带区号的固定电话", field)


def mask_id_number(number: str | None) -> str:
    """410***********123X: keep the first 3 and the last 4 characters."""
    if not number:
        return ""
    if len(number) <= 7:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


def mask_phone(phone: str | None) -> str:
    if not phone:
        return ""
    if len(phone) <= 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def mask_name(name: str | None) -> str:
    """张** for public pages: keep the surname only."""
    if not name:
        return ""
    return name[0] + "*" * (len(name) - 1) if len(name) > 1 else name
