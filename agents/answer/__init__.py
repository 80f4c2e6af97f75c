"""The console's "answer fast" screens: the admin's canned replies, and on the ticket
page the canned-reply picker, the message to the reporter and the answer's files."""
