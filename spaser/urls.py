from django.urls import path

from . import views

app_name = "spaser"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
]
