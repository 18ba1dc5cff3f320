"""The project's ModelAdmin base: every admin page of Ellipse derives from it."""

import hashlib
import re
import zlib
from collections.abc import Sequence
from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.admin import filters, helpers
from django.contrib.admin import widgets as admin_widgets
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.core.cache import cache
from django.core.exceptions import BadRequest, FieldDoesNotExist
from django.core.paginator import Paginator
from django.db import models
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.response import TemplateResponse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ellipse.core.cache import messages_waiting
from ellipse.core.params import parse_int
from ellipse.core.stamps import stamp

AUDIT_FIELDS = ("created_at", "updated_at", "created_by", "updated_by")
LIST_CACHE_SECONDS = 3600
# Filters whose HTML is a function of their choices, the parameters and the language only.
PLAIN_FILTERS = (
    filters.SimpleListFilter,
    filters.RelatedFieldListFilter,
    filters.ChoicesFieldListFilter,
    filters.BooleanFieldListFilter,
    filters.AllValuesFieldListFilter,
)


class SafeFormfieldsMixin:
    """Form fields of the project's admin pages and inlines."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        """Autocomplete widgets that survive a forged value (see :class:`SafeAutocomplete`)."""
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        widget = getattr(formfield, "widget", None)
        inner = getattr(widget, "widget", widget)  # inside the "add another" wrapper
        for base, safe in SAFE_AUTOCOMPLETE.items():
            if type(inner) is base:
                inner.__class__ = safe
        return formfield


class PageRows(Sequence):
    """A page's rows, read for its ids (in their order) on first use: a page whose table comes
    from the cache (``{% cache %}`` around ``{% result_list cl %}``) never reads them. Its
    length is the number of ids."""

    def __init__(self, queryset, ids: list):
        self._queryset, self._ids, self._rows = queryset, ids, None

    def _fetch(self) -> list:
        if self._rows is None:
            found = {row.pk: row for row in self._queryset.order_by().filter(pk__in=self._ids)}
            self._rows = [found[pk] for pk in self._ids if pk in found]
        return self._rows

    def __len__(self) -> int:
        return len(self._ids) if self._rows is None else len(self._rows)

    def __getitem__(self, index):
        return self._fetch()[index]

    def __iter__(self):
        return iter(self._fetch())


class IdsFirstPaginator(Paginator):
    """A page in two short queries: its ids first, sorted on the list's own table (the joins
    of ``list_select_related`` and the annotations left out), then its rows for those ids only
    (:class:`PageRows`). For a list sorted on an expression no index serves (the call queue's
    rank, a count), PostgreSQL would otherwise join every row before keeping 50. Not for
    ``list_editable`` pages (their formset wants a queryset).

    With a ``cache_key`` (the list's stamps and parameters, :meth:`EllipseModelAdmin.
    list_cache_key`: its parameters hold the page), the count and the page's ids come from
    the cache in one entry: no query."""

    def __init__(self, *args, cache_key: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.cache_key = cache_key

    @cached_property
    def _key(self) -> str:
        return "admin.list:" + hashlib.sha256(str(self.cache_key).encode()).hexdigest()

    @cached_property
    def _entry(self) -> dict:
        """What the cache holds for this list and page: its count and the page's ids."""
        if self.cache_key is None:
            return {}
        return cache.get(self._key) or {}

    def _cached(self, name: str, compute):
        if name not in self._entry:
            self._entry[name] = compute()
            if self.cache_key is not None:
                cache.set(self._key, self._entry, LIST_CACHE_SECONDS)
        return self._entry[name]

    @cached_property
    def count(self) -> int:
        return self._cached("count", lambda: Paginator.count.func(self))

    def page(self, number):
        """Django's ``Paginator.page``, the rows read by their ids."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = self._cached(
            f"ids:{number}",
            lambda: list(self.object_list[bottom:top].values_list("pk", flat=True)),
        )
        return self._get_page(PageRows(self.object_list, ids), number, self)


# A cached page's form (compressed bytes); a new one is a new key, never a page misread.
PAGE_CACHE_FORMAT = 2
# The CSRF token of a cached page: "<" cannot come from data (escaped), only from here.
CSRF_SLOT = "<!--ellipse:csrf-token-->"
TOKEN_INPUT = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')


def page_without_tokens(response) -> bytes:
    """A rendered page as cached: its CSRF tokens (per request) replaced by a placeholder,
    compressed (a 70 KiB list is 10 KiB in the cache, for 0.2 ms)."""
    html = TOKEN_INPUT.sub(rf"\g<1>{CSRF_SLOT}\g<2>", response.content.decode())
    return zlib.compress(html.encode(), 1)


def page_with_tokens(request, cached: bytes) -> str:
    """A cached page with this request's CSRF token (which also sets the CSRF cookie)."""
    return zlib.decompress(cached).decode().replace(CSRF_SLOT, get_token(request))


class EllipseChangeList(ChangeList):
    """Django's change list, with what keys its filters' cached HTML."""

    def get_results(self, request):
        super().get_results(request)
        if isinstance(self.paginator, IdsFirstPaginator) and not self.multi_page:
            # One page: Django lists the queryset itself, read by the page's selection note
            # (its length) even when the rows come from the cache; read by ids instead.
            self.result_list = self.paginator.page(1).object_list

    @cached_property
    def filters_fingerprint(self) -> str | None:
        """The filters' choices (editions, CPV divisions and their labels…), in short; None
        when a filter's HTML depends on more (a date filter reads today's date): not cached."""
        parts = []
        for spec in self.filter_specs:
            if not isinstance(spec, PLAIN_FILTERS):
                return None
            choices = [
                tuple(map(str, c)) if isinstance(c, tuple | list) else str(c)
                for c in getattr(spec, "lookup_choices", ())
            ]
            parts.append(f"{type(spec).__qualname__}:{getattr(spec, 'field_path', '')}:{choices!r}")
        return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


class EllipseModelAdmin(SafeFormfieldsMixin, admin.ModelAdmin):
    """Save buttons on top, audit fields read-only, ``list_select_related`` declared per page.

    Lists stay cheap at a region's size: 50 rows a page, no second ``COUNT(*)`` of the whole
    table, and the selection checkbox written directly (Django renders a form widget template
    for each row: a third of a 50-row list's rendering)."""

    save_on_top = True
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_per_page = 50
    show_full_result_count = False
    # True: pages read by IdsFirstPaginator (a list whose order needs every row's expression).
    list_ids_first = False
    # Stamps (ellipse.core.stamps) of everything the list shows, for a list that depends on
    # nothing else (not on the user; on the time only through ``list_cache_version``): its
    # count, page ids, rows and filters' HTML are then cached under them and its sorted
    # parameters. Empty: nothing cached.
    list_cache_stamps: tuple[str, ...] = ()

    def get_changelist(self, request, **kwargs):
        return EllipseChangeList

    def list_cache_key(self, request) -> str | None:
        """The stamps of the list and its parameters, sorted (the same filters, order and page
        in any order are one entry): what its count, ids and filters are cached under. Set by
        ``changelist_view`` for a GET; None otherwise."""
        return getattr(request, "ellipse_list_cache_key", None)

    # True (with list_cache_stamps): the whole page is cached per user, its CSRF tokens put back
    # at each request (``page_with_tokens``). For lists whose every filter choice follows the
    # stamps, or is read in ``list_page_fingerprint``.
    list_page_cached = False

    def list_cache_version(self, request) -> str:
        """What else the list depends on, for a list that changes with time as well (the
        stamps are read by then: ``request.ellipse_list_stamp``)."""
        return ""

    def list_page_fingerprint(self, request) -> str:
        """What a cached page (``list_page_cached``) shows that no stamp follows, in short:
        read at each request and put in the page's key."""
        return ""

    def changelist_view(self, request, extra_context=None):
        if not (self.list_cache_stamps and request.method == "GET"):
            return super().changelist_view(request, extra_context)
        query = urlencode(sorted((k, v) for k, values in request.GET.lists() for v in values))
        request.ellipse_list_stamp = stamp(*self.list_cache_stamps)
        request.ellipse_list_cache_key = ":".join(
            [
                self.model._meta.label,
                request.ellipse_list_stamp,
                self.list_cache_version(request),
                query,
            ]
        )
        # Rendered fragments (rows, filters) also depend on the language. The filters without
        # their counts (facets) depend on no data but their choices (in their key as well).
        extra_context = {
            "list_cache_key": f"{request.ellipse_list_cache_key}:{get_language()}",
            "list_filters_key": f"{self.model._meta.label}:{query}:{get_language()}",
            **(extra_context or {}),
        }
        page_key = self._page_cache_key(request) if self.list_page_cached else None
        if page_key is None:
            return super().changelist_view(request, extra_context)
        if self.has_view_or_change_permission(request):
            html = cache.get(page_key)
            if html is not None:
                return HttpResponse(page_with_tokens(request, html))
        response = super().changelist_view(request, extra_context)
        if isinstance(response, TemplateResponse) and response.status_code == 200:

            def store(rendered) -> None:
                if not messages_waiting(request):  # none shown on this page
                    cache.set(page_key, page_without_tokens(rendered), LIST_CACHE_SECONDS)

            response.add_post_render_callback(store)
        return response

    def _page_cache_key(self, request) -> str | None:
        """The key of this user's whole page: the list's stamps and parameters, the language,
        the user (name and rights: the header, sidebar, actions and buttons), and what the
        admin adds. None when the page shows messages (shown once)."""
        from ellipse.core.admin_site import user_rights_key

        if messages_waiting(request):
            return None
        parts = [
            request.ellipse_list_cache_key,
            get_language() or "",
            user_rights_key(request.user),
            getattr(self.admin_site, "registry_fingerprint", str)(),  # the sidebar's models
            self.list_page_fingerprint(request),
        ]
        return (
            f"admin.page.v{PAGE_CACHE_FORMAT}:"
            + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
        )

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        if self.list_ids_first:
            return IdsFirstPaginator(
                queryset,
                per_page,
                orphans,
                allow_empty_first_page,
                cache_key=self.list_cache_key(request),
            )
        return super().get_paginator(request, queryset, per_page, orphans, allow_empty_first_page)

    def get_empty_value_display(self):
        """Django's, translated once: the list compares it for every cell."""
        return mark_safe(str(super().get_empty_value_display()))  # noqa: S308 (the site's own)

    def action_checkbox(self, obj):
        """Django's checkbox column, same markup, without a template render per row."""
        # Django's own message (translated by its catalogue), as in ModelAdmin.action_checkbox.
        label = format_html(_("Select this object for an action - {}"), str(obj))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            str(obj.pk),
            label,
        )

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        model_fields = {f.name for f in self.model._meta.get_fields()}
        fields += [f for f in AUDIT_FIELDS if f in model_fields and f not in fields]
        return fields

    def get_changeform_initial_data(self, request):
        """Prefill from the query string (Django's feature) but drop what the field cannot hold:
        ``?organisation=abc`` on an add page must not raise while rendering the select."""
        initial = super().get_changeform_initial_data(request)
        numeric = (models.ForeignKey, models.IntegerField, models.AutoField)
        for name in list(initial):
            try:
                field = self.model._meta.get_field(name)
            except FieldDoesNotExist:  # not a model field: Django ignores it as well
                continue
            if isinstance(field, numeric) and parse_int(initial[name]) is None:
                del initial[name]
        return initial


class SafeAutocompleteMixin:
    """Django's autocomplete widgets look the posted ids up to redisplay them: a forged value
    (``abc``, 40 digits) would fail that query and turn a form error into a 500. Only ids that
    can exist are looked up; the form itself still reports the bad value in French."""

    def optgroups(self, name, value, attr=None):
        target = self.field.remote_field.model._meta.pk
        if target.get_internal_type() in ("AutoField", "BigAutoField", "IntegerField"):
            value = [v for v in value if parse_int(v) is not None]
        return super().optgroups(name, value, attr)


class SafeAutocompleteSelect(SafeAutocompleteMixin, admin_widgets.AutocompleteSelect):
    pass


class SafeAutocompleteSelectMultiple(
    SafeAutocompleteMixin, admin_widgets.AutocompleteSelectMultiple
):
    pass


SAFE_AUTOCOMPLETE = {
    admin_widgets.AutocompleteSelect: SafeAutocompleteSelect,
    admin_widgets.AutocompleteSelectMultiple: SafeAutocompleteSelectMultiple,
}


class EllipseTabularInline(SafeFormfieldsMixin, admin.TabularInline):
    """The project's inline (same safe form fields as its pages)."""


class ExportFiltersMixin:
    """For django-import-export's export page: the list's filters come from the query string,
    and an unknown one (``?meeting=``) raises while building the list; answer 400 instead."""

    def get_export_queryset(self, request):
        try:
            return super().get_export_queryset(request)
        except IncorrectLookupParameters as exc:
            raise BadRequest(_("Filtre inconnu dans l'adresse de l'export.")) from exc
