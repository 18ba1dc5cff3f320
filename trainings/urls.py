from django.urls import path

from . import views, views_staff

app_name = "trainings"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/agenda.ics", views.ics, name="ics"),
    path("mes-formations/", views.mine, name="mine"),
    path("inscription/<int:pk>/annuler/", views.cancel, name="cancel"),
    path("inscription/<int:pk>/attestation.pdf", views.certificate, name="certificate_own"),
    path("place/<str:token>/", views.offer, name="offer"),
    path("attestation/<str:token>/", views.certificate_signed, name="certificate"),
    path("questionnaire/<str:token>/", views.survey, name="survey"),
    path("<int:pk>/presences/", views_staff.attendance, name="attendance"),
    path("<int:pk>/emargement.pdf", views_staff.sign_in_sheet, name="sign_in_sheet"),
    path("chiffres/", views_staff.figures, name="figures"),
    path("cotraitance/", views_staff.cocontracting, name="cocontracting"),
]
