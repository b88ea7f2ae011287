"""Pure parsers for the values councils write in their spreadsheets: no database, no settings.

Each parser takes a cell as read (text, number, date or None) and returns a clean value,
or raises ValueProblem with a plain-English message for the import's error list.
"""

import html
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import nh3

from programmes import rules
from programmes.choices import Status
from programmes.fiscal import financial_year_name, financial_year_of, month_end


class ValueProblem(ValueError):
    """A cell the import cannot use; the message says what is wrong in plain English."""


MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9,
    "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}
_MONTH = "(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_YEAR = r"(\d{4}|\d{2})"
_DAY_MONTH_YEAR_NUMBERS = re.compile(r"^(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4}|\d{2})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_DAY_MONTH_NAME_YEAR = re.compile(rf"^(\d{{1,2}})(?:st|nd|rd|th)?[\s-]+(?:of\s+)?{_MONTH},?[\s-]+'?{_YEAR}$")
_MONTH_YEAR = re.compile(rf"^(?:(?:by\s+)?(?:the\s+)?end(?:\s+of)?\s+|by\s+)?{_MONTH}[\s/-]*'?{_YEAR}$")
# Excel counts days from 30 December 1899; 20000-80000 is 1954-2119, so other numbers are not dates.
_EXCEL_EPOCH = date(1899, 12, 30)
_EXCEL_SERIALS = range(20_000, 80_000)
DUE_NOTE_LENGTH = 200


@dataclass(frozen=True)
class DueDate:
    """A date, or no date and the words written instead ("Ongoing", "Quarterly", "TBC")."""

    date: date | None
    note: str = ""


def full_year(year: str) -> int:
    """Two-digit years are this century up to 69 and the last one from 70 ("24/02/11" is 2011)."""
    number = int(year)
    if len(year) == 4:
        return number
    return 2000 + number if number < 70 else 1900 + number


def _real_date(year: int, month: int, day: int, written: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueProblem(
            f"“{written}” is not a real date. Dates are read day first: 30/03/2025 or 30 March 2025."
        ) from None


def parse_date(value) -> DueDate:
    """A cell as a date. A month alone means its last day ("Dec-11", "end June 2011").

    Text that is not a date ("Ongoing", "Quarterly", "TBC") comes back as a note with no date;
    a date that cannot exist ("31/02/2011") is a ValueProblem.
    """
    if value is None:
        return DueDate(None)
    if isinstance(value, datetime):
        return DueDate(value.date())
    if isinstance(value, date):
        return DueDate(value)
    if isinstance(value, bool):
        raise ValueProblem(f"“{value}” is not a date.")
    if isinstance(value, int | float | Decimal):
        if float(value).is_integer() and int(value) in _EXCEL_SERIALS:
            return DueDate(_EXCEL_EPOCH + timedelta(days=int(value)))
        return DueDate(None, note=clean_text(_number_text(value)))
    written = clean_text(str(value))
    if not written:
        return DueDate(None)
    text = written.lower().rstrip(".")
    found = _date_from_text(text, written)
    if found is not None:
        return DueDate(found)
    return DueDate(None, note=written)


def _date_from_text(text: str, written: str) -> date | None:
    if match := _DAY_MONTH_YEAR_NUMBERS.match(text):
        day, month, year = match.groups()
        return _real_date(full_year(year), int(month), int(day), written)
    if match := _ISO.match(text):
        year, month, day = match.groups()
        return _real_date(int(year), int(month), int(day), written)
    if match := _DAY_MONTH_NAME_YEAR.match(text):
        day, month, year = match.groups()
        return _real_date(full_year(year), MONTHS[month], int(day), written)
    if match := _MONTH_YEAR.match(text):
        month, year = match.groups()
        return month_end(full_year(year), MONTHS[month])
    return None


def _number_text(value) -> str:
    number = float(value)
    return str(int(number)) if number.is_integer() else str(value)


def finite(number: Decimal, written) -> Decimal:
    """A number a column can hold: "NaN" and infinity are not numbers to a council."""
    if not number.is_finite():
        raise ValueProblem(f"“{clean_text(str(written))}” is not a number. Write a number, or leave the cell "
                           "empty.")
    return number


# ---------------------------------------------------------------- percent


def round_half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def parse_percent(value) -> int | None:
    """47%, 47 and 0.47 are all 47 percent.

    The rule for the ambiguous cases: a value written with a % sign is a percent; a number
    written with a decimal point between 0 and 1 is a fraction (0.47 is 47, 1.0 is 100); a
    whole number is a percent (1 is 1%). Excel cells formatted as percent arrive with their
    sign (the reader adds it), so a 100% cell is 100, not 1.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueProblem(f"“{value}” is not a percentage: write it as 47%, 47 or 0.47.")
    if isinstance(value, int):
        number, fraction = Decimal(value), False
    elif isinstance(value, float | Decimal):
        number = finite(Decimal(str(value)), value)
        fraction = 0 <= number <= 1
    else:
        number, fraction = _percent_from_text(clean_text(str(value)))
        if number is None:
            return None
    if fraction:
        number *= 100
    if abs(number) > 1000:  # before rounding: 1E+999999 cannot be rounded
        raise ValueProblem(f"The percentage complete must be between 0 and 100; the file says {value}.")
    percent = round_half_up(number)
    if not 0 <= percent <= 100:
        raise ValueProblem(f"The percentage complete must be between 0 and 100; the file says {value}.")
    return percent


def _percent_from_text(text: str) -> tuple[Decimal | None, bool]:
    if text.lower() in {"", "-", "–", "n/a", "na"}:
        return None, False
    signed = text.endswith("%")
    digits = text.rstrip("%").strip()
    try:
        number = Decimal(digits)
    except InvalidOperation:
        raise ValueProblem(f"“{text}” is not a percentage: write it as 47%, 47 or 0.47.") from None
    if not number.is_finite():
        raise ValueProblem(f"“{text}” is not a percentage: write it as 47%, 47 or 0.47.")
    return number, not signed and "." in digits and 0 <= number <= 1


# ---------------------------------------------------------------- RAG and status


_RAG_WORDS = {"r": "red", "red": "red", "a": "amber", "amber": "amber", "g": "green", "green": "green",
              "b": "blue", "blue": "blue"}


def parse_rag(value) -> str | None:
    """R, A, G, B or the words, with or without a gloss ("Blue - Complete", "Green – on target")."""
    text = clean_text("" if value is None else str(value)).lower()
    if not text:
        return None
    first = re.split(r"[^a-z]+", text, maxsplit=1)[0]
    if first in _RAG_WORDS:
        return _RAG_WORDS[first]
    raise ValueProblem(f"“{clean_text(str(value))}” is not a RAG status: use R, A, G, B or Red, Amber, "
                       "Green, Blue.")


_STATUS_WORDS = {
    Status.NOT_STARTED: ("not started", "not yet started", "to start", "not due to start", "planned"),
    Status.IN_PROGRESS: ("in progress", "started", "underway", "under way", "on track", "on target",
                         "in hand", "ongoing", "progressing", "wip"),
    Status.COMPLETED: ("completed", "complete", "done", "achieved", "finished", "closed"),
    Status.ON_HOLD: ("on hold", "paused", "suspended"),
    Status.CANCELLED: ("cancelled", "canceled", "withdrawn", "dropped"),
    Status.DEFERRED: ("deferred", "postponed"),
}
STATUS_BY_WORD = {word: status.value for status, words in _STATUS_WORDS.items() for word in words}
STATUS_BY_WORD.update({status.label.lower(): status.value for status in Status})


def parse_status(value) -> str | None:
    text = re.sub(r"[^a-z]+", " ", clean_text("" if value is None else str(value)).lower()).strip()
    if not text:
        return None
    if text in STATUS_BY_WORD:
        return STATUS_BY_WORD[text]
    raise ValueProblem(f"“{clean_text(str(value))}” is not a status the import knows: use Not started, "
                       "In progress, Completed, On hold, Cancelled or Deferred.")


def status_from_percent(percent: int) -> str:
    if percent >= 100:
        return Status.COMPLETED.value
    if percent <= 0:
        return Status.NOT_STARTED.value
    return Status.IN_PROGRESS.value


# ---------------------------------------------------------------- owners and people


# Not " and " or " & ": "Health and Wellbeing Team" is one owner.
_OWNER_SEPARATORS = re.compile(r"\s*(?:/|,|;|\n)\s*")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_INITIALS = re.compile(r"^[A-Z]{2,4}$")
_HONORIFICS = {"mr", "mrs", "ms", "miss", "dr", "cllr", "prof", "sir"}
_GROUP_WORDS = re.compile(
    r"\b(group|team|board|managers|committee|service|services|partners|partnership|smt|emt|dmt|slt|"
    r"cmt|olg|all)\b", re.IGNORECASE
)


def split_owners(value) -> list[str]:
    """"GK/MW" is two owners; "SANDRA SHORTER (HoS)" is one. The first is the responsible officer."""
    return owners_and_links(value)[0]


_BULLET = re.compile(r"^\s*(?:[•·▪◦●○‣∙*–-]|o\s)\s*")
_AND = re.compile(r"\s+(?:and|&)\s+", re.IGNORECASE)
_PERSON_NAME = re.compile(r"^(?:[A-Z][\w'’-]*\.?\s+){1,3}[A-Z][\w'’-]*$")


def owners_and_links(value) -> tuple[list[str], list[str]]:
    """(the owners written, the lines listed after them).

    Councils write a lead's name, then a bulleted list of the plans it links to ("Kath Amies",
    "• Team Plans", "• PDR"): those lines are a note on the record, never people. "A / B",
    "A, B", "GK/MW" and "A and B" (when both sides are names, initials or groups: "Health and
    Wellbeing Team" is one team) are several owners.
    """
    if value is None:
        return [], []
    text = str(value)
    if "<" in text:
        text = html_lines(text)
    owners_text, links = [], []
    for line in text.splitlines():
        if not line.strip():
            continue
        if links or _BULLET.match(line):
            links.append(clean_text(_BULLET.sub("", line)))
        else:
            owners_text.append(line)
    names, seen = [], set()
    for part in _OWNER_SEPARATORS.split("\n".join(owners_text)):
        for piece in _split_and(clean_text(re.sub(r"\([^)]*\)", " ", part))):
            name = piece.strip(" .-–•")
            if name and name.casefold() not in seen:
                seen.add(name.casefold())
                names.append(name)
    return names, [link for link in links if link]


def _split_and(text: str) -> list[str]:
    parts = _AND.split(text)
    if len(parts) > 1 and all(_one_owner(part) for part in parts):
        return parts
    return [text]


def _one_owner(text: str) -> bool:
    text = text.strip()
    return bool(_INITIALS.match(text) or is_group_name(text) or _PERSON_NAME.match(text) or is_email(text))


_BLOCK_END = re.compile(r"<\s*(?:br\s*/?|/p|/li|/div|/h\d|/tr)\s*>|<\s*li[^>]*>", re.IGNORECASE)


def html_lines(text: str) -> str:
    """A cell of HTML as lines: each paragraph, list item and line break on its own line."""
    text = _BLOCK_END.sub("\n", text)
    text = html.unescape(nh3.clean(text, tags=set()))
    return "\n".join(clean_text(line) for line in text.splitlines() if line.strip())


def extra_text(value) -> str:
    """A cell no field reads, kept as written: its lines (and bullets) kept, HTML made plain."""
    if value is None:
        return ""
    if isinstance(value, date | datetime | int | float | Decimal):
        return cell_text(value)
    text = str(value)
    if "<" in text or "&" in text:
        return html_lines(text)
    return "\n".join(clean_text(line) for line in text.splitlines() if line.strip())


def is_email(text: str) -> bool:
    return bool(_EMAIL.match(text))


def looks_like_initials(text: str) -> bool:
    return bool(_INITIALS.match(text)) and not is_group_name(text)


def is_group_name(text: str) -> bool:
    return bool(_GROUP_WORDS.search(text))


def name_key(name: str) -> str:
    return " ".join(name.casefold().split())


def initials_of(name: str) -> str:
    words = [w for w in re.split(r"[\s.-]+", name) if w and w.casefold() not in _HONORIFICS]
    return "".join(w[0] for w in words if w[0].isalpha()).upper()


def display_name(written: str) -> str:
    """The name for a new person: "SANDRA SHORTER" becomes "Sandra Shorter"; "SMT" stays."""
    if is_email(written):
        local = written.split("@", 1)[0]
        return " ".join(part.capitalize() for part in re.split(r"[._-]+", local) if part)
    if written.isupper() and " " in written and not is_group_name(written):
        return written.title()
    return written


# ---------------------------------------------------------------- measure targets


@dataclass(frozen=True)
class Target:
    """A year's target: a number where the cell is one, and the words as written otherwise."""

    value: Decimal | None
    text: str = ""


_NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "twenty": 20, "fifty": 50,
    "hundred": 100,
}
_AMOUNT = re.compile(r"^(£)?\s*(-?\d[\d,]*(?:\.\d+)?|-?\.\d+)\s*(k|m|bn)?\s*(%)?$", re.IGNORECASE)
_MULTIPLIERS = {"k": Decimal(1000), "m": Decimal(1_000_000), "bn": Decimal(1_000_000_000)}
TARGET_TEXT_LENGTH = 200


def parse_target(value) -> Target | None:
    """100% is 100; £850K is 850000 (written form kept); Six is 6; <1%, TBC, N/A are words only."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float | Decimal):
        return Target(target_number(Decimal(str(value)), value))
    text = clean_text(str(value))
    if not text:
        return None
    if text.lower() in _NUMBER_WORDS:
        return Target(Decimal(_NUMBER_WORDS[text.lower()]), text)
    match = _AMOUNT.match(text)
    if len(text) > TARGET_TEXT_LENGTH:
        raise ValueProblem(f"A target is at most {TARGET_TEXT_LENGTH} characters; this one is {len(text):,}. "
                           "Shorten it, or put the words in the measure's description.")
    if not match:
        return Target(None, text)
    pound, digits, multiplier, _percent = match.groups()
    number = Decimal(digits.replace(",", ""))
    if multiplier:
        number *= _MULTIPLIERS[multiplier.lower()]
    plain_number = not pound and not multiplier and "," not in digits
    return Target(target_number(number, text), "" if plain_number else text)


TARGET_LIMIT = Decimal(10) ** 10  # MeasureTarget.value: 14 digits, 4 after the point


def target_number(number: Decimal, written) -> Decimal:
    """A target's number as the column holds it: finite, under 10 billion, 4 decimal places."""
    finite(number, written)
    if abs(number) >= TARGET_LIMIT:
        raise ValueProblem(f"“{clean_text(str(written))}” is too large for a target: targets are below "
                           "10,000,000,000.")
    return tidy_decimal(number.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))


