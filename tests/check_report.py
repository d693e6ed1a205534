#!/usr/bin/python3
"""check_report.py: recomputes `adoptsim report --format csv` from the same
file with h5py, numpy and scipy, for tests/test_report.c.  Exit status 0 when
the check holds.

  check_report.py csv FILE.h5 REPORT.csv [--days 90,180,365] [--baseline NAME]
                  [--partial] [--require what,...]
      every row of the report, and no other, against numbers computed here:
      means, 95% t intervals (scipy.stats.t.ppf), paired differences, cost per
      additional regular user (ratio of mean paired differences, delta-method
      interval), first days (days to 50%), shares; to 1e-9 relative to the
      size of the numbers compared.  The outcomes of each model are listed
      here again, independently of the C tables.  --require fails unless the
      report exercised each named case: diff, ratio_ci, ratio_no_ci, no_gain,
      unreached, days50_diff, clipped, n1, partial_pairs, sweep.
      A file with parameter draws has the columns of parameter uncertainty
      too, each recomputed here: means over draws with t intervals over the
      draws' means, 5% and 95% quantiles (numpy's default, linear), P(better
      than the baseline) with its Wilson interval over the draws, the rank
      shares (ties shared) and the share of variance from the parameters (law
      of total variance, unbiased within-draw variances); --require also
      knows unc, p_better, ranks, ties, var_split.
  check_report.py drop IN.h5 OUT.h5 S:P:R ...
      copy IN.h5 to OUT.h5 with the completed flags of runs (s, p, r) cleared
      (scenario by name or number), as if the experiment stopped before them.
  check_report.py craft KIND IN.h5 OUT.h5
      copy IN.h5 (a file of the bass model) to OUT.h5 and break it the way
      KIND says, for the tests of what `adoptsim report` refuses: time_huge,
      time_2_32 (2^32 + 5 days), replicates_huge, rank, missing (completed),
      time_order (days not ascending), days_attr, type.
"""
import csv
import os
import shutil
import sys

import h5py
import numpy as np
from scipy import stats

RTOL = 1e-9

# model -> [(outcome id, kind, observable, denominator / observable gained)];
# first_day: the first day observable >= 0.5 x denominator (x 1 when None)
OUTCOMES = {
    "genai": [
        ("monthly_active", "value", "monthly_active", None),
        ("monthly_active_pct_staff", "share", "monthly_active", "staff"),
        ("regular_users", "value", "regular_users", None),
        ("regular_users_pct_staff", "share", "regular_users", "staff"),
        ("valuable_uses", "value", "valuable_uses", None),
        ("leaders_modelling", "value", "leaders_modelling", None),
        ("leaders_modelling_pct_leaders", "share", "leaders_modelling", "leaders"),
        ("cost_dollars", "value", "cost_dollars", None),
        ("dollars_per_additional_regular_user", "per_user", "cost_dollars", "regular_users"),
        ("cost_hours", "value", "cost_hours", None),
        ("hours_per_additional_regular_user", "per_user", "cost_hours", "regular_users"),
        ("hours_saved_week", "value", "hours_saved_week", None),
        ("hours_saved", "value", "hours_saved", None),
        ("value_dollars", "value", "value_dollars", None),
        ("cost_total_dollars", "value", "cost_total_dollars", None),
        ("total_dollars_per_additional_regular_user", "per_user", "cost_total_dollars", "regular_users"),
        ("net_return_dollars", "value", "net_return_dollars", None),
        ("days_to_50pct_monthly_active", "first_day", "monthly_active", "staff"),
    ],
    "bass": [
        ("adopters", "value", "adopters", None),
        ("adopted_share", "value", "adopted_share", None),
        ("days_to_50pct_adopted", "first_day", "adopted_share", None),
    ],
}
OUTCOMES["threshold"] = OUTCOMES["bass"]
LOWER_IS_BETTER = {"cost_dollars", "cost_hours", "cost_total_dollars"}  # what "better" means for the costs
MAX_RANKED = 32


def fail(msg):
    print("check_report: " + msg, file=sys.stderr)
    sys.exit(1)


def text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


