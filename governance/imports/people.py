"""Owners as written ("Marion Goddard", "GK", "sam.officer@council.gov.uk") matched to people.

Matched by email, then full name, then initials (the person's own initials field first, then
the initials of their name when only one person has them), all case-insensitive. A name that
matches nobody becomes a new person (or team: "SMT", "InLAWS Group"), listed in the summary.

Names that are likely the same person ("Pete Kelleher" and "Peter Kelleher", "Rachael Elliot"
and "Rachael Elliott", "PK" and "Pete Kelleher") are proposed in the preview, never merged
silently: the admin's choice comes back as `merges` {name as written: the name to use instead}.
"""

import re
from collections import defaultdict
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from .issues import Issues
from .values import (
    display_name,
    initials_of,
    is_email,
    is_group_name,
    looks_like_initials,
    name_key,
)


@dataclass
class NewPerson:
    key: str
    name: str
    initials: str = ""
    email: str = ""
    is_group: bool = False
    sheet: str = ""
    row: int | None = None


NAME_LENGTH = 200
EMAIL_LENGTH = 254
LIKELY_SAME = 88  # rapidfuzz ratio (0-100) from which two names are proposed as one person


class People:
    def __init__(self, rows: list[dict], issues: Issues, merges: dict | None = None):
        self.issues = issues
        self.merges = {name_key(written): target for written, target in (merges or {}).items() if target}
        self.names = {}
        self.by_email, self.by_name = {}, {}
        self.by_initials, self.by_derived = defaultdict(list), defaultdict(list)
        for row in rows:  # oldest first, so the first of two namesakes wins
            key = f"p{row['id']}"
            self.names[key] = row["name"]
            if row["email"]:
                self.by_email.setdefault(row["email"].casefold(), key)
            self.by_name.setdefault(name_key(row["name"]), key)
            if row["initials"]:
                self.by_initials[row["initials"].upper()].append(key)
            elif not row["is_group"]:
                self.by_derived[initials_of(row["name"])].append(key)
        self.groups = {f"p{row['id']}" for row in rows if row["is_group"]}
        self.new: dict[str, NewPerson] = {}
        self.matched: set[str] = set()

    def resolve(self, written: str, *, sheet: str, row: int | None, column: str) -> str:
        """The key of the person written: "p<id>" for someone who exists, "new:<name>" otherwise."""
        written = self.merges.get(name_key(display_name(written)), written)  # the admin merged it
        key = self._match(written, sheet=sheet, row=row, column=column)
        if key is not None:
            self.matched.add(key)
            return key
        return self._new(written, sheet=sheet, row=row, column=column)

    def _match(self, written: str, *, sheet, row, column) -> str | None:
        if is_email(written):
            return self.by_email.get(written.casefold())
        found = self.by_name.get(name_key(written))
        if found:
            return found
        initials = written.upper() if looks_like_initials(written) else None
        if not initials:
            return None
        candidates = self.by_initials.get(initials) or self.by_derived.get(initials) or []
        if len(candidates) > 1:
            names = ", ".join(self.names[c] for c in candidates[:3])
            self.issues.warning(sheet, row, column, f"“{written}” are the initials of more than one person "
                                f"({names}); the import chose {self.names[candidates[0]]}. Write the full "
                                "name to choose someone else.")
        return candidates[0] if candidates else None

    def _new(self, written: str, *, sheet, row, column: str = "") -> str:
        name = display_name(written)
        if len(name) > NAME_LENGTH or len(written) > EMAIL_LENGTH:
            self.issues.error(sheet, row, column, f"An owner's name is at most {NAME_LENGTH} characters; this "
                              f"one is {len(name):,} (“{name[:40]}…”). Write the owners' names, separated by "
                              "“/”, and put other words in a note.")
        key = f"new:{name_key(name)}"
        if key not in self.new:
            self.new[key] = NewPerson(
                key=key, name=name, sheet=sheet, row=row,
                initials=written if looks_like_initials(written) else "",
                email=written if is_email(written) else "",
                is_group=is_group_name(written),
            )
            self.names[key] = name
        return key

    def name(self, key: str | None) -> str:
        return self.names.get(key, "") if key else ""

    def likely_duplicates(self) -> list[dict]:
        """Each new person who is probably someone already known or another new person: by
        spelling ("Pete"/"Peter"), or initials against a full name ("PK"/"Pete Kelleher")."""
        found, seen = [], set()
        new = [p for p in self.new.values() if not p.is_group]
        known = [(key, name) for key, name in self.names.items() if key.startswith("p") and key not in self.groups]
        full_names = [(p.key, p.name) for p in new if not p.initials] + known
        by_initials = defaultdict(list)
        for key, name in full_names:
            if " " in name:
                by_initials[initials_of(name)].append((key, name))
        # Compared within the first letter of the surname: "Elliot"/"Elliott", "Pete"/"Peter Kelleher".
        blocks = defaultdict(list)
        for key, name in full_names:
            blocks[_surname_letter(name)].append((key, name))
        for person in new:
            if person.initials:
                candidates = [(key, name) for key, name in by_initials.get(person.initials.upper(), [])]
            else:
                block = blocks[_surname_letter(person.name)]
                matches = process.extract(person.name, [name for _, name in block], scorer=fuzz.ratio,
                                          processor=str.casefold, score_cutoff=LIKELY_SAME, limit=5)
                candidates = [block[index] for name, _score, index in matches
                              if block[index][0] != person.key and _digits(name) == _digits(person.name)]
            for key, name in candidates:
                pair = frozenset((person.key, key))
                if pair in seen:
                    continue
                seen.add(pair)
                found.append({"name": person.name, "like": name, "like_is_new": key.startswith("new:"),
                              "sheet": person.sheet, "row": person.row})
        return found


def _surname_letter(name: str) -> str:
    words = name.casefold().split()
    return words[-1][:1] if words else ""


def _digits(name: str) -> list[str]:
    """"Officer 1" and "Officer 10" differ by their numbers, not their spelling."""
    return re.findall(r"\d+", name)
