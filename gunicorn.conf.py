"""How gunicorn serves the app everywhere: the Dockerfile, docker-compose and `make bench`.

gunicorn reads this file from the directory it starts in; a command-line option overrides it.

Workers: one per core, plus one. A request here is mostly Python work (a save is about 22 ms
of CPU in 30 ms alone), so sync workers beyond the cores add no throughput: on 2 cores, 2, 3
and 5 workers all finished about 66 saves a second (docs/benchmarks.md). Extra workers only
share the cores, so every request takes longer on the server while the others wait. The one
spare keeps a core busy while another worker waits for PostgreSQL. A council whose users run
many long exports at once can set WEB_CONCURRENCY higher.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY") or (os.cpu_count() or 1) + 1)
worker_class = "sync"
timeout = 120
accesslog = "-"