class Data:
    """The file as arrays over (scenario, point, replicate, time)."""

    def __init__(self, path, baseline):
        self.f = h5py.File(path, "r")
        f = self.f
        if text(f.attrs.get("program", b"")) != "adoptsim":
            fail("not an adoptsim file")
        self.model = text(f.attrs["model"])
        self.time = f["time"][...].astype(float)
        self.names = [text(s) for s in f["scenario"][...]]
        self.completed = f["completed"][...] == 1
        self.unc = text(f.attrs.get("uncertain_parameters", b"")).split()
        self.per_draw = int(f.attrs["replicates_per_draw"]) if self.unc else 1
        coords = text(f["completed"].attrs.get("coordinates", b""))
        self.params = [c for c in coords.split() if c not in self.unc and c != "draw"]
        self.param_values = [f[p][...].astype(float) for p in self.params]
        self.S, self.P, self.R = self.completed.shape
        self.base = self.names.index(baseline or text(f.attrs["baseline"]))

    def obs(self, name):
        return self.f[name][...].astype(float)


def ci(x):
    """(n, mean, lo, hi) of the values x, None for what is not defined."""
    x = np.asarray(x, dtype=float)
    n = len(x)
    if n == 0:
        return 0, None, None, None
    m = float(np.mean(x))
    if n < 2:
        return n, m, None, None
    hw = stats.t.ppf(0.975, n - 1) * np.std(x, ddof=1) / np.sqrt(n)
    return n, m, m - hw, m + hw


def ratio(c, u):
    """Cost per additional user: (n, R, lo, hi, why)."""
    c, u = np.asarray(c, float), np.asarray(u, float)
    n = len(c)
    if n == 0:
        return 0, None, None, None, ""
    mc, mu = np.mean(c), np.mean(u)
    if not mu > 0:
        return n, None, None, None, "no additional regular users"
    r = mc / mu
    if n < 2:
        return n, r, None, None, ""
    if not ci(u)[2] > 0:
        return n, r, None, None, "gain in regular users not significant"
    cov = np.cov(c, u, ddof=1)
    var = (cov[0, 0] - 2 * r * cov[0, 1] + r * r * cov[1, 1]) / (n * mu * mu)
    hw = stats.t.ppf(0.975, n - 1) * np.sqrt(max(var, 0.0))
    return n, r, r - hw, r + hw, ""


def groups_of(reps, per):
    """The replicates reps (ascending) cut by draw: [start, stop) offsets."""
    draw = np.asarray(reps) // per
    cuts = [0] + [i for i in range(1, len(draw)) if draw[i] != draw[i - 1]] + [len(draw)]
    return list(zip(cuts[:-1], cuts[1:]))


def over_draws(x, reps, per):
    """(draws, mean, lo, hi) of the draws' means of x (values of replicates reps)."""
    x = np.asarray(x, float)
    if len(x) == 0:
        return 0, None, None, None
    return ci([np.mean(x[a:b]) for a, b in groups_of(reps, per)])


def variance_share(x, reps, per):
    """Share of the variance of x from the draws; None when not defined."""
    x = np.asarray(x, float)
    gs = [(a, b) for a, b in groups_of(reps, per) if b - a >= 2]
    if per < 2 or len(gs) < 2:
        return None
    means = np.array([np.mean(x[a:b]) for a, b in gs])
    var = np.array([np.var(x[a:b], ddof=1) for a, b in gs])
    m = np.array([b - a for a, b in gs], float)
    within = np.mean(var)
    between = max(np.var(means, ddof=1) - np.mean(var / m), 0.0)
    return between / (between + within) if between + within > 0 else None


def wilson(p, n):
    z = stats.norm.ppf(0.975)
    den = 1 + z * z / n
    center = (p + z * z / (2 * n)) / den
    hw = z / den * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return p, center - hw, center + hw


