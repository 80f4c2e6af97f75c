"""The process-wide objects built once from settings, and the wiring of domain events.

``build_runtime`` is called by each entry point (the app factory, the Celery worker
module, the CLI) with the settings it loaded; nothing rebuilds it lazily later.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from analytics.listener import Listener
from hotline.settings import Settings
from notify.compose import Composer, NotifyPolicy
from prompts import Catalog
from tickets import db, events, message_filing, rollup
from tickets.conversations import ConversationPolicy
from tickets.feedback import FeedbackPolicy
from tickets.reference import hotline_settings


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    sessionmaker: sessionmaker[Session]
    dispatcher: events.Dispatcher
    catalog: Catalog
    composer: Composer
    # The reporter's "is it fixed?" (the status line and, through messaging, replies).
    feedback: FeedbackPolicy
    conversation_policy: ConversationPolicy

    def session(self) -> Session:
        return self.sessionmaker()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: commit on success, roll back on error, then run the work
        registered with ``tickets.db.after_commit``."""
        with db.transaction(self.sessionmaker) as session:
            yield session


def notify_policy(settings: Settings) -> NotifyPolicy:
    return NotifyPolicy(
        voice_updates=settings.notify.voice_updates,
        sla_warning_days=settings.notify.sla_warning_days,
        timezone=settings.timezone,
        console_url=f"{settings.public_base_url}/console" if settings.public_base_url else None,
        hotline_defaults=settings.hotline_defaults(),
        whatsapp_template=settings.messaging.whatsapp_template_sid is not None,
    )


def conversation_policy(settings: Settings) -> ConversationPolicy:
    m = settings.messaging
    return ConversationPolicy(
        tz=settings.timezone, idle=timedelta(minutes=m.idle_minutes), rate_limit=m.rate_limit,
        rate_window=timedelta(seconds=m.rate_window_seconds), max_chars=m.max_chars,
        max_media=m.max_media, feedback=feedback_policy(settings))


def feedback_policy(settings: Settings) -> FeedbackPolicy:
    return FeedbackPolicy(reopen_limit=settings.feedback_reopen_limit,
                          timezone=settings.timezone)


def analytics_listener(settings: Settings) -> Listener:
    """Early warning, places and duplicates on every complaint text (analytics/)."""
    policy = notify_policy(settings)

    def agency(session: Session) -> str:
        return hotline_settings(session, policy.hotline_defaults).get("agency_name") or ""

    return Listener(policy.console_url, agency)


def build_runtime(settings: Settings) -> Runtime:
    """The engine, the event dispatcher with the notification listeners, the catalogue.
    The queue listeners are subscribed by ``make_celery``, which owns the tasks."""
    engine = db.make_engine(settings.database_url)
    dispatcher = events.Dispatcher()
    catalog = Catalog.load()
    composer = Composer(notify_policy(settings), catalog)
    dispatcher.subscribe(events.StatusChanged, composer.status_changed)
    dispatcher.subscribe(events.ContactOptedOut, composer.contact_opted_out)
    feedback = feedback_policy(settings)
    # A ticket postponed for more information asks its reporter (tickets.message_filing).
    dispatcher.subscribe(events.StatusChanged, message_filing.postponed)
    dispatcher.subscribe(events.ReporterNotice, composer.reporter_notice)
    dispatcher.subscribe(events.ComplaintText, analytics_listener(settings))
    maker = db.make_sessionmaker(engine, dispatcher)
    rollup.track(maker)  # the dashboard's summary learns which days changed
    return Runtime(settings, engine, maker, dispatcher, catalog, composer, feedback,
                   conversation_policy(settings))
