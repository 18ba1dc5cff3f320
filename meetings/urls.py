from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("mon-agenda/", views.my_agenda, name="my_agenda"),
    path("planning/<int:year>/", views.planning_view, name="planning"),
    path("planning/<int:year>/action/", views.planning_action, name="planning_action"),
    path("planning/<int:year>/rdv/<int:pk>/", views.planning_meeting, name="planning_meeting"),
    path("planning/<int:year>/attente/", views.planning_waiting, name="planning_waiting"),
    path("planning/<int:year>/ajouter/", views.planning_add, name="planning_add"),
    path("planning/<int:year>/calcul/", views.planning_run, name="planning_run"),
]
