"""Document files under ``MEDIA_ROOT/documents/`` (outside the web root): writing after commit, reading
through a permission check with an integrity check, and re-hashing for the portal and the CLI."""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from zhifa.core.audit import audit_record
from zhifa.core.errors import DomainError, NotFound
from zhifa.core.permissions import officer_of, visible_agency_ids
from zhifa.documents.choices import DocumentStatus
from zhifa.documents.models import Document

log = logging.getLogger(__name__)
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def relative_path(document: Document, fmt: str) -> str:
    day = document.issue_date
    year = day.year if day else 0
    return f"documents/{document.agency_id}/{year}/{document.pk}.{fmt}"


def absolute(path: str) -> Path:
    root = media_root().resolve()
    full = (root / path).resolve()
    if root not in full.parents:
        raise DomainError("documents.bad_path", "文书存储路径无效")
    return full


def write_file(path: str, content: bytes) -> None:
    """Write atomically (temporary file, then rename), so a reader never sees half a document."""
    full = absolute(path)
    full.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=full.parent, prefix=".tmp-", suffix=full.suffix)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, full)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_after_commit(files: list[tuple[str, bytes]]) -> None:
    """Register the writes of an issue's files for after its transaction commits (they leave the database).

    A write that fails is logged; the document then verifies as "文件缺失" until ``zhifa documents
    verify-files --repair`` renders it again from its snapshot (rendering is deterministic)."""

    def write() -> None:
        for path, content in files:
            try:
                write_file(path, content)
            except OSError:
                log.exception("writing document file %s failed", path)

    transaction.on_commit(write)


def sha256_of(path: str) -> str | None:
    try:
        full = absolute(path)
        h = hashlib.sha256()
        with open(full, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        return h.hexdigest()
    except (OSError, DomainError):
        return None


@dataclass(frozen=True)
class FileCheck:
    fmt: str
    ok: bool
    problem: str = ""  # "" | missing | altered


@dataclass(frozen=True)
class IntegrityResult:
    checks: tuple[FileCheck, ...]

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    @property
    def problem(self) -> str:
        for kind in ("altered", "missing"):
            if any(c.problem == kind for c in self.checks):
                return kind
        return ""


def document_integrity(document: Document) -> IntegrityResult:
    """Recompute the SHA-256 of the stored PDF and DOCX and compare them with the ones recorded at issue."""
    checks = []
    for fmt in ("pdf", "docx"):
        digest = sha256_of(document.path_for(fmt)) if document.path_for(fmt) else None
        if digest is None:
            checks.append(FileCheck(fmt, False, "missing"))
        elif digest != document.sha256_for(fmt):
            checks.append(FileCheck(fmt, False, "altered"))
        else:
            checks.append(FileCheck(fmt, True))
    return IntegrityResult(tuple(checks))


@dataclass(frozen=True)
class OpenedDocument:
    document: Document
    path: Path
    media_type: str
    filename: str


def document_for_read(actor, document) -> Document:
    pk = document.pk if isinstance(document, Document) else document
    obj = (
        Document.objects.select_related("case", "agency")
        .filter(pk=pk, agency_id__in=visible_agency_ids(actor))
        .exclude(status=DocumentStatus.DRAFT)
        .first()
        if _is_uuid(pk)
        else None
    )
    if obj is None:
        raise NotFound("文书")
    return obj


def _is_uuid(value) -> bool:
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def document_open(*, actor, document, fmt: str) -> OpenedDocument:
    """The stored file of an issued (or voided) document for a reader in its jurisdiction, after checking
    that it still has the SHA-256 recorded at issue. Every download is an audit event."""
    if fmt not in MEDIA_TYPES:
        raise DomainError("documents.bad_format", f"不支持的格式：{fmt}", "format")
    if officer_of(actor) is None:
        raise NotFound("文书")
    obj = document_for_read(actor, document)
    digest = sha256_of(obj.path_for(fmt))
    if digest != obj.sha256_for(fmt):
        with transaction.atomic():
            audit_record(
                actor=actor,
                event_code="document.integrity_failed",
                obj=obj,
                after={"format": fmt, "expected": obj.sha256_for(fmt), "found": digest},
            )
        problem = "文件缺失" if digest is None else "文件与签发时的 SHA-256 不一致"
        raise DomainError("documents.integrity_failed", f"文书{problem}，已记录并通知核查，暂不能下载", "file")
    with transaction.atomic():
        audit_record(
            actor=actor,
            event_code="document.downloaded",
            obj=obj,
            after={"format": fmt, "sha256": digest, "number": obj.number},
        )
    stem = f"{obj.title}_{obj.number}".replace("/", "_").replace(" ", "_")
    if obj.is_voided:
        stem += "_已作废"
    return OpenedDocument(obj, absolute(obj.path_for(fmt)), MEDIA_TYPES[fmt], f"{stem}.{fmt}")
