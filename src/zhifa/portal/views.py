"""Public pages (no login; the two-factor middleware exempts ``/p/``): verifying a document by its QR
code, the law behind it in plain words, and rating the enforcement.

What a verification answers (documented in docs/documents.md §14):

* **forged or altered code** (an id that does not exist, or a signature that does not match it):
  HTTP 404 with the "未通过核验" page — the server never says whether an id exists;
* **issued and unaltered** (the signature matches and the stored PDF and DOCX still have the SHA-256
  recorded at issue): HTTP 200, "核验通过";
* **stored file altered or missing**: HTTP 200, "未通过核验" with the reason (contact the agency);
* **voided**: HTTP 200, "该文书已作废", with the number of the correcting document when there is one.

The page shows the agency, the type, the number, the date, the party masked (张**; an organisation by
its name), the case's status and a link to the law; never identifiers, addresses or phones. Each page
counts against a per-client rate limit (HTTP 429 beyond it).
"""

from __future__ import annotations

from datetime import date

from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from zhifa.cases.choices import CaseState
from zhifa.core.errors import DomainError
from zhifa.documents.selectors import public_document
from zhifa.documents.services import document_integrity, rating_submit
from zhifa.documents.signing import signature_valid
from zhifa.portal import ratelimit
from zhifa.portal.law import law_page

PUBLIC_STATE = {
    "decided": "已作出决定",
    "served": "决定书已送达",
    "executing": "执行中",
    "closed": "已结案",
}


def _limited(request, limit: ratelimit.Limit):
    return render(request, "portal/limited.html", {"seconds": limit.seconds}, status=429)


def _failed(request, reason: str = "forged", status: int = 404, doc=None):
    return render(request, "portal/failed.html", {"reason": reason, "doc": doc}, status=status)


def _find(document_id: str, signature: str):
    if not signature_valid(document_id, signature):
        return None
    return public_document(document_id)


@require_http_methods(["GET", "HEAD"])
def verify(request, document_id: str, signature: str):
    if not ratelimit.allow(request, ratelimit.VERIFY):
        return _limited(request, ratelimit.VERIFY)
    doc = _find(document_id, signature)
    if doc is None:
        return _failed(request)
    return _verify_page(request, doc, signature)


def _verify_page(request, doc, signature: str, *, form_error: str = "", comment: str = "", status: int = 200):
    integrity = document_integrity(doc)
    if doc.is_voided:
        outcome = "voided"
    elif not integrity.ok:
        return _failed(request, integrity.problem or "altered", status=200, doc=doc)
    else:
        outcome = "authentic"
    case = doc.case
    return render(
        request,
        "portal/verify.html",
        {
            "doc": doc,
            "outcome": outcome,
            "signature": signature,
            "case_state": PUBLIC_STATE.get(case.state, CaseState(case.state).label),
            "item_code": case.item_code,
            "item_name": case.item_name,
            "rated": request.GET.get("rated") == "1",
            "form_error": form_error,
            "comment": comment,
            "scores": [(5, "非常满意"), (4, "满意"), (3, "一般"), (2, "不满意"), (1, "非常不满意")],
        },
        status=status,
    )


@require_POST
def rate(request, document_id: str, signature: str):
    doc = _find(document_id, signature)
    if doc is None:
        return _failed(request)
    if not ratelimit.allow(request, ratelimit.RATE):
        return _limited(request, ratelimit.RATE)
    comment = request.POST.get("comment", "")
    if doc.is_voided:
        return _verify_page(request, doc, signature, form_error="该文书已作废，不能评价", status=400)
    if ratelimit.already(request, ratelimit.RATE_PER_DOCUMENT, extra=str(doc.pk)):
        return _verify_page(request, doc, signature, form_error="您今天已经评价过本文书，感谢您的参与", status=429)
    try:
        rating_submit(
            document=doc,
            score=request.POST.get("score"),
            comment=comment,
            client_address=ratelimit.client_address(request),
        )
    except DomainError as exc:
        return _verify_page(request, doc, signature, form_error=exc.message, comment=comment, status=400)
    ratelimit.mark(request, ratelimit.RATE_PER_DOCUMENT, extra=str(doc.pk))
    return redirect(f"{request.path.rsplit('rate/', 1)[0]}?rated=1#rate")


@require_http_methods(["GET", "HEAD"])
def law(request, code: str):
    if not ratelimit.allow(request, ratelimit.LAW):
        return _limited(request, ratelimit.LAW)
    day = date.today()
    raw = request.GET.get("d")
    if raw:
        try:
            day = date.fromisoformat(raw)
        except ValueError:
            pass
    page = law_page(code, day)
    if page is None:
        raise Http404
    return render(request, "portal/law.html", {"page": page})
