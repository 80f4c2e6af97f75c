"""The recording download trusts nothing the webhook says: where the file is, what it
is, how big it is, how long it is, or what it should be called."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
from sqlalchemy import func, select

from devtools.recording_peer import RecordingPeer
from ivr import calls
from media.recordings import RecordingRef
from media.tasks import download_recording
from tests.audio_samples import HTML, encode, header_only_wav, wav_bytes
from tests.conftest import PRODUCTION_RATELIMITS
from tickets.events import SESSION_KEY, Dispatcher
from tickets.models import Call, Recording, RecordingStatus, Status, Ticket, TranscriptionStatus
from twilio_edge.recordings import DownloadError, FetchPolicy, download

FILE = ("1", "1", "2", "1")  # complaint, first category, not anonymous, submit
ACCOUNT = "AC" + "0" * 32
SID = "RE" + "ab" * 16
PUBLIC = "https://hotline.example.id"
PRODUCTION = {"HOTLINE_ENV": "production", "SECRET_KEY": "s" * 40,
              "TWILIO_ACCOUNT_SID": "AC" + "a" * 32, "TWILIO_AUTH_TOKEN": "production-token",
              "PUBLIC_BASE_URL": PUBLIC, **PRODUCTION_RATELIMITS}


def _ticket(db, number: str) -> Ticket:
    db.expire_all()
    return db.scalars(select(Ticket).where(Ticket.number == number)).one()


def _files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def _body(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.fixture
def serve(peer, monkeypatch):
    """Make the loopback peer serve every recording of the next call with ``options``."""

    def configure(**options: object) -> None:
        original_add = peer.add
        monkeypatch.setattr(peer, "add", lambda sid, path, **kw: original_add(
            sid, path, **{**kw, **options}))

    return configure


def _file_recording(db, url: str, sid: str, *, duration: int | None = None) -> Recording:
    """A confirmed phone complaint whose recording lives at ``url``, filed outside a
    request so that nothing enqueues its download: the test runs it."""
    call_sid = "CA" + secrets.token_hex(16)
    with db.begin():
        db.info[SESSION_KEY] = Dispatcher()
        calls.recording_made(db, call_sid, "+628111", "+62215550112",
                             RecordingRef(sid, url, duration), tz="Asia/Jakarta")
        filed = calls.confirmed(db, call_sid, tz="Asia/Jakarta")
        assert filed is not None and filed.created
        recording = db.get(Recording, filed.recording_id)
    del db.info[SESSION_KEY]
    return recording


# --- what the body is ------------------------------------------------------------------

@pytest.mark.parametrize("declared", ["text/html", "audio/x-wav"])
def test_an_html_page_is_not_stored_whatever_type_it_claims(place_call, serve, peer, db,
                                                            settings, tmp_path, declared):
    serve(content_type=declared)
    result = place_call(*FILE, recordings=[_body(tmp_path, "page.wav", HTML)])

    ticket = _ticket(db, result.ticket_number)
    recording = ticket.recordings[0]
    assert recording.status is RecordingStatus.FAILED
    assert recording.download_attempts == 1  # not audio is not going to become audio: no retry
    assert peer.recordings[result.recording_sids[0]].hits == 1
    assert recording.path is None and _files(settings.recordings_dir) == []
    assert ticket.status is Status.AWAITING_VERIFICATION
    assert ticket.transcription_status is TranscriptionStatus.FAILED
    assert "bukan audio" in (ticket.transcription_error or "")


def test_an_mp3_is_stored_as_an_mp3_with_the_length_measured_from_it(place_call, db, settings,
                                                                     tmp_path):
    tone = _body(tmp_path, "tone.wav", wav_bytes(3.0))
    mp3 = encode(tone, tmp_path / "tone.mp3", "-b:a", "32k")
    # The peer answers the .wav URL with "audio/x-wav", as Twilio does, but sends MP3 bytes.
    result = place_call(*FILE, recordings=[mp3])

    recording = _ticket(db, result.ticket_number).recordings[0]
    assert recording.status is RecordingStatus.STORED
    assert recording.path.endswith(".mp3") and recording.content_type == "audio/mpeg"
    assert recording.duration_seconds == pytest.approx(3.0, abs=0.2)
    assert (settings.recordings_dir / recording.path).read_bytes() == mp3.read_bytes()


@pytest.mark.parametrize("env_overrides", [{"RECORD_MAX_SECONDS": "10"}])
@pytest.mark.parametrize("send_length", [True, False], ids=["content-length", "streamed"])
def test_a_recording_bigger_than_the_longest_call_allows_is_refused(
        place_call, serve, db, settings, tmp_path, send_length):
    serve(send_length=send_length)
    # 20 s of telephone audio where the IVR allows 10 s (limit: 10 s x 16 kB x 1.25 + 64 kB).
    result = place_call(*FILE, recordings=[_body(tmp_path, "long.wav", wav_bytes(20))])

    ticket = _ticket(db, result.ticket_number)
    recording = ticket.recordings[0]
    assert recording.status is RecordingStatus.FAILED and recording.download_attempts == 1
    assert "batas" in (ticket.transcription_error or "")
    assert _files(settings.recordings_dir) == []


def test_an_empty_recording_gets_two_quick_retries_then_a_reason_for_the_operator(
        place_call, peer, db, tmp_path):
    result = place_call(*FILE, recordings=[_body(tmp_path, "empty.wav", b"")])

    ticket = _ticket(db, result.ticket_number)
    recording = ticket.recordings[0]
    assert peer.recordings[result.recording_sids[0]].hits == 3
    assert recording.status is RecordingStatus.FAILED and recording.download_attempts == 3
    assert ticket.status is Status.AWAITING_VERIFICATION
    assert "rekaman kosong" in (ticket.transcription_error or "")


def test_a_header_only_wav_is_not_stored_and_keeps_no_claimed_duration(app, db, peer,
                                                                       settings, tmp_path):
    url = peer.add(SID, _body(tmp_path, "header.wav", header_only_wav()))
    recording = _file_recording(db, url, SID, duration=30)  # what Twilio's webhook claimed

    download_recording.apply(args=[recording.id])

    db.expire_all()
    assert recording.status is RecordingStatus.FAILED
    assert recording.duration_seconds is None
    assert recording.path is None and _files(settings.recordings_dir) == []
    assert "tanpa suara" in (recording.ticket.transcription_error or "")


# --- where the body comes from ---------------------------------------------------------

@pytest.mark.parametrize("env_overrides", [PRODUCTION])
def test_in_production_a_recording_url_off_twilio_is_never_fetched(place_call, peer, db,
                                                                   complaint_wav):
    # The simulator's RecordingUrl is plain http on loopback: fine for development only.
    result = place_call(*FILE, recordings=[complaint_wav], public_base_url=PUBLIC)

    ticket = _ticket(db, result.ticket_number)
    recording = ticket.recordings[0]
    assert peer.recordings[result.recording_sids[0]].hits == 0
    assert not [entry for entry in peer.log if entry[0] == "GET"]
    assert recording.status is RecordingStatus.FAILED and recording.download_attempts == 1
    assert ticket.status is Status.AWAITING_VERIFICATION
    assert "bukan dari Twilio" in (ticket.transcription_error or "")


@pytest.fixture
def storage(settings) -> RecordingPeer:
    """A second loopback origin, standing in for the storage Twilio redirects media to."""
    with RecordingPeer(settings.twilio_account_sid, auth_token=None) as other:
        yield other


def test_credentials_do_not_follow_a_redirect_to_another_origin(app, db, peer, storage,
                                                                tmp_path):
    audio = _body(tmp_path, "tone.wav", wav_bytes(1.0))
    elsewhere = storage.add(SID, audio) + ".wav"
    url = peer.add(SID, audio, redirect_to=elsewhere)
    recording = _file_recording(db, url, SID)

    download_recording.apply(args=[recording.id])

    db.expire_all()
    assert recording.status is RecordingStatus.STORED
    assert peer.recordings[SID].authorizations[0].startswith("Basic ")
    assert storage.recordings[SID].authorizations == [""]


CLIMBING = "RE../../../../../../tmp/suarawarga-climbed"


@pytest.mark.parametrize("sid, url_sid", [
    (CLIMBING, CLIMBING),
    (SID, CLIMBING),
    (SID, "RE" + "cd" * 16),  # a URL naming another recording than RecordingSid
    ("RE" + "ab" * 15, "RE" + "ab" * 15),  # too short
])
def test_a_malformed_recording_sid_or_url_is_ignored_and_writes_nothing(signed_post, peer, db,
                                                                        settings, sid, url_sid):
    escaped = Path("/tmp/suarawarga-climbed.wav")
    escaped.unlink(missing_ok=True)
    form = {"CallSid": "CA" + "e" * 32, "From": "+628111", "To": "+62215550112",
            "RecordingSid": sid, "RecordingDuration": "5", "Digits": "#",
            "RecordingUrl": f"{peer.base_url}/2010-04-01/Accounts/{ACCOUNT}/Recordings/{url_sid}"}

    # Not what Twilio sends: the caller is asked to record again, and nothing is kept.
    answer = signed_post("/ivr/recorded", form)
    assert answer.status_code == 200 and "tidak mendengar rekaman" in answer.text
    # Twilio's retries of the status callback get a harmless 204.
    callback = {**form, "RecordingStatus": "completed"}
    assert signed_post("/ivr/recording-status", callback).status_code == 204

    db.expire_all()
    assert db.scalar(select(func.count()).select_from(Recording)) == 0
    assert db.scalars(select(Call.pending_recording_sid)).all() in ([], [None])
    assert not escaped.exists() and _files(settings.recordings_dir) == []
    assert peer.log == []


@pytest.mark.parametrize("call_sid", ["CAtwiml", "CA../../x", "", "RE" + "0" * 32])
def test_a_malformed_call_sid_gets_400(signed_post, db, call_sid):
    assert signed_post("/ivr/voice", {"CallSid": call_sid, "From": "+628111"}).status_code == 400
    assert db.scalar(select(func.count()).select_from(Call)) == 0


# --- the fetch policy, without a network -----------------------------------------------

TWILIO = FetchPolicy(account_sid=ACCOUNT)  # production: https://api.twilio.com only
DEVELOPMENT = FetchPolicy(allow_loopback=True, account_sid=ACCOUNT)
PATH = f"/2010-04-01/Accounts/{ACCOUNT}/Recordings/{SID}"


@pytest.mark.parametrize("url, policy, reason", [
    (f"http://api.twilio.com{PATH}", TWILIO, "bukan dari Twilio"),
    (f"https://api.twilio.com.evil.invalid{PATH}", TWILIO, "bukan dari Twilio"),
    (f"https://evil.invalid{PATH}", TWILIO, "bukan dari Twilio"),
    (f"https://api.twilio.com:8443{PATH}", TWILIO, "bukan dari Twilio"),
    (f"http://127.0.0.1:9{PATH}", TWILIO, "bukan dari Twilio"),
    (f"https://evil.invalid{PATH}", DEVELOPMENT, "bukan dari Twilio"),
    (f"http://10.0.0.1{PATH}", DEVELOPMENT, "bukan dari Twilio"),
    (f"https://api.twilio.com/2010-04-01/Accounts/AC{'1' * 32}/Recordings/{SID}", TWILIO,
     "akun Twilio lain"),
    ("https://api.twilio.com/2010-04-01/Accounts/x/Recordings/y", TWILIO, "tidak sah"),
    (f"https://api.twilio.com{PATH}/../../../Calls", TWILIO, "tidak sah"),
    (f"https://api.twilio.com{PATH}?Redirect=https://evil.invalid", TWILIO, "tidak sah"),
    (f"https://{ACCOUNT}:token@api.twilio.com{PATH}", TWILIO, "tidak sah"),
    (f"file:///etc/passwd#{PATH}", TWILIO, "tidak sah"),
])
def test_a_url_the_policy_refuses_fails_for_good_before_any_request(url, policy, reason):
    with pytest.raises(DownloadError, match=reason) as refused:
        download(url, ACCOUNT, "token", policy=policy, max_bytes=1000)
    assert refused.value.transient is False


def test_the_configured_api_base_is_the_one_origin_admitted():
    policy = FetchPolicy(api_base="https://api.twilio.example", account_sid=ACCOUNT)
    with pytest.raises(DownloadError, match="bukan dari Twilio"):
        policy.check(_parsed(f"https://api.twilio.com{PATH}"))
    policy.check(_parsed(f"https://API.twilio.example:443{PATH}"))


@pytest.mark.parametrize("location, policy, follows", [
    ("https://media.storage.invalid/abc", TWILIO, True),
    ("/2010-04-01/elsewhere", TWILIO, True),  # same origin, relative
    ("http://media.storage.invalid/abc", TWILIO, False),
    ("http://127.0.0.1:9/abc", TWILIO, False),
    ("http://127.0.0.1:9/abc", DEVELOPMENT, True),
    ("ftp://media.storage.invalid/abc", TWILIO, False),
    ("https://user:pass@media.storage.invalid/abc", TWILIO, False),
])
def test_redirects_are_followed_only_to_https_or_in_development_to_loopback(location, policy,
                                                                            follows):
    current = f"https://api.twilio.com{PATH}.wav"
    if follows:
        assert policy.redirect_target(current, location).endswith(location.split("/")[-1])
    else:
        with pytest.raises(DownloadError):
            policy.redirect_target(current, location)


def _parsed(url: str):  # type: ignore[no-untyped-def]
    from twilio_edge.twilio_ids import recording_url

    return recording_url(url)
