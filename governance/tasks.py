"""Celery finds an app's tasks in its tasks module: the import's task lives with the import."""

from .imports.tasks import run_import  # noqa: F401
