#!/usr/bin/python3
"""check_value.py: recomputes the value and the return of a genai file from
its observables and each scenario's parameters (the resolved scenario in the
file's `experiment` attribute), with h5py and PyYAML, independently of the C
code, for tests/test_value.c.  Exit status 0 when the check holds.

  check_value.py FILE.h5
      for every scenario, point, replicate and stored day, with rate[l] the
      scenario's model.genai.value.hourly_cost.by_level (its last value
      repeating below):
        value_dollars      = sum over levels l of hours_saved_by_level[l] x rate[l]
        cost_staff_dollars = sum over levels of programme_hours_by_level[l] x rate[l]
        cost_total_dollars = cost_dollars + cost_staff_dollars
        net_return_dollars = value_dollars - cost_total_dollars
        programme_hours    = cost_hours (the same hours, counted by participant)
        hours_saved_week   = hours_saved(t) - hours_saved(t - 7) (t >= 7, when
                             every day is stored)
      and the by-generation and by-level breakdowns add up to the totals;
      to 1e-9 relative to the size of the numbers compared.
"""
import sys

import h5py
import numpy as np
import yaml


def fail(msg):
    print("check_value: " + msg, file=sys.stderr)
    sys.exit(1)


def text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


def close(a, b, what):
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    scale = np.maximum(1.0, np.maximum(np.abs(a), np.abs(b)))
    bad = np.abs(a - b) > 1e-9 * scale
    if bad.any():
        k = np.argwhere(bad)[0]
        fail(f"{what}: {a[tuple(k)]} != {b[tuple(k)]} at {tuple(int(x) for x in k)}")


def main(path):
    f = h5py.File(path, "r")
    exp = yaml.safe_load(text(f.attrs["experiment"]))
    names = [text(x) for x in f["scenario"][...]]
    levels = f["level"].shape[0]
    if "model.genai.value.hourly_cost.by_level" in f:
        fail("hourly costs drawn per replicate: not handled here")
    times = f["time"][...]
    every_day = len(times) > 1 and np.all(np.diff(times) == 1)
    for s, name in enumerate(names):
        scn = exp["scenarios"][name]
        hourly = scn["model"]["genai"]["value"]["hourly_cost"]["by_level"]
        rate = np.array([hourly[min(l, len(hourly) - 1)] for l in range(levels)], dtype=float)
        get = {k: f[k][s] for k in ("value_dollars", "cost_staff_dollars", "cost_total_dollars",
                                    "net_return_dollars", "cost_dollars", "cost_hours",
                                    "programme_hours", "hours_saved", "hours_saved_week")}
        saved_l = f["hours_saved_by_level"][s]
        prog_l = f["programme_hours_by_level"][s]
        close(get["value_dollars"], (saved_l * rate).sum(axis=-1), f"{name}: value_dollars")
        close(get["cost_staff_dollars"], (prog_l * rate).sum(axis=-1), f"{name}: cost_staff_dollars")
        close(get["cost_total_dollars"], get["cost_dollars"] + get["cost_staff_dollars"],
              f"{name}: cost_total_dollars")
        close(get["net_return_dollars"], get["value_dollars"] - get["cost_total_dollars"],
              f"{name}: net_return_dollars")
        close(get["programme_hours"], get["cost_hours"], f"{name}: programme_hours")
        for v in ("hours_saved", "hours_saved_week", "programme_hours"):
            close(f[v + "_by_level"][s].sum(axis=-1), get[v], f"{name}: {v}_by_level adds up")
            close(f[v + "_by_generation"][s].sum(axis=-1), get[v], f"{name}: {v}_by_generation adds up")
        if every_day and len(times) > 7:
            close(get["hours_saved_week"][..., 7:], get["hours_saved"][..., 7:] - get["hours_saved"][..., :-7],
                  f"{name}: hours_saved_week")
    print(f"check_value: {path}: value, staff cost, total cost and return of {len(names)} scenarios "
          f"recomputed from {levels} levels' hours")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        fail("usage: check_value.py FILE.h5")
    main(sys.argv[1])
