"""Generation stamps of the company's space (see ``ellipse.core.stamps``).

Namespaces:

- ``companies.space:<company id>``: one company's profile (its row and its CPV codes), its
  registrations (their facts and training topics) and wishes. Bumped by saves and deletes of
  ``Company``, ``Registration`` and ``Wish`` and by changes of their many-to-many codes and
  topics, which the services write one row at a time (signals fire), except the wishes that
  ``company_register`` / ``registration_update`` write in bulk: they save the registration in
  the same transaction, whose bump at the commit covers them.
- ``buyers.catalogue`` (``buyers.selectors.CATALOGUE_STAMP``): the buyers' names and planned
  contracts the wishes show.
- ``companies.space``: what every company's space reads from reference data: editions (titles,
  slot times) and training topics (saves and deletes).

The space caches, per company, under :func:`space_stamp`: its registrations and wishes (data,
``companies.selectors.CompanySpace``), its registration's facts and its profile (fragments);
the current edition, the wishes' forms, the invitation and trainings blocks are read each time.
The CPV nomenclature's labels are loaded in bulk (``buyers.services.cpv_load_rows``, no
signals); the load bumps ``buyers.catalogue``, part of :func:`space_stamp`, so a corrected label
shows at once.
"""

from __future__ import annotations

from ellipse.core.stamps import stamp, stamp_bump

SPACE = "companies.space"


def _company_namespace(company_id: int) -> str:
    return f"{SPACE}:{company_id}"


def space_stamp(*, company_id: int) -> str:
    """Changes whenever anything the company's cached space shows changes (its wishes name
    buyers and planned contracts: the catalogue's stamp is part of it)."""
    from buyers.selectors import CATALOGUE_STAMP

    return stamp(SPACE, _company_namespace(company_id), CATALOGUE_STAMP)


def space_bump(*, company_ids) -> None:
    """After a write of these companies' rows or registrations that sends no signal."""
    stamp_bump(*(_company_namespace(pk) for pk in set(company_ids)))


def space_watch() -> None:
    """Connects the signals (called once by ``CompaniesConfig.ready``)."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from ellipse.core.stamps import stamps_watch
    from ellipse.editions.models import Edition

    from .models import Company, Registration, Topic, Wish

    for model in (Edition, Topic):
        stamps_watch(model, SPACE)

    def company_changed(sender, instance, **kwargs) -> None:
        if not kwargs.get("raw"):
            space_bump(company_ids=[instance.pk])

    def registration_changed(sender, instance, **kwargs) -> None:
        if not kwargs.get("raw"):
            space_bump(company_ids=[instance.company_id])

    def codes_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
        if action.startswith("post_"):
            if not reverse:
                space_bump(company_ids=[instance.pk])
            elif pk_set:  # a CPV code's companies: their ids are the pk_set
                space_bump(company_ids=pk_set)
            else:  # code.companies.clear(): not one of the services' paths
                stamp_bump(SPACE)

    def wish_changed(sender, instance, **kwargs) -> None:
        if kwargs.get("raw"):
            return
        try:
            company_id = instance.registration.company_id
        except Registration.DoesNotExist:  # deleted with its registration, which bumps
            return
        space_bump(company_ids=[company_id])

    def topics_changed(sender, instance, action, reverse, **kwargs) -> None:
        if action.startswith("post_"):
            if reverse:  # a topic's registrations: rare (admin), every space moves on
                stamp_bump(SPACE)
            else:
                space_bump(company_ids=[instance.company_id])

    uid = "companies.space"
    handlers = (
        (Company, company_changed),
        (Registration, registration_changed),
        (Wish, wish_changed),
    )
    for model, handler in handlers:
        label = model._meta.label
        post_save.connect(handler, sender=model, weak=False, dispatch_uid=f"{uid}:{label}:save")
        post_delete.connect(handler, sender=model, weak=False, dispatch_uid=f"{uid}:{label}:del")
    m2m_changed.connect(
        codes_changed, sender=Company.cpv_codes.through, weak=False, dispatch_uid=f"{uid}:cpv"
    )
    m2m_changed.connect(
        topics_changed,
        sender=Registration.training_topics.through,
        weak=False,
        dispatch_uid=f"{uid}:topics",
    )


def buyer_space_watch() -> None:
    """A wish saved one by one (a company's button, the staff's inline, which may point it at
    another buyer) moves on the space of the buyers it names: ``buyers.space.<id>``, whose
    fingerprint (number and highest id of the wishes) alone would miss a wish edited in place.
    Called once by ``CompaniesConfig.ready``."""
    from django.db.models.signals import post_delete, post_save, pre_save

    from buyers.selectors import space_stamp_name

    from .models import Wish

    def before(sender, instance, **kwargs) -> None:
        if instance.pk and not kwargs.get("raw"):
            was = Wish.objects.filter(pk=instance.pk).values_list("organisation_id", flat=True)
            instance._organisation_was = was.first()

    def changed(sender, instance, **kwargs) -> None:
        if not kwargs.get("raw"):
            ids = {instance.organisation_id, getattr(instance, "_organisation_was", None)}
            stamp_bump(*(space_stamp_name(pk) for pk in ids if pk))

    uid = "companies.buyer_space"
    pre_save.connect(before, sender=Wish, weak=False, dispatch_uid=f"{uid}:pre")
    post_save.connect(changed, sender=Wish, weak=False, dispatch_uid=f"{uid}:save")
    post_delete.connect(changed, sender=Wish, weak=False, dispatch_uid=f"{uid}:delete")


def buyer_interest_version() -> str:
    """What a buyer's space shows of the companies wishing to meet it in general (their names,
    registrations and wishes): the staff list's stamp, which moves with all of them."""
    from .selectors import REGISTRATIONS_STAMP

    return stamp(REGISTRATIONS_STAMP)
