"""Celery entry point: ``celery -A hotline.worker worker``."""

from hotline.celery_app import make_celery
from hotline.runtime import build_runtime
from hotline.settings import load_settings

celery = make_celery(build_runtime(load_settings()))
