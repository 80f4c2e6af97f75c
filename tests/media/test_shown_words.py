"""A stored transcript's words as the console marks them (media.transcripts.shown_words),
for a ticket's transcript and a voice note's alike."""

from __future__ import annotations

from media.transcripts import LOW_CONFIDENCE, shown_words


def test_each_word_keeps_its_start_and_is_marked_low_below_the_threshold():
    stored = [{"word": "jalan", "start": 0.5, "end": 0.9, "confidence": 0.95},
              {"word": "rusak", "start": 1.0, "end": 1.4, "confidence": LOW_CONFIDENCE - 0.01},
              {"word": "parah", "start": "1.5"}]  # no confidence: not marked
    assert shown_words(stored) == [{"word": "jalan", "start": 0.5, "low": False},
                                   {"word": "rusak", "start": 1.0, "low": True},
                                   {"word": "parah", "start": 1.5, "low": False}]


def test_entries_that_are_not_words_are_left_out():
    stored = ["jalan", None, {"word": "rusak", "start": "awal"},
              {"word": "parah", "confidence": None}, {"word": "sekali", "start": 2.0}]
    assert shown_words(stored) == [{"word": "sekali", "start": 2.0, "low": False}]
    assert shown_words(None) == shown_words([]) == []
