"""The operators' desk: who works which ticket (assignment per team, in the audit trail),
each user's saved queue views, and the queue's bulk actions, which run every ticket
through the same rule as one by one. Depends on ``tickets`` and ``accounts`` only."""
