"""The operator's desk: who is calling (their earlier tickets), a ticket handed back by a
pokja, who else has a ticket open, and what changed under a form that was refused."""