def tidy_decimal(number: Decimal) -> Decimal:
    """850000, not 8.5E+5; 0.5, not 0.50."""
    if number == number.to_integral_value():
        return number.quantize(Decimal(1))
    return number.normalize()


def unit_from_targets(texts: list[str]) -> str | None:
    """A measure's unit as its targets show it (100% is a percentage, £850K is money)."""
    joined = " ".join(texts)
    if "£" in joined:
        return "currency"
    if "%" in joined:
        return "percentage"
    return None


_YEAR_HEADING = re.compile(r"(\d{4})\s*[/-]\s*(\d{4}|\d{2})")


def financial_year_from_heading(heading: str) -> str | None:
    """"Target 2011/12", "Target 2011-2012" and "2011/12 target" are all the year "2011/12"."""
    match = _YEAR_HEADING.search(heading)
    if not match:
        return None
    start, end = int(match.group(1)), match.group(2)
    if int(end[-2:]) != (start + 1) % 100:
        return None
    return financial_year_name(start)


def financial_year_dates(name: str) -> tuple[date, date]:
    start = int(name[:4])
    return date(start, 4, 1), date(start + 1, 3, 31)


# ---------------------------------------------------------------- measures per period

_QUARTER_HEADING = re.compile(r"\bq\s*([1-4])\b")
_MONTH_HEADING = re.compile(rf"\b{_MONTH}[\s/-]*'?(\d{{4}}|\d{{2}})\b")
_VALUE_WORDS = re.compile(r"\b(actual|actuals|value|outturn|result|achieved|performance)\b")
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
               "October", "November", "December")


