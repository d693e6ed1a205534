#!/usr/bin/python3
"""check_lean.py: a file written with output.observables, output.breakdowns
and output.every or output.days holds exactly what they ask for, for
tests/test_lean.c.  Exit status 0 when the check holds.

  check_lean.py FULL.h5 LEAN.h5 DAYS OBSERVABLES BREAKDOWNS
      DAYS: the stored days, comma separated; OBSERVABLES: comma separated;
      BREAKDOWNS: none, generation, level or both.  LEAN opens in xarray with
      that time coordinate, has those observables (and their breakdowns)
      and no others, and every value equals FULL's at those days.
"""
import sys

import h5py
import numpy as np
import xarray as xr


def fail(msg):
    print("check_lean: " + msg, file=sys.stderr)
    sys.exit(1)


def main(full, lean, days, observables, breakdowns):
    days = [int(d) for d in days.split(",")]
    obs = observables.split(",")
    ds = xr.open_dataset(lean, decode_timedelta=False)
    if [int(t) for t in ds.time.values] != days:
        fail(f"time coordinate {list(ds.time.values)}, expected {days}")
    want = set(obs)
    if breakdowns in ("generation", "both"):
        want |= {o + "_by_generation" for o in obs}
    if breakdowns in ("level", "both"):
        want |= {o + "_by_level" for o in obs}
    f, g = h5py.File(full, "r"), h5py.File(lean, "r")
    per_run = {k for k in g if isinstance(g[k], h5py.Dataset) and g[k].ndim >= 4
               and k not in ("completed",)}
    # observables without breakdowns in the model have none to store
    grouped = {k for k in f if k.endswith("_by_generation")}
    want = {w for w in want if not w.endswith(("_by_generation", "_by_level"))
            or w.replace("_by_level", "_by_generation") in grouped}
    if per_run != want:
        fail(f"variables {sorted(per_run)}, expected {sorted(want)}")
    if breakdowns == "none" and ("generation" in g or "level" in g):
        fail("a generation or level dimension without breakdowns")
    idx = [int(np.nonzero(f["time"][...] == d)[0][0]) for d in days]
    for k in sorted(want):
        x, y = f[k][...], g[k][...]
        if not np.array_equal(x[:, :, :, idx], y, equal_nan=True):
            fail(f"{k} differs from the full file's at days {days}")
    print(f"check_lean: {len(want)} variables at {len(days)} days equal the full file's; xarray opens it")


if __name__ == "__main__":
    if len(sys.argv) != 6:
        fail(__doc__)
    main(*sys.argv[1:])
