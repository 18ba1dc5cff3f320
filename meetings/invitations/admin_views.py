"""Admin page "Invitations": send the invitations of an edition, follow the batch.

Mounted by the generated documents' admin (``admin:invitations_send``)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from ellipse.core.jobs import JobAlreadyRunning, job_create, job_url
from ellipse.core.params import id_param
from ellipse.core.queueing import task_enqueue_on_commit
from ellipse.editions.models import Edition
from ellipse.outbox.services import batch_counters
from meetings.services import schedule_is_published

from .selectors import invitation_batch, invitation_recipients
from .services import invitations_plan, schedule_changes_notify


def invitations_view(request, model_admin):
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    if request.method == "POST":
        if not model_admin.has_change_permission(request):
            raise PermissionDenied
        edition = get_object_or_404(Edition, pk=id_param(request.POST, "edition", strict=True))
        if request.POST.get("action") == "changes":
            result = schedule_changes_notify(edition=edition)
            messages.success(
                request,
                _("Changements de planning : %(n)d e-mail(s) de notification.")
                % {"n": result.created},
            )
            return redirect("admin:invitations_send")
        resend = request.POST.get("action") == "resend"
        if resend and request.POST.get("confirm") != "yes":
            messages.error(
                request,
                _("Pour renvoyer à tout le monde, cochez la case de confirmation."),
            )
            return redirect("admin:invitations_send")
        if request.POST.get("run") != "yes":
            return _confirm_page(request, model_admin, edition=edition, resend=resend)
        return _start_job(request, edition=edition, resend=resend)
    editions = list(Edition.objects.order_by("-year")[:10])
    counters = {
        row["batch"]: row for row in batch_counters(batches=[invitation_batch(e) for e in editions])
    }
    rows = []
    for edition in editions:
        published = schedule_is_published(edition)
        recipients = missing = None
        if published:
            found, missing = invitation_recipients(edition=edition)
            recipients = len(found)
        rows.append(
            {
                "edition": edition,
                "published": published,
                "recipients": recipients,
                "missing": missing or [],
                "batch": invitation_batch(edition),
                "counters": counters.get(invitation_batch(edition)),
                "booklet_url": reverse("invitations:booklet_pdf", args=[edition.year]),
            }
        )
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Invitations et agendas"),
        "opts": model_admin.model._meta,
        "rows": rows,
        "batches_url": reverse("admin:outbox_batches"),
        "changelist_url": reverse("admin:invitations_generateddocument_changelist"),
    }
    return TemplateResponse(request, "admin/invitations/send.html", context)


def _confirm_page(request, model_admin, *, edition, resend: bool):
    """First say what will happen (« 172 e-mails vont partir »), then let staff confirm."""
    if not schedule_is_published(edition):
        messages.error(request, _("Publiez le planning pour envoyer les invitations."))
        return redirect("admin:invitations_send")
    plan = invitations_plan(edition=edition, resend=resend)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Confirmer l’envoi des invitations %(year)s") % {"year": edition.year},
        "opts": model_admin.model._meta,
        "edition": edition,
        "resend": resend,
        "plan": plan,
        "back_url": reverse("admin:invitations_send"),
        "changelist_url": reverse("admin:invitations_generateddocument_changelist"),
    }
    return TemplateResponse(request, "admin/invitations/confirm.html", context)


def _start_job(request, *, edition, resend: bool):
    """Start the batch as a background job (one at a time per edition, guarded in the
    database) and show its progress page."""
    from .tasks import invitations_send_job

    try:
        with transaction.atomic():
            job = job_create(
                kind="invitations",
                key=f"invitations-{edition.year}",
                label=_("Envoi des invitations %(year)s") % {"year": edition.year},
                by=request.user,
                return_url=reverse("admin:invitations_send"),
            )
            task_enqueue_on_commit(
                invitations_send_job, job_id=job.pk, edition_id=edition.pk, resend=resend
            )
    except JobAlreadyRunning as running:
        messages.warning(request, _("Cet envoi est déjà en cours : voici son avancement."))
        return redirect(job_url(running.job))
    return redirect(job_url(job))
