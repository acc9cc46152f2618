"""Draft verifier: accept a (LLM-written) reasoning draft only if it invents nothing (pure).

``verify_draft(draft, ctx, citable)`` checks, against the case and its decision:

* every amount, date, weight, plate, person or organisation name and document number in the
  draft is one the case knows;
* every cited article exists in the citable provisions of the catalog version in force for the
  case (:class:`~.citations.CitableProvisions`, an input), belongs to a law in force for the
  case (not repealed, not another version) and is one the case relies on;
* no forbidden phrase (执法忌语) appears;
* no fact absent from the case is introduced: stray numbers, places, event words (事故、多次 …)
  and quotations that are not provision texts of the case.

The case's "known" values are the context itself plus the composer's own text for it (which is
built from the context only), so what the composer may say a draft may say too.

Result: ``VerificationResult(accepted, problems)``; each problem has a stable ``code``:

=====================  ======================================================================
code                   meaning
=====================  ======================================================================
empty_draft            the draft is empty
amount_mismatch        an amount is not the decided one (or, for a statutory range, not in the
                       provisions of the case)
amount_missing         a decision with a fine whose draft never states the fine
date_mismatch          a date the case does not know
weight_mismatch        a weight the case does not know
plate_mismatch         a plate other than the case's vehicle
name_mismatch          a person or organisation the case does not know
number_mismatch        a document / case number other than the case's
unknown_article        an article not in the citable provisions (or of a law not in the catalog)
repealed_law           a law not in force for the case (repealed or not yet in force)
wrong_version          a version of a law or of the discretion benchmark other than the one in
                       force for the case
article_not_in_case    an existing article that the case does not rely on
forbidden_phrase       a phrase from the phrasebook's forbidden list
invented_fact          a number, place, event or quotation absent from the case
=====================  ======================================================================
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .citations import CitableProvisions, norm_law_title, parse_citations
from .composer import Reasoning, compose
from .context import DocumentContext, iter_strings, normalise_doc_number
from .credit import credit_for_context
from .numbers import CN_NUMERAL_RE, parse_cn_int, parse_int
from .phrasebook import Phrasebook, load_phrasebook

PROBLEM_CODES = (
    "empty_draft",
    "amount_mismatch",
    "amount_missing",
    "date_mismatch",
    "weight_mismatch",
    "plate_mismatch",
    "name_mismatch",
    "number_mismatch",
    "unknown_article",
    "repealed_law",
    "wrong_version",
    "article_not_in_case",
    "forbidden_phrase",
    "invented_fact",
)


@dataclass(frozen=True)
class Problem:
    code: str
    detail: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "detail": self.detail}


@dataclass(frozen=True)
class VerificationResult:
    accepted: bool
    problems: tuple[Problem, ...] = ()

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p.code for p in self.problems))

    def as_dict(self) -> dict[str, Any]:
        return {"accepted": self.accepted, "problems": [p.as_dict() for p in self.problems]}


# ---- patterns ------------------------------------------------------------------------------
_CN = CN_NUMERAL_RE
_NUM = r"\d[\d,，]*(?:\.\d+)?"
DOCNO_RE = re.compile(r"[\u4e00-\u9fa5]{1,16}\s*[\[【（(〔]\s*\d{4}\s*[\]】）)〕]\s*第?\s*\d+\s*号")
DATE_RES = (
    re.compile(r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"),
    re.compile(r"(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?!\d)"),
    re.compile(rf"(?P<y>[〇○零一二三四五六七八九]{{4}})\s*年\s*(?P<m>{_CN})\s*月\s*(?P<d>{_CN})\s*日"),
)
MONTH_DAY_RE = re.compile(rf"(?<![\d年])(?P<m>\d{{1,2}}|{_CN})\s*月\s*(?P<d>\d{{1,2}}|{_CN})\s*[日号]")
AMOUNT_RE = re.compile(rf"(?P<num>{_NUM}|{_CN})\s*(?P<wan>万)?\s*元(?P<zheng>整)?")
WEIGHT_RE = re.compile(rf"(?P<num>{_NUM}|{_CN})\s*(?P<unit>千克|公斤|吨|kg|KG|Kg|t|T)(?![a-zA-Z])")
PERCENT_RE = re.compile(r"(?P<num>\d+(?:\.\d+)?)\s*[%％]")
PLATE_RE = re.compile(
    r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼使领][A-Z]\s*[·•]?\s*[A-Z0-9]{4,6}[挂学警港澳]?"
)
PERSON_LABEL_RE = re.compile(
    r"(?:当事人|驾驶员|驾驶人|法定代表人|负责人|执法人员|车主|证人|委托代理人|代理人|被询问人|询问人|记录人|乘客)"
    r"[：:\s]*(?P<name>[\u4e00-\u9fa5]{2,4})"
)
ORG_RE = re.compile(
    r"[\u4e00-\u9fa5（）]{0,30}?(?:有限责任公司|股份有限公司|有限公司|集团公司|分公司|公司|经营部|合作社|车队"
    r"|人民政府|人民法院|交通运输局|执法大队|执法支队|执法局|公安局|交警大队|司法局)"
)
PLACE_RE = re.compile(
    r"(?P<p>[\u4e00-\u9fa5]{1,12}?)(?P<s>省|市|县|区|镇|乡|村|收费站|服务区|检测站|超限站|治超站|检查站)"
    r"(?![级域场民内外政委间长属辖])"
)
ROAD_RE = re.compile(r"(?<![A-Za-z0-9])[GSXY]\d{1,4}(?:线)?|K\d+\s*\+\s*\d+")
QUOTE_RE = re.compile(r"“([^”]{6,})”")
STRAY_NUM_RE = re.compile(r"\d+(?:\.\d+)?")
QTY_RE = re.compile(
    rf"(?P<num>\d+(?:\.\d+)?|{_CN})\s*(?P<unit>个月|小时|分钟|公里|千米|平方米|次|辆|名|人|天|日|年|米|份|项|起|台|件|趟|单|轴|倍)"
)
_UNIT_ALIAS = {"天": "日", "千米": "公里"}
CATALOG_VERSION_RE = re.compile(
    r"(?:裁量基准|基准)(?:》)?[^。；\n]{0,12}?(?:版本\s*[:：]?\s*(?P<a>[A-Za-z0-9][\w.\-+]*)"
    r"|[（(]\s*(?P<b>[A-Za-z0-9][\w.\-+]*?)\s*年?版?\s*[)）])"
)

# Common single-character surnames (a person's name found after a label must start with one).
_SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔"
    "向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童"
    "凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项"
    "连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲"
    "虞敖巩明佘池查麻苑迟邝"
)
_NAME_STOP = set("你您本该其所对在已的未系于为及和与是将应依经因通按并向以从被由把均等各此这那上下不所现予")
_PLACE_STOP = set("本该全各此其外内上下的在于向到从自至经由对与和及或是为了你您我他她它们这那每某同原")
_NEGATIONS = ("未", "没有", "无", "不存在", "并未", "不属于", "不构成", "非", "未发现", "未造成")


def _to_yuan(num: str, wan: bool) -> int | None:
    raw = num.replace(",", "").replace("，", "")
    try:
        value = float(raw) if re.fullmatch(r"\d+(?:\.\d+)?", raw) else parse_cn_int(raw)
    except ValueError:
        value = None
    if value is None:
        return None
    if wan:
        value *= 10_000
    return round(value)


def _to_kg(num: str, unit: str) -> float | None:
    raw = num.replace(",", "").replace("，", "")
    value: float | None
    value = float(raw) if re.fullmatch(r"\d+(?:\.\d+)?", raw) else parse_cn_int(raw)
    if value is None:
        return None
    if unit in ("吨", "t", "T"):
        value *= 1000
    return round(float(value), 3)


def _date_of(m: re.Match[str]) -> date | None:
    y = parse_int(m.group("y"))
    mo = parse_int(m.group("m"))
    d = parse_int(m.group("d"))
    try:
        return date(y, mo, d) if y and mo and d else None
    except ValueError:
        return None


@dataclass
class _Known:
    """Everything the case knows, gathered once per verification."""

    corpus: str
    case_amounts: set[int] = field(default_factory=set)
    decided_amounts: set[int] = field(default_factory=set)
    statutory_amounts: set[int] = field(default_factory=set)
    dates: set[date] = field(default_factory=set)
    weights: set[float] = field(default_factory=set)
    plates: set[str] = field(default_factory=set)
    people: tuple[str, ...] = ()
    orgs: tuple[str, ...] = ()
    doc_numbers: set[str] = field(default_factory=set)
    numbers: set[float] = field(default_factory=set)
    quantities: set[tuple[float, str]] = field(default_factory=set)
    quotes: tuple[str, ...] = ()
    case_articles: set[tuple[str, int]] = field(default_factory=set)


def _qty(m: re.Match[str]) -> tuple[float, str] | None:
    raw = m.group("num")
    value = float(raw) if raw[0].isdigit() else parse_cn_int(raw)
    if value is None:
        return None
    unit = _UNIT_ALIAS.get(m.group("unit"), m.group("unit"))
    return float(value), unit


def _numbers_in(text: str) -> set[float]:
    out = {float(x) for x in STRAY_NUM_RE.findall(text.replace(",", ""))}
    for m in QTY_RE.finditer(text):
        q = _qty(m)
        if q is not None:
            out.add(q[0])
    return out


def _quantities_in(text: str) -> set[tuple[float, str]]:
    return {q for q in (_qty(m) for m in QTY_RE.finditer(text)) if q is not None}


def _squash(text: str) -> str:
    return re.sub(r"[\s，,。.；;：:、“”\"']", "", text)


def _gather(ctx: DocumentContext, reference: Reasoning, canonical: Any = lambda law: law) -> _Known:
    strings = list(iter_strings(ctx))
    ref_text = reference.formal_text + "\n" + reference.plain_summary
    corpus = "\n".join([*strings, ref_text])
    k = _Known(corpus=corpus)
    d = ctx.decision
    if d:
        for v in (d.fine_yuan, d.illegal_income_yuan, d.fine_range.proposed):
            if v is not None:
                k.case_amounts.add(int(v))
        for v in (d.fine_range.min, d.fine_range.max):
            if v is not None:
                k.statutory_amounts.add(int(v))
    for v in (ctx.payment.paid_yuan, ctx.payment.late_fee_yuan):
        if v is not None:
            k.case_amounts.add(int(v))
    k.decided_amounts = set(k.case_amounts)
    for key, v in ctx.facts.items():
        if key.endswith("_yuan") and isinstance(v, int | float):
            k.case_amounts.add(round(v))
        if key.endswith("_kg") and isinstance(v, int | float):
            k.weights.add(round(float(v), 3))
    if d:
        for step in d.trace:
            for key, v in step.facts_used.items():
                if key.endswith("_yuan") and isinstance(v, int | float):
                    k.case_amounts.add(round(v))
                if key.endswith("_kg") and isinstance(v, int | float):
                    k.weights.add(round(float(v), 3))
    # Amounts and weights written anywhere in the case text (statements, provisions, facts …):
    # amounts stated as ranges count as statutory, the rest as case amounts.
    for text in [*strings, ref_text]:
        for m in AMOUNT_RE.finditer(text):
            y = _to_yuan(m.group("num"), bool(m.group("wan")))
            if y is None:
                continue
            (k.statutory_amounts if _is_range(text, m) else k.case_amounts).add(y)
        for m in WEIGHT_RE.finditer(text):
            w = _to_kg(m.group("num"), m.group("unit"))
            if w is not None:
                k.weights.add(w)
    k.statutory_amounts |= k.case_amounts
    k.dates = set(ctx.dates())
    credit = reference.credit or credit_for_context(ctx)
    if credit:
        k.dates.add(credit.start)
        if credit.earliest_repair:
            k.dates.add(credit.earliest_repair)
        if credit.publicity_ends:
            k.dates.add(credit.publicity_ends)
    for text in [*strings, ref_text]:
        for rx in DATE_RES:
            for m in rx.finditer(text):
                dt = _date_of(m)
                if dt:
                    k.dates.add(dt)
    k.plates = set(ctx.plates())
    for text in strings:
        k.plates.update(p.replace("·", "").replace(" ", "") for p in PLATE_RE.findall(text))
    k.people = ctx.people_names()
    k.orgs = ctx.organisation_names()
    k.doc_numbers = set(ctx.document_numbers())
    for text in strings:
        k.doc_numbers.update(normalise_doc_number(re.sub(r"\s+", "", m)) for m in DOCNO_RE.findall(text))
    k.numbers = _numbers_in(corpus) | {0.0, 1.0}
    k.quantities = _quantities_in(corpus)
    for v in _iter_numbers(ctx):
        k.numbers.add(float(v))
    k.quotes = (*tuple(_squash(p.text) for p in ctx.all_provisions() if p.text), _squash(corpus))
    for p in ctx.all_provisions():
        for c in parse_citations(p.label):
            k.case_articles.add((canonical(c.law), c.article))
    # references inside the case's own provision texts (本法第四十四条 …) are the case's too
    for p in ctx.all_provisions():
        law = norm_law_title(p.law_title)
        for c in parse_citations(p.text):
            k.case_articles.add((canonical(c.law or law), c.article))
    # citations written in the case's own text (catalog trace sentences cite their provisions)
    for text in strings:
        for c in parse_citations(text):
            if c.law:
                k.case_articles.add((canonical(c.law), c.article))
    return k


def _iter_numbers(value: Any) -> Iterable[int | float]:
    import dataclasses as _dc

    if isinstance(value, bool):
        return
    if isinstance(value, int | float):
        yield value
    elif _dc.is_dataclass(value) and not isinstance(value, type):
        for f in _dc.fields(value):
            yield from _iter_numbers(getattr(value, f.name))
    elif isinstance(value, dict):
        for v in value.values():
            yield from _iter_numbers(v)
    elif isinstance(value, tuple | list):
        for v in value:
            yield from _iter_numbers(v)


def _is_range(text: str, m: re.Match[str]) -> bool:
    after = text[m.end() : m.end() + 3]
    before = text[max(0, m.start() - 3) : m.start()]
    return bool(re.match(r"\s*(以下|以上|以内|至|到|－|-|~|～)", after)) or bool(
        re.search(r"(每|至|到|超过|不足|按)\s*$", before)
    )


_DECISIVE_BEFORE = re.compile(r"(罚款|处以|处|缴纳|罚款人民币|罚款金额为|罚款数额为)(人民币)?\s*$")


def _is_decisive(text: str, m: re.Match[str]) -> bool:
    """An amount stated as the sanction (罚款3000元, 处以罚款人民币3000元), not a unit rate."""
    before = text[max(0, m.start() - 14) : m.start()]
    return bool(_DECISIVE_BEFORE.search(before)) and "每" not in before


class _Masker:
    """Tracks which characters of the draft were already explained by a check."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.taken = [False] * len(text)

    def free(self, start: int, end: int) -> bool:
        return not any(self.taken[start:end])

    def take(self, start: int, end: int) -> None:
        for i in range(start, min(end, len(self.taken))):
            self.taken[i] = True

    def remaining(self) -> str:
        return "".join(" " if t else ch for ch, t in zip(self.text, self.taken, strict=True))


