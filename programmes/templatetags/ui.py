"""Template tags for the site shell and the small things every page shows the same way.

`{% load ui %}` gives: `{% rag_tag value %}`, `{% council %}`, `{% main_navigation as items %}`,
and the filters `rag_label`, `percent`, `percent_width`, `uk_date`, `date_part_boxes` and `page_title`.
Nothing here decides access: the navigation only hides links a person could not use, and every
view still checks permission itself.
"""

from datetime import date, datetime

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeData, mark_safe

from programmes import rules
from programmes.forms import date_parts as _date_parts
from programmes.permissions import can_read_everything, can_set_up
from programmes.roles import ADMIN, OFFICER, PROGRAMME_MANAGER, has_role

register = template.Library()

SERVICE_NAME = "Programmes and action plans"

# The word goes with the colour everywhere, so nothing depends on seeing colour. The word is
# rules.Rag.label, the one every page, export and e-mail uses.
RAG_KEYS = frozenset(rag.value for rag in rules.Rag)

def _rag_value(value) -> str:
    # rules.Rag and choices.Rag are both str subclasses whose value is the lower-case name.
    return str(getattr(value, "value", value) or "").strip().lower()


@register.filter
def rag_label(value) -> str:
    """The colour's word: rules.Rag.label ("Blue", "Green"); anything else capitalised."""
    key = _rag_value(value)
    return rules.Rag(key).label if key in RAG_KEYS else key.capitalize()


@register.simple_tag
def rag_tag(value):
    """A GOV.UK tag in the RAG colour with its word, the colour's one label (e.g. Red, Blue)."""
    key = _rag_value(value)
    if not key:
        return ""
    modifier = key if key in RAG_KEYS else "grey"
    return format_html(
        '<strong class="govuk-tag app-rag app-rag--{}" data-rag="{}">{}</strong>',
        modifier,
        key,
        rag_label(key),
    )


@register.filter
def percent(value) -> str:
    """A stored percent as people see it: a whole number rounded half up, or a dash for none."""
    return rules.percent_text(None if value == "" else value)


@register.filter
def percent_width(value) -> int:
    """How much of a percent bar to fill: the displayed whole number, kept within 0 to 100."""
    if value is None or value == "":
        return 0
    return max(0, min(100, rules.display_percent(value)))


@register.filter
def uk_date(value) -> str:
    """30 March 2025 (rules.uk_date), whatever the locale; datetimes in the council's time zone.

    The one way pages, the admin and exports write a date: use it rather than |date:"j F Y".
    """
    if not value:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if not isinstance(value, date):
        return str(value)
    return rules.uk_date(value)


@register.filter
def date_part_boxes(field) -> list[tuple[str, str, int, str]]:
    """A date input's three boxes (programmes.forms.DateField): (part, label, width, what to show)."""
    day, month, year = _date_parts(field.value())
    return [("day", "Day", 2, day), ("month", "Month", 2, month), ("year", "Year", 4, year)]


@register.simple_tag(takes_context=True)
def council(context) -> str:
    # The 500 page is rendered without context processors, so fall back to the setting.
    return context.get("council_name") or settings.COUNCIL_NAME


@register.filter(is_safe=True, needs_autoescape=True)
def page_title(page, council_name="", autoescape=True):
    """Page – Service – Council, leaving out the page part when a page gives no title."""
    escape = conditional_escape if autoescape else str
    # The title block arrives already escaped (safe); strip() would drop that mark and a name
    # with "<" would be escaped twice and show as "&lt;" in the browser tab.
    stripped = page.strip() if isinstance(page, str) else str(page).strip()
    if isinstance(page, SafeData):
        stripped = mark_safe(stripped)
    parts = [escape(stripped), SERVICE_NAME, escape(council_name or settings.COUNCIL_NAME)]
    return mark_safe(" – ".join(part for part in parts if part))


# (text, URL name, who sees it). The test is a courtesy; the view behind the link decides.
def _sees_own_actions(user) -> bool:
    return has_role(user, OFFICER, PROGRAMME_MANAGER, ADMIN)


def _reads_everything(user) -> bool:
    return can_read_everything(user)


def _imports(user) -> bool:
    """Imports and the audit trail are the programme office's: the role their pages require."""
    return has_role(user, ADMIN)


def _reports(user) -> bool:
    """Readers report on every programme, officers and managers on what they own (the page decides)."""
    return can_read_everything(user) or has_role(user, OFFICER, PROGRAMME_MANAGER)


def _sets_up(user) -> bool:
    """Admins set up every programme, programme managers their own (programmes.permissions)."""
    return can_set_up(user)


def _administers(user) -> bool:
    return user.is_active and user.is_staff


NAVIGATION = (
    ("My actions", "my_actions", _sees_own_actions),
    ("Dashboards", "portfolio", _reads_everything),
    ("Exceptions", "exceptions", _reads_everything),
    ("Risks", "risks", _reads_everything),
    ("Boards", "boards", _reads_everything),
    ("Reports", "reports", _reports),
    ("Set up", "setup_home", _sets_up),
    ("Import", "import", _imports),
    ("Audit trail", "audit", _imports),
    ("Admin", "admin:index", _administers),
)


@register.simple_tag(takes_context=True)
def main_navigation(context) -> list[dict]:
    """The header links this person can use."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    items = []
    for text, url_name, shown in NAVIGATION:
        if not shown(user):
            continue
        href = reverse(url_name)
        items.append({"text": text, "href": href, "current": None})
    # The longest link the path starts with is the current section (Exceptions, not Dashboards).
    matches = [item for item in items if request.path.startswith(item["href"])]
    if matches:
        best = max(matches, key=lambda item: len(item["href"]))
        best["current"] = "page" if request.path == best["href"] else "true"
    return items
