from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """What the training programme is; sessions and sign-up come with the trainings feature."""
    return render(request, "trainings/index.html")
