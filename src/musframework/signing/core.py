"""The :class:`Signer` protocol, the statements a proof covers, and :func:`verify`."""

from __future__ import annotations

import enum
import json
from typing import Protocol, runtime_checkable

import attrs

from musframework.model import (
    Conversation,
    DevelopmentPlan,
    Finding,
    Proof,
    Redaction,
    Signature,
)
from musframework.model.conversation import legacy_content_digest

__all__ = [
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


@runtime_checkable
class Signer(Protocol):
    """What makes and checks proofs: configured in ``__init__`` (keys), working in methods.

    ``method`` names the scheme stored with every proof; ``knows`` says whether a proof is
    one this signer can check (its method and a key id it holds); ``sign`` makes the proof of
    a statement (bytes, see :func:`signature_statement`); ``verify`` checks one. An app
    plugs an e-signature service in by implementing these four members.
    """

    method: str

    def knows(self, proof: Proof) -> bool:
        """Whether ``proof`` can be checked by this signer."""
        ...

    def sign(self, statement: bytes) -> Proof:
        """The proof of ``statement``."""
        ...

    def verify(self, statement: bytes, proof: Proof) -> bool:
        """Whether ``proof`` proves ``statement``."""
        ...


class SignatureStatus(enum.Enum):
    """What :func:`verify` found for a signature (or a redaction)."""

    VALID = "valid"
    """The content matches and the proof checks with a key the verifier holds."""
    VOID = "void"
    """Made on content that changed since (a revision after signing)."""
    INVALID = "invalid"
    """Tampered with: the proof fails, the plan's content changed, or the signer need not sign."""
    UNVERIFIED = "unverified"
    """The content matches, but there is no proof, or no key here to check it."""


_RANK = {
    SignatureStatus.VALID: 0,
    SignatureStatus.UNVERIFIED: 1,
    SignatureStatus.VOID: 2,
    SignatureStatus.INVALID: 3,
}


def _worst(*statuses: SignatureStatus) -> SignatureStatus:
    return max(statuses, key=_RANK.__getitem__)


def _canonical(value: object) -> bytes:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8", "surrogatepass")


def signature_statement(conversation: str, signature: Signature) -> bytes:
    """The bytes a signature's proof covers: conversation, digest, person, role and time."""
    return _canonical(
        {
            "statement": "musframework.signature/1",
            "conversation": conversation,
            "digest": signature.digest,
            "person": signature.person,
            "role": signature.role.value,
            "signed_at": signature.signed_at.isoformat(),
        }
    )


def redaction_statement(conversation: str, redaction: Redaction) -> bytes:
    """The bytes a redaction's proof covers: every field but the proof."""
    return _canonical(
        {
            "statement": "musframework.redaction/1",
            "conversation": conversation,
            "at": redaction.at.isoformat(),
            "reason": redaction.reason,
            "by": redaction.by,
            "before": redaction.before,
            "after": redaction.after,
            "changed": [[p.position, p.digest] for p in redaction.changed],
            "renamed": list(redaction.renamed),
        }
    )


def sign_redaction(conversation: str, redaction: Redaction, signer: Signer) -> Redaction:
    """``redaction`` with the system's proof by ``signer``."""
    proof = signer.sign(redaction_statement(conversation, redaction))
    return attrs.evolve(redaction, proof=proof)


def _proof_status(statement: bytes, proof: Proof | None, signer: Signer | None) -> SignatureStatus:
    if proof is None or signer is None or not signer.knows(proof):
        return SignatureStatus.UNVERIFIED
    return SignatureStatus.VALID if signer.verify(statement, proof) else SignatureStatus.INVALID


@attrs.frozen
class SignatureCheck:
    """One signature and what :func:`verify` found.

    Attributes:
        signature: The signature.
        status: Valid, void, invalid or unverified.
        redacted: The redactions it was carried through (it was made before them).
    """

    signature: Signature
    status: SignatureStatus
    redacted: tuple[Redaction, ...] = ()


@attrs.frozen
class Verification:
    """The signatures of a conversation or plan, checked.

    Attributes:
        required: Who must sign.
        checks: One per signature, in order.
        redactions: The redactions that fit the content, oldest first, with their status.
        findings: Invalid signatures, signatures by someone who need not sign, unverified
            ones, redactions whose proof fails.
    """

    required: tuple[str, ...]
    checks: tuple[SignatureCheck, ...]
    redactions: tuple[tuple[Redaction, SignatureStatus], ...]
    findings: tuple[Finding, ...]

    def status_of(self, person: str) -> SignatureStatus | None:
        """The best status among ``person``'s signatures (``None``: they have not signed)."""
        found = [c.status for c in self.checks if c.signature.person == person]
        return min(found, key=_RANK.__getitem__) if found else None

    @property
    def valid(self) -> tuple[str, ...]:
        """The required signers with a valid signature."""
        return tuple(p for p in self.required if self.status_of(p) is SignatureStatus.VALID)

    @property
    def is_valid(self) -> bool:
        """Every required signer has a valid signature and nothing was tampered with."""
        return (
            bool(self.required)
            and len(self.valid) == len(self.required)
            and not any(c.status is SignatureStatus.INVALID for c in self.checks)
        )


def verify(obj: Conversation | DevelopmentPlan, signer: Signer | None = None) -> Verification:
    """Check every signature of ``obj`` against its content, recomputed now, and its proofs.

    Without ``signer`` (or for a proof made with a key it does not hold) a signature on the
    current content is *unverified*; with it, *valid* or *invalid*. A plan whose content
    differs from what was signed has *invalid* signatures (a plan is never revised); a
    conversation's are *void* (revising after signing is a step of the workflow).
    """
    subject = obj.id if isinstance(obj, Conversation) else obj.conversation
    chain = obj.signed_digests()
    fitting = obj.redactions[len(obj.redactions) - (len(chain) - 1) :] if len(chain) > 1 else ()
    redaction_status = [
        _proof_status(redaction_statement(subject, r), r.proof, signer) for r in fitting
    ]
    findings: list[Finding] = []
    offset = len(obj.redactions) - len(fitting)
    for i, (r, status) in enumerate(zip(fitting, redaction_status, strict=True)):
        if status is SignatureStatus.INVALID:
            findings.append(
                Finding.error("redaction.invalid", f"redactions[{offset + i}]", at=r.at)
            )
    legacy = legacy_content_digest(obj) if isinstance(obj, Conversation) else None
    required = set(obj.required_signers)
    checks = []
    for i, s in enumerate(obj.signatures):
        path = f"signatures[{i}]"
        redacted: tuple[Redaction, ...] = ()
        if s.person not in required:
            status = SignatureStatus.INVALID
            findings.append(Finding.error("signature.not-required", path, person=s.person))
        elif s.digest in chain:
            depth = len(chain) - 1 - chain[::-1].index(s.digest)  # the oldest fit
            redacted = tuple(fitting[len(fitting) - depth :]) if depth else ()
            through = redaction_status[len(fitting) - depth :] if depth else []
            if any(s.person in r.renamed for r in redacted):
                status = _worst(SignatureStatus.VALID, *through)  # attested by the redaction
            else:
                own = _proof_status(signature_statement(subject, s), s.proof, signer)
                status = _worst(own, *through)
        elif s.proof is None and s.digest == (legacy or _legacy_plan_digest(obj)):
            status = SignatureStatus.UNVERIFIED
        elif isinstance(obj, DevelopmentPlan):
            status = SignatureStatus.INVALID
        else:
            status = SignatureStatus.VOID
        if status is SignatureStatus.INVALID and s.person in required:
            findings.append(Finding.error("signature.invalid", path, person=s.person))
        elif status is SignatureStatus.UNVERIFIED:
            findings.append(Finding.info("signature.unverified", path, person=s.person))
        checks.append(SignatureCheck(s, status, redacted))
    return Verification(
        required=obj.required_signers,
        checks=tuple(checks),
        redactions=tuple(zip(fitting, redaction_status, strict=True)),
        findings=tuple(findings),
    )


def _legacy_plan_digest(obj: Conversation | DevelopmentPlan) -> str | None:
    # A plan derived before signed parts existed withholds nothing and carries the old digest;
    # its unkeyed signatures cannot be checked from the plan: "unverified", never valid.
    if isinstance(obj, DevelopmentPlan) and not obj.withheld and obj.digest:
        return obj.digest
    return None


def migrate_unkeyed(
    conversation: Conversation, signer: Signer, *, required_only: bool = True
) -> Conversation:
    """Give unkeyed signatures that still match the content a proof by ``signer``.

    The migration for data signed before signers existed: the operator who runs it vouches
    that the stored content was not changed before (keep a backup of the old file). A
    signature whose digest matches neither the current content nor the old digest of it is
    left as it is (void). ``signed_at`` is kept; the digest becomes the current one.
    """
    current = conversation.content_digest()
    legacy = legacy_content_digest(conversation)
    required = set(conversation.required_signers)
    changed = []
    for s in conversation.signatures:
        if (
            s.proof is None
            and s.digest in (current, legacy)
            and (s.person in required or not required_only)
        ):
            s = attrs.evolve(s, digest=current)
            s = attrs.evolve(s, proof=signer.sign(signature_statement(conversation.id, s)))
        changed.append(s)
    return attrs.evolve(conversation, signatures=tuple(changed))


def sign_statement(conversation: str, signature: Signature, signer: Signer | None) -> Signature:
    """``signature`` with a proof by ``signer`` (unchanged without one)."""
    if signer is None:
        return signature
    return attrs.evolve(signature, proof=signer.sign(signature_statement(conversation, signature)))
