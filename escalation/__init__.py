"""The escalation ladder: admin SKPD -> kepala SKPD -> kepala daerah.

A ticket still unanswered some working days after its follow-up deadline is escalated
to its agency's head, later to the regional leadership's daily summary; each level once
per ticket (``escalations`` is unique on ticket and level). The leadership may leave an
instruction (disposisi) that the pokja reads at the top of the ticket.
"""
