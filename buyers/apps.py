from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BuyersConfig(AppConfig):
    name = "buyers"
    verbose_name = _("Acheteurs et prévisions")

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_delete, post_save, pre_save

        from ellipse.core.stamps import SIGN_IN_FIELDS, only_fields, stamp_bump, stamps_watch

        from .models import (
            BuyerMembership,
            BuyerOrganisation,
            BuyerParticipation,
            CpvCode,
            PlannedContract,
            PlannedContractLot,
        )
        from .perms import MEMBERSHIPS_STAMP
        from .selectors import CATALOGUE_STAMP, space_stamp_name

        # Who belongs to which organisation (perms.buyer_organisation_id_of).
        stamps_watch(BuyerMembership, MEMBERSHIPS_STAMP)

        # What the public catalogue shows and companies may wish: the lines, their codes and
        # lots, their buyers' names, who takes part, the CPV labels. Bulk writes (forecast
        # import, publication, CPV load) bump it themselves.
        stamps_watch(PlannedContract, CATALOGUE_STAMP, through=[PlannedContract.cpv_extra.through])
        for model in (BuyerOrganisation, BuyerParticipation, CpvCode, PlannedContractLot):
            stamps_watch(model, CATALOGUE_STAMP)

        # One organisation's lines in its space (the import and the publication bump too); a
        # line moved to another organisation leaves the old one's space as well.
        def space_before(sender, instance, **kwargs) -> None:
            if instance.pk and not kwargs.get("raw"):
                instance._space_was = (
                    PlannedContract.objects.filter(pk=instance.pk)
                    .values_list("organisation_id", flat=True)
                    .first()
                )

        def space_changed(sender, instance, **kwargs) -> None:
            if not kwargs.get("raw"):
                ids = {instance.organisation_id, getattr(instance, "_space_was", None)}
                stamp_bump(*(space_stamp_name(pk) for pk in ids if pk))

        pre_save.connect(space_before, PlannedContract, weak=False, dispatch_uid="buyers.space:pre")
        for name, signal in (("save", post_save), ("delete", post_delete)):
            signal.connect(
                space_changed, PlannedContract, weak=False, dispatch_uid=f"buyers.space:{name}"
            )

        # Its members, listed in the space: a membership added or removed, a member's name or
        # e-mail changed (not a sign-in, which only writes ``last_login``).
        def members_changed(sender, instance, **kwargs) -> None:
            if not kwargs.get("raw"):
                stamp_bump(space_stamp_name(instance.organisation_id))

        def member_changed(sender, instance, update_fields=None, **kwargs) -> None:
            if kwargs.get("raw") or only_fields(update_fields, SIGN_IN_FIELDS):
                return
            ids = BuyerMembership.objects.filter(user=instance).values_list(
                "organisation_id", flat=True
            )
            if ids := list(ids):
                stamp_bump(*(space_stamp_name(pk) for pk in ids))

        for name, signal in (("save", post_save), ("delete", post_delete)):
            signal.connect(
                members_changed, BuyerMembership, weak=False, dispatch_uid=f"buyers.members:{name}"
            )
        post_save.connect(
            member_changed, get_user_model(), weak=False, dispatch_uid="buyers.members:user"
        )
