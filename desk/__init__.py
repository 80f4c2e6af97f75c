"""The operators' desk: who is calling (their earlier tickets), a ticket handed back by a
pokja, who else has a ticket open, what changed under a form that was refused; who works
which ticket (assignment per team, in the audit trail), each user's saved queue views, and
the queue's bulk actions, which run every ticket through the same rule as one by one.
Depends on ``tickets`` and ``accounts`` only."""
