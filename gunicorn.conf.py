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

# The cyclic garbage collector, in each worker once the app is loaded. With Python's default (a young
# collection every 700 objects kept), a worker holding the dashboards' trees ran a full collection of
# some 270,000 objects every 15 to 20 requests: 150 to 360 ms added to whichever save or page it fell in.
# Measured on 2 cores over 60 update forms and 60 saves (time in the collector in all; longest pause):
# default 1.37 s, 362 ms; frozen and young every 3,000: 0.62 s, 157 ms; 10,000: 0.56 s, 84 ms;
# 20,000: 0.65 s, 160 ms; 50,000: 0.84 s, 287 ms (each young collection then scans too much).
# Frozen, what the app made at start is never scanned again. Reference counting still frees
# everything else at once, as it always does.
GC_YOUNG_THRESHOLD = 10_000


def post_worker_init(worker):
    import gc

    gc.freeze()
    gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])
