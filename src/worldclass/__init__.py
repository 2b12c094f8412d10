"""worldclass: World Class certification on the customers' judgment, and the CX Best Practice Awards."""

from worldclass.celery_app import app as celery_app

__all__ = ["celery_app"]
