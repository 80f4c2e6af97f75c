"""The console's side of ``desk``: taking and giving tickets (the ticket page's box and
the pokja's inbox), saved queue views, and the queue's bulk actions."""
