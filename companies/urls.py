from django.urls import path

from . import views

app_name = "companies"

urlpatterns = [
    path("inscription/", views.register, name="register"),
    path("inscription/merci/", views.register_done, name="register_done"),
    path("cpv/", views.cpv_search_view, name="cpv_search"),
    path("espace/", views.space, name="space"),
    path("espace/inscription/", views.registration_edit, name="registration_edit"),
    path("souhaits/basculer/", views.wish_toggle_view, name="wish_toggle"),
    path("souhaits/proches/", views.wish_suggestions_view, name="wish_suggestions"),
    path("souhaits/recherche/", views.wish_search_view, name="wish_search"),
]
