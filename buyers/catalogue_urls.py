"""The public catalogue of planned contracts (/previsions/), filled by the buyers feature."""

app_name = "catalogue"

urlpatterns: list = []
