import pytest
from django.core.management import call_command

from buyers.models import BuyerOrganisation, PlannedContract
from companies.enums import RegistrationStatus
from companies.models import Company, Registration
from ellipse.accounts.models import User
from meetings.models import Meeting

pytestmark = pytest.mark.django_db


def _counts():
    return (
        BuyerOrganisation.objects.count(),
        PlannedContract.objects.count(),
        Company.objects.count(),
        Registration.objects.count(),
        User.objects.count(),
    )


def test_seed_demo_at_2024_scale_and_idempotent(capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    first = _counts()
    assert 28 <= first[0] <= 32 and 280 <= first[1] <= 320
    assert first[2] == 203
    assert Registration.objects.filter(status=RegistrationStatus.RETAINED).count() == 142
    # Every retained company is met at least once by the demo's schedule (a shared CPV division
    # alone is no candidate: each still has a deeper match, keywords or a wish).
    retained = Registration.objects.filter(status=RegistrationStatus.RETAINED)
    met = Meeting.objects.filter(company_id__in=retained.values("company_id"))
    assert met.values("company_id").distinct().count() == 142
    local = Company.objects.filter(is_local=True).count()
    assert local > 203 / 2
    for email in (
        "equipe@ellipse.demo",
        "acheteur@ellipse.demo",
        "entreprise@ellipse.demo",
        "elu@ellipse.demo",
    ):
        assert email in out
    call_command("seed_demo")
    assert _counts() == first
