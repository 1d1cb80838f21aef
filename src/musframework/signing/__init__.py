"""Signatures with proof: the :class:`Signer` protocol, HMAC-SHA256 and Ed25519, verification.

A :class:`~musframework.Signature` stores the digest of the content it signed; the models
recompute that digest from the content every time (a changed plan has no valid signatures).
A *proof* goes further: a :class:`Signer` binds the digest, the person, the role and the
moment to a key the application holds, so that nobody without the key can make or move a
signature. :func:`verify` says, for each signature, whether it is valid, void (the content
changed since), invalid (a proof that fails, or a signer who need not sign) or unverified
(no proof, or no key to check it), and checks the redactions an erasure recorded.

Built-ins: :class:`HmacSigner` (a keyring of ``key id -> secret`` the application supplies;
the key id is stored with the signature, the key never) and :class:`Ed25519Signer` (the
``signing`` extra, ``cryptography``): whoever holds only the public key can verify an
exported plan. An app plugs in an e-signature service by writing a class with the same three
members.
"""

from __future__ import annotations

from musframework.signing.core import (
    SignatureCheck,
    SignatureStatus,
    Signer,
    Verification,
    migrate_unkeyed,
    redaction_statement,
    sign_redaction,
    sign_statement,
    signature_statement,
    verify,
)
from musframework.signing.signers import Ed25519Signer, HmacSigner

__all__ = [
    "Ed25519Signer",
    "HmacSigner",
    "SignatureCheck",
    "SignatureStatus",
    "Signer",
    "Verification",
    "migrate_unkeyed",
    "redaction_statement",
    "sign_redaction",
    "sign_statement",
    "signature_statement",
    "verify",
]
