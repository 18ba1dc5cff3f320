"""The project's admin site: what every admin page repeats is read from the cache.

Each admin page checks the user's permissions a few dozen times (two queries the first time)
and renders the navigation sidebar: every registered model's permissions, URLs and translated
names. Both depend only on the user's permissions, so both are cached under the generation
stamps of roles and permissions (``ellipse.core.stamps``): a permission granted or taken away
shows on the next page.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Sequence
from urllib.parse import quote

from django.contrib import admin
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.urls import reverse
from django.utils.translation import get_language

from ellipse.core.stamps import stamp

# Moved on by any change of a permission, of a group's permissions or of a user's own ones;
# the groups of a user are under ``accounts.roles`` (``ellipse.accounts.roles.ROLES_STAMP``).
PERMISSIONS_STAMP = "accounts.permissions"
CACHE_SECONDS = 3600


def _rights_stamp(user) -> str:
    """The stamps of roles and permissions, read once a request (kept on the user object)."""
    found = getattr(user, "_ellipse_rights_stamp", None)
    if found is None:
        from ellipse.accounts.roles import ROLES_STAMP

        found = stamp(ROLES_STAMP, PERMISSIONS_STAMP)
        if user is not None:
            user._ellipse_rights_stamp = found
    return found


def permissions_prime(user) -> None:
    """Loads a user's permissions from the cache onto the user object, where Django's
    ``ModelBackend`` looks first (``_perm_cache``): the page's permission checks run no query.
    Superusers (every permission, read from their row) and inactive users are left alone."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or user.is_superuser:
        return
    if hasattr(user, "_perm_cache"):  # already loaded for this request
        return
    # The key before the read: permissions changed meanwhile are stored under an old stamp.
    key = f"admin.permissions:{user.pk}:{_rights_stamp(user)}"
    found = cache.get(key)
    if found is None:
        backend = ModelBackend()
        found = (backend.get_user_permissions(user), backend.get_group_permissions(user))
        cache.set(key, found, CACHE_SECONDS)
    user._user_perm_cache, user._group_perm_cache = found
    user._perm_cache = {*found[0], *found[1]}


def user_rights_key(user) -> str:
    """A user as their admin pages show them: who (the header's name and password link) and
    what they may do (superuser, the stamps of roles and permissions)."""
    shown = "|".join(
        [
            str(getattr(user, "pk", None)),
            "s" if getattr(user, "is_superuser", False) else "u",
            user.get_short_name() if hasattr(user, "get_short_name") else "",
            user.get_username() if hasattr(user, "get_username") else "",
            "p" if getattr(user, "has_usable_password", lambda: False)() else "n",
        ]
    )
    return f"{hashlib.sha256(shown.encode()).hexdigest()[:16]}:{_rights_stamp(user)}"


class LazyAppList(Sequence):
    """The site's app list, built on first use: a page whose sidebar comes from the cache
    never builds it (a permission check, a URL and a translated name per model)."""

    def __init__(self, site: admin.AdminSite, request):
        self._site, self._request, self._apps = site, request, None

    def _list(self) -> list:
        if self._apps is None:
            self._apps = self._site.get_app_list(self._request)
        return self._apps

    def __len__(self) -> int:
        return len(self._list())

    def __getitem__(self, index):
        return self._list()[index]

    def __iter__(self):
        return iter(self._list())


class EllipseAdminSite(admin.AdminSite):
    """Django's admin site, with the user's permissions and the navigation sidebar cached."""

    def admin_view(self, view, cacheable=False):
        """Every admin view starts with the user's permissions loaded from the cache."""

        def with_permissions(request, *args, **kwargs):
            permissions_prime(request.user)
            return view(request, *args, **kwargs)

        return super().admin_view(functools.update_wrapper(with_permissions, view), cacheable)

    _fingerprint: str | None = None

    def each_context(self, request):
        """Django's, with the app list built only if a template reads it (the sidebar, when
        not cached) and the sidebar's cache key."""
        script_name = request.META["SCRIPT_NAME"]
        site_url = script_name if self.site_url == "/" and script_name else self.site_url
        return {  # AdminSite.each_context's, but for the two last lines
            "site_title": self.site_title,
            "site_header": self.site_header,
            "site_url": site_url,
            "has_permission": self.has_permission(request),
            "is_popup": False,
            "is_nav_sidebar_enabled": self.enable_nav_sidebar,
            "log_entries": self.get_log_entries(request),
            "available_apps": LazyAppList(self, request),
            "nav_sidebar_key": self.nav_sidebar_key(request),
        }

    def nav_sidebar_key(self, request) -> str:
        """The key of the sidebar's cached HTML: the user, the stamps of roles and
        permissions, the language, the registered models, and the part of the address the
        sidebar highlights (the current application and model)."""
        user = request.user
        superuser = "s" if getattr(user, "is_superuser", False) else "u"
        return ":".join(
            [
                f"{getattr(user, 'pk', None)}{superuser}",
                _rights_stamp(user),
                get_language() or "",
                self.registry_fingerprint(),
                self._highlighted_part(request.path),
            ]
        )

    def registry_fingerprint(self) -> str:
        """What the sidebar lists, in short (a deployment adding a model shows it); computed
        once, at the first page (every model is registered by then)."""
        if self._fingerprint is None:
            labels = sorted(
                f"{model._meta.label}:{type(model_admin).__qualname__}"
                for model, model_admin in self._registry.items()
            )
            self._fingerprint = hashlib.sha256("|".join(labels).encode()).hexdigest()[:12]
        return self._fingerprint

    def _highlighted_part(self, path: str) -> str:
        """The sidebar marks each application and model whose address the page's address
        contains (``app_url in request.path|urlencode``). Those addresses are the site's root
        followed by one or two segments: with the root only at the start of the address, the
        root and its first two segments decide; otherwise the whole address does."""
        quoted = quote(path, safe="/")
        root = reverse("admin:index", current_app=self.name)
        if not quoted.startswith(root) or quoted.find(root, 1) != -1:
            return quoted
        rest = quoted[len(root) :]
        first = rest.find("/")
        second = rest.find("/", first + 1) if first != -1 else -1
        return root + (rest if second == -1 else rest[: second + 1])
