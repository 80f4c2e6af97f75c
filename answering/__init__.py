"""Answering fast: canned replies with placeholders, the desk's own message to a
reporter, and the files a pokja attaches to its answer (a repair photo, a letter)."""
