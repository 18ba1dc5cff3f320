from django.urls import path

from . import views

app_name = "sourcing"

urlpatterns = [
    path("annuaire/", views.directory, name="directory"),
    path(
        "annuaire/export.csv", views.directory_download, {"file_format": "csv"}, name="export_csv"
    ),
    path(
        "annuaire/export.xlsx",
        views.directory_download,
        {"file_format": "xlsx"},
        name="export_xlsx",
    ),
    path("annuaire/entreprise/<int:pk>/", views.supplier, name="supplier"),
    path("annuaire/mon-choix/", views.directory_consent, name="directory_consent"),
    path("annuaire/marche/<int:pk>/", views.contract_suppliers, name="contract"),
    path("annuaire/marches/", views.contracts_for_staff, name="contracts_staff"),
    path("suites-des-rendez-vous/", views.outcomes, name="outcomes"),
    path(
        "suites-des-rendez-vous/export.csv",
        views.outcomes_download,
        {"file_format": "csv"},
        name="outcomes_csv",
    ),
    path(
        "suites-des-rendez-vous/export.xlsx",
        views.outcomes_download,
        {"file_format": "xlsx"},
        name="outcomes_xlsx",
    ),
    path("suites-des-rendez-vous/<str:token>/", views.outcome_answer, name="outcome_answer"),
]
