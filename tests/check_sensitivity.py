#!/usr/bin/python3
"""check_sensitivity.py: recomputes what `adoptsim sensitivity` prints, with
numpy from the results file alone, for tests/test_sensitivity.c.  Exit
status 0 when the check holds.

  check_sensitivity.py design FILE.h5 N K
      the file holds Saltelli's design of N base rows over K keys: xarray
      opens it; sweep_unit is A, B, then AB_i (A with column i from B); the
      swept values are the unit cube mapped onto sweep_min..sweep_max
      (log-uniform where sweep_log_scale is 1)

  check_sensitivity.py morris|sobol FILE.h5 OUT.csv OUTCOME DAY GROUP SCENARIO BASE
      the CSV of `adoptsim sensitivity --format csv` for OUTCOME (an
      observable, or NAME_pct_staff: 100 x NAME / staff) at the stored day
      nearest DAY, GROUP a generation or "-", SCENARIO minus BASE replicate by
      replicate ("-": no difference); a point's outcome is its mean over the
      replicates.  Morris: every statistic of every key, and the ranking;
      Sobol: S_i, ST_i and their sum (Saltelli 2010, Jansen), and each
      estimate inside its bootstrap interval.
"""
import csv
import sys

import h5py
import numpy as np
import xarray as xr


def fail(msg):
    print("check_sensitivity: " + msg, file=sys.stderr)
    sys.exit(1)


def text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


def design(path, n, k):
    ds = xr.open_dataset(path)
    if ds.attrs.get("sweep_method") != "saltelli" or int(ds.attrs.get("sweep_points")) != n:
        fail("sweep_method / sweep_points attributes")
    u = ds.sweep_unit.values
    if u.shape != (n * (k + 2), k) or ds.sweep_unit.dims != ("point", "parameter"):
        fail(f"sweep_unit {u.shape} {ds.sweep_unit.dims}")
    a, b = u[:n], u[n:2 * n]
    for i in range(k):
        ab = u[(2 + i) * n:(3 + i) * n]
        want = a.copy()
        want[:, i] = b[:, i]
        if not np.array_equal(ab, want):
            fail(f"AB_{i} is not A with column {i} from B")
    keys = [text(x) for x in ds.parameter.values]
    lo, hi, lg = ds.sweep_min.values, ds.sweep_max.values, ds.sweep_log_scale.values
    for j, key in enumerate(keys):
        x = ds[key].values
        want = np.exp(np.log(lo[j]) + u[:, j] * (np.log(hi[j]) - np.log(lo[j]))) if lg[j] else lo[j] + u[:, j] * (hi[j] - lo[j])
        if not np.allclose(x, want, rtol=1e-12, atol=0):
            fail(f"{key}: the values are not the design mapped onto [{lo[j]}, {hi[j]}] (log {lg[j]})")
    print(f"check_sensitivity: Saltelli design of {n} x ({k} + 2) points, {list(lg)} log scales")


def outcomes(path, outcome, day, group, scenario, base):
    """The mean over replicates of the outcome at each point."""
    f = h5py.File(path, "r")
    names = [text(s) for s in f["scenario"][...]]
    days = f["time"][...]
    t = int(np.argmin(np.abs(days - day)))
    gens = [text(g) for g in f["generation"][...]] if "generation" in f else []

    def series(name, s):
        if group == "-":
            return f[name][s, :, :, t].astype(float)
        return f[name + "_by_generation"][s, :, :, t, gens.index(group)].astype(float)

    def value(s):
        if outcome.endswith("_pct_staff"):
            return 100.0 * series(outcome[: -len("_pct_staff")], s) / series("staff", s)
        return series(outcome, s)

    v = value(names.index(scenario))
    if base != "-":
        v = v - value(names.index(base))
    return v.mean(axis=1), f


def read_csv(path):
    with open(path) as fh:
        return list(csv.DictReader(fh))


