"""How gunicorn serves the app everywhere: the Dockerfile, docker-compose and `make bench`.

gunicorn reads this file from the directory it starts in; a command-line option overrides it.

Workers: one per core. A request here is mostly Python work (a save is about 22 ms of CPU in
30 ms alone), so sync workers beyond the cores add no throughput: on 2 cores, 2, 3 and 5 workers
finished 66, 62 and 60 saves a second (docs/benchmarks.md). Extra workers only share the cores,
so every request takes longer on the server, while the requests beyond the workers wait in the
queue as they would anyway. A council whose users often wait on slow pages at the same time can
set WEB_CONCURRENCY higher.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY") or os.cpu_count() or 1)
worker_class = "sync"
timeout = 120
accesslog = "-"
