#!/usr/bin/python3
"""plot_sensitivity.py: sensitivity indices from `adoptsim sensitivity`, as a figure.

  analysis/plot_sensitivity.py INDICES.csv [-o OUTPREFIX] [--dpi N]
  analysis/plot_sensitivity.py FILE.h5 --outcome NAME [--day D] [--scenario S]
                               [--group G] [--difference] [-o OUTPREFIX] [--dpi N]

Reads the CSV of `adoptsim sensitivity --format csv`, or a results file of a
morris or saltelli sweep directly (it then runs `adoptsim sensitivity` on it:
$ADOPTSIM, else ./adoptsim beside analysis/, else adoptsim on the PATH), and
writes OUTPREFIX_sensitivity.png and .svg:

  Sobol (saltelli):  bars of the first-order S_i and the total ST_i of each
                     key with their 95% bootstrap intervals (8 x 4 inches)
  Morris:            mu* against sigma of the scaled elementary effects, one
                     labelled point per key, with the lines sigma = mu* and
                     sigma = 0.1 mu* (5 x 4 inches): keys far right matter,
                     keys high up interact or act non-linearly

OUTPREFIX defaults to the input without its suffix.  Image size: inches x
--dpi (default 100).
"""
import argparse
import csv
import io
import os
import shutil
import subprocess
import sys

import numpy as np

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def die(msg):
    print("plot_sensitivity: " + msg, file=sys.stderr)
    sys.exit(2)


def adoptsim():
    if os.environ.get("ADOPTSIM"):
        return os.environ["ADOPTSIM"]
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "adoptsim")
    if os.access(here, os.X_OK):
        return here
    found = shutil.which("adoptsim")
    if not found:
        die("cannot find adoptsim to read the results file: set ADOPTSIM or pass the CSV")
    return found


def rows_of(args):
    if not args.input.endswith((".h5", ".nc", ".hdf5")):
        with open(args.input) as fh:
            return list(csv.DictReader(fh))
    if not args.outcome:
        die("a results file needs --outcome NAME")
    cmd = [adoptsim(), "sensitivity", args.input, "--outcome", args.outcome, "--format", "csv"]
    for opt in ("day", "scenario", "group"):
        if getattr(args, opt) is not None:
            cmd += ["--" + opt, str(getattr(args, opt))]
    if args.difference:
        cmd.append("--difference")
    res = subprocess.run(cmd, capture_output=True, text=True)
    if res.returncode != 0:
        die(res.stderr.strip() or "adoptsim sensitivity failed")
    return list(csv.DictReader(io.StringIO(res.stdout)))


def short(key, keys):
    """The shortest dotted suffix of key that tells it from the others."""
    parts = key.split(".")
    for n in range(1, len(parts) + 1):
        tail = ".".join(parts[-n:])
        if sum(1 for k in keys if k == tail or k.endswith("." + tail)) == 1:
            return tail
    return key


def num(row, col):
    v = row.get(col, "")
    return float(v) if v not in ("", None) else np.nan


