#!/usr/bin/python3
"""timeit.py: median wall time of a whole command over repeated runs.

  timeit.py REPEATS CMD ARG...   prints "median_s min_s cpu_s" of REPEATS runs:
  the median and least wall time, and the median CPU time (user + sys of
  the finished command, which leaves out the time other processes held the
  CPUs of a shared machine)
"""
import resource
import subprocess
import sys
import time

reps = int(sys.argv[1])
cmd = sys.argv[2:]
times, cpus = [], []
for _ in range(reps):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    times.append(time.perf_counter() - t)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
times.sort()
cpus.sort()
print("%.6f %.6f %.6f" % (times[len(times) // 2], times[0], cpus[len(cpus) // 2]))
