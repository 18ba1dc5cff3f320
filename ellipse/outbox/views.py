"""The public unsubscribe page: a signed link, confirmed by a button (link scanners only GET)."""

from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from .enums import EmailCategory
from .services import email_opt_out, unsubscribe_read


@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        email, category = unsubscribe_read(token)
    except signing.BadSignature:
        return render(request, "outbox/unsubscribe_invalid.html", status=400)
    context = {"email": email, "category_label": EmailCategory(category).label, "done": False}
    if request.method == "POST":
        email_opt_out(email=email, category=category)
        context["done"] = True
    return render(request, "outbox/unsubscribe.html", context)
