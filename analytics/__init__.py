"""Listening to the complaints' text: early warning, duplicates and places.

Text processing and the rules built on it; no flask, no twilio. ``text`` normalises
Indonesian, ``matching`` finds words and phrases tolerant of recognition errors, and the
services (``warning``, ``duplicates``, ``places``) work on a ``Session`` (flush, never
commit). ``listener`` is subscribed by the composition root to the domain's
:class:`tickets.events.ComplaintText`.
"""
