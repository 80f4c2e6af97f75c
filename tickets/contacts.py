"""Phone numbers and e-mail addresses: the one place each is checked and normalised.

Phone numbers are stored in E.164 (``+62…``), whatever way they were typed
("0812-3456-789", "62 812…"), so an SMS reaches them and two spellings of one number
match. ``phonenumbers`` (Google's libphonenumber) knows Indonesia's numbering plan.
"""

from __future__ import annotations

import re
from email.utils import parseaddr

import phonenumbers

from tickets.errors import InvalidInput

REGION = "ID"
_EMAIL = re.compile(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+")
PHONE_HINT = "Contoh: 0812-3456-7890 atau +6281234567890."


def to_e164(raw: str, *, strict: bool = True) -> str:
    """``raw`` as E.164, read as an Indonesian number unless it starts with ``+``.

    ``strict`` asks for a number that exists in its country's plan; without it, a number
    of a possible length is enough (Twilio's own test numbers). Raises ValueError.
    """
    text = raw.strip()
    if not text or len(text) > 32:
        raise ValueError(f"not a phone number: {raw!r}")
    try:
        number = phonenumbers.parse(text, REGION)
    except phonenumbers.NumberParseException:
        raise ValueError(f"not a phone number: {raw!r}") from None
    ok = phonenumbers.is_valid_number(number) if strict else phonenumbers.is_possible_number(
        number)
    if not ok:
        raise ValueError(f"not a phone number: {raw!r}")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_setting(value: str) -> str:
    """A phone number from a setting, as E.164: a possible number is enough (Twilio's
    test numbers are in no plan). Raises ValueError saying what is expected."""
    try:
        return to_e164(value, strict=False)
    except ValueError:
        raise ValueError("must be a phone number like +62215551234") from None


def phone_field(value: str | None, field: str, label: str = "Nomor telepon", *,
                strict: bool = True) -> str | None:
    """An optional phone number from a form: E.164, None when empty, InvalidInput when wrong
    (``strict`` as in :func:`to_e164`)."""
    text = (value or "").strip()
    if not text:
        return None
    try:
        return to_e164(text, strict=strict)
    except ValueError:
        raise InvalidInput(field, f"{label} tidak valid. {PHONE_HINT}") from None


def readable_phone(e164: str | None) -> str | None:
    """A stored number as a person reads it back: ``0812-3456-789`` for an Indonesian
    number, ``+1 415-555-0100`` for another; None when there is none."""
    if not e164:
        return None
    try:
        number = phonenumbers.parse(e164, REGION)
    except phonenumbers.NumberParseException:
        return e164
    fmt = (phonenumbers.PhoneNumberFormat.NATIONAL
           if phonenumbers.region_code_for_number(number) == REGION
           else phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return phonenumbers.format_number(number, fmt)


def caller_number(value: str | None) -> str | None:
    """The ``From`` of a call or message as E.164, or None (withheld, a SIP or client id)."""
    try:
        return to_e164(value or "", strict=False)
    except ValueError:
        return None


# A phone number as it shows up in a provider's error text or a URL: E.164 with its
# "+" (or URL-encoded "%2B", or after "whatsapp:"), or an Indonesian number without it.
_PHONE_IN_TEXT = re.compile(
    r"(?<![\w%])(?:\+|%2[Bb])\d{7,15}(?!\d)"  # +6281234567890, %2B6281234567890
    r"|(?<![\w+])(?:62|0)8\d{7,12}(?!\d)"  # 6281234567890, 081234567890
)


def mask_phones(text: str) -> str:
    """``text`` with every phone number in it masked: ``+6281234567890`` becomes
    ``+62812****7890`` (country code and operator prefix, the last four digits), enough
    to tell numbers apart in a log and too little to call anyone."""

    def mask(found: re.Match[str]) -> str:
        number = found.group(0)
        sign = next((p for p in ("+", "%2B", "%2b") if number.startswith(p)), "")
        digits = number[len(sign):]
        keep = max(0, min(5, len(digits) - 8))  # at least four digits masked
        return f"{sign}{digits[:keep]}{'*' * (len(digits) - keep - 4)}{digits[-4:]}"

    return _PHONE_IN_TEXT.sub(mask, text)


def is_email(value: str) -> bool:
    # isprintable: no control, format or line-separator character hides in an address.
    return len(value) <= 200 and value.isprintable() and _EMAIL.fullmatch(value) is not None


def email_address(value: str | None, field: str = "email") -> str | None:
    """An optional e-mail address, stripped; a malformed one is refused beside its field."""
    address = (value or "").strip()
    if not address:
        return None
    if not is_email(address):
        raise InvalidInput(field, "Alamat email tidak valid.")
    return address


def is_mailbox(value: str) -> bool:
    """An address with an optional display name: ``Hotline <hotline@pemkab.go.id>``."""
    name, address = parseaddr(value)
    return bool(address) and is_email(address)
