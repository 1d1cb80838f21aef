"""Importing the organisation from an HR export: the result of ``Services.import_organisation``."""

from __future__ import annotations

import os
from typing import IO, TYPE_CHECKING

import attrs
import pendulum

from musframework.interop.organisation_file import (
    OrganisationChanges,
    OrganisationFile,
    compare_organisations,
    read_organisation,
)
from musframework.model import LeaderChange, OrganisationVersion, Person
from musframework.model.history import moment_key

if TYPE_CHECKING:
    from musframework.policy import Viewer
    from musframework.services.application import Services

__all__ = ["OrganisationImport", "import_organisation"]


@attrs.frozen(kw_only=True)
class OrganisationImport:
    """What an import stored.

    Attributes:
        file: The file as read (the organisation on the day, and every person of the file).
        version: The :class:`~musframework.OrganisationVersion` stored from the import on.
        changes: Who joined, left, moved unit or got another leader, compared with the
            organisation stored before.
        leader_changes: The :class:`~musframework.LeaderChange` records stored, each handing
            the person's current plan over to their new leader.
    """

    file: OrganisationFile
    version: OrganisationVersion
    changes: OrganisationChanges
    leader_changes: tuple[LeaderChange, ...] = ()


def import_organisation(
    services: Services,
    actor: Viewer | str,
    source: str | os.PathLike[str] | bytes | IO[bytes] | IO[str],
    *,
    format: str | None = None,
    effective: pendulum.DateTime | None = None,
) -> OrganisationImport:
    """Read ``source`` and store it as the organisation from ``effective`` on (see Services)."""
    when = effective if effective is not None else services.clock.now()
    parsed = read_organisation(source, format=format, on=when.date())
    before = services.store.organisation(at=when)
    changes = compare_organisations(before, parsed.organisation)
    version = services.replace_organisation(actor, parsed.organisation, effective=when)
    # Leavers keep their person document (history names them); record the end of employment.
    ended = [parsed.person(p) for p in changes.left]
    updates = [p for p in ended if p is not None and p.end_date is not None]
    if updates:
        person = actor if isinstance(actor, str) else actor.person
        with services.store.unit_of_work(actor=person) as uow:
            for update in updates:
                stored = services.store.get(Person, update.id)
                if stored is not None and stored.document != update:
                    uow.save(
                        attrs.evolve(stored.document, end_date=update.end_date),
                        revision=stored.revision,
                    )
    key = moment_key(when)
    recorded = tuple(c for c in services.store.leader_changes() if moment_key(c.at) == key)
    return OrganisationImport(
        file=parsed, version=version, changes=changes, leader_changes=recorded
    )
