"""Helpers for the documents shell tests: decided cases walked through the cases services on a fixed
clock, document settings for both units, and text extraction from the issued files."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import docx
import pypdf
from django.conf import settings

from tests.cases.conftest import OVERLOAD_FACTS, act, new_case, to_decided, to_notified, to_served
from tests.documents.fake_render import fake_render_items
from zhifa.documents.models import Document, DocumentProfile

PROFILE = {
    "region_name": "河南省南阳市南召县",
    "review_body": "南召县人民政府",
    "court": "南召县人民法院",
    "bank_name": "中国农业银行南召县支行",
    "bank_account": "16-0000000000000001",
    "epay_hint": "河南省非税收入电子缴款系统",
}


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


def flat(text: str) -> str:
    """Extracted text without the line breaks and spaces the layout inserts."""
    return "".join(text.split())


def stored(doc: Document, fmt: str) -> bytes:
    return (Path(settings.MEDIA_ROOT) / doc.path_for(fmt)).read_bytes()


@dataclass
class DocWorld:
    team: object
    clock: object

    @property
    def world(self):
        return self.team.world

    def decided(self, **kw):
        """A general-procedure overload case decided on 2026-03-05: 58 t on 6 axles, 4,500 yuan."""
        return to_decided(self.team, self.clock, new_case(self.team, **kw))

    def served(self, **kw):
        return to_served(self.team, self.clock, new_case(self.team, **kw))

    def notified(self, **kw):
        return to_notified(self.team, self.clock, new_case(self.team, **kw))

    def ly_decided(self):
        """A decided case of the Shandong unit (another jurisdiction)."""
        from tests.cases.conftest import Team
        from tests.factories import EnterpriseFactory, OfficerFactory, VehicleFactory

        w = self.world
        ly = Team(
            world=w,
            officer=w.ly_officer,
            officer2=OfficerFactory(agency=w.linyi, user__username="ly2"),
            head=self.team.ly_head,
            reviewer=OfficerFactory(agency=w.linyi, user__username="lyrev", roles=["officer", "legal_reviewer"]),
            expired=None,
            ly_head=self.team.ly_head,
        )
        case = new_case(
            ly,
            enterprise=EnterpriseFactory(agency=w.linyi, name="临沂测试物流有限公司"),
            vehicle=VehicleFactory(agency=w.linyi, plate="鲁Q12345"),
            violation_place="G205国道临沂段K10",
            summary="鲁Q12345号车辆车货总质量58吨，超过限定标准",
        )
        return to_decided(ly, self.clock, case)

    def act(self, case, action, who, **params):
        return act(case, action, who, **params)


def doc_world_for(team, clock) -> DocWorld:
    w = team.world
    DocumentProfile.objects.create(agency=w.nanzhao, **PROFILE)
    DocumentProfile.objects.create(
        agency=w.linyi,
        region_name="山东省临沂市",
        review_body="临沂市人民政府",
        court="临沂市兰山区人民法院",
        bank_name="中国建设银行临沂分行",
        epay_hint="山东省非税收入电子缴款系统",
    )
    w.nanzhao.address = "河南省南阳市南召县城关镇人民路1号"
    w.nanzhao.phone = "0377-66220000"
    w.nanzhao.save(update_fields=["address", "phone"])
    return DocWorld(team, clock)


__all__ = [
    "OVERLOAD_FACTS",
    "DocWorld",
    "doc_world_for",
    "docx_text",
    "fake_render_items",
    "flat",
    "pdf_text",
    "stored",
]