def check_uncertain(d, row, what, s, p, oid, values, done, pairs, seen):
    """The parameter-uncertainty columns of one row: values(ss, reps) gives
    the outcome of scenario ss in replicates reps (None: not a VALUE or
    SHARE row)."""
    cols = ["draws", "draw_mean", "draw_ci_low", "draw_ci_high", "q05", "q95", "diff_draws", "diff_draw_mean",
            "diff_draw_ci_low", "diff_draw_ci_high", "diff_q05", "diff_q95", "p_better", "p_better_low",
            "p_better_high", "better"] + ranks_cols(d) + ["param_share", "diff_param_share"]
    x = values(s, done) if values else None
    if values is None or np.isnan(x).any():
        if any(row[c] != "" for c in cols):
            fail(f"{what}: uncertainty columns are not empty")
        return
    seen.add("unc")
    lower = oid in LOWER_IS_BETTER
    if row["better"] != ("lower" if lower else "higher"):
        fail(f"{what}: better {row['better']!r}")

    def same(col, want, scale):
        close(num(row[col]), want, scale, f"{what} {col}")

    n, m, lo, hi = over_draws(x, done, d.per_draw)
    if int(row["draws"]) != n:
        fail(f"{what}: draws {row['draws']}, expected {n}")
    scale = max(abs(m or 0), abs((hi or 0) - (m or 0)))
    for col, want in zip(("draw_mean", "draw_ci_low", "draw_ci_high"), (m, lo, hi)):
        same(col, want, scale)
    q = np.quantile(x, [0.05, 0.95]) if len(x) else [None, None]
    same("q05", q[0], max(abs(q[0] or 0), 1))
    same("q95", q[1], max(abs(q[1] or 0), 1))
    share = variance_share(x, done, d.per_draw)
    same("param_share", share, 1)
    if share is not None:
        seen.add("var_split")
    if s == d.base:
        for c in cols[6:15] + ["diff_param_share"]:
            if row[c] != "":
                fail(f"{what}: baseline has {c}")
    else:
        b = values(s, pairs) - values(d.base, pairs)
        n, m, lo, hi = over_draws(b, pairs, d.per_draw)
        if row["diff_draws"] == "" or int(row["diff_draws"]) != n:
            fail(f"{what}: diff_draws {row['diff_draws']}, expected {n}")
        scale = max(abs(m or 0), abs((hi or 0) - (m or 0)), 1e-300)
        for col, want in zip(("diff_draw_mean", "diff_draw_ci_low", "diff_draw_ci_high"), (m, lo, hi)):
            same(col, want, scale)
        if len(b):
            q = np.quantile(b, [0.05, 0.95])
            same("diff_q05", q[0], max(abs(q[0]), 1))
            same("diff_q95", q[1], max(abs(q[1]), 1))
            wins = (b < 0) if lower else (b > 0)
            shares = [np.mean(wins[a2:b2]) for a2, b2 in groups_of(pairs, d.per_draw)]
            pb, plo, phi = wilson(float(np.mean(shares)), len(shares))
            same("p_better", pb, 1)
            same("p_better_low", plo, 1)
            same("p_better_high", phi, 1)
            seen.add("p_better")
        same("diff_param_share", variance_share(b, pairs, d.per_draw), 1)
    if ranks_cols(d):
        # ranks among all scenarios in the replicates complete in every one
        full = [r for r in range(d.R) if d.completed[:, p, r].all()]
        v = np.array([values(ss, full) for ss in range(d.S)])  # [scenario, replicate]
        ok = [i for i in range(len(full)) if not np.isnan(v[:, i]).any()]
        reps = [full[i] for i in ok]
        v = v[:, ok]
        per_rep = np.zeros((len(reps), d.S))
        for i in range(len(reps)):
            col = v[:, i]
            better = (col < col[s]) if lower else (col > col[s])
            ahead, tied = int(better.sum()), int((col == col[s]).sum())
            if tied > 1:
                seen.add("ties")
            per_rep[i, ahead:ahead + tied] = 1.0 / tied
        draws = [per_rep[a2:b2].mean(axis=0) for a2, b2 in groups_of(reps, d.per_draw)]
        want = np.mean(draws, axis=0) if draws else [None] * d.S
        for k in range(d.S):
            same(f"rank_{k + 1}", None if want[k] is None else float(want[k]), 1)
        seen.add("ranks")


def ranks_cols(d):
    return [f"rank_{k + 1}" for k in range(d.S)] if d.unc and 2 <= d.S <= MAX_RANKED else []


def num(field):
    return None if field == "" else float(field)


def close(got, want, scale, what):
    if (got is None) != (want is None):
        fail(f"{what}: report has {got}, expected {want}")
    if got is not None and abs(got - want) > RTOL * max(scale, abs(got), abs(want)):
        fail(f"{what}: report has {got!r}, expected {want!r}")


def compare(row, diff, want, what):
    """row's statistic (diff: its paired difference) against want = (n, mean, lo, hi)."""
    n, m, lo, hi = want
    ncol, key = ("n_paired", "diff_") if diff else ("n", "")
    if row[ncol] == "" or int(row[ncol]) != n:
        fail(f"{what}: {ncol} {row[ncol]!r}, expected {n}")
    scale = max(abs(m or 0), abs((hi or 0) - (m or 0)))
    close(num(row[key + "mean"]), m, scale, what + " mean")
    close(num(row[key + "ci_low"]), lo, scale, what + " ci_low")
    close(num(row[key + "ci_high"]), hi, scale, what + " ci_high")


