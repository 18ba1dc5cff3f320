"""The staff dashboard (the admin's home): where the current edition stands, step by step, the
next thing to do first.

The base layer names no domain app: each app registers its steps from its own
``<app>/dashboard.py`` module (autodiscovered when the project starts)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ellipse.editions.models import Edition


@dataclass(frozen=True)
class DashboardStep:
    """One step of the convention's course, as the staff see it on the dashboard."""

    order: int  # position in the course: registrations 10, calls 20, ... invitations 50
    title: str
    summary: str  # French sentence with the figures
    url: str
    link_text: str
    todo: str = ""  # what to do now ("" when nothing is pending)


@dataclass
class Dashboard:
    edition: Edition | None
    steps: list[DashboardStep] = field(default_factory=list)

    @property
    def next_step(self) -> DashboardStep | None:
        return next((step for step in self.steps if step.todo), None)


StepProvider = Callable[[Edition], list[DashboardStep]]
_providers: list[StepProvider] = []


def register_dashboard_steps(provider: StepProvider) -> StepProvider:
    """Decorator for an app's ``provider(edition) -> [DashboardStep]``."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def staff_dashboard(*, edition: Edition | None = None) -> Dashboard:
    """The dashboard of ``edition`` (the current one by default)."""
    edition = edition or Edition.objects.current()
    if edition is None:
        return Dashboard(edition=None)
    steps = [step for provider in _providers for step in provider(edition)]
    steps.sort(key=lambda step: step.order)
    return Dashboard(edition=edition, steps=steps)
