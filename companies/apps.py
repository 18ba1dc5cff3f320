from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompaniesConfig(AppConfig):
    name = "companies"
    verbose_name = _("Entreprises")

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed

        from ellipse.core.stamps import stamp_bump, stamps_watch
        from ellipse.editions.models import Edition

        from .models import Company, CompanyMembership, Registration, Topic, Wish
        from .perms import MEMBERSHIPS_STAMP
        from .selectors import CPV_DIVISIONS_STAMP, REGISTRATIONS_STAMP, TOPICS_STAMP
        from .stamps import buyer_space_watch, space_watch

        stamps_watch(Topic, TOPICS_STAMP)  # the registration form's training topics
        stamps_watch(CompanyMembership, MEMBERSHIPS_STAMP)  # perms.company_id_of
        space_watch()  # the company's space
        buyer_space_watch()  # the buyers' spaces list the wishes naming them

        from ellipse.core.spaces import register_space_block

        from .stamps import buyer_interest_version

        # The companies wishing to meet a buyer, in its space (buyers/ cannot import them).
        register_space_block(buyer_interest_version, spaces=("buyer",))

        # Stamps of the staff list's cached parts (companies.selectors): saves and deletions.
        stamps_watch(Company, CPV_DIVISIONS_STAMP, REGISTRATIONS_STAMP)
        stamps_watch(Registration, REGISTRATIONS_STAMP)
        stamps_watch(Wish, REGISTRATIONS_STAMP)
        stamps_watch(Edition, REGISTRATIONS_STAMP)  # in each row's label (selection checkbox)

        def codes_changed(sender, action, **kwargs):
            # Once a change is made, not before it as well (set() sends pre_ and post_ of each
            # removal and addition): an import of 5,000 companies bumps half as often.
            if action.startswith("post_"):
                stamp_bump(CPV_DIVISIONS_STAMP, REGISTRATIONS_STAMP)

        m2m_changed.connect(
            codes_changed,
            sender=Company.cpv_codes.through,
            weak=False,
            dispatch_uid="companies:cpv_codes:stamps",
        )