def check_csv(path, report, days, baseline, partial, require):
    d = Data(path, baseline)
    seen = set()
    rows = list(csv.DictReader(open(report)))
    if not rows:
        fail("empty report")
    header = list(rows[0].keys())
    want_header = ["scenario", "point"] + d.params + ["day", "outcome", "unit", "n", "mean", "ci_low", "ci_high",
                                                      "n_paired", "diff_mean", "diff_ci_low", "diff_ci_high"]
    if d.unc:
        want_header += ["draws", "draw_mean", "draw_ci_low", "draw_ci_high", "q05", "q95", "diff_draws",
                        "diff_draw_mean", "diff_draw_ci_low", "diff_draw_ci_high", "diff_q05", "diff_q95",
                        "p_better", "p_better_low", "p_better_high", "better"] + ranks_cols(d) + \
                       ["param_share", "diff_param_share"]
    want_header += ["note"]
    if header != want_header:
        fail(f"header {header}, expected {want_header}")
    if not partial and not d.completed.all():
        fail("the file has missing runs but the report was made without --partial")
    if not d.completed.all():
        seen.add("partial")

    last = d.time[-1]
    requested = [int(x) for x in days.split(",")] if days else [90, 180, 365]
    clipped = {}
    for q in requested:
        day = min(q, last)
        clipped.setdefault(day, [])
        if q > last:
            clipped[day].append(q)
    report_days = sorted(clipped)
    tidx = {day: int(np.nonzero(d.time == day)[0][0]) for day in report_days}

    outcomes = OUTCOMES[d.model]
    obs = {}
    for _, _, a, b in outcomes:
        for name in (a, b):
            if name and name not in obs:
                obs[name] = d.obs(name)
    avail = [o for o in outcomes if o[1] != "first_day" and not (o[1] == "per_user" and d.S < 2)]
    first_days = [o for o in outcomes if o[1] == "first_day"]

    # the rows the report must have, and no other
    by_key = {}
    for row in rows:
        key = (row["scenario"], int(row["point"]), row["day"], row["outcome"])
        if key in by_key:
            fail(f"duplicate row {key}")
        by_key[key] = row
    expected = set()
    for s in range(d.S):
        for p in range(d.P):
            for day in report_days:
                for o in avail:
                    if o[1] == "per_user" and s == d.base:
                        continue
                    expected.add((d.names[s], p, str(int(day)), o[0]))
            for o in first_days:
                expected.add((d.names[s], p, "", o[0]))
    if set(by_key) != expected:
        fail(f"rows: missing {sorted(expected - set(by_key))[:5]}, unexpected {sorted(set(by_key) - expected)[:5]}")

    checked = 0
    for (name, p, day, oid), row in by_key.items():
        s = d.names.index(name)
        what = f"{name} point {p} day {day or '-'} {oid}"
        for j, param in enumerate(d.params):
            close(num(row[param]), float(d.param_values[j][p]), 0, what + " " + param)
        if d.P > 1:
            seen.add("sweep")
        done = np.nonzero(d.completed[s, p])[0]
        pairs = np.nonzero(d.completed[s, p] & d.completed[d.base, p])[0]
        if len(pairs) < len(done):
            seen.add("partial_pairs")
        note = row["note"]
        if day and clipped[float(day)]:
            seen.add("clipped")
            if "clipped to" not in note:
                fail(f"{what}: no note of the clipped days: {note!r}")

        fd = next((o for o in first_days if o[0] == oid), None)
        if fd:
            def first_day(ss):
                x = obs[fd[2]][ss, p]
                den = obs[fd[3]][ss, p] if fd[3] else np.ones_like(x)
                return np.array([d.time[np.argmax(x[r] >= 0.5 * den[r])] if (x[r] >= 0.5 * den[r]).any()
                                 else np.nan for r in range(d.R)])
            first, first_b = first_day(s), first_day(d.base)
            x = first[done]
            k = int(np.isnan(x).sum())
            if k:
                seen.add("unreached")
                compare(row, False, (len(x), None, None, None), what)
                if f"not reached in {k} of {len(x)}" not in note:
                    fail(f"{what}: note {note!r} does not say not reached in {k} of {len(x)}")
            else:
                compare(row, False, ci(x), what)
            if s == d.base:
                if row["n_paired"] != "":
                    fail(f"{what}: a difference for the baseline")
            else:
                dx = first[pairs] - first_b[pairs]
                kk = int(np.isnan(dx).sum())
                if kk:
                    compare(row, True, (len(dx), None, None, None), what + " difference")
                    if f"not reached in {kk} of {len(dx)} pairs" not in note:
                        fail(f"{what}: note {note!r} does not say not reached in {kk} of {len(dx)} pairs")
                else:
                    seen.add("days50_diff")
                    compare(row, True, ci(dx), what + " difference")
            if d.unc:
                check_uncertain(d, row, what, s, p, oid, None, done, pairs, seen)
            checked += 1
            continue

        kind, a, b = next((o[1], o[2], o[3]) for o in outcomes if o[0] == oid)
        t = tidx[float(day)]
        if kind == "per_user":
            c = obs[a][s, p, pairs, t] - obs[a][d.base, p, pairs, t]
            u = obs[b][s, p, pairs, t] - obs[b][d.base, p, pairs, t]
            n, r, lo, hi, why = ratio(c, u)
            seen.add({"no additional regular users": "no_gain", "": "ratio_ci" if lo is not None else "n1",
                      "gain in regular users not significant": "ratio_no_ci"}[why])
            if why and why not in note:
                fail(f"{what}: note {note!r} lacks {why!r}")
            compare(row, False, (n, r, lo, hi), what)
            if any(row[k] != "" for k in ("n_paired", "diff_mean", "diff_ci_low", "diff_ci_high")):
                fail(f"{what}: difference columns are not empty")
            if d.unc:
                check_uncertain(d, row, what, s, p, oid, None, done, pairs, seen)
            checked += 1
            continue

        def values(ss, runs):
            x = obs[a][ss, p, runs, t]
            return 100.0 * x / obs[b][ss, p, runs, t] if kind == "share" else x

        want = ci(values(s, done))
        if want[0] == 1:
            seen.add("n1")
        compare(row, False, want, what)
        if s == d.base:
            if any(row[k] != "" for k in ("n_paired", "diff_mean", "diff_ci_low", "diff_ci_high")):
                fail(f"{what}: a difference for the baseline")
        else:
            seen.add("diff")
            compare(row, True, ci(values(s, pairs) - values(d.base, pairs)), what + " difference")
        if d.unc:
            check_uncertain(d, row, what, s, p, oid, values, done, pairs, seen)
        checked += 1

    for r in require:
        if r and r not in seen:
            fail(f"the report never exercised {r!r} (saw {sorted(seen)})")
    print(f"check_report: {checked} rows of {d.S} scenario(s) x {d.P} point(s) at days "
          f"{[int(x) for x in report_days]} match numpy/scipy ({', '.join(sorted(seen))})")


