"""The signed public address a document's QR code holds: ``ZHIFA_PUBLIC_BASE_URL/p/v/<id>/<signature>/``.

The signature is an HMAC-SHA256 of the document id keyed by ``SECRET_KEY`` (Django's ``salted_hmac``
with its own salt), truncated to 120 bits and written in URL-safe base64 (20 characters, keeping the
QR code small). Anyone can read the id; only the server can make a signature that matches it, so a
code with another id or an edited signature is refused ("未通过核验").

Printed documents live for years: rotate ``SECRET_KEY`` only with the old key kept in
``SECRET_KEY_FALLBACKS`` (checked here too), or every QR code in circulation stops verifying.
"""

from __future__ import annotations

import base64
import hmac

from django.conf import settings
from django.urls import reverse
from django.utils.crypto import salted_hmac

SALT = "zhifa.documents.qr-verification"
SIGNATURE_BYTES = 15


def qr_signature(document_id, secret: str | None = None) -> str:
    mac = salted_hmac(SALT, str(document_id), secret=secret, algorithm="sha256").digest()[:SIGNATURE_BYTES]
    return base64.urlsafe_b64encode(mac).decode("ascii")


def signature_valid(document_id, signature: str) -> bool:
    if not isinstance(signature, str) or len(signature) != len(qr_signature(document_id)):
        return False
    for secret in [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]:
        if hmac.compare_digest(qr_signature(document_id, secret), signature):
            return True
    return False


def verification_path(document_id) -> str:
    return reverse("portal:verify", args=[str(document_id), qr_signature(document_id)])


def verification_url(document_id) -> str:
    base = (getattr(settings, "ZHIFA_PUBLIC_BASE_URL", "") or "").rstrip("/")
    return base + verification_path(document_id)


def client_hash(address: str) -> str:
    """A keyed hash of a client address (rate limits, ratings): stable, not reversible without the key."""
    return salted_hmac("zhifa.portal.client", address or "", algorithm="sha256").hexdigest()
