"""The writers of the documents app (issue, prepare, void, correct, batch, ratings) and the file reads.

Every writer takes ``actor=`` (the public's rating excepted), runs in one transaction, writes its
audit event there, and writes files only after the commit.
"""

from zhifa.documents.services.batch import batch_candidates, documents_batch_start
from zhifa.documents.services.files import document_integrity, document_open
from zhifa.documents.services.issue import (
    ISSUABLE_TYPES,
    choose_reasoning,
    citable_provisions,
    decision_type_for,
    document_correct,
    document_issue,
    document_prepare,
    document_void,
)
from zhifa.documents.services.ratings import rating_submit

__all__ = [
    "ISSUABLE_TYPES",
    "batch_candidates",
    "choose_reasoning",
    "citable_provisions",
    "decision_type_for",
    "document_correct",
    "document_integrity",
    "document_issue",
    "document_open",
    "document_prepare",
    "document_void",
    "documents_batch_start",
    "rating_submit",
]
