"""Evidence (证据): content-addressed storage, type and size checks, chain of custody, integrity.

A file is stored once under ``MEDIA_ROOT/evidence/<sha[:2]>/<sha256>`` (outside the web root; only the
permission-checked views and API read it). Its type is decided by sniffing the content, never by the
name or the browser's claim, and must be one of :data:`ALLOWED_TYPES` with a matching extension; the
size limit is ``ZHIFA_MAX_UPLOAD_MB``. Evidence is frozen once the decision is made. A file whose
SHA-256 no longer matches its record is flagged (``integrity_ok = False``) and not served.

The file is written before the database row (a crash leaves at most an unreferenced file, never a
row without a file); a rolled-back upload leaves its file behind, which a later upload of the same
content reuses.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from zhifa.agencies.models import Officer
from zhifa.cases.choices import CustodyEvent, EvidenceKind
from zhifa.cases.choices_pure import State
from zhifa.cases.models import Case, Evidence, EvidenceCustody, evidence_path
from zhifa.cases.services.cases import (
    PRE_DECISION_STATES,
    acting_officer,
    case_for_write,
    is_assigned,
    require_licensed_officer,
    today_or,
)
from zhifa.core.audit import actor_label, audit_record
from zhifa.core.errors import DomainError, NotFound
from zhifa.core.permissions import visible_agency_ids

#: sniffed content type → the file name extensions that may carry it
ALLOWED_TYPES: dict[str, tuple[str, ...]] = {
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
    "image/webp": (".webp",),
    "application/pdf": (".pdf",),
    "video/mp4": (".mp4", ".m4v"),
    "video/quicktime": (".mov",),
    "audio/mpeg": (".mp3",),
    "audio/wav": (".wav",),
    "audio/amr": (".amr",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (".docx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (".xlsx",),
    "application/ofd": (".ofd",),
}
TYPE_LABELS = {
    "image/jpeg": "JPEG 图片",
    "image/png": "PNG 图片",
    "image/webp": "WebP 图片",
    "application/pdf": "PDF 文档",
    "video/mp4": "MP4 视频",
    "video/quicktime": "MOV 视频",
    "audio/mpeg": "MP3 音频",
    "audio/wav": "WAV 音频",
    "audio/amr": "AMR 录音",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word 文档",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel 表格",
    "application/ofd": "OFD 版式文档",
}
CHUNK = 1024 * 1024


def media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def stored_file(sha256: str) -> Path:
    return media_root() / evidence_path(sha256)


def max_upload_bytes() -> int:
    return int(settings.ZHIFA_MAX_UPLOAD_MB) * 1024 * 1024


def sniff(path: Path) -> str | None:
    """The content type of the file at ``path`` from its first bytes (and, for zip containers, the
    names inside); None for anything not in :data:`ALLOWED_TYPES`."""
    with open(path, "rb") as f:
        head = f.read(64)
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio/wav"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head[4:8] == b"ftyp":
        return "video/quicktime" if head[8:12] == b"qt  " else "video/mp4"
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "audio/mpeg"
    if head.startswith(b"#!AMR"):
        return "audio/amr"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as z:
                names = set(z.namelist())
        except zipfile.BadZipFile:
            return None
        if "OFD.xml" in names:
            return "application/ofd"
        if "[Content_Types].xml" in names:
            if any(n.startswith("word/") for n in names):
                return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            if any(n.startswith("xl/") for n in names):
                return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return None


def _chunks(upload):
    if hasattr(upload, "chunks"):
        yield from upload.chunks()
        return
    while True:
        block = upload.read(CHUNK)
        if not block:
            return
        yield block


def _store(upload, name: str) -> tuple[str, int, str]:
    """Stream the upload to a temporary file (hashing and counting), check size and type, then move it
    into the content-addressed store. Returns (sha256, size, content type)."""
    limit = max_upload_bytes()
    tmp_dir = media_root() / "evidence" / "tmp"
    tmp_dir.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    fd, tmp_name = tempfile.mkstemp(dir=tmp_dir)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            for block in _chunks(upload):
                size += len(block)
                if size > limit:
                    raise DomainError("evidence.too_large", f"文件超过{settings.ZHIFA_MAX_UPLOAD_MB}MB的上限", "file")
                digest.update(block)
                out.write(block)
        if size == 0:
            raise DomainError("evidence.empty", "文件为空", "file")
        content_type = sniff(tmp)
        if content_type is None:
            allowed = "、".join(dict.fromkeys(TYPE_LABELS.values()))
            raise DomainError("evidence.type_not_allowed", f"不支持的文件类型；可上传：{allowed}", "file")
        ext = Path(name).suffix.lower()
        if ext not in ALLOWED_TYPES[content_type]:
            raise DomainError(
                "evidence.type_mismatch",
                f"文件内容是{TYPE_LABELS[content_type]}，与文件名后缀“{ext or '无'}”不符",
                "file",
            )
        sha = digest.hexdigest()
        final = stored_file(sha)
        if final.exists() and _hash_file(final) == sha:
            tmp.unlink()
        else:  # new content, or a damaged copy of it: (re)place the file
            final.parent.mkdir(parents=True, exist_ok=True)
            if final.exists():
                final.chmod(0o640)
            os.replace(tmp, final)
            final.chmod(0o440)
        return sha, size, content_type
    finally:
        if tmp.exists():
            tmp.unlink()


def _hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def _accepts_evidence(case: Case) -> None:
    if State(case.state) not in PRE_DECISION_STATES or case.decided_on is not None:
        raise DomainError("evidence.frozen", "决定已作出，证据已封存，不能再增加或变更", "case")


def evidence_upload(
    *,
    actor,
    case,
    file,
    kind: str,
    title: str,
    collected_at: datetime,
    collected_place: str,
    description: str = "",
    collected_by=None,
    file_name: str | None = None,
    today: date | None = None,
) -> Evidence:
    """Add a piece of evidence to a case (an assigned officer with a valid 执法证, before the decision)."""
    today = today_or(today)
    officer = require_licensed_officer(actor, today)
    obj = case_for_write(actor, case)
    if not is_assigned(obj, officer):
        raise DomainError("case.not_assigned", "您不是本案的承办执法人员", "actor")
    _accepts_evidence(obj)
    if kind not in EvidenceKind.values:
        raise DomainError("evidence.kind_invalid", "请选择证据种类（行政处罚法第四十六条）", "kind")
    title = (title or "").strip()
    if not title:
        raise DomainError("evidence.title_required", "请填写证据名称", "title")
    collected_place = (collected_place or "").strip()
    if not collected_place:
        raise DomainError("evidence.place_required", "请填写收集地点", "collected_place")
    if not isinstance(collected_at, datetime) or timezone.is_naive(collected_at):
        raise DomainError("evidence.collected_at_invalid", "请填写收集时间", "collected_at")
    if collected_at > timezone.now():
        raise DomainError("evidence.collected_at_invalid", "收集时间不能晚于现在", "collected_at")
    collector = officer
    if collected_by is not None:
        cid = collected_by.pk if isinstance(collected_by, Officer) else int(collected_by)
        collector = next((link.officer for link in obj.case_officers.all() if link.officer_id == cid), None)
        if collector is None:
            raise DomainError("evidence.collector_invalid", "收集人须为本案承办执法人员", "collected_by")
    name = file_name or getattr(file, "name", "") or "evidence"
    sha, size, content_type = _store(file, name)
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=obj.pk)  # serialises evidence numbering per case
        _accepts_evidence(locked)
        seq = (Evidence.objects.filter(case=locked).order_by("-seq").values_list("seq", flat=True).first() or 0) + 1
        evidence = Evidence.objects.create(
            case=locked,
            seq=seq,
            kind=kind,
            title=title[:200],
            description=(description or "").strip(),
            sha256=sha,
            size=size,
            content_type=content_type,
            original_name=Path(name).name[:255],
            collected_at=collected_at,
            collected_place=collected_place[:200],
            collected_by=collector,
            uploaded_by=actor,
        )
        EvidenceCustody.objects.bulk_create(
            [
                EvidenceCustody(
                    evidence=evidence,
                    event=CustodyEvent.COLLECTED,
                    actor_id=collector.user_id,
                    actor_label=collector.name,
                    place=collected_place[:200],
                    note=f"收集于{timezone.localtime(collected_at):%Y-%m-%d %H:%M}",
                ),
                EvidenceCustody(
                    evidence=evidence,
                    event=CustodyEvent.UPLOADED,
                    actor=actor,
                    actor_label=actor_label(actor),
                    note=f"SHA-256 {sha}",
                ),
            ]
        )
        audit_record(
            actor=actor,
            event_code="evidence.uploaded",
            obj=evidence,
            agency=locked.agency_id,
            after={
                "case": locked.pk,
                "seq": seq,
                "kind": kind,
                "title": evidence.title,
                "sha256": sha,
                "size": size,
                "content_type": content_type,
                "collected_at": collected_at.isoformat(),
                "collected_place": evidence.collected_place,
                "collected_by": collector.pk,
            },
        )
    return evidence


def evidence_for_read(actor, evidence) -> Evidence:
    pk = evidence.pk if isinstance(evidence, Evidence) else evidence
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound("证据")
    obj = (
        Evidence.objects.select_related("case", "case__agency")
        .filter(pk=pk, case__agency_id__in=visible_agency_ids(actor))
        .first()
    )
    if obj is None:
        raise NotFound("证据")
    return obj


@dataclass(frozen=True)
class OpenedFile:
    evidence: Evidence
    path: Path
    content_type: str
    download_name: str


def _flag(evidence: Evidence, actor, ok: bool, note: str) -> None:
    with transaction.atomic():
        now = timezone.now()
        Evidence.objects.filter(pk=evidence.pk).update(integrity_ok=ok, integrity_checked_at=now)
        evidence.integrity_ok, evidence.integrity_checked_at = ok, now
        EvidenceCustody.objects.create(
            evidence=evidence,
            event=CustodyEvent.VERIFIED if ok else CustodyEvent.INTEGRITY_FAILED,
            actor=actor,
            actor_label=actor_label(actor),
            note=note[:300],
        )
        audit_record(
            actor=actor,
            event_code="evidence.integrity_checked" if ok else "evidence.integrity_failed",
            obj=evidence,
            agency=evidence.case.agency_id,
            after={"sha256": evidence.sha256, "ok": ok, "note": note},
        )


def _check(evidence: Evidence) -> tuple[bool, str]:
    path = stored_file(evidence.sha256)
    if not path.exists():
        return False, "文件缺失"
    actual = _hash_file(path)
    if actual != evidence.sha256:
        return False, f"文件哈希不符：现为 {actual}"
    return True, "SHA-256 一致"


def evidence_verify(*, actor, evidence) -> bool:
    """Recompute the SHA-256 of the stored file; flag the evidence when it no longer matches."""
    obj = evidence_for_read(actor, evidence) if actor is not None else evidence
    ok, note = _check(obj)
    _flag(obj, actor, ok, note)
    return ok


def evidence_verify_all(*, case: Case | None = None) -> list[Evidence]:
    """Check every stored file (or a case's); returns the evidence whose file no longer matches.
    Run by the system (``zhifa cases verify-evidence``); each check is audited."""
    qs = Evidence.objects.select_related("case")
    if case is not None:
        qs = qs.filter(case=case)
    failed = []
    for ev in qs.iterator(chunk_size=500):
        ok, note = _check(ev)
        _flag(ev, None, ok, note)
        if not ok:
            failed.append(ev)
    return failed


def evidence_open(*, actor, evidence, purpose: str = "download") -> OpenedFile:
    """The stored file for a permitted reader (anyone who can see the case), after an integrity check.
    Every read is a custody row and an audit event; a file that no longer matches is flagged and refused."""
    obj = evidence_for_read(actor, evidence)
    acting_officer(actor)
    ok, note = _check(obj)
    if not ok:
        _flag(obj, actor, False, note)
        raise DomainError("evidence.integrity_failed", f"证据文件完整性校验失败（{note}），已标记并通知核查", "file")
    event = CustodyEvent.DOWNLOADED if purpose == "download" else CustodyEvent.VIEWED
    with transaction.atomic():
        EvidenceCustody.objects.create(evidence=obj, event=event, actor=actor, actor_label=actor_label(actor))
        audit_record(
            actor=actor,
            event_code="evidence.downloaded" if purpose == "download" else "evidence.viewed",
            obj=obj,
            agency=obj.case.agency_id,
            after={"sha256": obj.sha256},
        )
    ext = ALLOWED_TYPES[obj.content_type][0]
    number = obj.case.number or f"案件{obj.case_id}"
    return OpenedFile(obj, stored_file(obj.sha256), obj.content_type, f"{number}-证据{obj.seq}{ext}")


def evidence_thumbnail(*, actor, evidence, size: int = 320) -> Path | None:
    """A JPEG preview of an image (cached next to the store). A permission-checked read that is not
    audited one by one: galleries would otherwise flood the trail; opening the full file is audited."""
    obj = evidence_for_read(actor, evidence)
    if not obj.is_image or obj.integrity_ok is False:
        return None
    thumb = media_root() / "thumbs" / obj.sha256[:2] / f"{obj.sha256}-{size}.jpg"
    if thumb.exists():
        return thumb
    ok, _note = _check(obj)
    if not ok:
        return None
    try:
        from PIL import Image

        with Image.open(stored_file(obj.sha256)) as im:
            im.thumbnail((size, size))
            thumb.parent.mkdir(parents=True, exist_ok=True)
            tmp = thumb.with_suffix(".tmp")
            im.convert("RGB").save(tmp, "JPEG", quality=80)
            os.replace(tmp, thumb)
    except Exception:  # a broken image has no preview; the original stays downloadable
        return None
    return thumb


@transaction.atomic
def evidence_hand_over(*, actor, evidence, to: str, place: str = "", note: str = "") -> EvidenceCustody:
    """Record that the evidence (the original object or medium) passed to another hand (移交)."""
    obj = evidence_for_read(actor, evidence)
    officer = acting_officer(actor)
    case = case_for_write(actor, obj.case_id)
    if not is_assigned(case, officer) and not officer.has_role("head"):
        raise DomainError("case.not_assigned", "您不是本案的承办执法人员", "actor")
    if not (to or "").strip():
        raise DomainError("evidence.receiver_required", "请填写接收人", "to")
    row = EvidenceCustody.objects.create(
        evidence=obj,
        event=CustodyEvent.HANDED_OVER,
        actor=actor,
        actor_label=actor_label(actor),
        place=place[:200],
        note=f"移交给{to.strip()}；{note}".strip("；")[:300],
    )
    audit_record(
        actor=actor,
        event_code="evidence.handed_over",
        obj=obj,
        agency=case.agency_id,
        after={"to": to.strip(), "place": place, "note": note},
    )
    return row
