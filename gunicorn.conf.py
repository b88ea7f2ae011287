"""How gunicorn serves the app everywhere: the Dockerfile, docker-compose and `make bench`.

gunicorn reads this file from the directory it starts in; a command-line option overrides it.

Workers: one per core. A request here is mostly Python work (a save is about 19 ms of CPU in
30 ms alone), so sync workers beyond the cores add no throughput. On 2 cores, with 10 clients
saving without a pause, 2, 3 and 5 workers finished 72, 65 and 62 saves a second, and each save
took 31, 66 and 108 ms on the server at p95 (docs/benchmarks.md): extra workers only share the
cores, so every request takes longer, while those beyond the workers wait in the queue as they
would anyway. A council whose users often wait on slow pages at the same time can set
WEB_CONCURRENCY higher.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# The cores this process may run on (a container's cpuset, not the host's count); a CPU quota
# without a cpuset is not seen, so set WEB_CONCURRENCY there.
workers = int(os.environ.get("WEB_CONCURRENCY") or len(os.sched_getaffinity(0)))
worker_class = "sync"
timeout = 120
accesslog = "-"
