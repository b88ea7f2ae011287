"""The columns of an imported spreadsheet that no field reads, kept with their record (`extra`,
{heading: text}), in the words every page shows them: a cell of several lines (or bullets) is a
list, one line is text. Pure: no database."""

import re
from dataclasses import dataclass

_BULLET = re.compile(r"^\s*(?:[•·▪◦●○‣∙*–-]|o\s)\s*")


@dataclass(frozen=True)
class KeptColumn:
    heading: str
    lines: tuple[str, ...]

    @property
    def is_list(self) -> bool:
        return len(self.lines) > 1

    @property
    def text(self) -> str:
        return self.lines[0] if self.lines else ""


def kept_columns(extra: dict | None) -> list[KeptColumn]:
    """Each kept column with its lines, bullets taken off (the page draws its own), in file order."""
    columns = []
    for heading, text in (extra or {}).items():
        lines = tuple(_BULLET.sub("", line).strip() for line in str(text).splitlines())
        lines = tuple(line for line in lines if line)
        if lines:
            columns.append(KeptColumn(str(heading), lines))
    return columns