def plot_sobol(rows, dpi):
    keys = [r["key"] for r in rows if r["key"] != "sum"]
    total = next((r for r in rows if r["key"] == "sum"), None)
    fig, ax = plt.subplots(figsize=(8, 4), dpi=dpi)
    x = np.arange(len(keys))
    w = 0.38
    for i, (col, label, colour) in enumerate((("S1", "first order S_i", "#0072B2"), ("ST", "total ST_i", "#E69F00"))):
        est = np.array([num(r, col) for r in rows if r["key"] != "sum"])
        lo = np.array([num(r, col + "_low") for r in rows if r["key"] != "sum"])
        hi = np.array([num(r, col + "_high") for r in rows if r["key"] != "sum"])
        err = np.vstack([np.clip(est - lo, 0, None), np.clip(hi - est, 0, None)])
        ax.bar(x + (i - 0.5) * w, est, w, label=label, color=colour, edgecolor="#222222", linewidth=0.6,
               yerr=None if np.isnan(err).all() else np.nan_to_num(err), capsize=3,
               error_kw={"elinewidth": 1.0, "ecolor": "#222222"})
    ax.axhline(0, color="#444444", linewidth=0.8)
    ax.set_xticks(x)
    ax.set_xticklabels([short(k, keys) for k in keys], rotation=30 if len(keys) > 4 else 0, ha="right"
                       if len(keys) > 4 else "center", fontsize=8)
    ax.set_ylabel("share of the variance")
    top = max(1.0, np.nanmax([num(r, "ST_high") for r in rows if r["key"] != "sum"] + [0]) * 1.05)
    ax.set_ylim(min(0, np.nanmin([num(r, "S1_low") for r in rows if r["key"] != "sum"] + [0]) * 1.1), top)
    title = "Sobol indices with 95% bootstrap intervals"
    if total is not None:
        title += "; sum of S_i = %.3f" % num(total, "S1")
    ax.set_title(title, fontsize=10)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.legend(fontsize=8, loc="upper right")
    for side in ("top", "right"):
        ax.spines[side].set_visible(True)
    return fig


def plot_morris(rows, dpi):
    keys = [r["key"] for r in rows]
    mu = np.array([num(r, "mu_star_scaled") for r in rows])
    sigma = np.array([num(r, "sigma_scaled") for r in rows])
    fig, ax = plt.subplots(figsize=(5, 4), dpi=dpi)
    top = np.nanmax(np.concatenate([mu, sigma, [1e-12]])) * 1.15
    line = np.linspace(0, top, 50)
    ax.plot(line, line, color="#555555", linewidth=1.0, linestyle="--", label="sigma = mu*")
    ax.plot(line, 0.1 * line, color="#999999", linewidth=1.0, linestyle=":", label="sigma = 0.1 mu*")
    ax.scatter(mu, sigma, s=60, color="#D55E00", edgecolor="#222222", zorder=3)
    for k, m, s in zip(keys, mu, sigma):
        ax.annotate(short(k, keys), (m, s), textcoords="offset points", xytext=(5, 5), fontsize=8)
    ax.set_xlim(-0.03 * top, top)  # 0 inside the frame, clear of the axes' corner
    ax.set_ylim(-0.03 * top, top)
    ax.set_xlabel("mu* (mean |elementary effect|, per range)")
    ax.set_ylabel("sigma (per range)")
    ax.set_title("Morris screening", fontsize=10)
    ax.grid(color="#dddddd", linewidth=0.6)
    ax.legend(fontsize=8, loc="upper left")
    return fig


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("input", help="the CSV of adoptsim sensitivity, or a results file")
    ap.add_argument("-o", "--output", help="output prefix (default: the input without its suffix)")
    ap.add_argument("--outcome")
    ap.add_argument("--day", type=int)
    ap.add_argument("--scenario")
    ap.add_argument("--group")
    ap.add_argument("--difference", action="store_true")
    ap.add_argument("--dpi", type=int, default=100)
    args = ap.parse_args()
    rows = rows_of(args)
    if not rows:
        die("%s holds no indices" % args.input)
    cols = set(rows[0])
    if {"S1", "ST"} <= cols:
        fig = plot_sobol(rows, args.dpi)
    elif {"mu_star_scaled", "sigma_scaled"} <= cols:
        fig = plot_morris(rows, args.dpi)
    else:
        die("%s: not the CSV of adoptsim sensitivity (columns %s)" % (args.input, ", ".join(sorted(cols))))
    prefix = args.output or os.path.splitext(args.input)[0]
    fig.tight_layout()
    out = []
    for ext in ("png", "svg"):
        path = "%s_sensitivity.%s" % (prefix, ext)
        fig.savefig(path)
        out.append(path)
    print("plot_sensitivity: wrote " + " ".join(out))


if __name__ == "__main__":
    main()
