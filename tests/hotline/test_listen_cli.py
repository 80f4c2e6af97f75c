"""``hotline listen`` and the fast ``hotline suggest``: one JSON object per text, in order,
against the demo configuration without a database, or against the database in
DATABASE_URL; and a real cold start from a fresh interpreter that loads no framework."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from hotline.quick import is_fast, listen, suggest

KEYS = ["alarm", "kind", "severity", "confidence", "cues", "kecamatan", "desa", "category",
        "pokja"]
ROOT = Path(__file__).resolve().parents[2]


def run(command, args, stdin=None, env=None):  # type: ignore[no-untyped-def]
    result = CliRunner(env={"DATABASE_URL": None, **(env or {})}).invoke(
        command, args, input=stdin)
    assert result.exit_code == 0, result.output
    return result.output


def test_one_text_gives_one_json_object_with_exactly_the_agreed_keys() -> None:
    out = run(listen, ["Tolong, kebakaran di desa Lapeo Campalagian, apinya besar", "--json"])
    lines = out.strip().splitlines()
    assert len(lines) == 1
    obj = json.loads(lines[0])
    assert list(obj) == KEYS
    assert obj["alarm"] is True and obj["severity"] in ("critical", "high", "normal")
    assert isinstance(obj["confidence"], float) and isinstance(obj["cues"], list)
    assert (obj["kecamatan"], obj["desa"]) == ("Campalagian", "Lapeo")


def test_stdin_is_scored_one_line_at_a_time_in_order_empty_lines_included() -> None:
    texts = ["jalan di desa kami berlubang parah, kecamatan wonomulyo", "",
             "banjir di batetanga binuang", "mohon pemkab polman perbaiki jembatan",
             "sampah menumpuk di pasar sudah seminggu"]
    out = run(listen, ["--json"], stdin="\n".join(texts) + "\n")
    objs = [json.loads(line) for line in out.splitlines()]
    assert len(objs) == len(texts) and all(list(o) == KEYS for o in objs)
    assert (objs[0]["kecamatan"], objs[0]["category"], objs[0]["pokja"]) == (
        "Wonomulyo", "Jalan dan jembatan", "PUPR")
    assert objs[1] == {**dict.fromkeys(KEYS), "alarm": False, "confidence": 0.0, "cues": []}
    assert (objs[2]["alarm"], objs[2]["kecamatan"], objs[2]["desa"]) == (
        True, "Binuang", "Batetangnga")
    assert objs[3]["kecamatan"] is None and objs[3]["alarm"] is False
    assert (objs[4]["category"], objs[4]["pokja"]) == ("Sampah dan kebersihan", "DLH")


def test_without_json_the_answer_is_a_summary_in_indonesian() -> None:
    out = run(listen, ["air banjir masuk rumah di wonomulyo"])
    assert "PERINGATAN DINI" in out and "Kecamatan Wonomulyo" in out
    assert "Saran kategori:" in out
    quiet = run(listen, ["lampu jalan mati di depan sekolah"])
    assert "Tidak ada peringatan dini." in quiet and "Lokasi: tidak disebut" in quiet


def test_suggest_answers_from_the_demo_configuration() -> None:
    data = json.loads(run(suggest, ["jalan di desa kami berlubang parah", "--json"]))
    assert (data["category"], data["pokja"]) == ("Jalan dan jembatan", "PUPR")
    assert len(data["alternatives"]) == 2 and data["model_version"].startswith("seed-")
    short = CliRunner(env={"DATABASE_URL": None}).invoke(suggest, ["halo"])
    assert short.exit_code == 1 and "tidak ada saran" in short.output


def test_only_listen_and_suggesting_take_the_fast_path() -> None:
    assert is_fast(["listen", "x"]) and is_fast(["suggest", "x"]) and is_fast(["suggest"])
    assert not is_fast(["suggest", "retrain"]) and not is_fast(["run"]) and not is_fast([])


def test_listen_reads_the_database_in_database_url(app, db, settings) -> None:  # type: ignore[no-untyped-def]
    """The seeded database: its categories (with ids), places and keyword groups; an
    admin's group added there alarms although the demo words do not know it."""
    from analytics.models import KeywordGroup, Severity

    db.add(KeywordGroup(name="ternak", words="pencurian ternak\nmaling sapi",
                        severity=Severity.CRITICAL, channels="email"))
    db.commit()
    env = {"DATABASE_URL": settings.database_url}
    # Theft is no event for the model; the admin's group makes it an alarm here.
    obj = json.loads(run(listen, ["mau lapor pencurian ternak di desa lapeo", "--json"],
                         env=env))
    assert obj["alarm"] is True and "kelompok kata kunci: ternak" in obj["cues"]
    assert (obj["kecamatan"], obj["desa"]) == ("Campalagian", "Lapeo")
    data = json.loads(run(suggest, ["jalan di desa kami berlubang parah", "--json"], env=env))
    assert data["category"] == "Jalan dan jembatan" and data["category_id"] is not None


def test_a_cold_start_answers_without_importing_flask_celery_twilio_or_sklearn() -> None:
    """A fresh interpreter, as a shell runs it (correctness only: the time is the
    benchmark's business, benchmarks/text_analytics.py)."""
    probe = ("import sys, runpy; sys.argv = ['hotline', 'listen', '--json'];\n"
             "try:\n    runpy.run_module('hotline', run_name='__main__')\n"
             "finally:\n"
             "    heavy = [m for m in ('flask', 'celery', 'twilio', 'sklearn', 'faster_whisper',"
             " 'vosk', 'sqlalchemy') if m in sys.modules]\n"
             "    print(json.dumps(heavy) if False else 'HEAVY ' + ','.join(heavy))")
    done = subprocess.run(
        [sys.executable, "-c", "import json\n" + probe], cwd=ROOT, capture_output=True,
        text=True, input="api sudah merambat ke rumah sebelah di desa Lapeo\n\n",
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}, timeout=120, check=True)
    lines = done.stdout.splitlines()
    objs = [json.loads(line) for line in lines[:-1]]
    assert len(objs) == 2 and objs[0]["desa"] == "Lapeo" and objs[1]["kecamatan"] is None
    assert lines[-1] == "HEAVY ", done.stdout
    plain = subprocess.run([sys.executable, "-m", "hotline", "suggest", "sampah menumpuk",
                            "--json"], cwd=ROOT, capture_output=True, text=True, timeout=120,
                           env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}, check=True)
    assert json.loads(plain.stdout)["category"] == "Sampah dan kebersihan"


def test_bytes_that_are_not_utf8_and_a_runaway_line_do_not_stop_a_batch() -> None:
    result = CliRunner(env={"DATABASE_URL": None}).invoke(
        listen, ["--json"], input=b"banjir di desa lapeo \xff\xfe\n" + b"a" * 50_000 + b"\nok\n")
    assert result.exit_code == 0, result.output
    objs = [json.loads(line) for line in result.output.splitlines()]
    assert len(objs) == 3 and objs[0]["desa"] == "Lapeo"
