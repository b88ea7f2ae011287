"""Owners as written ("Marion Goddard", "GK", "sam.officer@council.gov.uk") matched to people.

Matched by email, then full name, then initials (the person's own initials field first, then
the initials of their name when only one person has them), all case-insensitive. A name that
matches nobody becomes a new person, listed in the summary.
"""

from collections import defaultdict
from dataclasses import dataclass

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


class People:
    def __init__(self, rows: list[dict], issues: Issues):
        self.issues = issues
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
        self.new: dict[str, NewPerson] = {}
        self.matched: set[str] = set()

    def resolve(self, written: str, *, sheet: str, row: int | None, column: str) -> str:
        """The key of the person written: "p<id>" for someone who exists, "new:<name>" otherwise."""
        key = self._match(written, sheet=sheet, row=row, column=column)
        if key is not None:
            self.matched.add(key)
            return key
        return self._new(written, sheet=sheet, row=row)

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

    def _new(self, written: str, *, sheet, row) -> str:
        name = display_name(written)[:200]
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
