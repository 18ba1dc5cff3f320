"""Numbers, years and ids read from a request: ONE way of parsing them, used by every view.

A value typed or forged in a URL or a form (``?annee=²``, ``abc``, ``1e9``, ``\\x00``, 40
digits) never reaches ``int()`` unchecked: only ASCII digits within bounds are accepted. By
default a bad value is ignored (the default is returned); with ``strict=True`` it raises
``BadRequest``, which Django answers with a 400.
"""

import re

from django.core.exceptions import BadRequest

# PostgreSQL's integer (ids, years): anything larger would fail in the query.
MAX_ID = 2**31 - 1
_DIGITS = re.compile(r"[0-9]{1,10}")


def _source(request_or_data):
    """``request.GET`` for a request, else the mapping itself (``request.POST``, a dict)."""
    return getattr(request_or_data, "GET", request_or_data)


def parse_int(
    value, default=None, *, min_value: int | None = None, max_value: int | None = None
) -> int | None:
    """``value`` as an int when it is made of ASCII digits (an optional leading minus when
    ``min_value`` allows it) within the bounds, else ``default``."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        text = str(value if value is not None else "").strip()
        negative = text.startswith("-") and min_value is not None and min_value < 0
        digits = text[1:] if negative else text
        if not _DIGITS.fullmatch(digits):
            return default
        number = -int(digits) if negative else int(digits)
    if min_value is not None and number < min_value:
        return default
    if max_value is not None and number > max_value:
        return default
    return number


def _bad(name: str, strict: bool, found) -> None:
    if strict and found not in (None, ""):
        raise BadRequest(f"Paramètre « {name} » invalide.")


def int_param(
    request_or_data,
    name: str,
    default=None,
    *,
    min_value: int | None = None,
    max_value: int | None = None,
    strict: bool = False,
) -> int | None:
    """The integer parameter ``name`` of a request's query (or of a form's data)."""
    raw = _source(request_or_data).get(name)
    number = parse_int(raw, None, min_value=min_value, max_value=max_value)
    if number is None:
        _bad(name, strict, raw)
        return default
    return number


def year_param(
    request_or_data, name: str = "annee", default=None, *, strict: bool = False
) -> int | None:
    """A plausible year (2000 to 2100) or ``default``."""
    return int_param(request_or_data, name, default, min_value=2000, max_value=2100, strict=strict)


def id_param(request_or_data, name: str, default=None, *, strict: bool = False) -> int | None:
    """A database id (1 to 2³¹ − 1) or ``default``."""
    return int_param(request_or_data, name, default, min_value=1, max_value=MAX_ID, strict=strict)


def ids_param(request_or_data, name: str, *, strict: bool = False) -> list[int]:
    """Every valid id of a repeated parameter (checkboxes), in order, without duplicates; bad
    values are dropped (or refused with ``strict``)."""
    ids: dict[int, None] = {}
    for raw in _source(request_or_data).getlist(name):
        number = parse_int(raw, None, min_value=1, max_value=MAX_ID)
        if number is None:
            _bad(name, strict, raw)
            continue
        ids[number] = None
    return list(ids)


def next_param(request, default: str) -> str:
    """The ``next`` of a form (POST, else the query): a path of this site only, never another
    site's address (no open redirect); ``default`` otherwise (a URL or a URL name)."""
    from django.shortcuts import resolve_url
    from django.utils.http import url_has_allowed_host_and_scheme

    value = request.POST.get("next") or request.GET.get("next") or ""
    if value.startswith("/") and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return resolve_url(default)
