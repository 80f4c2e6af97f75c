"""The floor for benchmarks/ivr.py: bare Flask answering fixed TwiML.

No signature check, no database, no prompt catalogue: what the server stack
(gunicorn + Flask + loopback HTTP) costs on its own. Served with the same
gunicorn.conf.py as the hotline: ``gunicorn -c gunicorn.conf.py benchmarks.floor_app:app``.
"""

from flask import Flask, Response

# The size and shape of the hotline's greeting + main menu.
TWIML = (
    '<?xml version="1.0" encoding="UTF-8"?><Response>'
    '<Say language="id-ID" voice="Google.id-ID-Standard-A">Selamat datang di layanan '
    "pengaduan masyarakat Pemerintah Kabupaten Contoh.</Say>"
    '<Gather action="/ivr/menu/main/choose?attempt=0" method="POST" numDigits="1" timeout="6">'
    '<Say language="id-ID" voice="Google.id-ID-Standard-A">Untuk menyampaikan pengaduan baru, '
    "tekan 1. Untuk menanyakan status pengaduan, tekan 2. Untuk berbicara dengan operator, "
    "tekan 0.</Say></Gather>"
    '<Redirect method="POST">/ivr/menu/main?attempt=1&amp;reason=no_input</Redirect>'
    "</Response>"
)

app = Flask(__name__)


@app.post("/ivr/voice")
def voice() -> Response:
    return Response(TWIML, mimetype="application/xml")


@app.get("/healthz")
def healthz() -> Response:
    return Response('{"status":"ok"}', mimetype="application/json")
