"""The admin site's caches (``ellipse.core.admin_site``): the user's permissions and the
navigation sidebar are read from the cache, and follow every change of rights at once."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ellipse.accounts.roles import GROUP_NAMES, Role
from ellipse.core.admin_site import EllipseAdminSite
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

REGISTRATIONS = "admin:companies_registration_changelist"
CALL_QUEUE = "admin:companies_callqueueentry_changelist"
EDITIONS = "admin:editions_edition_changelist"


def _perm(codename: str) -> Permission:
    return Permission.objects.get(codename=codename)


def _sidebar(content: str) -> str:
    return content[content.index('<nav class="sticky" id="nav-sidebar"') :].split("</nav>")[0]


@pytest.fixture
def viewer(client):
    """A staff member allowed to see registrations only, signed in."""
    user = UserFactory(is_staff=True)
    user.user_permissions.add(_perm("view_registration"))
    client.force_login(user)
    return user


def test_the_site_is_ellipses():
    assert isinstance(admin.site, EllipseAdminSite)


def test_a_warm_page_reads_no_permission(client):
    client.force_login(UserFactory(role=Role.STAFF))
    client.get(reverse(EDITIONS))
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse(EDITIONS)).status_code == 200
    assert not [q for q in ctx if "auth_permission" in q["sql"]]


def test_a_users_permission_taken_away_or_given_shows_at_once(client, viewer):
    assert client.get(reverse(REGISTRATIONS)).status_code == 200
    assert client.get(reverse(EDITIONS)).status_code == 403
    viewer.user_permissions.remove(_perm("view_registration"))
    assert client.get(reverse(REGISTRATIONS)).status_code == 403
    viewer.user_permissions.add(_perm("view_edition"))
    assert client.get(reverse(EDITIONS)).status_code == 200


def test_a_groups_permission_or_membership_changed_shows_at_once(client):
    user = UserFactory(role=Role.STAFF)
    client.force_login(user)
    group = Group.objects.get(name=GROUP_NAMES[Role.STAFF])
    assert client.get(reverse(EDITIONS)).status_code == 200
    group.permissions.remove(_perm("view_edition"), _perm("change_edition"))
    assert client.get(reverse(EDITIONS)).status_code == 403
    group.permissions.add(_perm("view_edition"))
    assert client.get(reverse(EDITIONS)).status_code == 200
    user.groups.clear()
    assert client.get(reverse(EDITIONS)).status_code == 403


def test_a_deleted_permission_is_gone_at_once(client, viewer):
    assert client.get(reverse(REGISTRATIONS)).status_code == 200
    _perm("view_registration").delete()  # its grants go with it (a cascade, no m2m signal)
    assert client.get(reverse(REGISTRATIONS)).status_code == 403


def test_the_sidebar_follows_the_users_rights(client, viewer):
    sidebar = _sidebar(client.get(reverse(REGISTRATIONS)).content.decode())
    assert reverse(REGISTRATIONS) in sidebar
    assert reverse(EDITIONS) not in sidebar
    viewer.user_permissions.add(_perm("view_edition"))
    sidebar = _sidebar(client.get(reverse(REGISTRATIONS)).content.decode())
    assert reverse(EDITIONS) in sidebar


def test_the_sidebar_is_each_users_own(client, viewer):
    """A user with more rights, then one with fewer: each sees their own models."""
    client.force_login(UserFactory(role=Role.STAFF))
    assert reverse(EDITIONS) in _sidebar(client.get(reverse(REGISTRATIONS)).content.decode())
    client.force_login(viewer)
    assert reverse(EDITIONS) not in _sidebar(client.get(reverse(REGISTRATIONS)).content.decode())


def test_the_sidebar_marks_the_current_model(client):
    client.force_login(UserFactory(role=Role.STAFF))
    for current, other in [(REGISTRATIONS, CALL_QUEUE), (CALL_QUEUE, REGISTRATIONS)]:
        for _ in range(2):  # cold, then from the cache
            sidebar = _sidebar(client.get(reverse(current)).content.decode())
            assert f'<a href="{reverse(current)}" aria-current="page">' in sidebar
            assert f'<a href="{reverse(other)}">' in sidebar
    sidebar = _sidebar(client.get(reverse(EDITIONS)).content.decode())
    assert 'aria-current="page"' in sidebar and "current-app" in sidebar
    assert f'<a href="{reverse(REGISTRATIONS)}">' in sidebar


@pytest.mark.parametrize(
    ("path", "part"),
    [
        ("/admin/", "/admin/"),
        ("/admin/companies/", "/admin/companies/"),
        ("/admin/companies/registration/", "/admin/companies/registration/"),
        ("/admin/companies/registration/5/change/", "/admin/companies/registration/"),
        ("/admin/companies/registration", "/admin/companies/registration"),
        ("/admin/a/b/admin/c/d/", "/admin/a/b/admin/c/d/"),  # the root again: all of it
        ("/admin/é/", "/admin/%C3%A9/"),
    ],
)
def test_the_sidebar_key_keeps_what_the_highlight_reads(path, part):
    assert admin.site._highlighted_part(path) == part
