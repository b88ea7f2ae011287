"""Errors and warnings, each pointing at a sheet, row and column of the file."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Issue:
    sheet: str
    row: int | None
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "message": self.message}


class Issues:
    def __init__(self):
        self.errors: list[Issue] = []
        self.warnings: list[Issue] = []

    def error(self, sheet: str, row: int | None, column: str, message: str) -> None:
        self.errors.append(Issue(sheet, row, column, message))

    def warning(self, sheet: str, row: int | None, column: str, message: str) -> None:
        self.warnings.append(Issue(sheet, row, column, message))
