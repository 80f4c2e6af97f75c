"""Celery entry point: ``celery -A hotline.worker worker``."""

from hotline.celery_app import make_celery
from hotline.runtime import build_runtime

celery = make_celery(build_runtime())
