from pathlib import Path

from prompts import Catalog


def test_recorded_audio_is_found_at_load(tmp_path: Path) -> None:
    (tmp_path / "id.toml").write_text('greeting = "Selamat datang"\nmain_menu = "Tekan 1"\n')
    (tmp_path / "audio").mkdir()
    (tmp_path / "audio" / "greeting.wav").write_bytes(b"RIFF")
    catalog = Catalog.load(tmp_path)
    assert catalog.audio_file("greeting") == tmp_path / "audio" / "greeting.wav"
    assert catalog.audio_file("main_menu") is None
    assert catalog.text("main_menu") == "Tekan 1"