def morris(path, csv_path, outcome, day, group, scenario, base):
    y, f = outcomes(path, outcome, day, group, scenario, base)
    u = f["sweep_unit"][...]
    keys = [text(k) for k in f["parameter"][...]]
    lo, hi, lg = f["sweep_min"][...], f["sweep_max"][...], f["sweep_log_scale"][...]
    r = int(f.attrs["sweep_trajectories"])
    k = len(keys)
    x = np.stack([f[key][...] for key in keys], axis=1)
    ee = [[] for _ in keys]
    ees = [[] for _ in keys]
    for t in range(r):
        for m in range(1, k + 1):
            a, b = t * (k + 1) + m - 1, t * (k + 1) + m
            (j,) = np.nonzero(u[b] != u[a])[0]
            dx = x[b, j] - x[a, j]
            if dx == 0:
                continue
            pos = (lambda v: (np.log(v) - np.log(lo[j])) / (np.log(hi[j]) - np.log(lo[j]))) if lg[j] else \
                  (lambda v: (v - lo[j]) / (hi[j] - lo[j]))
            ee[j].append((y[b] - y[a]) / dx)
            ees[j].append((y[b] - y[a]) / (pos(x[b, j]) - pos(x[a, j])))
    rows = read_csv(csv_path)
    if [row["key"] for row in rows] != sorted(keys, key=lambda key: -np.mean(np.abs(ees[keys.index(key)]))):
        fail("the ranking by scaled mu* differs")
    for row in rows:
        j = keys.index(row["key"])
        e, es = np.array(ee[j]), np.array(ees[j])
        want = {"n": len(e), "mu": e.mean(), "mu_star": np.abs(e).mean(), "sigma": e.std(ddof=1),
                "mu_scaled": es.mean(), "mu_star_scaled": np.abs(es).mean(), "sigma_scaled": es.std(ddof=1)}
        for col, w in want.items():
            got = float(row[col])
            if not np.isclose(got, w, rtol=1e-9, atol=1e-12):
                fail(f"{row['key']} {col}: {got} in the CSV, {w} recomputed")
    print(f"check_sensitivity: Morris statistics of {k} keys over {r} trajectories match numpy")


def sobol(path, csv_path, outcome, day, group, scenario, base):
    y, f = outcomes(path, outcome, day, group, scenario, base)
    n = int(f.attrs["sweep_points"])
    keys = [text(k) for k in f["parameter"][...]]
    y = y - y.mean()
    fa, fb = y[:n], y[n:2 * n]
    v = np.var(np.concatenate([fa, fb]))
    rows = {row["key"]: row for row in read_csv(csv_path)}
    total = 0
    for i, key in enumerate(keys):
        fab = y[(2 + i) * n:(3 + i) * n]
        s1 = np.mean(fb * (fab - fa)) / v
        st = 0.5 * np.mean((fa - fab) ** 2) / v
        total += s1
        row = rows[key]
        for col, w in (("S1", s1), ("ST", st)):
            got = float(row[col])
            if not np.isclose(got, w, rtol=1e-9, atol=1e-12):
                fail(f"{key} {col}: {got} in the CSV, {w} recomputed")
            if not float(row[col + "_low"]) <= got <= float(row[col + "_high"]):
                fail(f"{key} {col} {got} outside its interval [{row[col + '_low']}, {row[col + '_high']}]")
    if not np.isclose(float(rows["sum"]["S1"]), total, rtol=1e-9, atol=1e-12):
        fail(f"sum of S1: {rows['sum']['S1']} in the CSV, {total} recomputed")
    print(f"check_sensitivity: Sobol indices of {len(keys)} keys from N = {n} match numpy")


def main():
    a = sys.argv[1:]
    if a and a[0] == "design" and len(a) == 4:
        design(a[1], int(a[2]), int(a[3]))
    elif a and a[0] in ("morris", "sobol") and len(a) == 8:
        (morris if a[0] == "morris" else sobol)(a[1], a[2], a[3], int(a[4]), a[5], a[6], a[7])
    else:
        fail(__doc__)


if __name__ == "__main__":
    main()
