"""The shell every page uses: header, sign-in and sign-out, error pages, components and tags."""

import re
from datetime import date
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import PermissionDenied
from django.template import Context, RequestContext, Template
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.views.defaults import permission_denied

from programmes import rules
from programmes.choices import Rag
from programmes.forms import DateField
from programmes.roles import ADMIN, LEADERSHIP, OFFICER, PROGRAMME_MANAGER
from programmes.templatetags.ui import page_title, percent, rag_tag, uk_date
from tests.factories import UserFactory

PASSWORD = "correct horse battery staple"
STATIC = Path(settings.BASE_DIR) / "static"


def _body(response) -> str:
    return response.content.decode()


@pytest.fixture
def dana(db):
    return UserFactory(
        username="dana.director", first_name="Dana", last_name="Director", role=LEADERSHIP
    )


# Sign in and sign out


def test_the_sign_in_page_shows_the_councils_name_from_settings(client, db, settings):
    settings.COUNCIL_NAME = "Wessex County Council"

    response = client.get(reverse("login"))

    assert response.status_code == 200
    body = _body(response)
    assert "<title>Sign in – Programmes and action plans – Wessex County Council</title>" in body
    assert (
        '<a href="/" class="govuk-generic-header__homepage-link">Wessex County Council</a>' in body
    )
    assert "Demo Borough Council" not in body


def test_the_sign_in_form_labels_its_fields_and_says_what_they_autocomplete(client, db):
    body = _body(client.get(reverse("login")))

    assert '<label class="govuk-label" for="id_username">Username</label>' in body
    assert '<label class="govuk-label" for="id_password">Password</label>' in body
    assert re.search(r'<input[^>]*id="id_username"[^>]*autocomplete="username"', body)
    assert re.search(
        r'<input[^>]*id="id_password"[^>]*type="password"[^>]*autocomplete="current-password"', body
    )
    assert 'name="csrfmiddlewaretoken"' in body


def test_a_wrong_password_shows_the_error_summary_and_keeps_dana_out(client, dana):
    response = client.post(
        reverse("login"), {"username": "dana.director", "password": "not her password"}
    )

    assert response.status_code == 200
    body = _body(response)
    assert (
        "<title>Error: Sign in – Programmes and action plans – Demo Borough Council</title>" in body
    )
    assert 'class="govuk-error-summary" data-module="govuk-error-summary" tabindex="-1"' in body
    assert "There is a problem" in body
    assert (
        '<a href="#id_username">Enter a correct username and password. Both are case-sensitive.</a>'
        in body
    )
    assert SESSION_KEY not in client.session


def test_blank_fields_say_what_to_enter_next_to_each_field(client, db):
    body = _body(client.post(reverse("login"), {"username": "", "password": ""}))

    assert '<a href="#id_username">Enter your username</a>' in body
    assert '<a href="#id_password">Enter your password</a>' in body
    assert (
        '<p class="govuk-error-message" id="id_username-error"><span class="govuk-visually-hidden">Error:</span>'
        " Enter your username</p>"
    ) in body
    assert body.count("govuk-form-group govuk-form-group--error") == 2
    assert re.search(r'<input[^>]*id="id_password"[^>]*aria-describedby="id_password-error"', body)
    # The password typed is never sent back in the page.
    assert 'name="password" type="password" value' not in body


def test_dana_signs_in_and_is_sent_to_the_home_page(client, dana):
    response = client.post(reverse("login"), {"username": "dana.director", "password": PASSWORD})

    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.session[SESSION_KEY] == str(dana.pk)


def test_someone_already_signed_in_skips_the_sign_in_page(client, dana):
    client.force_login(dana)

    response = client.get(reverse("login"))

    assert response.status_code == 302
    assert response.url == reverse("home")