def verify_draft(
    draft: str,
    ctx: DocumentContext,
    citable: CitableProvisions | None = None,
    *,
    phrasebook: Phrasebook | None = None,
    reference: Reasoning | None = None,
) -> VerificationResult:
    """Check ``draft`` against the case. ``citable`` defaults to the case's own provisions."""
    book = phrasebook or load_phrasebook()
    own = CitableProvisions.from_context(ctx)
    # the case's own provisions (incl. the procedural ones: remedies, payment, rights) are citable
    citable = citable.extended(own.entries) if citable else own
    problems: list[Problem] = []

    def add(code: str, detail: str) -> None:
        p = Problem(code, detail)
        if p not in problems:
            problems.append(p)

    text = (draft or "").strip()
    if not text:
        return VerificationResult(False, (Problem("empty_draft", "草稿为空"),))
    reference = reference or compose(ctx, book)
    known = _gather(ctx, reference, citable.canonical)
    mask = _Masker(text)

    # 1. forbidden phrases
    for bad in book.find_forbidden(text):
        add("forbidden_phrase", f"含有执法忌语“{bad.phrase}”（{bad.reason}）")

    # 2. quotations must be provision texts (or other text) of the case
    for m in QUOTE_RE.finditer(text):
        body = _squash(m.group(1))
        if any(body in q for q in known.quotes):
            mask.take(m.start(), m.end())
        elif _looks_like_statute(m.group(1)):
            add("invented_fact", f"引用的条文内容“{m.group(1)[:30]}…”与本案适用的条文不一致")
            mask.take(m.start(), m.end())

    # 3. document numbers
    for m in DOCNO_RE.finditer(text):
        if not mask.free(m.start(), m.end()):
            continue
        number = normalise_doc_number(re.sub(r"\s+", "", m.group(0)))
        if not any(number.endswith(k) or k.endswith(number) for k in known.doc_numbers):
            add("number_mismatch", f"文号“{m.group(0)}”不是本案的案号或文书编号")
        mask.take(m.start(), m.end())

    # 4. citations
    _check_citations(text, ctx, citable, known, mask, add)
    _check_catalog_version(text, ctx, mask, add)

    # 5. dates
    for rx in DATE_RES:
        for m in rx.finditer(text):
            if not mask.free(m.start(), m.end()):
                continue
            dt = _date_of(m)
            if dt is None or dt not in known.dates:
                add("date_mismatch", f"日期“{m.group(0)}”与案件记载不一致")
            mask.take(m.start(), m.end())
    known_md = {(d.month, d.day) for d in known.dates}
    for m in MONTH_DAY_RE.finditer(text):
        if not mask.free(m.start(), m.end()):
            continue
        mo, dd = parse_int(m.group("m")), parse_int(m.group("d"))
        if (mo, dd) not in known_md:
            add("date_mismatch", f"日期“{m.group(0)}”与案件记载不一致")
        mask.take(m.start(), m.end())

    # 6. plates
    for m in PLATE_RE.finditer(text):
        if not mask.free(m.start(), m.end()):
            continue
        plate = m.group(0).replace("·", "").replace("•", "").replace(" ", "")
        if plate not in known.plates:
            add("plate_mismatch", f"车牌“{plate}”不是本案车辆")
        mask.take(m.start(), m.end())

    # 7. amounts
    fine = ctx.decision.fine_yuan if ctx.decision and ctx.decision.has_fine else None
    fine_stated = False
    for m in AMOUNT_RE.finditer(text):
        if not mask.free(m.start(), m.end()):
            continue
        value = _to_yuan(m.group("num"), bool(m.group("wan")))
        if value is None:
            continue
        if _is_range(text, m):
            if value not in known.statutory_amounts:
                add("amount_mismatch", f"金额“{m.group(0)}”不是本案适用条文或裁量基准中的数额")
        elif _is_decisive(text, m):
            if value not in known.decided_amounts:
                add("amount_mismatch", f"处罚金额“{m.group(0)}”与本案决定的数额不一致")
        elif value not in known.case_amounts:
            add("amount_mismatch", f"金额“{m.group(0)}”与本案记载的数额不一致")
        if fine is not None and value == fine:
            fine_stated = True
        mask.take(m.start(), m.end())
    if (
        fine is not None
        and not fine_stated
        and ctx.document_type in ("penalty_decision", "summary_penalty_decision", "penalty_notice")
    ):
        add("amount_missing", f"草稿没有写明本案的罚款数额{fine}元")

    # 8. weights
    for m in WEIGHT_RE.finditer(text):
        if not mask.free(m.start(), m.end()):
            continue
        kg = _to_kg(m.group("num"), m.group("unit"))
        if kg is not None and kg not in known.weights:
            add("weight_mismatch", f"重量“{m.group(0)}”与案件记载不一致")
        mask.take(m.start(), m.end())

    # 9. names
    for m in PERSON_LABEL_RE.finditer(text):
        name = m.group("name")
        if name[0] in _NAME_STOP or name[0] not in _SURNAMES or _inside_title(text, m.start("name")):
            continue
        if any(name.startswith(k) for k in known.people) or any(name.startswith(o[:4]) for o in known.orgs):
            continue
        head = name[:2]
        if head in known.corpus and not any(k.startswith(head) for k in known.people):
            continue  # an ordinary word of the case text (陈述、安全 …), not a name
        add("name_mismatch", f"“{m.group(0)}”中的姓名不是本案当事人或执法人员")
    for m in ORG_RE.finditer(text):
        found = m.group(0)
        if _inside_title(text, m.start()) or text[m.end() : m.end() + 1] == "法":
            continue
        if any(found.endswith(o) for o in known.orgs):
            continue
        if _generic_org(found):
            continue
        add("name_mismatch", f"单位“{found}”不是本案涉及的单位")

    # 10. places and roads
    for m in ROAD_RE.finditer(text):
        token = re.sub(r"\s+", "", m.group(0)).rstrip("线")
        if token not in re.sub(r"\s+", "", known.corpus):
            add("invented_fact", f"路段或桩号“{m.group(0)}”在案件中没有记载")
        mask.take(m.start(), m.end())
    for m in PLACE_RE.finditer(text):
        p, s = m.group("p"), m.group("s")
        if len(p) < 2 or any(ch in _PLACE_STOP for ch in p[-2:]):
            continue
        if not any(p[-k:] + s in known.corpus for k in range(2, len(p) + 1)):
            add("invented_fact", f"地点“{p[-6:]}{s}”在案件中没有记载")

    # 11. event words
    for term in book.fact_terms:
        for m in re.finditer(re.escape(term), text):
            if term in known.corpus:
                break
            before = text[max(0, m.start() - 5) : m.start()]
            if any(n in before for n in _NEGATIONS):
                continue
            add("invented_fact", f"“{term}”在案件中没有记载")
            break

    # 12. quantities (number + unit: 5次, 六十日, 3辆) must appear with the same unit in the case;
    #     percentages and any other number left must appear in the case at all
    for m in QTY_RE.finditer(mask.remaining()):
        q = _qty(m)
        if q is None:
            continue
        value, unit = q
        if unit == "年" and value >= 1900:  # a year, not a duration
            ok = value in known.numbers
        else:
            ok = value == 1.0 or q in known.quantities
        if not ok:
            add("invented_fact", f"“{m.group(0)}”在案件中没有记载")
        mask.take(m.start(), m.end())
    rest = mask.remaining()
    for m in PERCENT_RE.finditer(rest):
        if float(m.group("num")) not in known.numbers:
            add("invented_fact", f"比例“{m.group(0)}”在案件中没有记载")
    for m in STRAY_NUM_RE.finditer(PERCENT_RE.sub(" ", rest)):
        if float(m.group(0)) not in known.numbers:
            add("invented_fact", f"数字“{m.group(0)}”在案件中没有记载")

    return VerificationResult(not problems, tuple(problems))


