"""Turning catalogue prompts into TwiML: <Say> in Indonesian, or <Play> a recording."""

from __future__ import annotations

from collections.abc import Mapping

from flask import url_for
from twilio.twiml import TwiML

from prompts import Catalog
from tickets.text import one_line, printable


class Speaker:
    """Says catalogue prompts into a VoiceResponse or a Gather, in one voice.

    What it says is made printable (``tickets.text``) here, whatever the values were
    when stored: one odd character in a category or an answer must not make the TwiML
    not well-formed, which Twilio answers with an application error to every caller."""

    def __init__(self, catalog: Catalog, settings: Mapping[str, str], language: str) -> None:
        self.catalog = catalog
        self.voice = one_line(settings["tts_voice"])
        self.language = language

    def say(self, verb: TwiML, key: str, **values: object) -> None:
        audio = None if values else self.catalog.audio_file(key)
        if audio is not None:
            verb.play(url_for("ivr.prompt_audio", filename=audio.name, _external=True))
        else:
            verb.say(printable(self.catalog.text(key, **values)), voice=self.voice,
                     language=self.language)

    def say_digits(self, verb: TwiML, key: str, digits: str) -> None:
        """A prompt followed by ``digits`` read one by one (SSML say-as digits)."""
        say = verb.say(printable(self.catalog.text(key)), voice=self.voice,
                       language=self.language)
        say.say_as(printable(digits), interpret_as="digits")
