from django.urls import path

from . import views

app_name = "invitations"

urlpatterns = [
    path("<int:year>/agenda.pdf", views.agenda_pdf, name="agenda_pdf"),
    path("<int:year>/rendez-vous.ics", views.agenda_ics, name="agenda_ics"),
    path("<int:year>/livret.pdf", views.booklet_pdf, name="booklet_pdf"),
]
