"""The media pipeline: call recordings and message media (voice notes, photos).

Fetch from Twilio under a lease (``work``, ``attachments``), check the bytes
(``audio_check``), write durably (``recordings``), transcribe on the ``speech`` queue and
store the transcript (``transcripts``, ``reopening_notes``); the tasks are in ``tasks``.
"""