def period_heading(heading) -> tuple[str, str] | None:
    """("target" or "value", the period) a measure's column holds: "Target 2012/13" is the target
    for 2012/13; "Q1 target" for Q1 (of the as-at date's year unless the heading names one);
    "Apr-24" and "2024/25 Q2 actual" are values. A year with neither word is not a period column."""
    text = " ".join(str(heading or "").split())
    low = text.lower()
    role = "target" if "target" in low else ("value" if _VALUE_WORDS.search(low) else None)
    year = financial_year_from_heading(text)
    quarter = _QUARTER_HEADING.search(low)
    month = _MONTH_HEADING.search(low)
    if quarter:
        label = f"{year} Q{quarter.group(1)}" if year else f"Q{quarter.group(1)}"
    elif month and not year:
        label = f"{MONTH_NAMES[MONTHS[month.group(1)] - 1]} {full_year(month.group(2))}"
    elif year:
        label = year
    else:
        return None
    if role is None:
        if not (quarter or month):
            return None
        role = "value"
    return role, label


@dataclass(frozen=True)
class PeriodSpec:
    """A reporting period as the import names and creates it: "2024/25", "2024/25 Q1", "April 2024"."""

    name: str
    kind: str  # year | quarter | month (ReportingPeriod.Kind)
    financial_year: str
    quarter: int | None
    start: date
    end: date


