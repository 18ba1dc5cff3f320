"""Ellipse: the platform of Est Ensemble's public-procurement business convention.

Nothing is imported here, so that pure modules under ``ellipse/`` (``editions/grid.py``) import
in a bare Python. The Celery app is loaded when Django starts (``ellipse.core.apps``) and by
``celery -A ellipse``, which finds ``ellipse.celery``.
"""
