"""Composition root: settings, the Flask app, the Celery app and the CLI.

Nothing imports this package except entry points (wsgi.py, the worker) and tests.
"""
