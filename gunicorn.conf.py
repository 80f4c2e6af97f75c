"""gunicorn settings for the web service.

docker-compose's ``web`` service and ``benchmarks/ivr.py`` both start
``gunicorn -c gunicorn.conf.py hotline.wsgi:app --bind ...``, so the benchmark
measures exactly what production runs. Change the worker model here, not in
either caller.
"""

# 2 processes x 4 threads (gthread): sized for a 2-core host. Webhooks spend
# part of each request waiting on the database, so threads keep the cores busy;
# more processes than cores only add context switches.
workers = 2
threads = 4

# Twilio gives up on a webhook after 15 s in all; a request still running after
# 30 s is stuck, and the worker is replaced.
timeout = 30
graceful_timeout = 20
# Twilio reuses connections between the webhooks of one call.
keepalive = 5

# One line per request on stdout (docker collects it).
accesslog = "-"

# The heartbeat file lives in memory, not on the container's overlay filesystem.
worker_tmp_dir = "/dev/shm"

# gunicorn's control socket defaults to ~/.gunicorn/gunicorn.ctl, one path for
# every server the same user runs; nothing here uses it.
control_socket_disable = True
