from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "ellipse.core"
    label = "core"
    verbose_name = _("Socle Ellipse")

    def ready(self) -> None:
        # ``__unaccent`` on every database (SQLite gets the function from Python).
        from . import checks  # noqa: F401 (registers the deploy checks)
        from .search import install

        install()
        # Each app's steps of the staff dashboard (ellipse.core.dashboard), found by name only.
        autodiscover_modules("dashboard")
        # Django is starting (web, command, worker, tests): bind shared tasks to our Celery app.
        from ellipse import celery  # noqa: F401
