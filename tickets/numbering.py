"""Ticket numbers: eight digits a caller can key on a phone keypad.

Seven random digits (so a neighbour's number cannot be guessed from one's own)
and a Damm check digit, which catches every single-digit typo and every swap of
two adjacent digits. That lets the status line tell "you mistyped" apart from
"no such ticket".
"""

from __future__ import annotations

import secrets

NUMBER_LENGTH = 8

# The Damm quasigroup of order 10 (weakly totally anti-symmetric).
_DAMM = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)


def damm_check_digit(digits: str) -> str:
    interim = 0
    for ch in digits:
        interim = _DAMM[interim][int(ch)]
    return str(interim)


def is_valid(number: str) -> bool:
    """True when ``number`` has the right shape and its check digit matches."""
    if len(number) != NUMBER_LENGTH or not number.isdigit():
        return False
    return damm_check_digit(number) == "0"


def new_number() -> str:
    body = f"{secrets.randbelow(10 ** (NUMBER_LENGTH - 1)):0{NUMBER_LENGTH - 1}d}"
    return body + damm_check_digit(body)