def period_spec(label: str, as_at: date) -> PeriodSpec:
    """The period a heading's label names; a quarter with no year is in the as-at date's year."""
    if match := re.fullmatch(r"(?:(\d{4}/\d{2}) )?Q([1-4])", label):
        year = match.group(1) or financial_year_of(as_at)
        quarter = int(match.group(2))
        first_month = 4 + 3 * (quarter - 1)
        start_year = int(year[:4]) + (first_month > 12)
        start = date(start_year, (first_month - 1) % 12 + 1, 1)
        end_month = (first_month + 2 - 1) % 12 + 1
        return PeriodSpec(f"{year} Q{quarter}", "quarter", year, quarter, start,
                          month_end(start_year, end_month))
    if match := re.fullmatch(r"([A-Za-z]+) (\d{4})", label):
        month, year = MONTHS[match.group(1).lower()], int(match.group(2))
        fy_start = year if month >= 4 else year - 1
        quarter = ((month - 4) % 12) // 3 + 1
        return PeriodSpec(label, "month", financial_year_name(fy_start), quarter, date(year, month, 1),
                          month_end(year, month))
    start, end = financial_year_dates(label)
    return PeriodSpec(label, "year", label, None, start, end)


# ---------------------------------------------------------------- references and text


def clean_text(text: str) -> str:
    return " ".join(str(text).split())


