from __future__ import annotations

import itertools

from tickets import numbering


def test_new_numbers_are_eight_digits_with_a_valid_check_digit():
    for _ in range(1000):
        number = numbering.new_number()
        assert len(number) == 8 and number.isdigit()
        assert numbering.is_valid(number)


def test_new_numbers_are_not_sequential():
    numbers = [int(numbering.new_number()) for _ in range(200)]
    gaps = {b - a for a, b in itertools.pairwise(numbers)}
    assert len(gaps) > 150


def test_every_single_digit_typo_is_detected():
    number = numbering.new_number()
    for position in range(8):
        for digit in "0123456789":
            if digit != number[position]:
                typo = number[:position] + digit + number[position + 1:]
                assert not numbering.is_valid(typo)


def test_every_adjacent_swap_is_detected():
    for _ in range(200):
        number = numbering.new_number()
        for i in range(7):
            swapped = number[:i] + number[i + 1] + number[i] + number[i + 2:]
            if swapped != number:
                assert not numbering.is_valid(swapped)


def test_malformed_input_is_not_valid():
    for bad in ("", "1234567", "123456789", "abcdefgh", "1234-678"):
        assert not numbering.is_valid(bad)


def test_the_damm_check_digit_matches_the_published_example():
    # The worked example for Damm's algorithm: 572 gets check digit 4.
    assert numbering.damm_check_digit("572") == "4"
