"""The built-in signers: HMAC-SHA256 with a keyring, and Ed25519 (the ``signing`` extra)."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import Any

from musframework.catalogue import Message
from musframework.errors import MissingExtraError, SigningError
from musframework.model import Proof

__all__ = ["Ed25519Signer", "HmacSigner"]


class HmacSigner:
    """HMAC-SHA256 with keys the application supplies (from its secret store, never the DB).

    Args:
        keys: The keyring, ``{key id: secret bytes}``; every key verifies.
        current: The key id new proofs are made with (default: the last one in ``keys``).

    Rotation: add the new key to the keyring and make it ``current``; keep the old ones as
    long as signatures made with them must verify (a key removed from the keyring turns its
    proofs *unverified*, never valid).

    >>> signer = HmacSigner({"2026-1": b"a secret of at least 32 bytes......"})
    >>> proof = signer.sign(b"statement")
    >>> proof.key_id, signer.verify(b"statement", proof), signer.verify(b"other", proof)
    ('2026-1', True, False)
    """

    method = "hmac-sha256"
    """The method name stored in each proof."""

    def __init__(self, keys: Mapping[str, bytes], *, current: str | None = None) -> None:
        if not keys:
            raise SigningError(Message("error.signing.no-keys"))
        self._keys = {str(k): bytes(v) for k, v in keys.items()}
        self.current = current if current is not None else list(self._keys)[-1]
        if self.current not in self._keys:
            raise SigningError(Message("error.signing.unknown-key", {"key": self.current}))

    def __repr__(self) -> str:  # never the keys
        return f"HmacSigner(keys={sorted(self._keys)!r}, current={self.current!r})"

    def knows(self, proof: Proof) -> bool:
        """Whether this signer can check ``proof`` (its method, a key id in the keyring)."""
        return proof.method == self.method and proof.key_id in self._keys

    def sign(self, statement: bytes) -> Proof:
        """The proof of ``statement`` with the current key."""
        mac = hmac.new(self._keys[self.current], statement, hashlib.sha256).hexdigest()
        return Proof(method=self.method, key_id=self.current, value=mac)

    def verify(self, statement: bytes, proof: Proof) -> bool:
        """Whether ``proof`` is this keyring's proof of ``statement``."""
        if not self.knows(proof):
            return False
        mac = hmac.new(self._keys[proof.key_id], statement, hashlib.sha256).hexdigest()
        return hmac.compare_digest(mac, proof.value)


def _ed25519() -> Any:
    try:
        from cryptography.hazmat.primitives.asymmetric import ed25519
    except ImportError as exc:
        raise MissingExtraError("signing", "signing") from exc
    return ed25519


class Ed25519Signer:
    """Ed25519 signatures (``pip install 'musframework[signing]'``, the ``cryptography`` package).

    Args:
        private_key: The 32-byte private key (seed) that signs; ``None`` for a verifier only.
        key_id: The id stored with each proof made by ``private_key``.
        public_keys: More ``{key id: 32-byte public key}`` that verify (earlier keys, or
            another party's); the private key's own public key is added.

    A party holding only a public key verifies an exported plan with
    ``Ed25519Signer(public_keys={key_id: public})``.
    """

    method = "ed25519"
    """The method name stored in each proof."""

    def __init__(
        self,
        private_key: bytes | None = None,
        *,
        key_id: str = "ed25519",
        public_keys: Mapping[str, bytes] | None = None,
    ) -> None:
        ed = _ed25519()
        self.key_id = key_id
        self._private = (
            None
            if private_key is None
            else ed.Ed25519PrivateKey.from_private_bytes(bytes(private_key))
        )
        self._public = {
            str(k): ed.Ed25519PublicKey.from_public_bytes(bytes(v))
            for k, v in (public_keys or {}).items()
        }
        if self._private is not None:
            self._public[key_id] = self._private.public_key()

    @staticmethod
    def generate() -> bytes:
        """A new random private key (32 bytes) for :class:`Ed25519Signer`."""
        from cryptography.hazmat.primitives import serialization

        key = _ed25519().Ed25519PrivateKey.generate()
        raw: bytes = key.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
        return raw

    def public_key(self, key_id: str | None = None) -> bytes:
        """The 32-byte public key of ``key_id`` (default: the signing key's), to hand out."""
        from cryptography.hazmat.primitives import serialization

        found = self._public.get(self.key_id if key_id is None else key_id)
        if found is None:
            raise SigningError(Message("error.signing.unknown-key", {"key": str(key_id)}))
        raw: bytes = found.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return raw

    def __repr__(self) -> str:
        return f"Ed25519Signer(key_id={self.key_id!r}, public_keys={sorted(self._public)!r})"

    def knows(self, proof: Proof) -> bool:
        """Whether this signer can check ``proof`` (its method, a public key for its id)."""
        return proof.method == self.method and proof.key_id in self._public

    def sign(self, statement: bytes) -> Proof:
        """The proof of ``statement`` with the private key.

        Raises:
            SigningError: when this signer holds public keys only.
        """
        if self._private is None:
            raise SigningError(Message("error.signing.verify-only", {"key": self.key_id}))
        value = self._private.sign(statement).hex()
        return Proof(method=self.method, key_id=self.key_id, value=value)

    def verify(self, statement: bytes, proof: Proof) -> bool:
        """Whether ``proof`` is a valid Ed25519 signature of ``statement`` by its key id."""
        from cryptography.exceptions import InvalidSignature

        if not self.knows(proof):
            return False
        try:
            self._public[proof.key_id].verify(bytes.fromhex(proof.value), statement)
        except (InvalidSignature, ValueError):
            return False
        return True
