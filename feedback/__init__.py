"""The reporter's word on an answer: "is it fixed?", ratings, reopenings, auto-close.

``replies`` holds the rules (close with a rating, reopen, the reopen limit), ``models``
the ratings and reopenings, ``display`` what the console and the CLI show of them,
``satisfaction`` the figures per pokja, ``autoclose`` the 10-working-day close.
"""