def test_sign_out_only_happens_by_post(client, dana):
    client.force_login(dana)

    refused = client.get(reverse("logout"))
    assert refused.status_code == 405
    assert client.session[SESSION_KEY] == str(dana.pk)

    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response.url == reverse("logged_out")
    assert SESSION_KEY not in client.session
    assert "You have signed out" in _body(client.get(response.url))


# The shell


def test_a_missing_page_is_a_404_inside_the_shell(client, db):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    body = _body(response)
    assert (
        "<title>Page not found – Programmes and action plans – Demo Borough Council</title>" in body
    )
    assert '<a href="#main-content" class="govuk-skip-link"' in body
    assert '<main class="govuk-main-wrapper" id="main-content">' in body
    assert '<link rel="stylesheet" href="/static/css/app.css">' in body
    assert "Demo Borough Council" in body


def test_the_header_names_whoever_is_signed_in_and_signs_out_by_a_post_form(client, dana):
    client.force_login(dana)

    body = _body(client.get("/no-such-page/"))

    assert '<strong data-testid="signed-in-name">Dana Director</strong>' in body
    form = re.search(
        r'<form method="post" action="/accounts/logout/"[^>]*>(.*?)</form>', body, re.S
    )
    assert form and 'name="csrfmiddlewaretoken"' in form.group(1) and "Sign out" in form.group(1)


def test_the_body_gives_htmx_the_csrf_token_once(client, dana):
    client.force_login(dana)

    body = _body(client.get("/no-such-page/"))

    assert len(re.findall(r"""hx-headers='\{"X-CSRFToken": "[A-Za-z0-9]+"\}'""", body)) == 1
    assert '<div aria-live="polite" id="announcements" class="govuk-visually-hidden">' in body


def test_every_script_and_stylesheet_comes_from_our_own_static_files(client, db):
    body = _body(client.get(reverse("login")))

    sources = re.findall(r'(?:src=|href=|from )"([^"]+\.(?:js|css|svg))"', body)
    assert sorted(sources) == [
        "/static/assets/images/favicon.svg",
        "/static/css/app.css",
        "/static/js/app.js",
        "/static/vendor/htmx.min.js",
    ]
    for source in sources:
        assert (STATIC / source.removeprefix("/static/")).is_file()
    # app.js starts GOV.UK Frontend from the file beside it.
    assert 'from "./govuk-frontend.min.js"' in (STATIC / "js" / "app.js").read_text()
    assert (STATIC / "js" / "govuk-frontend.min.js").is_file()


def test_the_compiled_css_is_arial_with_no_gds_transport_and_no_crown():
    css = (STATIC / "css" / "app.css").read_text()

    assert "font-family:arial,sans-serif" in css
    assert "GDS Transport" not in css
    assert "@font-face" not in css
    assert not re.search(r"url\([^)]*(crest|crown)", css, re.I)
    assert not re.search(r"url\([^)]*https?:", css)
    shipped = [path.name for path in STATIC.rglob("*") if path.is_file()]
    assert not [name for name in shipped if re.search(r"crest|crown|\.woff", name, re.I)]


