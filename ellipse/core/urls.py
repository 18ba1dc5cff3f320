from django.urls import path

from . import job_views

app_name = "core"

urlpatterns = [
    path("<int:pk>/", job_views.job_page, name="job"),
    path("<int:pk>/etat/", job_views.job_progress, name="job_progress"),
]
