"""Opening an update round and sending its digests and reminders (ADR 0007).

    round_ = round_open(title="Q2 updates", cut_off=date(2024, 9, 20), by=user, channel="browser")
    send_due(today)          # what the daily task does: every open round's messages due today, once each

Each person gets ONE digest a stage, whatever the number of their items. A stage is due on its day:
"opening" when the round opens, then "first", "second" and "final" at the round's days before the
cut-off. A message is recorded (RoundMessage, unique per round, person and stage) in the same
transaction as it is sent, so a re-run, or a second worker, sends nothing twice; a failed send leaves no
record and is tried again next time. Nothing is sent after the cut-off.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse

from actionplans.selectors import ChaseItem, items_to_update
from programmes.audit import REMOVED, Redaction, audit_record
from programmes.models import AuditEntry, Person, Programme
from programmes.retention import mentioning
from programmes.roles import ADMIN
from programmes.rules import uk_date
from programmes.services import save_with_audit

from .models import RoundMessage, UpdateRound

log = logging.getLogger(__name__)
Channel = AuditEntry.Channel

OPENING, FIRST, SECOND, FINAL = "opening", "first", "second", "final"
STAGES = (OPENING, FIRST, SECOND, FINAL)
STAGE_WORDS = {
    OPENING: "Updates are due",
    FIRST: "Reminder: updates are due",
    SECOND: "Second reminder: updates are due",
    FINAL: "Final reminder: updates are due",
}


# ---------------------------------------------------------------- opening a round


def round_open(*, title: str, cut_off: date, by=None, channel: str = Channel.BROWSER, today: date,
               programmes=(), **fields) -> UpdateRound:
    """Open a round and queue its opening digests once the transaction commits."""
    # The task module imports this one: a top-level import would be a cycle.
    from ..tasks import send_round_messages

    if cut_off < today:
        raise ValidationError({"cut_off": "The cut-off must be today or later."})
    with transaction.atomic():
        round_ = UpdateRound(title=title.strip(), cut_off=cut_off,
                             opened_by=by if getattr(by, "is_authenticated", False) else None, **fields)
        save_with_audit(round_, by=by, channel=channel, m2m={"programmes": list(programmes)})
        transaction.on_commit(lambda: send_round_messages.delay(round_.pk))
    return round_


def stage_due(round_: UpdateRound, today: date) -> str | None:
    """The latest stage due on the day: None after the cut-off or for a closed round."""
    if round_.is_closed or today > round_.cut_off:
        return None
    days_left = (round_.cut_off - today).days
    for stage, days in ((FINAL, round_.final_reminder_days), (SECOND, round_.second_reminder_days),
                        (FIRST, round_.first_reminder_days)):
        if days_left <= days:
            return stage
    return OPENING


# ---------------------------------------------------------------- the digests


@dataclass
class Digest:
    """One e-mail to one person: what they have still to update, by when, a link to each."""

    person: Person
    stage: str
    round: UpdateRound
    items: list[ChaseItem]
    to: list[str]
    cc: list[str] = field(default_factory=list)

    @property
    def subject(self) -> str:
        return f"{STAGE_WORDS[self.stage]} by {uk_date(self.round.cut_off)}: {self.round.title}"


def _escalation(stage: str, managers: dict[int, list[Person]], items: list[ChaseItem], admins: list[str]) -> list[str]:
    """Who is copied in at this stage: the SRO and managers of the programmes concerned (programme id ->
    people), then the admins."""
    if stage not in (SECOND, FINAL):
        return []
    copied = []
    for programme_id in sorted({item.programme_id for item in items}):
        for person in managers.get(programme_id, ()):
            if person.email and person.email not in copied:
                copied.append(person.email)
    if stage == FINAL:
        copied += [email for email in admins if email not in copied]
    return copied


def digests(round_: UpdateRound, stage: str, *, person_id: int | None = None) -> list[Digest]:
    """The digests of a stage: one per person (or only `person_id`'s) with something still to update and an
    e-mail address, by name. Queries: the round's programmes, the items (6), the people, the SROs and
    managers, the admins."""
    found = items_to_update(round_.programme_ids(), since=round_.opened_at, period=round_.period)
    if person_id is not None:
        found = {person_id: found.get(person_id, [])}
    waiting = {pk: [item for item in items if not item.updated] for pk, items in found.items()}
    waiting = {pk: items for pk, items in waiting.items() if items}
    persons = Person.objects.in_bulk(list(waiting))
    managers: dict[int, list[Person]] = {}
    if stage in (SECOND, FINAL):
        programme_ids = {item.programme_id for items in waiting.values() for item in items}
        for programme in Programme.objects.filter(pk__in=programme_ids).select_related("owner").prefetch_related(
                "managers"):
            managers[programme.pk] = [p for p in (programme.owner, *programme.managers.all()) if p]
    admins = []
    if stage == FINAL:
        admins = list(get_user_model().objects.filter(groups__name=ADMIN, is_active=True).exclude(email="")
                      .order_by("email").values_list("email", flat=True).distinct())
    out = []
    for pk, items in waiting.items():
        person = persons.get(pk)
        if person is None or not person.email or person.is_group:
            continue
        cc = [email for email in _escalation(stage, managers, items, admins) if email != person.email]
        out.append(Digest(person, stage, round_, items, [person.email], cc))
    out.sort(key=lambda d: d.person.name.casefold())
    return out


def _links(digest: Digest) -> list[tuple[ChaseItem, str]]:
    base = settings.SITE_URL.rstrip("/")
    return [(item, base + (reverse("action_detail", args=[item.id]) if item.kind == "action"
                           else reverse("measure_detail", args=[item.id])))
            for item in digest.items]


def email_for(digest: Digest) -> EmailMultiAlternatives:
    context = {"digest": digest, "links": _links(digest), "cut_off": uk_date(digest.round.cut_off),
               "council": settings.COUNCIL_NAME}
    text = render_to_string("governance/rounds/email_digest.txt", context)
    html = render_to_string("governance/rounds/email_digest.html", context)
    message = EmailMultiAlternatives(digest.subject, text, settings.DEFAULT_FROM_EMAIL, digest.to, cc=digest.cc)
    message.attach_alternative(html, "text/html")
    return message


def _send(digest: Digest, stage_key: str) -> bool:
    """Record and send one digest; False when it was already sent (nothing is sent twice)."""
    try:
        with transaction.atomic():
            RoundMessage.objects.create(round=digest.round, person=digest.person, stage=stage_key,
                                        to=", ".join(digest.to), cc=", ".join(digest.cc),
                                        subject=digest.subject[:300], items=len(digest.items))
            email_for(digest).send()
    except IntegrityError:
        return False
    return True


@dataclass
class Sent:
    round: UpdateRound
    stage: str
    sent: list[str] = field(default_factory=list)  # names
    already: int = 0


def send_stage(round_: UpdateRound, stage: str, *, dry_run: bool = False) -> Sent:
    result = Sent(round_, stage)
    for digest in digests(round_, stage):
        if dry_run:
            if not RoundMessage.objects.filter(round=round_, person=digest.person, stage=stage).exists():
                result.sent.append(digest.person.name)
            else:
                result.already += 1
        elif _send(digest, stage):
            result.sent.append(digest.person.name)
        else:
            result.already += 1
    return result


def send_due(today: date, *, dry_run: bool = False) -> list[Sent]:
    """Every open round's messages due on the day, each once: what the daily task and send_reminders do."""
    results = []
    for round_ in UpdateRound.objects.filter(is_closed=False, cut_off__gte=today).order_by("cut_off", "pk"):
        stage = stage_due(round_, today)
        if stage is not None:
            results.append(send_stage(round_, stage, dry_run=dry_run))
    return results


def round_remind(round_: UpdateRound, person: Person, *, by=None, channel: str = Channel.BROWSER,
                 today: date) -> bool:
    """The compliance page's "send a reminder": one digest to one person, at most once a day."""
    found = digests(round_, FIRST, person_id=person.pk)
    if not found:
        raise ValidationError(f"{person.name} has nothing left to update in this round.")
    sent = _send(found[0], f"manual:{today.isoformat()}")
    if sent:
        audit_record(instance=round_, action="updated", by=by, channel=channel,
                     changes={"reminder_sent_to": [None, person.name]})
    return sent


def messages_forget_address(*, leaver) -> int:
    """The addresses a leaver was sent or copied messages at become "(removed)" in the record of what
    was sent (programmes.retention): the record still stops a message going twice. Returns how many."""
    if not leaver.emails:
        return 0
    changed = 0
    redaction = Redaction(within=dict.fromkeys(leaver.emails, REMOVED))
    for message in RoundMessage.objects.filter(mentioning(["to", "cc"], leaver.emails)).only("pk", "to", "cc"):
        RoundMessage.objects.filter(pk=message.pk).update(to=redaction.apply(message.to),
                                                          cc=redaction.apply(message.cc))
        changed += 1
    return changed