def _contrast(background: str, text: str) -> float:
    def luminance(colour: str) -> float:
        colour = colour.lstrip("#")
        if len(colour) == 3:
            colour = "".join(c * 2 for c in colour)
        channels = [int(colour[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    lighter, darker = sorted([luminance(background), luminance(text)], reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@pytest.mark.parametrize("rag", ["blue", "green", "amber", "red", "grey"])
def test_each_rag_tag_has_at_least_aa_text_contrast(rag):
    css = (STATIC / "css" / "app.css").read_text()

    rule = re.search(
        rf"\.app-rag--{rag},[^{{]*\{{color:(#[0-9a-f]+);background-color:(#[0-9a-f]+)\}}", css
    )
    assert rule, f"no colours for app-rag--{rag} in the compiled CSS"
    assert _contrast(rule.group(2), rule.group(1)) >= 4.5


def test_the_error_pages_render_without_the_request(settings):
    settings.COUNCIL_NAME = "Wessex County Council"

    body = render_to_string("500.html")

    assert "Sorry, there is a problem with the service" in body
    assert "Wessex County Council" in body


def test_a_refusal_is_a_403_inside_the_shell(rf, dana):
    request = rf.get("/dashboards/")
    request.user = dana

    response = permission_denied(request, PermissionDenied("no"))

    assert response.status_code == 403
    assert "You cannot see this page" in _body(response)
    assert "Dana Director" in _body(response)


# Navigation by role (a courtesy: each view checks for itself)


def _nav(user, path="/"):
    request = RequestFactory().get(path)
    request.user = user
    return render_to_string("components/site_header.html", {"user": user}, request=request)


def test_an_officer_is_shown_their_actions_but_not_the_dashboards(db):
    olly = UserFactory(role=OFFICER)

    header = _nav(olly)

    assert 'href="/my-actions/"' in header
    assert "Dashboards" not in header
    assert "Admin" not in header


def test_leadership_are_shown_the_dashboards_and_exceptions(dana):
    header = _nav(dana)

    assert 'href="/dashboards/"' in header and 'href="/dashboards/exceptions/"' in header
    assert "My actions" not in header


def test_an_admin_with_staff_access_is_shown_the_admin_link(db):
    ada = UserFactory(role=ADMIN, is_staff=True)

    header = _nav(ada)

    assert 'href="/admin/"' in header


def test_only_the_programme_office_is_shown_the_imports(db):
    ada, manny = UserFactory(role=ADMIN), UserFactory(role=PROGRAMME_MANAGER)

    assert 'href="/imports/"' in _nav(ada)
    assert 'href="/imports/"' not in _nav(manny)


def test_nobody_signed_in_sees_no_navigation(db):
    from django.contrib.auth.models import AnonymousUser

    header = _nav(AnonymousUser())

    assert "govuk-service-navigation__list" not in header
    assert "Sign out" not in header


def test_the_section_you_are_in_is_marked_current(dana):
    header = _nav(dana, "/dashboards/exceptions/")

    current = re.findall(r'href="([^"]+)" aria-current="(\w+)"', header)
    assert current == [("/dashboards/exceptions/", "page")]


# Tags and filters


def test_a_rag_tag_has_the_colour_and_the_word():
    assert (
        str(rag_tag("red"))
        == '<strong class="govuk-tag app-rag app-rag--red" data-rag="red">Red</strong>'
    )
    # One label per colour on every page (issue 11): the tag says "Blue", as charts and exports do.
    assert ">Blue<" in str(rag_tag(Rag.BLUE))
    assert "app-rag--amber" in str(rag_tag(rules.Rag.AMBER)) and ">Amber<" in str(
        rag_tag(rules.Rag.AMBER)
    )
    assert rag_tag(None) == ""


def test_percent_shows_a_whole_number_rounded_half_up_or_a_dash():
    assert percent(47.5) == "48%"
    assert percent(47.78) == "48%"
    assert percent(0) == "0%"
    assert percent(None) == "–"


def test_dates_are_shown_the_uk_way():
    assert uk_date(date(2025, 3, 30)) == "30 March 2025"
    assert uk_date(None) == ""


def test_the_page_title_escapes_the_councils_name():
    assert page_title("Sign in", "Bath & North East Somerset Council") == (
        "Sign in – Programmes and action plans – Bath &amp; North East Somerset Council"
    )
    assert page_title("", "Wessex Council") == "Programmes and action plans – Wessex Council"


# Components


class ProgressForm(forms.Form):
    percent = forms.IntegerField(min_value=0, max_value=100, help_text="From 0 to 100")
    status = forms.ChoiceField(
        choices=[("", "Choose"), ("in_progress", "In progress"), ("completed", "Completed")]
    )
    due = DateField()
    note = forms.CharField(widget=forms.Textarea)


def _render(source: str, **context) -> str:
    return Template("{% load ui %}" + source).render(Context(context))


def test_the_error_summary_links_each_message_to_its_field_and_a_radio_to_the_first_choice():
    form = ProgressForm(data={"percent": "120", "status": "", "due": "not a date", "note": ""})
    form.fields["status"].widget = forms.RadioSelect(choices=form.fields["status"].choices)

    body = _render('{% include "components/error_summary.html" %}', form=form)

    assert '<a href="#id_percent">Ensure this value is less than or equal to 100.</a>' in body
    assert '<a href="#id_status_0">This field is required.</a>' in body
    assert '<a href="#id_due-day">Date must be a real date.</a>' in body  # a date: its first box


def test_no_errors_no_summary():
    assert (
        _render('{% include "components/error_summary.html" %}', form=ProgressForm()).strip() == ""
    )


def test_field_partials_put_the_error_next_to_the_field_and_describe_it():
    form = ProgressForm(
        data={"percent": "120", "status": "completed", "due": "2025-03-30", "note": "Done"}
    )
    form.is_valid()

    number = _render(
        '{% include "components/field_number.html" with field=form.percent suffix="%" %}', form=form
    )
    assert "govuk-form-group--error" in number
    assert 'inputmode="decimal"' in number and 'value="120"' in number
    assert 'aria-describedby="id_percent-hint id_percent-error"' in number
    assert '<div class="govuk-input__suffix" aria-hidden="true">%</div>' in number

    select = _render(
        '{% include "components/field_select.html" with field=form.status %}', form=form
    )
    assert '<option value="completed" selected>Completed</option>' in select
    assert "govuk-form-group--error" not in select

    radios = _render(
        '{% include "components/field_radios.html" with field=form.status %}', form=form
    )
    assert 'value="completed" checked' in radios
    assert 'value=""' not in radios  # the blank choice is not a radio

    dated = _render(
        '{% include "components/field_date.html" with field=form.due %}',
        form=ProgressForm(initial={"due": date(2025, 3, 30)}),
    )
    # GOV.UK's date input: three boxes in a fieldset, named as GOV.UK names them.
    assert 'role="group"' in dated and 'type="date"' not in dated
    assert 'name="due-day" type="text" inputmode="numeric" value="30"' in dated
    assert 'name="due-month" type="text" inputmode="numeric" value="3"' in dated
    assert 'name="due-year" type="text" inputmode="numeric" value="2025"' in dated

    textarea = _render(
        '{% include "components/field_textarea.html" with field=form.note %}', form=form
    )
    assert ">\nDone</textarea>" in textarea


def test_the_percent_bar_writes_the_number_and_never_relies_on_the_bar():
    bar = _render('{% include "components/percent_bar.html" with percent_value=47.5 %}')
    assert '<span class="app-percent-bar__value">48%' in bar
    assert 'app-percent-bar__fill--48"' in bar
    assert 'aria-hidden="true"><span class="app-percent-bar__fill ' in bar

    empty = _render('{% include "components/percent_bar.html" with percent_value=None %}')
    assert "No percent yet" in empty and 'app-percent-bar__fill--0"' in empty


def test_the_rag_key_explains_every_colour_in_words():
    key = _render('{% include "components/rag_key.html" %}')

    for word in ("Blue", "Green", "Amber", "Red", "Grey"):
        assert f">{word}</strong>" in key
    assert "Complete." in key


def test_pagination_keeps_the_filters_and_marks_the_current_page():
    from django.core.paginator import Paginator

    request = RequestFactory().get("/my-actions/", {"status": "red", "page": "2"})
    page_obj = Paginator(list(range(50)), 10).page(2)

    body = Template('{% include "components/pagination.html" %}').render(
        RequestContext(request, {"page_obj": page_obj})
    )

    assert 'href="?status=red&amp;page=1" rel="prev"' in body
    assert 'href="?status=red&amp;page=3" rel="next"' in body
    assert 'aria-label="Page 2" aria-current="page"' in body
