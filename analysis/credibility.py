#!/usr/bin/env python3
"""credibility.py: how the genai model's defaults compare with what the
evidence supports (issue 12's yardsticks, shared/EVIDENCE.md), measured.

Runs the four-steps experiment (configs/experiment_four_steps.yaml: the
stalled push and each step alone from day 30, then all four) over two years,
and every genai scenario of configs/ for a year, then prints one row per
yardstick: what the model gives (mean over replicates, with the spread of
the replicates where it matters), the band the evidence supports, and
whether the mean is inside it.  It is a measurement, not a test: the exit
status is 0 whatever the rows say (1 with --strict when a row fails, 2 when
the runs themselves fail).

  /usr/bin/python3 analysis/credibility.py [--adoptsim ./adoptsim]
      [--replicates 30] [--library-replicates 8] [--threads 2] [--strict]

Needs h5py and numpy (Debian: python3-h5py, python3-numpy).
"""
import argparse
import glob
import os
import shutil
import subprocess
import sys
import tempfile

import h5py
import numpy as np

GEN = ["gen_z", "millennial", "gen_x", "boomer"]


def run(cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        sys.stderr.write("credibility: %s failed (exit %d):\n%s" % (" ".join(cmd), p.returncode, p.stderr))
        sys.exit(2)


def names(ds):
    return [s.decode() if isinstance(s, bytes) else str(s) for s in ds[:]]


def share(f, obs, s, day):
    """Share of staff (percent) of observable obs in scenario s at day, one value per replicate."""
    days = list(f["time"][:])
    t = days.index(day)
    return 100.0 * f[obs][s, 0, :, t] / f["staff"][s, 0, :, t]


def first_day_at(f, obs, s, level):
    """Day the mean share of obs first reaches level percent (None: never)."""
    mean = 100.0 * np.mean(f[obs][s, 0, :, :] / f["staff"][s, 0, :, :], axis=0)
    hit = np.nonzero(mean >= level)[0]
    return int(f["time"][hit[0]]) if hit.size else None


class Table:
    def __init__(self):
        self.rows = []

    def add(self, what, value, band, ok):
        self.rows.append((what, value, band, None if ok is None else bool(ok)))

    def show(self):
        w = max(len(r[0]) for r in self.rows)
        v = max(len(r[1]) for r in self.rows)
        b = max(len(r[2]) for r in self.rows)
        print("%-*s  %-*s  %-*s  %s" % (w, "yardstick", v, "model", b, "evidence", "inside"))
        for what, value, band, ok in self.rows:
            mark = "yes" if ok is True else "NO" if ok is False else "n/a"
            print("%-*s  %-*s  %-*s  %s" % (w, what, v, value, b, band, mark))
        return sum(1 for r in self.rows if r[3] is False)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--adoptsim", default="./adoptsim")
    ap.add_argument("--replicates", type=int, default=30)
    ap.add_argument("--library-replicates", type=int, default=8)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--strict", action="store_true", help="exit 1 when a yardstick is outside its band")
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="credibility-")
    try:
        return measure(a, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def measure(a, tmp):
    out = os.path.join(tmp, "four_steps_730.h5")
    run([a.adoptsim, "experiment", "configs/experiment_four_steps.yaml", "-o", out, "-q", "--force",
         "--threads", str(a.threads), "--replicates", str(a.replicates), "--set", "run.days=730"])
    t = Table()
    with h5py.File(out, "r") as f:
        sc = names(f["scenario"])
        base = sc.index("stalled_push")
        ma365 = share(f, "monthly_active", base, 365)
        ru365 = share(f, "regular_users", base, 365)
        t.add("stalled push: monthly active at day 365 (%)", "%.1f (%.1f-%.1f)" % (ma365.mean(), ma365.min(),
              ma365.max()), "45-55", 45 <= ma365.mean() <= 55)
        t.add("stalled push: regular users at day 365 (%)", "%.1f (%.1f-%.1f)" % (ru365.mean(), ru365.min(),
              ru365.max()), "15-25", 15 <= ru365.mean() <= 25)
        days = list(f["time"][:])
        ma = 100.0 * np.mean(f["monthly_active"][base, 0, :, :] / f["staff"][base, 0, :, :], axis=0)
        before = ma[1:days.index(300)]
        peak = float(before.max())
        t.add("stalled push: monthly active peak before day 300 minus day 365 (points)",
              "%+.1f (peak %.1f at day %d)" % (peak - ma365.mean(), peak, days[1 + int(before.argmax())]),
              "<= +10", peak - ma365.mean() <= 10)
        ru730 = share(f, "regular_users", base, 730)
        t.add("stalled push: regular users day 730 minus day 365 (points)", "%+.1f" % (ru730.mean() - ru365.mean()),
              "within 5", abs(ru730.mean() - ru365.mean()) <= 5)
        gains = {}
        for s, name in enumerate(sc):
            if s == base:
                continue
            g = share(f, "regular_users", s, 365) - ru365  # paired: replicate r shares its random stream
            gains[name] = g
            lo, hi = np.percentile(g, [5, 95])
            single = name != "four_steps"
            t.add("%s: gain in regular users at day 365 (points)" % name,
                  "%+.1f (5-95%%: %+.1f, %+.1f)" % (g.mean(), lo, hi),
                  "<= 25" if single else "> best single step",
                  g.mean() <= 25 if single else None)
        if "four_steps" in gains:
            best = max(v.mean() for k, v in gains.items() if k != "four_steps")
            t.add("four steps together beat the best single step", "%+.1f vs %+.1f" % (gains["four_steps"].mean(), best),
                  "more", gains["four_steps"].mean() > best)
        # the age gradient of regular use (shares within each generation)
        t365 = days.index(365)
        rg = f["regular_users_by_generation"][base, 0, :, t365, :].sum(axis=0)
        sg = f["staff_by_generation"][base, 0, :, t365, :].sum(axis=0)
        old = (rg[2] + rg[3]) / max(sg[2] + sg[3], 1)
        if old > 0:
            z, m = rg[0] / max(sg[0], 1) / old, rg[1] / max(sg[1], 1) / old
            t.add("regular use Gen Z : Gen X+Boomer", "%.2f" % z, "2.2-4", 2.2 <= z <= 4)
            t.add("regular use Millennial : Gen X+Boomer", "%.2f" % m, "1.5-2.5", 1.5 <= m <= 2.5)
        else:
            t.add("regular use Gen Z : Gen X+Boomer", "no Gen X or Boomer regular user", "2.2-4", False)
        # concealment: users who hide, not uses
        hu = share(f, "hiding_users", base, 150).mean()
        mu = share(f, "monthly_active", base, 150).mean()
        c = 100.0 * hu / mu if mu > 0 else float("nan")
        t.add("users hiding their use before permission, day 150 (% of users)", "%.1f" % c, "30-60", 30 <= c <= 60)
        d50 = {n: first_day_at(f, "monthly_active", s, 50) for s, n in enumerate(sc)}
        spread = [d for d in d50.values() if d is not None]
        t.add("days to 50% monthly active, by scenario", ", ".join("%s %s" % (n, d50[n]) for n in sc),
              "differ where curves differ", len(set(spread)) > 1 if spread else False)
    # every genai scenario of the library at one year
    worst = (None, -1.0)
    for cfg in sorted(glob.glob("configs/*.yaml")):
        with open(cfg) as fh:
            text = fh.read()
        if "model:" not in text or "genai" not in text or "\nscenarios:" in text or cfg.endswith("priors_genai.yaml"):
            continue
        o = os.path.join(tmp, os.path.basename(cfg) + ".h5")
        run([a.adoptsim, "run", cfg, "-o", o, "-q", "--force", "--threads", str(a.threads),
             "--replicates", str(a.library_replicates), "--set", "run.days=365",
             "--set", "output.observables=[regular_users,staff]", "--set", "output.breakdowns=none"])
        with h5py.File(o, "r") as f:
            r = share(f, "regular_users", 0, 365).mean()
        if r > worst[1]:
            worst = (os.path.basename(cfg), r)
    t.add("highest regular use of any configs/ scenario at one year (%)", "%.1f (%s)" % (worst[1], worst[0]),
          "<= 85", worst[1] <= 85)
    fails = t.show()
    print("\n%d of %d yardsticks outside the evidence's band (%d replicates; library %d replicates)"
          % (fails, sum(1 for r in t.rows if r[3] is not None), a.replicates, a.library_replicates))
    return 1 if a.strict and fails else 0


if __name__ == "__main__":
    sys.exit(main())
