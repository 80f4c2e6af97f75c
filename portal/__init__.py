"""What the public reads: the publishing step, the public site and the Open311 API.

``publishing`` is the call centre's explicit step that makes an answer public;
``services`` is what the public may read of tickets (tracking, answers, Open311
requests); ``site`` and ``open311`` are the two web edges over it.
"""
