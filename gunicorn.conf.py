"""gunicorn settings for the web service.

docker-compose's ``web`` service and ``benchmarks/ivr.py`` both start
``gunicorn -c gunicorn.conf.py hotline.wsgi:app --bind ...``, so the benchmark
measures exactly what production runs. Change the worker model here, not in
either caller.
"""

# 3 processes x 1 thread: measured on a 2-core host with benchmarks/ivr.py at 64
# connections, one thread per process cut p99 latency roughly in half and doubled
# new-call throughput against 2 x 4 (threads of one process fight over the GIL and
# SQLite's write lock); the third process covers a worker waiting on the database.
# With one thread gunicorn runs its sync worker: a request at a time per process, each
# answered with `Connection: close`. Put a buffering proxy (the TLS proxy
# PUBLIC_BASE_URL points at) in front: it keeps Twilio's connections alive and slow
# clients do not hold a worker.
workers = 3
threads = 1

# Twilio gives up on a webhook after 15 s in all; a request still running after
# 30 s is stuck, and the worker is replaced.
timeout = 30
graceful_timeout = 20
# Idle keep-alive seconds for a threaded worker (threads > 1); the sync worker closes
# every connection.
keepalive = 5

# One line per request on stdout (docker collects it).
accesslog = "-"

# The heartbeat file lives in memory, not on the container's overlay filesystem.
worker_tmp_dir = "/dev/shm"

# gunicorn's control socket defaults to ~/.gunicorn/gunicorn.ctl, one path for
# every server the same user runs; nothing here uses it.
control_socket_disable = True


def on_starting(server):  # type: ignore[no-untyped-def]
    """Refuse to serve beyond this machine with a published development secret.

    ``hotline run`` checks its --host before starting gunicorn; this covers gunicorn
    started by hand. Production refuses those secrets whatever the address (every
    worker loads the settings).
    """
    from hotline.settings import ConfigError, load_settings

    try:
        settings = load_settings()
        for address in server.cfg.address:
            # (host, port), or a unix socket path / an inherited file descriptor.
            settings.refuse_published_secrets(
                address[0] if isinstance(address, tuple) else f"unix:{address}")
    except ConfigError as exc:
        raise SystemExit(f"configuration error: {exc}") from None
