"""``python -m musframework.storage.verify <url>``: check a store for tampering.

Runs :meth:`~musframework.storage.BaseStore.verify` on the store at ``url`` (``sqlite:///…``,
``postgresql://…``) and prints every finding and a summary; exits 1 when anything was
found, 0 otherwise. ``--hmac-key ID=HEX`` (repeatable) gives the HMAC keys that prove the
signatures; ``--ed25519-public ID=HEX`` the Ed25519 public keys. Keys are better passed
through the environment: ``--hmac-key-env NAME`` reads ``ID=HEX[,ID=HEX…]`` from ``NAME``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from musframework.catalogue import translate
from musframework.errors import MusframeworkError
from musframework.signing import Ed25519Signer, HmacSigner, Signer
from musframework.storage import open as open_store

__all__ = ["main"]


def _pairs(values: Sequence[str]) -> dict[str, bytes]:
    found = {}
    for value in values:
        for item in value.split(","):
            key_id, _, hex_key = item.partition("=")
            found[key_id.strip()] = bytes.fromhex(hex_key.strip())
    return found


def _signer(args: argparse.Namespace) -> Signer | None:
    hmac_keys = _pairs(args.hmac_key)
    if args.hmac_key_env:
        hmac_keys.update(_pairs([os.environ.get(args.hmac_key_env, "")]))
    if hmac_keys:
        return HmacSigner(hmac_keys)
    public = _pairs(args.ed25519_public)
    if public:
        return Ed25519Signer(public_keys=public)
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the check; returns the exit status (0: nothing found, 1: findings, 2: an error)."""
    parser = argparse.ArgumentParser(
        prog="python -m musframework.storage.verify",
        description=translate("verify.description", "en"),
    )
    parser.add_argument("url")
    parser.add_argument("--hmac-key", action="append", default=[], metavar="ID=HEX")
    parser.add_argument("--hmac-key-env", metavar="NAME")
    parser.add_argument("--ed25519-public", action="append", default=[], metavar="ID=HEX")
    parser.add_argument("--locale", default="en", choices=("da", "en"))
    args = parser.parse_args(argv)
    loc = args.locale
    try:
        signer = _signer(args)
        with open_store(args.url) as store:
            verify = getattr(store, "verify", None)
            if verify is None:
                print(translate("verify.unsupported", loc, url=args.url), file=sys.stderr)
                return 2
            report = verify(signer=signer)
    except (MusframeworkError, ValueError) as exc:
        text = exc.text(loc) if isinstance(exc, MusframeworkError) else str(exc)
        print(text, file=sys.stderr)
        return 2
    for finding in report.findings:
        print(f"{finding.path}: {finding.text(loc)} [{finding.code}]")
    print(
        translate(
            "verify.summary",
            loc,
            findings=len(report.findings),
            entries=report.entries,
            unchained=report.unchained,
            documents=report.documents,
            signatures=report.signatures,
            unverified=report.unverified,
            head=report.head or "-",
        )
    )
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
