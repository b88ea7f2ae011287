"""Who has and has not updated in a round: per programme and per person (the compliance page)."""

from __future__ import annotations

from dataclasses import dataclass, field

from actionplans.selectors import items_to_update
from programmes.models import Person

from .models import RoundMessage, UpdateRound


@dataclass
class PersonCompliance:
    person_id: int
    name: str
    email: str
    items: int = 0
    updated: int = 0
    last_reminded: object = None
    waiting_refs: list = field(default_factory=list)

    @property
    def waiting(self) -> int:
        return self.items - self.updated


@dataclass
class ProgrammeCompliance:
    programme_id: int
    name: str
    items: int = 0
    updated: int = 0

    @property
    def waiting(self) -> int:
        return self.items - self.updated

    @property
    def percent(self) -> int:
        return round(100 * self.updated / self.items) if self.items else 100


@dataclass
class Compliance:
    programmes: list[ProgrammeCompliance]
    people: list[PersonCompliance]

    @property
    def items(self) -> int:
        return sum(p.items for p in self.programmes)

    @property
    def updated(self) -> int:
        return sum(p.updated for p in self.programmes)


def compliance(round_: UpdateRound) -> Compliance:
    """Every item asked for, once per programme however many owners it has, and once per owner. Queries:
    the round's programmes, the items (6), the people, the messages."""
    found = items_to_update(round_.programme_ids(), since=round_.opened_at, period=round_.period)
    persons = Person.objects.in_bulk(list(found))
    reminded = {}
    for person_id, sent_at in RoundMessage.objects.filter(round=round_).order_by("sent_at").values_list(
            "person_id", "sent_at"):
        reminded[person_id] = sent_at
    programmes: dict[int, ProgrammeCompliance] = {}
    seen = set()
    people = []
    for person_id, items in found.items():
        person = persons.get(person_id)
        if person is None:
            continue
        row = PersonCompliance(person_id, person.name, person.email, last_reminded=reminded.get(person_id))
        for item in items:
            row.items += 1
            row.updated += item.updated
            if not item.updated:
                row.waiting_refs.append(item.ref)
            if (item.kind, item.id) not in seen:
                seen.add((item.kind, item.id))
                entry = programmes.setdefault(item.programme_id, ProgrammeCompliance(item.programme_id,
                                                                                     item.programme))
                entry.items += 1
                entry.updated += item.updated
        people.append(row)
    people.sort(key=lambda p: (-p.waiting, p.name.casefold()))
    return Compliance(sorted(programmes.values(), key=lambda p: p.name.casefold()), people)
