from django.urls import path

from . import views

app_name = "spaser"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("graphique/<int:number>.svg", views.chart, name="chart"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("rapport.pdf", views.report_pdf, name="report_pdf"),
]
