from django.urls import path

from . import views

app_name = "companies"

urlpatterns = [
    path("espace/", views.space, name="space"),
    path("souhaits/basculer/", views.wish_toggle_view, name="wish_toggle"),
]
