"""Error pages in French, in the site's layout, each with a way back.

Django calls these for 400, 403, 404, 500 and CSRF failures (``handler*`` in ``ellipse.urls``,
``CSRF_FAILURE_VIEW``). The 500 page must not fail itself: if the layout cannot be rendered (the
database is down, a context processor raises), a plain page is returned."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger("ellipse.errors")

PLAIN_500 = (
    '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Erreur — Ellipse</title>'
    "</head><body><main><h1>Une erreur est survenue</h1><p>L'équipe Ellipse en est informée. "
    'Réessayez dans quelques minutes.</p><p><a href="/">Revenir à l\'accueil</a></p></main>'
    "</body></html>"
)


def _page(request: HttpRequest, *, status: int, title: str, text: str) -> HttpResponse:
    context = {"status": status, "title": title, "text": text}
    return HttpResponse(
        render_to_string("errors/error.html", context, request=request), status=status
    )


@requires_csrf_token
def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    return _page(
        request,
        status=400,
        title=_("Requête incorrecte"),
        text=_("L'adresse ou les données envoyées ne sont pas valides. Vérifiez le lien suivi."),
    )


@requires_csrf_token
def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return _page(
        request,
        status=403,
        title=_("Accès refusé"),
        text=_(
            "Cette page est réservée à un autre rôle ou à une autre organisation que la vôtre. "
            "Votre espace rassemble ce à quoi vous avez accès."
        ),
    )


@requires_csrf_token
def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return _page(
        request,
        status=404,
        title=_("Page introuvable"),
        text=_("Cette page n'existe pas ou n'existe plus. Le lien suivi est peut-être ancien."),
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _page(
        request,
        status=403,
        title=_("Formulaire expiré"),
        text=_(
            "Le formulaire a expiré ou a été envoyé depuis un autre site. Revenez à la page "
            "précédente, rechargez-la puis envoyez-le de nouveau."
        ),
    )


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    try:
        return _page(
            request,
            status=500,
            title=_("Une erreur est survenue"),
            text=_("L'équipe Ellipse en est informée. Réessayez dans quelques minutes."),
        )
    except Exception:  # the layout itself failed: a plain page rather than nothing
        logger.exception("La page d'erreur 500 n'a pas pu être rendue")
        return HttpResponseServerError(PLAIN_500)
