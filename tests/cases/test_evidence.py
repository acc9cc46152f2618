"""Evidence: content-addressed store, sniffed types, size limit, custody, tamper flag, frozen after decision."""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.cases.conftest import SH, act, new_case, to_decided, to_investigating
from zhifa.cases.models import Evidence
from zhifa.cases.services import evidence_open, evidence_upload, evidence_verify, evidence_verify_all
from zhifa.cases.services.evidence import sniff, stored_file
from zhifa.core.errors import DomainError, NotFound
from zhifa.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def png_bytes(colour=(200, 30, 30)) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (640, 480), colour).save(buf, "PNG")
    return buf.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"
    return settings.MEDIA_ROOT


def upload(team, case, content: bytes | None = None, name="现场照片.png", who=None, **kw) -> Evidence:
    params = {
        "actor": (who or team.officer).user,
        "case": case,
        "file": SimpleUploadedFile(name, png_bytes() if content is None else content),
        "kind": "audiovisual",
        "title": "车辆侧面照片",
        "collected_at": datetime(2026, 3, 2, 8, 30, tzinfo=SH),
        "collected_place": "G207国道南召段K1203治超站",
    }
    params.update(kw)
    return evidence_upload(**params)


def test_stored_by_sha256_outside_the_web_root_with_custody(team, clock, media):
    case = to_investigating(team, clock)
    content = png_bytes()
    ev = upload(team, case, content)
    sha = hashlib.sha256(content).hexdigest()
    assert (ev.sha256, ev.size, ev.content_type, ev.seq) == (sha, len(content), "image/png", 1)
    path = media / "evidence" / sha[:2] / sha
    assert path.read_bytes() == content
    assert stored_file(sha) == path
    assert list(ev.custody.values_list("event", flat=True)) == ["collected", "uploaded"]
    assert ev.collected_by_id == team.officer.pk
    assert AuditEvent.objects.filter(event_code="evidence.uploaded", object_id=str(ev.pk)).get().after["sha256"] == sha
    # the same content again is stored once and numbered as the next piece of evidence
    again = upload(team, case, content, title="同一照片另一份")
    assert again.seq == 2 and again.sha256 == sha
    assert len(list((media / "evidence").rglob("*"))) == 3  # the tmp dir, the prefix dir, one file


@pytest.mark.parametrize(
    ("content", "name", "code"),
    [
        (b"MZ\x90\x00executable", "照片.png", "evidence.type_not_allowed"),
        (b"<html><script>alert(1)</script></html>", "说明.html", "evidence.type_not_allowed"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "图.svg", "evidence.type_not_allowed"),
        (PDF, "照片.jpg", "evidence.type_mismatch"),
        (b"", "空.png", "evidence.empty"),
    ],
)
def test_bad_types_are_refused(team, clock, media, content, name, code):
    case = to_investigating(team, clock)
    with pytest.raises(DomainError) as e:
        upload(team, case, content, name=name)
    assert (e.value.code, e.value.field) == (code, "file")
    assert not Evidence.objects.exists()
    assert not [p for p in (media / "evidence").rglob("*") if p.is_file()]


def test_oversized_upload_is_refused(team, clock, settings, media):
    settings.ZHIFA_MAX_UPLOAD_MB = 1
    case = to_investigating(team, clock)
    big = PDF + b"0" * (1024 * 1024)
    with pytest.raises(DomainError) as e:
        upload(team, case, big, name="笔录.pdf")
    assert e.value.code == "evidence.too_large"
    assert "1MB" in e.value.message
    assert not Evidence.objects.exists()
    assert upload(team, case, PDF, name="笔录.pdf").content_type == "application/pdf"


def test_sniffing_office_and_video_containers(tmp_path):
    docx = tmp_path / "a.docx"
    with zipfile.ZipFile(docx, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w/>")
    assert sniff(docx).endswith("wordprocessingml.document")
    mp4 = tmp_path / "a.mp4"
    mp4.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 16)
    assert sniff(mp4) == "video/mp4"
    plain_zip = tmp_path / "a.zip"
    with zipfile.ZipFile(plain_zip, "w") as z:
        z.writestr("x.exe", "MZ")
    assert sniff(plain_zip) is None


def test_only_assigned_officers_with_valid_licence_upload(team, clock):
    case = to_investigating(team, clock)
    with pytest.raises(DomainError) as e:
        upload(team, case, who=team.reviewer)
    assert e.value.code == "case.not_assigned"
    with pytest.raises(DomainError) as e:
        upload(team, case, who=team.expired)
    assert e.value.code == "officer.licence_expired"
    with pytest.raises(NotFound):
        upload(team, case, who=team.world.ly_officer)


def test_frozen_after_the_decision(team, clock):
    case = to_decided(team, clock)
    with pytest.raises(DomainError) as e:
        upload(team, case)
    assert e.value.code == "evidence.frozen"


def test_tampered_file_is_flagged_and_not_served(team, clock, media):
    case = to_investigating(team, clock)
    ev = upload(team, case)
    opened = evidence_open(actor=team.officer2.user, evidence=ev)
    assert opened.path.read_bytes()[:4] == b"\x89PNG"
    assert opened.download_name.endswith("-证据1.png")
    assert AuditEvent.objects.filter(event_code="evidence.downloaded").count() == 1
    assert evidence_verify(actor=team.officer.user, evidence=ev) is True

    path = stored_file(ev.sha256)
    path.chmod(0o640)
    path.write_bytes(png_bytes((0, 0, 255)))  # someone swaps the photo on disk
    with pytest.raises(DomainError) as e:
        evidence_open(actor=team.officer.user, evidence=ev)
    assert e.value.code == "evidence.integrity_failed"
    ev.refresh_from_db()
    assert ev.integrity_ok is False and ev.tampered
    assert AuditEvent.objects.filter(event_code="evidence.integrity_failed").exists()
    assert ev.custody.filter(event="integrity_failed").exists()
    assert [x.pk for x in evidence_verify_all()] == [ev.pk]


def test_missing_file_is_flagged(team, clock):
    case = to_investigating(team, clock)
    ev = upload(team, case)
    stored_file(ev.sha256).unlink()
    assert evidence_verify(actor=team.officer.user, evidence=ev) is False


def test_reading_outside_the_jurisdiction_is_not_found(team, clock):
    case = to_investigating(team, clock)
    ev = upload(team, case)
    with pytest.raises(NotFound):
        evidence_open(actor=team.world.ly_officer.user, evidence=ev)
    # the supervising 司法局 reads it
    assert evidence_open(actor=team.world.nz_supervisor.user, evidence=ev).evidence.pk == ev.pk


def test_upload_refused_for_wrong_kind_and_missing_place(team, clock):
    case = new_case(team)
    with pytest.raises(DomainError) as e:
        upload(team, case, kind="rumour")
    assert e.value.code == "evidence.kind_invalid"
    with pytest.raises(DomainError) as e:
        upload(team, case, collected_place=" ")
    assert e.value.code == "evidence.place_required"
    act(case, "request_filing", team.officer)  # a draft or a pending case takes evidence too
    assert upload(team, case).seq == 1
