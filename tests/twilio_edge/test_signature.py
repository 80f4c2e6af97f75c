"""The webhook signature computed in one pass (twilio_edge.security.signature_of) is the
one twilio's RequestValidator computes, for any form: repeated fields, duplicate values,
blanks, any text, both algorithms; and an unknown algorithm is refused as it is there."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from twilio.request_validator import HMAC_SHA1, HMAC_SHA256, RequestValidator
from werkzeug.datastructures import MultiDict

from twilio_edge.security import signature_of

TOKEN = "12345678901234567890123456789012"
FIELDS = st.lists(st.tuples(st.sampled_from(["CallSid", "From", "Digits", "To", "Body", ""])
                            | st.text(max_size=8), st.text(max_size=20)), max_size=10)


@given(fields=FIELDS, url=st.text(max_size=40),
       algorithm=st.sampled_from([HMAC_SHA1, HMAC_SHA256, "hmac_sha256"]))
def test_the_signature_is_twilios_for_any_form(fields, url, algorithm):
    form = MultiDict(fields)
    assert signature_of(TOKEN, url, form, algorithm) == \
        RequestValidator(TOKEN).compute_signature(url, form, algorithm)


def test_an_unknown_algorithm_is_refused():
    with pytest.raises(ValueError):
        signature_of(TOKEN, "https://x.invalid/ivr/voice", MultiDict(), "HMAC_MD5")