def drop(src, dst, runs):
    shutil.copyfile(src, dst)
    with h5py.File(dst, "r+") as f:
        names = [text(s) for s in f["scenario"][...]]
        done = f["completed"][...]
        for spec in runs:
            s, p, r = spec.split(":")
            s = names.index(s) if s in names else int(s)
            done[s, int(p), int(r)] = 0
        f["completed"][...] = done


def craft(kind, src, dst):
    shutil.copyfile(src, dst)
    with h5py.File(dst, "r+") as f:
        def replace(name, n):
            del f[name]  # declared, never written: the file stays small
            f.create_dataset(name, shape=(n,), dtype="<i8", chunks=(min(n, 1 << 16),))
        if kind == "time_huge":
            replace("time", 1 << 40)
        elif kind == "time_2_32":
            replace("time", (1 << 32) + 5)
            f.attrs["days"] = np.int64((1 << 32) + 4)
        elif kind == "replicates_huge":
            replace("replicate", 1 << 31)
            f.attrs["replicates"] = np.int64(1 << 31)
        elif kind == "rank":
            x = f["adopters"][0, 0]
            del f["adopters"]
            f["adopters"] = x
        elif kind == "missing":
            del f["completed"]
        elif kind == "time_order":
            f["time"][...] = f["time"][...][::-1]
        elif kind == "days_attr":
            f.attrs["days"] = np.int64(5)
        elif kind == "type":
            shape = f["adopters"].shape
            del f["adopters"]
            f.create_dataset("adopters", shape=shape, dtype=h5py.string_dtype())
        else:
            fail("unknown kind " + kind)


if __name__ == "__main__":
    args = sys.argv[1:]
    if len(args) >= 3 and args[0] == "csv":
        opts = {"--days": None, "--baseline": None, "--require": ""}
        partial = False
        rest = args[3:]
        while rest:
            k = rest.pop(0)
            if k == "--partial":
                partial = True
            elif k in opts and rest:
                opts[k] = rest.pop(0)
            else:
                fail(__doc__)
        check_csv(args[1], args[2], opts["--days"], opts["--baseline"], partial, opts["--require"].split(","))
    elif len(args) >= 4 and args[0] == "drop":
        drop(args[1], args[2], args[3:])
    elif len(args) == 4 and args[0] == "craft":
        craft(args[1], args[2], args[3])
    else:
        fail(__doc__)
