#!/usr/bin/python3
"""check_experiment.py: reads experiment files the way analysts do (xarray,
h5py) for tests/test_experiment.c.  Exit status 0 when the check holds.

  check_experiment.py select EXP.h5 RUN.h5   xarray selection by scenario name and
                                             parameter value; the selected runs equal
                                             a single `adoptsim run` of that config
  check_experiment.py same A.h5 B.h5         every dataset identical (bit for bit)
  check_experiment.py partial EXP.h5 N       the file opens; N runs marked completed,
                                             and those hold no fill values
  check_experiment.py paired EXP.h5 A B      paired difference B - A has a smaller
                                             variance than the unpaired one
"""
import sys

import h5py
import numpy as np
import xarray as xr


def fail(msg):
    print("check_experiment: " + msg, file=sys.stderr)
    sys.exit(1)


def select(exp, run):
    ds = xr.open_dataset(exp)
    for v in ("regular_users", "monthly_active_by_level", "completed"):
        if v not in ds:
            fail(f"{v} missing")
    if ds.regular_users.dims != ("scenario", "point", "replicate", "time"):
        fail(f"dims of regular_users: {ds.regular_users.dims}")
    if ds.monthly_active_by_generation.dims[-1] != "generation":
        fail("by_generation lacks its generation dimension")
    if list(ds.scenario.values) != ["push", "vanguard"]:
        fail(f"scenario names: {list(ds.scenario.values)}")
    if ds.attrs.get("baseline") != "push":
        fail("baseline attribute")
    if int(ds.completed.sum()) != ds.completed.size:
        fail("not every run is marked completed")
    # swept parameters are coordinates over point
    per_team = ds.coords["interventions.vanguard.per_team"]
    peers = ds.coords["model.genai.use.peers"]
    if per_team.dims != ("point",) or sorted(set(per_team.values)) != [1, 2]:
        fail(f"per_team coordinate: {per_team.values}")
    # select by name and by parameter values
    sel = ds.sel(scenario="vanguard").where((per_team == 2) & (peers == 0.5), drop=True)
    if sel.sizes["point"] != 1:
        fail(f"selection by parameter value gave {sel.sizes['point']} points")
    got = sel.monthly_active.isel(point=0).values
    # the same run made alone, with the same seed: identical numbers
    one = xr.open_dataset(run)
    if one.monthly_active.dims != ds.monthly_active.dims or one.sizes["scenario"] != 1 or one.sizes["point"] != 1:
        fail(f"the single run's layout: {one.monthly_active.dims} {dict(one.sizes)}")
    want = one.monthly_active.isel(scenario=0, point=0).values
    if got.shape != want.shape or not np.array_equal(got, want):
        fail(f"experiment run differs from the single run:\n{got[:, -1]}\n{want[:, -1]}")
    if not (ds.regular_users <= ds.monthly_active).all():
        fail("regular users above monthly active")
    total = ds.monthly_active_by_level.sum("level")
    if not np.array_equal(total.values, ds.monthly_active.values):
        fail("level breakdown does not sum to the total")
    print(f"check_experiment: selected vanguard at per_team=2, peers=0.5: "
          f"day {int(one.sizes['time']) - 1} monthly active {got[:, -1]} as in the single run "
          f"(scenario {list(one.scenario.values)})")


def same(a, b):
    fa, fb = h5py.File(a, "r"), h5py.File(b, "r")
    if sorted(fa) != sorted(fb):
        fail(f"different variables: {sorted(set(fa) ^ set(fb))}")
    for k in fa:
        x, y = fa[k][...], fb[k][...]
        if x.dtype.kind == "O":  # strings: compare the text, not the pointers
            x, y = np.array(x.tolist(), dtype=bytes), np.array(y.tolist(), dtype=bytes)
        if x.dtype != y.dtype or x.shape != y.shape or x.tobytes() != y.tobytes():
            fail(f"{k} differs")
    print(f"check_experiment: {len(fa)} datasets bit-identical")


def partial(path, n):
    f = h5py.File(path, "r")
    done = f["completed"][...]
    if int(done.sum()) != n:
        fail(f"{int(done.sum())} runs completed, expected {n}")
    # completed runs are whole, the others hold only fill values (no chunks)
    x = f["monthly_active"][...]
    m = f["mean_attitude"][...]
    if (x[done == 1] < 0).any() or np.isnan(m[done == 1]).any():
        fail("a completed run holds fill values")
    if (x[done == 0] != -1).any() or not np.isnan(m[done == 0]).all():
        fail("a missing run holds data")
    if f["monthly_active"].id.get_num_chunks() != n:
        fail(f"{f['monthly_active'].id.get_num_chunks()} chunks stored for {n} runs")
    ds = xr.open_dataset(path)   # still a valid file for xarray
    if int(ds.completed.sum()) != n:
        fail("xarray reads another completed count")
    print(f"check_experiment: {n} of {done.size} runs completed, the rest missing")


def paired(path, a, b):
    ds = xr.open_dataset(path)
    y = ds.monthly_active.isel(time=-1, point=0)
    x0, x1 = y.sel(scenario=a).values, y.sel(scenario=b).values
    v_paired = np.var(x1 - x0, ddof=1)
    v_unpaired = np.var(x0, ddof=1) + np.var(x1, ddof=1)
    print(f"check_experiment: var(paired) {v_paired:.1f}, var(unpaired) {v_unpaired:.1f}, "
          f"mean difference {np.mean(x1 - x0):.1f}")
    if not v_paired < 0.75 * v_unpaired:
        fail("common random numbers did not reduce the variance of the difference")


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "select" and len(sys.argv) == 4:
        select(sys.argv[2], sys.argv[3])
    elif cmd == "same" and len(sys.argv) == 4:
        same(sys.argv[2], sys.argv[3])
    elif cmd == "partial" and len(sys.argv) == 4:
        partial(sys.argv[2], int(sys.argv[3]))
    elif cmd == "paired" and len(sys.argv) == 5:
        paired(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        fail(__doc__)
