"""The process-wide objects built once from settings, and the wiring of domain events.

``build_runtime`` is called by each entry point (the app factory, the Celery worker
module, the CLI) with the settings it loaded; nothing rebuilds it lazily later.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from analytics import duplicates
from analytics.listener import Listener
from answering import files as answer_files
from feedback import replies
from feedback.replies import FeedbackPolicy
from hotline import schema  # noqa: F401  (every table, before a mapper is used)
from hotline.settings import DEV_ACCOUNT_SID, Settings
from messaging import conversations, filing
from messaging.conversations import ConversationPolicy
from notify import providers
from notify.compose import Composer, NotifyPolicy
from partners.events import PartnerAnswered, PartnerAsked
from prompts import Catalog
from reporters import services as reporters
from reporting import rollup
from tickets import db, events, sources
from tickets.reference import agency_name, hotline_settings


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
    notify_config: providers.NotifyConfig

    def session(self) -> Session:
        return self.sessionmaker()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: commit on success, roll back on error, then run the work
        registered with ``tickets.db.after_commit``."""
        with db.transaction(self.sessionmaker) as session:
            yield session


def notify_config(settings: Settings) -> providers.NotifyConfig:
    return providers.NotifyConfig(
        settings=settings.notify,
        account_sid=settings.twilio_account_sid,
        auth_token=settings.twilio_auth_token,
        api_base=settings.twilio_api_base,
        # The development credentials must never reach the real Twilio.
        twilio_ready=settings.twilio_api_base is not None
        or settings.twilio_account_sid != DEV_ACCOUNT_SID,
        public_base_url=settings.public_base_url,
        tts_language=settings.ivr.tts_language, tts_voice=settings.tts_voice,
    )


def notify_policy(settings: Settings) -> NotifyPolicy:
    return NotifyPolicy(
        settings=settings.notify,
        timezone=settings.timezone,
        console_url=f"{settings.public_base_url}/console" if settings.public_base_url else None,
        hotline_defaults=settings.hotline_defaults(),
    )


def analytics_listener(settings: Settings) -> Listener:
    """Early warning, places and duplicates on every complaint text (analytics/)."""
    policy = notify_policy(settings)

    def agency(session: Session) -> str:
        return agency_name(hotline_settings(session, policy.hotline_defaults))

    return Listener(policy.console_url, agency, reporters.trusted_label)


def build_runtime(settings: Settings) -> Runtime:
    """The engine, the event dispatcher with the notification listeners, the catalogue.
    The queue listeners are subscribed by ``make_celery``, which owns the tasks."""
    engine = db.make_engine(settings.database_url)
    dispatcher = events.Dispatcher()
    catalog = Catalog.load()
    composer = Composer(notify_policy(settings), catalog, conversations.last_inbound,
                        answer_files.public_links(settings.public_base_url))
    dispatcher.subscribe(events.StatusChanged, composer.status_changed)
    dispatcher.subscribe(events.ContactOptedOut, composer.contact_opted_out)
    # The head's approval and the partner institutions (tickets.followup, partners).
    dispatcher.subscribe(events.DraftSubmitted, composer.draft_submitted)
    dispatcher.subscribe(events.DraftReturned, composer.draft_returned)
    dispatcher.subscribe(PartnerAsked, composer.partner_asked)
    dispatcher.subscribe(PartnerAnswered, composer.partner_answered)
    feedback = settings.feedback.policy(settings.timezone)
    # A ticket postponed for more information asks its reporter (messaging.filing).
    dispatcher.subscribe(events.StatusChanged, filing.postponed)
    # The media pipeline is done with a message's attachment (messaging.filing).
    media_done = filing.MediaListener(settings.timezone)
    dispatcher.subscribe(events.AttachmentFailed, media_done.failed)
    dispatcher.subscribe(events.AttachmentResolved, media_done.resolved)
    dispatcher.subscribe(events.ReporterNotice, composer.reporter_notice)
    # The desk's own message to a reporter (answering.outreach).
    dispatcher.subscribe(events.ReporterMessage, composer.reporter_message)
    # A trusted reporter's ticket is marked first, so the early warning weighs it.
    dispatcher.subscribe(events.ComplaintText, reporters.mark_ticket)
    dispatcher.subscribe(events.ComplaintText, analytics_listener(settings))
    dispatcher.subscribe(sources.SourceRecorded, duplicates.same_post)
    # A ticket reopened past the limit is the supervisors' (feedback.replies).
    dispatcher.subscribe(events.PokjaActing, replies.require_not_escalated)
    maker = db.make_sessionmaker(engine, dispatcher)
    rollup.track(maker, settings.timezone)  # the dashboard's summary learns which days changed
    return Runtime(settings, engine, maker, dispatcher, catalog, composer, feedback,
                   settings.messaging.policy(settings.timezone, feedback),
                   notify_config(settings))