def _inside_title(text: str, pos: int) -> bool:
    """True when ``pos`` lies between 《 and 》 (a law or rule title)."""
    opened = text.rfind("《", 0, pos)
    return opened != -1 and text.rfind("》", 0, pos) < opened


def _looks_like_statute(quote: str) -> bool:
    return bool(re.search(r"(的，|罚款|处以|责令|不得|应当)", quote))


def _generic_org(found: str) -> bool:
    for suffix in (
        "有限责任公司",
        "股份有限公司",
        "有限公司",
        "集团公司",
        "分公司",
        "公司",
        "经营部",
        "合作社",
        "车队",
        "人民政府",
        "人民法院",
        "交通运输局",
        "执法大队",
        "执法支队",
        "执法局",
        "公安局",
        "交警大队",
        "司法局",
    ):
        if found.endswith(suffix):
            head = found[: -len(suffix)]
            break
    else:  # pragma: no cover - ORG_RE guarantees a suffix
        return True
    if not head:
        return True
    if re.search(r"(该|本|你|您|贵|其|上述|涉案|所属)(运输|物流|平台|网约车|货运|客运|出租汽车)?$", head):
        return True
    if head.endswith(("网约车平台", "平台")):
        return True
    if suffix in (
        "人民政府",
        "人民法院",
        "交通运输局",
        "公安局",
        "司法局",
        "执法大队",
        "执法支队",
        "执法局",
        "交警大队",
    ):
        # only a named place makes a government body specific (申请人民法院强制执行 is generic)
        return not re.search(r"[省市县区州盟旗]", head[-8:])
    return len(head) < 2


