"""Outbound messages: the outbox, who hears about what, and the providers.

- :mod:`notify.models`: the outbox row.
- :mod:`notify.outbox`: durable, at-most-once delivery state of every message.
- :mod:`notify.compose`: the texts for callers, pokja and supervisors, written as outbox
  rows by a listener of the ticket domain's events, inside the change's transaction.
- :mod:`notify.providers`: Twilio SMS, voice and WhatsApp, and SMTP, behind one
  ``deliver()`` whose errors say whether to retry.
- :mod:`notify.callbacks`: Twilio's signed delivery-status callbacks.
- :mod:`notify.services`: who may read which message and who may send one again (the
  console's outbox views ask here); :mod:`notify.names` the Indonesian labels.

It imports ``tickets`` and ``accounts``; neither imports it.
"""
