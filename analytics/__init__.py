"""Listening to the complaints' text: early warning, duplicates, places, routing suggestions.

Text processing and the rules built on it; no flask, no twilio. ``text`` normalises
Indonesian, ``matching`` finds words and phrases tolerant of recognition errors, and the
services (``warning``, ``duplicates``, ``places``) work on a ``Session`` (flush, never
commit). ``listener`` is subscribed by the composition root to the domain's
:class:`tickets.events.ComplaintText`. ``suggest`` is the routing model (texts in, a
ranking out) and ``suggestions`` stores a ticket's suggestion and the operator's choice.
"""
