"""Every admin list of the outbox and the meetings keeps the same number of queries whatever
the number of rows (no N+1): measured at 3 rows, then at 30."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ellipse.outbox.models import OutgoingEmail
from meetings.enums import MeetingChangeKind
from meetings.models import Meeting, MeetingChange
from tests.factories import EditionFactory, MeetingFactory, UserFactory

pytestmark = pytest.mark.django_db

LISTS = [
    "admin:outbox_outgoingemail_changelist",
    "admin:meetings_meeting_changelist",
    "admin:meetings_meetingchange_changelist",
    "admin:editions_edition_changelist",
]


def _rows(n: int, edition, staff) -> None:
    for _ in range(n):
        user = UserFactory()
        OutgoingEmail.objects.create(to=user.email, recipient=user, template="test_message")
        meeting = MeetingFactory(edition=edition, slot=0)
        MeetingChange.objects.create(
            edition=edition,
            meeting=meeting,
            buyer=meeting.buyer,
            company=meeting.company,
            kind=MeetingChangeKind.ADD,
            created_by=staff,
            description="Ajout",
        )
        EditionFactory()


def _queries(client, name: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse(name)).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", LISTS)
def test_admin_list_queries_do_not_grow_with_rows(client, name):
    staff = UserFactory(role="staff")
    client.force_login(staff)
    client.get(reverse("admin:index"))  # the roles cached, as on any later page
    edition = EditionFactory()
    _rows(3, edition, staff)
    few = _queries(client, name)
    _rows(27, edition, staff)
    assert Meeting.objects.count() == 30
    assert _queries(client, name) == few
