"""gunicorn's settings for every web node (Dockerfile, deploy/kubernetes/, `make run` with DEBUG=0).

Graceful shutdown: on SIGTERM gunicorn stops accepting, lets running requests finish for up to
``graceful_timeout`` seconds, then exits. Kubernetes' terminationGracePeriodSeconds (60 s in
deploy/kubernetes/base/web.yaml) is longer than the preStop pause plus this, so no request is cut.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# Recycle a worker now and then (bounded memory growth); jitter so they do not all restart at once.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = 500
# Read-only root filesystem in Kubernetes: the worker heartbeat files go to a memory-backed
# emptyDir (deploy/kubernetes/base/web.yaml sets GUNICORN_WORKER_TMP_DIR).
worker_tmp_dir = os.environ.get("GUNICORN_WORKER_TMP_DIR") or None
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
# No query strings in the access log (they may hold search terms); the request id ties it to app logs.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms rid=%({x-request-id}o)s'
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
