"""Ellipse: the platform of Est Ensemble's public-procurement business convention."""

from .celery import app as celery_app

__all__ = ["celery_app"]
