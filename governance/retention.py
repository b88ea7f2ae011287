"""The retention schedule applied across the apps (README "Retention", ADR 0014).

A leaver's name has copies outside programmes: their progress updates' author (actionplans) and
the addresses of the messages sent to them (governance). Like the import (ADR 0005), the write
that touches them all sits at the level of the highest record it writes: here. Each app rewrites
its own copies with its own service; programmes.retention does the person, the account and the
audit trail, in the same transaction, once.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction

from actionplans.services import updates_rename_author
from programmes.audit import Channel
from programmes.models import Person
from programmes.retention import (
    Pseudonymised,
    expired_sessions_forget,
    import_files_forget,
    leaver,
    leavers_due,
    left_people_cut,
    person_pseudonymise,
    sign_in_addresses_forget,
    sign_in_logs_forget,
)

from .rounds.services import messages_forget_address


@dataclass
class RetentionRun:
    today: date
    left_on_or_before: date
    dry_run: bool
    due: list = field(default_factory=list)  # the people due, as they were: (id, name, left on)
    pseudonymised: list[Pseudonymised] = field(default_factory=list)
    import_files: int = 0
    sign_in_addresses: int = 0
    sign_in_logs: int = 0
    sessions: int = 0

    def as_dict(self) -> dict:
        """For the task's result: counts and ids, never a name."""
        return {"today": self.today.isoformat(), "dry_run": self.dry_run,
                "pseudonymised": [p.person_id for p in self.pseudonymised], "import_files": self.import_files,
                "sign_in_addresses": self.sign_in_addresses, "sign_in_logs": self.sign_in_logs,
                "sessions": self.sessions}


def leaver_pseudonymise(*, person: Person, today: date, by=None, channel=Channel.TASK) -> Pseudonymised | None:
    """One leaver, everywhere, in one transaction; None if already done."""
    with transaction.atomic():
        person = Person.objects.select_for_update(of=("self",)).select_related("user").get(pk=person.pk)
        if person.pseudonymised_on is not None:
            return None
        who = leaver(person)
        also = {"progress updates renamed": updates_rename_author(leaver=who),
                "round messages' addresses removed": messages_forget_address(leaver=who)}
        return person_pseudonymise(person=person, today=today, by=by, channel=channel, also=also)


def retention_apply(*, today: date, dry_run: bool = False, by=None, channel=Channel.TASK) -> RetentionRun:
    """What the nightly task does: every leaver due pseudonymised, then the files, addresses, sign-in
    logs and sessions past their time forgotten. Idempotent. `dry_run` counts and lists, and writes nothing."""
    run = RetentionRun(today=today, left_on_or_before=left_people_cut(today), dry_run=dry_run)
    due = list(leavers_due(today))
    run.due = [(p.pk, p.name, p.left_on) for p in due]
    if not dry_run:
        for person in due:
            done = leaver_pseudonymise(person=person, today=today, by=by, channel=channel)
            if done is not None:
                run.pseudonymised.append(done)
    run.import_files = import_files_forget(today, dry_run=dry_run, channel=channel)
    run.sign_in_addresses = sign_in_addresses_forget(today, dry_run=dry_run, channel=channel)
    run.sign_in_logs = sign_in_logs_forget(today, dry_run=dry_run, channel=channel)
    run.sessions = expired_sessions_forget(dry_run=dry_run)
    return run
