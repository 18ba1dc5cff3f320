from django.urls import path

from . import views

app_name = "buyers"

urlpatterns = [
    path("espace/", views.space, name="space"),
]
