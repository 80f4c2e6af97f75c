"""Saved queue views ("tampilan"): per user, by name, only the queue's own keys."""

from __future__ import annotations

import pytest

from desk import services
from tickets.errors import InvalidInput, NotFound

KEYS = ("status", "q", "urut", "arah")


def test_a_view_keeps_only_the_known_keys_with_a_value(db, cast):
    view = services.save_view(db, cast["operator"], "  Jalan  rusak ",
                              [("status", "semua"), ("q", "jalan"), ("after", "x"),
                               ("urut", ""), ("evil", "1")], KEYS)
    assert view.name == "Jalan rusak"
    assert services.view_params(view) == [("status", "semua"), ("q", "jalan")]


def test_saving_under_the_same_name_replaces_it(db, cast):
    services.save_view(db, cast["operator"], "Pagi", [("q", "a")], KEYS)
    services.save_view(db, cast["operator"], "Pagi", [("q", "b")], KEYS)
    [view] = services.views(db, cast["operator"])
    assert services.view_params(view) == [("q", "b")]


def test_views_are_per_user(db, cast):
    services.save_view(db, cast["operator"], "Pagi", [("q", "a")], KEYS)
    assert services.views(db, cast["rina"]) == []


def test_a_view_needs_a_name(db, cast):
    with pytest.raises(InvalidInput, match="Beri nama"):
        services.save_view(db, cast["operator"], "   ", [("q", "a")], KEYS)


def test_only_ones_own_view_can_be_deleted(db, cast):
    view = services.save_view(db, cast["operator"], "Pagi", [("q", "a")], KEYS)
    with pytest.raises(NotFound):
        services.delete_view(db, cast["rina"], view.id)
    assert services.delete_view(db, cast["operator"], view.id) == "Pagi"
    assert services.views(db, cast["operator"]) == []
