"""The complaint domain: models, lifecycle, numbering, SLA and services.

This package takes a SQLAlchemy ``Session`` and plain values. It never imports
flask, twilio, celery or the speech engines: the web and worker edges call it.
"""
