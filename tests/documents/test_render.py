"""Rendering: text extracted from the PDFs (pypdf) and DOCX (python-docx) holds the case's
content; layout measures of GB/T 9704-2012; fonts embedded; QR readable; SHA-256 stable."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import replace
from datetime import date

import docx
import pypdf
import pytest
from PIL import Image

from zhifa.documents.reasoning import samples
from zhifa.documents.reasoning.samples import gallery_context
from zhifa.documents.render import (
    SPECS,
    DocumentBuildError,
    build_model,
    render_document,
    render_triple_delivery,
)
from zhifa.documents.render.model import Block, DocumentModel
from zhifa.documents.render.pdf import render_pdf
from zhifa.documents.render.qr import qr_matrix

QR = "https://zhifa.example.gov.cn/v/12345?sig=0f3c9a"
A4_PT = (595.28, 841.89)


def pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(p.extract_text() for p in reader.pages)


def docx_text(data: bytes) -> str:
    d = docx.Document(io.BytesIO(data))
    out = [p.text for p in d.paragraphs]
    for t in d.tables:
        for row in t.rows:
            seen = set()
            for c in row.cells:
                if id(c._tc) not in seen:
                    seen.add(id(c._tc))
                    out.append(c.text)
    return "\n".join(out)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def rendered():
    out = {}
    for code in SPECS:
        ctx = gallery_context(code)
        out[code] = (ctx, render_document(ctx, "pdf", qr_url=QR), render_document(ctx, "docx", qr_url=QR))
    return out


@pytest.mark.parametrize("code", list(SPECS))
def test_every_type_renders_in_both_formats_with_its_content(rendered, code):
    ctx, pdf, dx = rendered[code]
    spec = SPECS[code]
    for doc, text in ((pdf, pdf_text(pdf.content)), (dx, docx_text(dx.content))):
        t = squash(text)
        assert doc.sha256 == hashlib.sha256(doc.content).hexdigest()
        assert spec.title in t
        assert ctx.party.name in t
        assert ctx.agency.seal in t
        number = build_model(ctx).number or ctx.case_number
        assert "〔" in number and number in t, (code, number)
    assert pdf.content.startswith(b"%PDF")
    assert zipfile.is_zipfile(io.BytesIO(dx.content))


def test_penalty_decision_content(rendered):
    _, pdf, dx = rendered["penalty_decision"]
    for text in (squash(pdf_text(pdf.content)), squash(docx_text(dx.content))):
        assert "南召交执罚决〔2026〕0002号" in text
        assert "张保田" in text and "411321198507151234" in text and "豫R6Z823" in text
        assert "罚款人民币3000元（大写：叁仟元整）" in text
        assert "《中华人民共和国道路运输条例》第二十四条" in text
        assert "第六十三条第（一）项" in text
        assert "60日内向南召县人民政府申请行政复议" in text
        assert "6个月内依法向南召县人民法院提起行政诉讼" in text
        assert "一、认定的事实和证据（事理）" in text
        assert "证据1：现场笔录" in text
        assert "2026年4月20日" in text  # 落款日期


def test_credit_and_risk_notices_content(rendered):
    _, pdf, dx = rendered["credit_repair_notice"]
    for text in (squash(pdf_text(pdf.content)), squash(docx_text(dx.content))):
        assert "《信用修复管理办法》（国家发展和改革委员会令第36号）" in text
        assert "南召交执罚决〔2026〕0002号" in text
        assert "最短3个月" in text and "最长1年" in text
        assert "2026年7月20日起" in text
        assert "信用中国" in text
    _, pdf, dx = rendered["risk_prevention_notice"]
    for text in (squash(pdf_text(pdf.content)), squash(docx_text(dx.content))):
        assert "道路货物运输经营者" in text
        assert "回访" in text


def test_summary_and_reminder_amounts(rendered):
    text = squash(pdf_text(rendered["summary_penalty_decision"][1].content))
    assert "罚款人民币200元（大写：贰佰元整）" in text
    assert "周海涛" in text and "警告" in text
    text = squash(pdf_text(rendered["payment_reminder"][1].content))
    assert "已逾期6日" in text and "加处罚款540元" in text  # 3000 × 3% × 6, capped at the fine


def test_case_filing_marks_one_source(rendered):
    text = squash(docx_text(rendered["case_filing"][2].content))
    assert "☑行政检查中发现" in text
    assert text.count("☑") == 1 and text.count("□") == 5


def test_pdf_page_is_a4_with_numbers_and_embedded_cjk_fonts(rendered):
    _, pdf, _ = rendered["penalty_decision"]
    reader = pypdf.PdfReader(io.BytesIO(pdf.content))
    assert len(reader.pages) >= 2
    for page in reader.pages:
        box = page.mediabox
        assert (round(float(box.width), 1), round(float(box.height), 1)) == (round(A4_PT[0], 1), round(A4_PT[1], 1))
    text = pdf_text(pdf.content)
    assert re.search(r"—\s*1\s*—", text) and re.search(r"—\s*2\s*—", text)
    fonts = set()
    for page in reader.pages:
        for f in (page["/Resources"].get("/Font") or {}).values():
            f = f.get_object()
            desc = f["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            assert any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")), f["/BaseFont"]
            fonts.add(str(f["/BaseFont"]).split("+", 1)[-1])
    assert any("CJK" in f or "UKai" in f or "Hei" in f or "Ming" in f for f in fonts), fonts


def _grid_pages(n_chars: int) -> int:
    model = DocumentModel("penalty_decision", "", "", "", "", (Block("addressee", "国" * n_chars),))
    return len(pypdf.PdfReader(io.BytesIO(render_pdf(model))).pages)


def test_text_block_holds_22_lines_of_28_characters():
    assert _grid_pages(28 * 22) == 1  # exactly fills the 版心
    assert _grid_pages(28 * 22 + 1) == 2  # one more character needs a 23rd line
    assert _grid_pages(28 * 21 + 1) == 1


def _matrix_from_image(img: Image.Image, modules: int) -> list[list[bool]]:
    img = img.convert("L")
    size = img.width
    cell = size / (modules + 2)  # one module of quiet zone on each side
    out = []
    for r in range(modules):
        row = []
        for c in range(modules):
            x = int((c + 1.5) * cell)
            y = int((r + 1.5) * cell)
            row.append(img.getpixel((x, y)) < 128)
        out.append(row)
    return out


def test_qr_code_in_pdf_and_docx_encodes_the_callers_url(rendered):
    expected = qr_matrix(QR)
    _, pdf, dx = rendered["penalty_decision"]
    images = pypdf.PdfReader(io.BytesIO(pdf.content)).pages[0].images
    assert len(images) == 1
    assert _matrix_from_image(images[0].image, len(expected)) == expected
    with zipfile.ZipFile(io.BytesIO(dx.content)) as z:
        media = [n for n in z.namelist() if n.startswith("word/media/")]
        assert len(media) == 1
        img = Image.open(io.BytesIO(z.read(media[0])))
    assert _matrix_from_image(img, len(expected)) == expected


def test_no_qr_when_no_url():
    ctx = gallery_context("credit_repair_notice")
    pdf = render_document(ctx, "pdf")
    assert not pypdf.PdfReader(io.BytesIO(pdf.content)).pages[0].images


def test_docx_page_setup_follows_gbt_9704(rendered):
    _, _, dx = rendered["penalty_decision"]
    d = docx.Document(io.BytesIO(dx.content))
    sec = d.sections[0]
    assert round(sec.page_width.mm) == 210 and round(sec.page_height.mm) == 297
    assert round(sec.top_margin.mm) == 37 and round(sec.left_margin.mm) == 28
    assert round(sec.page_width.mm - sec.left_margin.mm - sec.right_margin.mm) == 156
    assert round(sec.page_height.mm - sec.top_margin.mm - sec.bottom_margin.mm) == 225
    grid = sec._sectPr.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}docGrid")
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    # 22 lines: a line grid of 28.95 pt; 28 characters a line: the body's characters 0.25 pt narrower, not a
    # character grid (LibreOffice gives a 16 pt character two cells of a 15.79 pt grid: 14 a line)
    assert grid.get(f"{w}type") == "lines" and grid.get(f"{w}charSpace") is None
    from zhifa.documents.render.fonts import LINE_PT

    assert int(grid.get(f"{w}linePitch")) == round(LINE_PT * 20) and 22 * LINE_PT <= 225 / 25.4 * 72
    body = d.styles["ZF Body"]
    assert body.font.size.pt == 16
    spacing = int(d.styles["Normal"].element.rPr.find(f"{w}spacing").get(f"{w}val"))
    assert spacing == -5 and (16 + spacing / 20) * 28 <= 156 / 25.4 * 72 < (16 + (spacing + 1) / 20) * 28
    # forms and titles keep their own line height and character width, off the grid; form rows never split
    for name in ("ZF Table", "ZF Table Label", "ZF Title"):
        st = d.styles[name].element
        assert st.pPr.find(f"{w}snapToGrid").get(f"{w}val") == "0"
        assert st.rPr.find(f"{w}spacing").get(f"{w}val") == "0"
    form = docx.Document(io.BytesIO(rendered["case_filing"][2].content))
    rows = form.element.body.findall(f".//{w}tr")
    assert len(rows) > 10 and all(r.find(f"{w}trPr/{w}cantSplit") is not None for r in rows)
    ea = body.element.rPr.rFonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia")
    assert ea.startswith("仿宋")
    assert d.styles["ZF Title"].font.size.pt == 22
    footer_xml = sec.footer._element.xml
    assert "PAGE" in footer_xml and "—" in footer_xml


def test_rendering_is_deterministic(rendered):
    ctx, pdf, dx = rendered["penalty_decision"]
    assert render_document(ctx, "pdf", qr_url=QR).sha256 == pdf.sha256
    assert render_document(ctx, "docx", qr_url=QR).sha256 == dx.sha256
    other = render_document(ctx, "pdf", qr_url=QR + "x")
    assert other.sha256 != pdf.sha256


def test_missing_case_data_is_an_error_not_a_blank():
    ctx = samples.onsite_road_transport().with_document("inquiry_record", inquiry=None)
    with pytest.raises(DocumentBuildError) as e:
        render_document(ctx, "pdf")
    assert e.value.code == "documents.missing_field"
    with pytest.raises(DocumentBuildError):
        render_document(samples.first_offence_no_penalty().with_document("credit_repair_notice", "X〔2026〕1号"), "pdf")


def test_triple_delivery_bundle():
    ctx = samples.offsite_overload()
    numbers = {
        "penalty_decision": "南召交执罚决〔2026〕0001号",
        "credit_repair_notice": "南召交执信〔2026〕0001号",
        "risk_prevention_notice": "南召交执风〔2026〕0001号",
    }
    bundle = render_triple_delivery(ctx, numbers=numbers, qr_url=lambda t, n: f"https://v.example/{t}/{n}")
    assert [d.document_type for d in bundle.documents] == [
        "penalty_decision",
        "penalty_decision",
        "credit_repair_notice",
        "credit_repair_notice",
        "risk_prevention_notice",
        "risk_prevention_notice",
    ]
    assert len({d.sha256 for d in bundle.documents}) == 6
    credit = squash(pdf_text(bundle.by_type("credit_repair_notice").content))
    # decided 2026-03-20: the 2023 rules apply (3 months – 3 years)
    assert "国家发展改革委令第58号" in credit and "南召交执罚决〔2026〕0001号" in credit
    assert "最短3个月" in credit and "最长3年" in credit and "2026年6月20日起" in credit
    receipt = squash(docx_text(bundle.by_type("service_receipt", "docx").content))
    for title, number in zip(("行政处罚决定书", "信用修复告知书", "违法风险防控告知书"), numbers.values(), strict=True):
        assert title + number in receipt
    risk = squash(pdf_text(bundle.by_type("risk_prevention_notice").content))
    assert "超限" in risk and "装载" in risk


def test_triple_delivery_uses_the_new_credit_rules_from_2026_04_01():
    ctx = replace(samples.offsite_overload(), decision_date=date(2026, 4, 1), issue_date=date(2026, 4, 1))
    numbers = {
        t: f"南召交执{t[:2]}〔2026〕0009号"
        for t in ("penalty_decision", "credit_repair_notice", "risk_prevention_notice")
    }
    bundle = render_triple_delivery(ctx, numbers=numbers, formats=("pdf",), with_receipt=False)
    credit = squash(pdf_text(bundle.by_type("credit_repair_notice").content))
    assert "《信用修复管理办法》" in credit and "一般失信信息" in credit and "最长1年" in credit


def test_triple_delivery_needs_three_numbers():
    with pytest.raises(DocumentBuildError):
        render_triple_delivery(samples.offsite_overload(), numbers={"penalty_decision": "X〔2026〕1号"})
