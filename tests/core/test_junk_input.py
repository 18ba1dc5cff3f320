"""No 500, whatever a client sends: every URL pattern of the project, for each role, with junk
path, query and form values (empty, non-numeric, huge, unicode digits, NUL, over-long, random).

The URL patterns, the query and form field names are discovered (resolver, source, rendered
forms), not listed by hand, so a new page is covered the day it is added. Hypothesis draws the
random values; a fixed set of known troublemakers is always tried."""

from __future__ import annotations

import re
import traceback
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ellipse.accounts.models import User

pytestmark = [pytest.mark.django_db]

ROOT = Path(__file__).resolve().parents[2]
PROJECT_DIRS = ("ellipse", "buyers", "companies", "meetings", "trainings", "spaser")
JUNK = ["", "abc", "-1", "0", "9" * 25, "²", "١٢", "\x00", "é" * 300, "a" * 5000, "1.5", "%", "[]"]
HUGE_ID = "9" * 25
# Patterns whose whole point is to end the session or that only Django's own debug serves.
SKIPPED_NAMES = {"account_logout", "logout"}
SKIPPED_PREFIXES = ("static/", "media/", "__debug__")
ROLES = {
    "anonyme": None,
    "entreprise": "entreprise@ellipse.demo",
    "acheteur": "acheteur@ellipse.demo",
    "élu": "elu@ellipse.demo",
    "équipe": "equipe@ellipse.demo",
}
FIELD_RE = re.compile(r"""<(?:input|select|textarea)\b[^>]*\bname=["']([^"']+)["']""", re.I)
PARAM_RE = re.compile(r"""request\.(?:GET|POST)(?:\.get(?:list)?\(|\[)\s*["']([\w\-]+)["']""")


def _param_names() -> list[str]:
    names = set()
    for folder in PROJECT_DIRS:
        for path in (ROOT / folder).rglob("*.py"):
            names.update(PARAM_RE.findall(path.read_text(encoding="utf-8")))
    return sorted(names | {"page", "q", "annee", "edition", "o", "p", "next", "format"})


def _patterns(resolver=None, prefix: str = "") -> list[tuple[str, str]]:
    """(route with <converter:name> placeholders, url name) for every pattern."""
    resolver = resolver or get_resolver()
    found = []
    for entry in resolver.url_patterns:
        route = prefix + _route(entry.pattern)
        if isinstance(entry, URLResolver):
            found.extend(_patterns(entry, route))
        elif isinstance(entry, URLPattern):
            found.append((route, entry.name or ""))
    return found


def _route(pattern) -> str:
    text = str(pattern)
    if text.startswith("^"):  # a regex pattern: keep the simple literal ones
        text = text.lstrip("^").rstrip("$").replace("\\Z", "").replace("\\", "")
        text = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<str:\1>", text)
    return text


def _fill(route: str, draw_value) -> str | None:
    def replace(match):
        converter, _ = match.group(1), match.group(2)
        return draw_value(converter)

    path = re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: replace(m), route)
    if any(ch in path for ch in "()[]?*+|"):
        return None  # a regex too rich to fill by hand: covered by the resolver's own tests
    return "/" + path


def _ids() -> list[str]:
    """A few ids that exist (so detail pages are reached) beside ones that cannot."""
    ids = {"0", "1", HUGE_ID, "2147483648"}
    for model in apps.get_models():
        if model._meta.pk.get_internal_type() in ("AutoField", "BigAutoField"):
            pk = model.objects.order_by("pk").values_list("pk", flat=True).first()
            if pk is not None:
                ids.add(str(pk))
    return sorted(ids)


def _converter_value(converter: str, ids: list[str], data: st.DataObject) -> str:
    if converter in ("int",):
        return data.draw(st.sampled_from(ids))
    if converter == "uuid":
        return str(data.draw(st.uuids()))
    if converter == "slug":
        return data.draw(st.sampled_from(["abc", "x" * 300, "--", "a-b"]))
    text = data.draw(
        st.one_of(
            st.sampled_from(["abc", "x" * 300, "²", "0", HUGE_ID]),
            st.text(
                alphabet=st.characters(blacklist_characters="/?#", blacklist_categories=("Cs",)),
                min_size=1,
                max_size=30,
            ),
        )
    )
    return text


def _junk_values(data: st.DataObject) -> st.SearchStrategy:
    return st.one_of(st.sampled_from(JUNK), st.text(max_size=40), st.integers().map(str))


def _request(client: Client, method: str, path: str, values: dict, problems: list, role: str):
    try:
        response = client.get(path, values) if method == "GET" else client.post(path, values)
    except Exception as exc:  # the test client re-raises what the view raised: a 500
        problems.append(f"{role} {method} {path} {values!r}: {type(exc).__name__}: {exc}"[:600])
        problems.append(traceback.format_exc(limit=-3)[-1500:])
        return None
    if response.status_code >= 500:
        problems.append(f"{role} {method} {path} {values!r}: HTTP {response.status_code}")
    return response


def _probe(client: Client, route: str, names, ids, problems: list, role: str):
    @settings(
        max_examples=3,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def probe(data):
        path = _fill(route, lambda conv: _converter_value(conv, ids, data))
        if path is None:
            return
        query = data.draw(st.dictionaries(st.sampled_from(names), _junk_values(data), max_size=4))
        response = _request(client, "GET", path, query, problems, role)
        form = {}
        if response is not None and response.status_code == 200:
            body = response.content.decode(errors="replace")
            for field in set(FIELD_RE.findall(body)) - {"csrfmiddlewaretoken"}:
                form[field] = data.draw(_junk_values(data))
        extra = st.dictionaries(st.sampled_from(names), _junk_values(data), max_size=3)
        form.update(data.draw(extra))
        _request(client, "POST", path, form, problems, role)

    return probe


def test_no_url_answers_500_to_junk(django_db_blocker):
    call_command("seed_demo", verbosity=0)
    names = _param_names()
    ids = _ids()
    patterns = [
        (route, name)
        for route, name in _patterns()
        if name not in SKIPPED_NAMES and not route.startswith(SKIPPED_PREFIXES)
    ]
    assert len(patterns) > 50, "le parcours des URL n'a presque rien trouvé"
    problems: list[str] = []

    for role, email in ROLES.items():
        client = Client()
        if email:
            client.force_login(User.objects.get(email=email))
        for route, _name in patterns:
            if route.startswith("admin/") and role != "équipe":
                continue

            _probe(client, route, names, ids, problems, role)()
            # The known troublemakers, every one of them in every discovered parameter.
            path = _fill(route, lambda conv: HUGE_ID if conv == "int" else "²")
            if path is not None:
                for value in ("", "²", "\x00", "a" * 5000, HUGE_ID):
                    _request(client, "GET", path, dict.fromkeys(names, value), problems, role)
            if problems and len(problems) > 40:
                break
    assert not problems, "\n".join(problems[:40])