def plain_text(value) -> str:
    """Text without any HTML: titles and references arrive wrapped in <p> and <b> from exports."""
    if value is None:
        return ""
    text = str(value)
    if "<" in text or "&" in text:
        text = html.unescape(nh3.clean(text, tags=set()))
    return clean_text(text)


def cell_text(value) -> str:
    """Any cell as text: whole numbers without ".0", dates the UK way."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return rules.uk_date(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return plain_text(value)


def clean_ref(value) -> str:
    """A reference as it will be stored: no HTML, single spaces ("<b>4</b>" is "4")."""
    return cell_text(value).strip(" :")


def ref_key(ref: str) -> str:
    """References that differ only in spacing or case are the same: NI145 and "ni 145"."""
    return "".join(ref.split()).upper()


def parent_ref(ref: str) -> str | None:
    """ASC2401.A belongs to ASC2401; SCAR001.10 to SCAR001; ASC2401 to nothing."""
    head, dot, tail = ref.rpartition(".")
    if dot and head.strip() and tail.strip():
        return head.strip()
    return None


_LINK_SEPARATORS = re.compile(r"\s*(?:/|,|;|\n|\s&\s|\sand\s)\s*", re.IGNORECASE)
_LINK_LEAD = re.compile(r"^(?:delivers\s+against\s+)?(?:objectives?|obj\.?)\s*", re.IGNORECASE)


def parse_links(value) -> list[tuple[str, ...]]:
    """References in a link cell, each as candidates: the whole piece, then its first word.

    "1/6" and "Objective 1/6" give 1 and 6; "CP-03 To improve life opportunities" gives CP-03.
    The planner takes the first candidate that names a record.
    """
    text = plain_text(value)
    text = _LINK_LEAD.sub("", text)
    links = []
    for piece in _LINK_SEPARATORS.split(text):
        piece = piece.strip(" .:-–")
        if not piece:
            continue
        first = piece.split()[0]
        candidates = (piece,) if first == piece else (piece, first)
        if any(c for c in candidates if any(ch.isdigit() for ch in c)):
            links.append(candidates)
    return links


_DELIVERS_IN_TEXT = re.compile(r"\s*delivers\s+against\s+(?:objectives?\s*)?(\d[\d\s/,&]*(?:and\s+\d+)?)\s*$",
                               re.IGNORECASE)


def split_delivers(title: str) -> tuple[str, str | None]:
    """Seed 004 writes "... (Nov 09) Delivers against Objective 1/6" in the action's own cell."""
    match = _DELIVERS_IN_TEXT.search(title)
    if not match:
        return title, None
    return title[:match.start()].strip(), match.group(1).strip()


