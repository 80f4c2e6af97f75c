"""Every package's tables: importing this module registers them all with the metadata.

Each package declares its models on ``tickets.db.Base``; a process that reads or migrates
the database (the app, the worker, the CLI, Alembic) imports this once, so a mapper
that names another package's class by string (``relationship("Attachment")``) finds it.
"""

from accounts import models as accounts_models
from analytics import models as analytics_models
from analytics import suggest_models
from answering import models as answering_models
from desk import models as desk_models
from escalation import models as escalation_models
from feedback import models as feedback_models
from media import models as media_models
from messaging import models as messaging_models
from notify import models as notify_models
from partners import models as partner_models
from reporters import models as reporters_models
from reporting import models as reporting_models
from tickets import models as ticket_models
from tickets import sources as ticket_sources
from tickets.db import Base

MODULES = (ticket_models, accounts_models, media_models, messaging_models, feedback_models,
           notify_models, analytics_models, suggest_models, escalation_models,
           reporters_models, ticket_sources, partner_models, answering_models,
           desk_models, reporting_models)
metadata = Base.metadata
