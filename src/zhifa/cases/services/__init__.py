"""The writers of the cases app (the only code that changes cases, evidence and their records).

Every function takes ``actor=`` (the user acting) as a keyword, runs in one transaction and writes
its audit event there. Import from here: ``from zhifa.cases.services import case_act``.
"""

from zhifa.cases.services.assessment import case_assess
from zhifa.cases.services.cases import (
    ActResult,
    assessment_penalty,
    case_act,
    case_assign_officers,
    case_close,
    case_create,
    case_decide,
    case_file,
    case_notify,
    case_refresh_deadlines,
    case_serve,
    case_update,
    current_assessment,
)
from zhifa.cases.services.evidence import (
    evidence_hand_over,
    evidence_open,
    evidence_thumbnail,
    evidence_upload,
    evidence_verify,
    evidence_verify_all,
)

__all__ = [
    "ActResult",
    "assessment_penalty",
    "case_act",
    "case_assess",
    "case_assign_officers",
    "case_close",
    "case_create",
    "case_decide",
    "case_file",
    "case_notify",
    "case_refresh_deadlines",
    "case_serve",
    "case_update",
    "current_assessment",
    "evidence_hand_over",
    "evidence_open",
    "evidence_thumbnail",
    "evidence_upload",
    "evidence_verify",
    "evidence_verify_all",
]
