from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from speech.cli import models
from speech.models import WHISPER_BASE_BYTES, install_whisper_base, verify_whisper_base


def test_the_default_install_is_complete_and_verified(whisper_dir: Path) -> None:
    assert whisper_dir.name == "whisper-base"
    assert (whisper_dir / "model.bin").stat().st_size == WHISPER_BASE_BYTES
    assert verify_whisper_base(whisper_dir) == []


@pytest.mark.slow
def test_install_is_idempotent_and_repairs_a_damaged_copy(tmp_path: Path) -> None:
    dest = tmp_path / "whisper-base"
    assert install_whisper_base(dest) == dest
    model_bin = dest / "model.bin"
    stamp = model_bin.stat().st_mtime_ns
    assert install_whisper_base(dest) == dest
    assert model_bin.stat().st_mtime_ns == stamp, "a complete install was rewritten"

    with model_bin.open("r+b") as fh:  # a download cut short
        fh.truncate(1000)
    assert verify_whisper_base(dest) == ["model.bin"]
    install_whisper_base(dest)
    assert verify_whisper_base(dest) == []
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".whisper-base-")]


def test_the_cli_prints_the_installed_path(whisper_dir: Path) -> None:
    result = CliRunner().invoke(models, ["install", "whisper-base", "--dest", str(whisper_dir)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == str(whisper_dir)
    assert os.path.isdir(result.output.strip())
