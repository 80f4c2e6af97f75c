"""The Indonesian prompt catalogue: every sentence a caller hears.

Texts live in ``id.toml`` beside this file, one key per prompt, with
``{placeholders}`` filled in at run time. A recorded voice for a prompt can be
dropped in as ``audio/<key>.mp3`` (or ``.wav``); the IVR then plays it instead
of synthesising the text.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

PROMPTS_DIR = Path(__file__).resolve().parent
AUDIO_EXTENSIONS = (".mp3", ".wav")


@dataclass(frozen=True)
class Catalog:
    texts: dict[str, str]
    audio_dir: Path
    # key -> recorded file, found once at load: every webhook says several prompts, and
    # looking each up on disk cost two stat() calls per prompt per request.
    audio: dict[str, Path] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.audio:
            self.audio.update(_find_audio(self.texts, self.audio_dir))

    @classmethod
    def load(cls, directory: Path = PROMPTS_DIR, language: str = "id") -> Catalog:
        with open(directory / f"{language}.toml", "rb") as fh:
            data = tomllib.load(fh)
        texts = {key: " ".join(str(value).split()) for key, value in data.items()}
        return cls(texts=texts, audio_dir=directory / "audio")

    def text(self, key: str, **values: object) -> str:
        try:
            template = self.texts[key]
        except KeyError:
            raise KeyError(f"prompt {key!r} is not in the catalogue") from None
        return template.format(**values) if values else template

    def audio_file(self, key: str) -> Path | None:
        """The recorded audio for ``key`` (only prompts without placeholders).

        Audio is found when the catalogue is loaded: a file added later is used after
        the next restart.
        """
        return self.audio.get(key)


def _find_audio(keys: dict[str, str], audio_dir: Path) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for key in keys:
        for ext in AUDIO_EXTENSIONS:
            candidate = audio_dir / f"{key}{ext}"
            if candidate.is_file():
                found[key] = candidate
                break
    return found