WEIGHT_LIMIT = Decimal(100_000)  # Objective.weight and Action.weight: 7 digits, 2 after the point


def parse_weight(value) -> Decimal | None:
    text = cell_text(value)
    if not text:
        return None
    try:
        weight = Decimal(text)
    except InvalidOperation:
        raise ValueProblem(f"“{text}” is not a weight: write a number such as 1 or 2.5.") from None
    if not weight.is_finite():
        raise ValueProblem(f"“{text}” is not a weight: write a number such as 1 or 2.5.")
    if weight < 0 or weight >= WEIGHT_LIMIT:
        raise ValueProblem(f"The weight must be a number from 0 up to 99999.99; the file says {text}.")
    if weight != weight.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP):
        raise ValueProblem(f"A weight has at most two decimal places (such as 2.5 or 0.25); the file says "
                           f"{text}.")
    return weight


def parse_score(value) -> int | None:
    """A risk's likelihood or impact: a whole number from 1 to 5."""
    text = cell_text(value)
    if not text:
        return None
    if text.isdigit() and 1 <= int(text) <= 5:
        return int(text)
    raise ValueProblem(f"Likelihood and impact are whole numbers from 1 to 5; the file says “{text}”.")


def parse_yes_no(value) -> bool | None:
    text = cell_text(value).lower()
    if not text:
        return None
    if text in {"y", "yes", "true", "1", "milestone"}:
        return True
    if text in {"n", "no", "false", "0"}:
        return False
    raise ValueProblem(f"“{cell_text(value)}” is not yes or no.")
