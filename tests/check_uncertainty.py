#!/usr/bin/python3
"""check_uncertainty.py: reads files with parameter draws the way analysts do
(h5py, xarray) for tests/test_uncertainty.c.  Exit status 0 when the check
holds.

  check_uncertainty.py coords FILE.h5
      the uncertain keys (the uncertain_parameters attribute) are variables
      over replicate with a distribution attribute, xarray shows them as
      coordinates of every observable; replicates of one draw share their
      values (draw = replicate // replicates_per_draw, the draw variable when
      there are several replicates a draw) and other draws differ
  check_uncertainty.py run EXP.h5 RUN.h5 SCENARIO POINT REPLICATE
      every observable of run (SCENARIO, POINT, REPLICATE) of EXP equals
      replicate REPLICATE of the single run RUN
  check_uncertainty.py kept FILE.h5 KEY SCENARIO ABSENT
      KEY's kept_by attribute names SCENARIO; ABSENT is no variable
"""
import sys

import h5py
import numpy as np
import xarray as xr


def fail(msg):
    print("check_uncertainty: " + msg, file=sys.stderr)
    sys.exit(1)


def text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


def coords(path):
    f = h5py.File(path, "r")
    keys = text(f.attrs.get("uncertain_parameters", "")).split()
    if not keys:
        fail("no uncertain_parameters attribute")
    per = int(f.attrs["replicates_per_draw"])
    R = f["replicate"].shape[0]
    draw = np.arange(R) // per
    if int(f.attrs["parameter_draws"]) != draw[-1] + 1:
        fail("parameter_draws attribute")
    if per > 1 and not np.array_equal(f["draw"][...], draw):
        fail(f"draw variable {f['draw'][...]}, expected {draw}")
    if per == 1 and "draw" in f:
        fail("a draw variable with one replicate a draw")
    ds = xr.open_dataset(path)
    for k in keys:
        v = f[k]
        if v.shape != (R,) or not text(v.attrs.get("distribution", "")):
            fail(f"{k}: shape {v.shape}, distribution {v.attrs.get('distribution')}")
        x = v[...]
        for d in range(draw[-1] + 1):
            if len(set(x[draw == d])) != 1:
                fail(f"{k}: replicates of draw {d} differ: {x[draw == d]}")
        if len(set(x)) < 2 and draw[-1] > 0 and "choice" not in text(v.attrs["distribution"]):
            fail(f"{k}: every draw the same: {x}")
        if k not in ds.monthly_active.coords or ds.monthly_active.coords[k].dims != ("replicate",):
            fail(f"{k} is not a coordinate over replicate of monthly_active in xarray")
    print(f"check_uncertainty: {len(keys)} uncertain keys over {R} replicates, {per} per draw")


def run(exp, one, scenario, point, rep):
    e, o = xr.open_dataset(exp), xr.open_dataset(one)
    point, rep = int(point), int(rep)
    n = 0
    for name in e.data_vars:
        v = e[name]
        if v.dims[:3] != ("scenario", "point", "replicate"):
            continue
        got = v.sel(scenario=scenario).isel(point=point, replicate=rep).values
        want = o[name].isel(scenario=0, point=0, replicate=rep).values
        if not np.array_equal(got, want, equal_nan=True):
            fail(f"{name} of ({scenario}, {point}, {rep}) differs from the single run")
        n += 1
    print(f"check_uncertainty: {n} variables of ({scenario}, point {point}, replicate {rep}) equal the single run")


def kept(path, key, scenario, absent):
    f = h5py.File(path, "r")
    got = text(f[key].attrs.get("kept_by", ""))
    if got.split() != [scenario]:
        fail(f"{key} kept_by {got!r}, expected {scenario!r}")
    if absent in f or absent in text(f.attrs["uncertain_parameters"]).split():
        fail(f"{absent} is still uncertain")
    print(f"check_uncertainty: {key} kept by {got}; {absent} fixed")


if __name__ == "__main__":
    a = sys.argv[1:]
    if len(a) == 2 and a[0] == "coords":
        coords(a[1])
    elif len(a) == 6 and a[0] == "run":
        run(*a[1:])
    elif len(a) == 5 and a[0] == "kept":
        kept(*a[1:])
    else:
        fail(__doc__)
