#!/usr/bin/python3
"""timeit.py: median wall time of a whole command over repeated runs.

  timeit.py REPEATS CMD ARG...   prints "median_s min_s" of REPEATS runs
"""
import subprocess
import sys
import time

reps = int(sys.argv[1])
cmd = sys.argv[2:]
times = []
for _ in range(reps):
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    times.append(time.perf_counter() - t)
times.sort()
print("%.6f %.6f" % (times[len(times) // 2], times[0]))