def _check_citations(
    text: str,
    ctx: DocumentContext,
    citable: CitableProvisions,
    known: _Known,
    mask: _Masker,
    add: Any,
) -> None:
    dates = [d for d in (ctx.law_date, ctx.decision_date) if d]
    case_laws = {law for law, _ in known.case_articles}
    for c in parse_citations(text):
        if not mask.free(c.start, c.end):
            continue
        mask.take(c.start, c.end)
        law = citable.canonical(c.law)
        if not c.law:
            if not any(a == c.article for _, a in known.case_articles):
                add("unknown_article", f"“{c.text}”没有指明法律，且不是本案适用的条款")
            continue
        records = citable.laws_named(c.law)
        if records:
            in_force = [r for r in records if any(r.in_force(d) for d in dates)] if dates else records
            if not in_force:
                add("repealed_law", f"{c.law_display}在本案适用日期已失效或尚未施行")
                continue
            if c.version_hint and not any(r.version.startswith(c.version_hint) for r in in_force):
                add("wrong_version", f"{c.law_display}（{c.version_hint}年版本）不是本案适用的版本")
                continue
        if not citable.knows_law(c.law):
            add("unknown_article", f"{c.label}：该法律不在本案适用的权责清单版本中")
            continue
        entries = citable.entries_for(c.law)
        matching = [e for e in entries if e.matches(c, law)]
        if not matching:
            add("unknown_article", f"{c.label}在本案适用的权责清单版本中不存在")
            continue
        if records:
            versions = {r.version for r in records if any(r.in_force(d) for d in dates)} if dates else set()
            if versions and all(e.version and e.version not in versions for e in matching):
                add("wrong_version", f"{c.label}只存在于{c.law_display}的其他版本中")
                continue
        if dates and all(
            (e.effective_from or e.effective_to) and not any(e.in_force(d) for d in dates) for e in matching
        ):
            add("wrong_version", f"{c.label}在本案适用日期不在施行期内")
            continue
        if (law, c.article) not in known.case_articles:
            where = "本案适用的法律" if law in case_laws else "本案"
            add("article_not_in_case", f"{c.label}不是{where}所依据的条款")


def _check_catalog_version(text: str, ctx: DocumentContext, mask: _Masker, add: Any) -> None:
    version = ctx.decision.catalog_version if ctx.decision else ""
    for m in CATALOG_VERSION_RE.finditer(text):
        found = m.group("a") or m.group("b")
        if not found:
            continue
        if found != version:
            add("wrong_version", f"裁量基准版本“{found}”不是本案适用的版本（{version or '未记载'}）")
        mask.take(m.start(), m.end())
