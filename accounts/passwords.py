"""Password hashes: scrypt from the standard library."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

_N, _R, _P = 2**14, 8, 1


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    salt_b64, digest_b64 = base64.b64encode(salt).decode(), base64.b64encode(digest).decode()
    return f"scrypt${_N}${_R}${_P}${salt_b64}${digest_b64}"


def verify_password(stored: str, password: str) -> bool:
    try:
        scheme, n, r, p, salt_b64, digest_b64 = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    digest = hashlib.scrypt(
        password.encode(), salt=base64.b64decode(salt_b64),
        n=int(n), r=int(r), p=int(p), dklen=32,
    )
    return hmac.compare_digest(digest, base64.b64decode(digest_b64))


# Spent on unknown usernames, so they cannot be told apart by timing.
DUMMY_HASH = hash_password(secrets.token_hex(8))


# --- the rule for a new password -------------------------------------------------------------
# One rule for every way a password is set: the console's user pages and the
# `hotline users` commands. Length is what matters most (NIST SP 800-63B); beyond it,
# refuse what guessing lists try first, and what this project itself has published.

MIN_PASSWORD_LENGTH = 8
MIN_PASSWORD_LENGTH_PRODUCTION = 12

# Printed in the README and seeded by `hotline seed-demo` (hotline/demo.py): anyone may
# try these, so production refuses them even at sign-in.
PUBLISHED_PASSWORDS = frozenset({"suarawarga"})

# The words behind most guessed passwords, English and Indonesian, compared after
# folding case, common letter swaps (p@ssw0rd), digits and punctuation
# ("Password123!" is "password"), and repetition ("adminadmin" is "admin").
COMMON_WORDS = PUBLISHED_PASSWORDS | frozenset({
    "password", "passwort", "pass", "admin", "administrator", "root", "user", "login",
    "welcome", "letmein", "changeme", "default", "secret", "test", "testing", "demo",
    "qwerty", "qwertyuiop", "asdf", "asdfgh", "asdfghjkl", "zxcvbnm", "qwertz", "azerty",
    "abc", "abcd", "abcdef", "abcdefgh", "abcdefghijkl", "iloveyou", "monkey", "dragon",
    "sunshine", "princess", "football", "baseball", "superman", "batman", "master",
    "shadow", "trustno", "whatever", "freedom", "hello", "lovely", "starwars",
    # Indonesian
    "katasandi", "sandi", "rahasia", "sayang", "sayangku", "cinta", "cintaku", "indonesia",
    "jakarta", "bismillah", "alhamdulillah", "merdeka", "garuda", "pancasila", "bandung",
    "surabaya", "semarang", "rahasiaku", "sandiku", "masuk", "pengguna",
    # this product and its users
    "suara", "warga", "hotline", "pengaduan", "operator", "supervisor", "pokja", "pemkab",
    "diskominfo", "kominfo", "pemda",
})
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t",
                       "@": "a", "$": "s", "!": "i"})
_RUNS = ("01234567890123456789", "98765432109876543210", "qwertyuiopasdfghjklzxcvbnm",
         "abcdefghijklmnopqrstuvwxyz")


def _unrepeat(letters: str) -> str:
    """One period of a repetition: "adminadmin" is "admin"."""
    for period in range(1, len(letters) // 2 + 1):
        if len(letters) % period == 0 and letters[:period] * (len(letters) // period) == letters:
            return letters[:period]
    return letters


def _cores(password: str) -> set[str]:
    """The words a guesser would start from: the letters as typed ("admin2024" is
    "admin"), and with the swaps undone once digits and marks around them are cut off
    ("P@ssw0rd!2024" is "password")."""
    folded = password.casefold()
    plain = "".join(c for c in folded if c.isalpha())
    middle = re.sub(r"^[^a-z@$]+|[^a-z]+$", "", folded).translate(_LEET)
    swapped = "".join(c for c in middle if c.isalpha())
    return {_unrepeat(plain), _unrepeat(swapped)}


def is_published(password: str) -> bool:
    return password.strip().casefold() in PUBLISHED_PASSWORDS


def password_problem(password: str, *, username: str, min_length: int) -> str | None:
    """Why ``password`` may not become ``username``'s password (Indonesian), or None."""
    if len(password) < min_length:
        return f"Kata sandi minimal {min_length} karakter."
    folded = password.casefold()
    name = username.strip().casefold()
    if name and (folded == name or (len(name) >= 4 and name in folded)):
        return "Kata sandi tidak boleh memuat nama pengguna."
    if _cores(password) & COMMON_WORDS:
        return "Kata sandi ini terlalu umum atau pernah dipublikasikan. Pilih yang lain."
    if len(set(folded)) < 5 or any(folded in run for run in _RUNS):
        return "Kata sandi terlalu mudah ditebak. Pakai kalimat atau beberapa kata acak."
    return None
