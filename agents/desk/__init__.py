"""The operator's desk on the ticket page: the caller's history, the hand-back marker, who
else has the ticket open, the difference shown on a conflict, "simpan & berikutnya"."""
