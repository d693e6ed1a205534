#!/usr/bin/python3
"""plot_adoption.py: adoption curves with 95% confidence bands from an adoptsim file.

  analysis/plot_adoption.py FILE.h5 [-o OUTPREFIX] [--observable NAME ...]
                            [--share] [--point I ...] [--dpi N]

Reads any adoptsim results file (`adoptsim run` or `adoptsim experiment`:
variables over scenario, point, replicate, time) and draws, for each
scenario (and sweep point), the mean over the completed replicates with a 95%
confidence band (Student t).  Writes, as PNG and SVG:

  OUTPREFIX_adoption      one panel per observable
  OUTPREFIX_by_generation one panel per observable and generation (if recorded)
  OUTPREFIX_by_level      one panel per observable and level (if recorded)

OUTPREFIX defaults to FILE without its .h5 suffix.  The observables default
to monthly_active, regular_users and valuable_uses (those present), or
adopters for the bass and threshold models.  --share divides counts by the
staff of the same group (or by the `agents` attribute).  Runs not in the file
(completed = 0) are left out, with a note on stderr.  The file of
`adoptsim run` is one scenario, named after its scenario file.

Image size: each panel is 4 x 3.2 inches at --dpi (default 100), up to three
panels a row on the adoption figure; the group figures have one row per
observable and one column per group.
"""
import argparse
import math
import os
import sys

import h5py
import numpy as np

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

MAIN = ("monthly_active", "regular_users", "valuable_uses")
FALLBACK = ("adopters",)
PANEL_W, PANEL_H = 4.0, 3.2  # inches per panel
SWEEP_MAX = 4                # more sweep points than this: plot one (--point)
COLORS = ["#000000", "#E69F00", "#56B4E9", "#009E73", "#D55E00", "#0072B2",
          "#CC79A7", "#F0E442", "#999999"]  # Okabe-Ito; the baseline comes first

# two-sided 95% Student t quantiles t(0.975, df) for df = 1..30
T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
        2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
        2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042]


def note(msg):
    print("plot_adoption: " + msg, file=sys.stderr)


def die(msg):
    note(msg)
    sys.exit(2)


def t975(df):
    try:
        from scipy.stats import t
        return float(t.ppf(0.975, df))
    except ImportError:
        if df <= 30:
            return T975[df - 1]
        return 1.96 + 2.4 / df  # within 0.002 of the exact value for df > 30


def text(v):
    if isinstance(v, np.ndarray) and v.shape == ():
        v = v[()]
    return v.decode() if isinstance(v, bytes) else str(v)


def dim_names(ds):
    """Dimension names of a dataset from its attached dimension scales."""
    names = []
    for d in ds.dims:
        names.append(d[0].name.rsplit("/", 1)[-1] if len(d) else None)
    return names


class Results:
    """An adoptsim file: every variable as an array (scenario, point,
    replicate, time[, group]), fill values as NaN."""

    def __init__(self, path):
        self.path = path
        self.f = h5py.File(path, "r")
        f = self.f
        self.model = text(f.attrs.get("model", "?"))
        for name in ("scenario", "point", "completed", "time"):
            if name not in f:
                raise KeyError("no %s variable: not an adoptsim results file" % name)
        self.scenarios = [text(s) for s in f["scenario"][...]]
        self.npoints = f["point"].shape[0]
        self.baseline = text(f.attrs.get("baseline", self.scenarios[0]))
        self.sweep = self._sweep()
        self.time = f["time"][...]
        self.groups = {g: [text(v) for v in f[g][...]] for g in ("generation", "level") if g in f}

    def _sweep(self):
        """{parameter path: values} of the coordinate variables over point."""
        out = {}
        skip = {"point", "scenario", "replicate", "time", "generation", "level", "completed", "agent"}

        def visit(name, obj):
            if isinstance(obj, h5py.Dataset) and name not in skip and obj.ndim == 1 and dim_names(obj)[0] == "point":
                out[name] = obj[...]
        self.f.visititems(visit)
        return out

    def load(self, name):
        ds = self.f[name]
        data = ds[...]
        out = data.astype(np.float64)
        fill = ds.attrs.get("_FillValue")
        if fill is not None and not (isinstance(fill, float) and math.isnan(fill)):
            out[data == np.asarray(fill).item()] = np.nan
        d = dim_names(ds)
        if d[:2] != ["scenario", "point"]:
            die("%s: expected dimensions (scenario, point, ...), found %s" % (name, d))
        return out

    def completed(self):
        return self.f["completed"][...] == 1

    def attr(self, name, key, default=""):
        v = self.f[name].attrs.get(key)
        return default if v is None else text(v)

    def point_label(self, p):
        parts = []
        for k, v in self.sweep.items():
            short = ".".join(k.split(".")[-2:])
            parts.append("%s=%s" % (short, text(v[p]) if v.dtype.kind in "SOU" else "%g" % v[p]))
        return ", ".join(parts) if parts else "point %d" % p


def choose_points(res, asked):
    if asked:
        bad = [p for p in asked if not 0 <= p < res.npoints]
        if bad:
            die("--point %s: the file has points 0..%d" % (bad[0], res.npoints - 1))
        return asked
    if res.npoints <= SWEEP_MAX:
        return list(range(res.npoints))
    note("%d sweep points: plotting point 0 (%s); choose others with --point"
         % (res.npoints, res.point_label(0)))
    return [0]


def curves(res, points):
    """[(scenario index, point index, label)], the baseline first."""
    order = sorted(range(len(res.scenarios)), key=lambda s: res.scenarios[s] != res.baseline)
    out = []
    for s in order:
        for p in points:
            if len(points) == 1 and res.npoints == 1:
                label = res.scenarios[s]
            elif len(res.scenarios) == 1:
                label = res.point_label(p)
            else:
                label = "%s, %s" % (res.scenarios[s], res.point_label(p))
            out.append((s, p, label))
    return out


def run_mask(res, names):
    """(scenario, point, replicate) True for runs to use; notes the others."""
    done = res.completed()
    filled = np.ones_like(done)
    for n in names:
        for suffix in ("", "_by_generation", "_by_level"):
            if n + suffix in res.f:
                x = res.load(n + suffix)
                filled &= ~np.isnan(x.reshape(x.shape[:3] + (-1,))).any(axis=3)
    use = done & filled
    if not use.all():
        skipped = []
        for s, p in zip(*np.nonzero(~use.all(axis=2))):
            r = np.nonzero(~use[s, p])[0]
            where = res.scenarios[s] + (" %s" % res.point_label(p) if res.npoints > 1 else "")
            skipped.append("%s replicate%s %s" % (where, "s" if len(r) > 1 else "",
                                                   ",".join(str(i) for i in r)))
        odd = int((done & ~filled).sum())
        note("skipping %d of %d runs not completed: %s%s"
             % (int((~use).sum()), use.size, "; ".join(skipped),
                " (%d marked completed but holding fill values)" % odd if odd else ""))
    if not use.any():
        die("%s: no completed run to plot" % res.path)
    return use


def series(res, name, share):
    """(values (S, P, R, T[, G]), y label)."""
    x = res.load(name)
    units = res.attr(name, "units")
    if share and units == "agents":
        base = name.split("_by_")[0]
        suffix = name[len(base):]
        if "staff" + suffix in res.f:
            x = x / res.load("staff" + suffix)
        elif "agents" in res.f.attrs:
            x = x / float(res.f.attrs["agents"])
        else:
            die("--share: no staff variable or agents attribute to divide %s by" % name)
        units = "share of staff" if "staff" + suffix in res.f else "share of agents"
    return x, units


def band(x):
    """Mean, lower, upper over axis 0 of runs x (n, T[, G]); no band for n < 2."""
    n = x.shape[0]
    with np.errstate(invalid="ignore", divide="ignore"):  # shares of empty groups
        mean = x.mean(axis=0)
        if n < 2:
            return mean, mean, mean
        half = t975(n - 1) * x.std(axis=0, ddof=1) / math.sqrt(n)
    return mean, mean - half, mean + half


def draw(ax, t, x, use, cv):
    """One curve per (scenario, point) with its band; x (S, P, R, T)."""
    for i, (s, p, label) in enumerate(cv):
        runs = x[s, p][use[s, p]]
        if runs.shape[0] == 0:
            continue
        mean, lo, hi = band(runs)
        c = COLORS[i % len(COLORS)]
        ax.fill_between(t, lo, hi, color=c, alpha=0.2, linewidth=0)
        ax.plot(t, mean, color=c, linewidth=1.5, label="%s (n=%d)" % (label, runs.shape[0]))
    ax.grid(True, alpha=0.3)


def save(fig, prefix, suffix, dpi):
    fig.tight_layout()  # once: constrained layout costs twice the time, per format
    paths = []
    for ext in ("png", "svg"):
        path = "%s_%s.%s" % (prefix, suffix, ext)
        fig.savefig(path, dpi=dpi)
        paths.append(path)
    plt.close(fig)
    print("plot_adoption: wrote " + " ".join(paths))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="\n".join(__doc__.split("\n")[2:]))
    ap.add_argument("file", help="an adoptsim .h5 file (run or experiment)")
    ap.add_argument("-o", "--output", metavar="OUTPREFIX",
                    help="prefix of the images (default FILE without .h5)")
    ap.add_argument("--observable", nargs="+", metavar="NAME", help="variables to plot")
    ap.add_argument("--share", action="store_true", help="counts as shares of the group's staff")
    ap.add_argument("--point", type=int, nargs="+", metavar="I", help="sweep points to plot")
    ap.add_argument("--dpi", type=int, default=100, help="dots per inch (default 100)")
    a = ap.parse_args()

    try:
        res = Results(a.file)
    except (OSError, KeyError) as e:
        die("%s: %s" % (a.file, e))
    prefix = a.output or (a.file[:-3] if a.file.endswith(".h5") else a.file)
    names = a.observable or [n for n in MAIN if n in res.f] or [n for n in FALLBACK if n in res.f]
    if not names:
        die("%s: none of %s found; pass --observable" % (a.file, ", ".join(MAIN + FALLBACK)))
    for n in names:
        if n not in res.f or not isinstance(res.f[n], h5py.Dataset):
            die("%s: no variable %s" % (a.file, n))
    t = res.time
    use = run_mask(res, names)
    cv = curves(res, choose_points(res, a.point))
    for s, p, label in cv:
        if not use[s, p].any():
            note("%s: no completed replicate, not drawn" % label)
    what = "mean and 95%% CI over replicates; %s model, %s" % (res.model, os.path.basename(a.file))

    # one panel per observable
    ncol = min(len(names), 3)
    nrow = math.ceil(len(names) / 3)
    fig, axes = plt.subplots(nrow, ncol, figsize=(PANEL_W * ncol, PANEL_H * nrow),
                             squeeze=False)
    for i, n in enumerate(names):
        ax = axes.flat[i]
        x, units = series(res, n, a.share)
        draw(ax, t, x, use, cv)
        ax.set_title(n, fontsize="medium")
        ax.set_xlabel("day")
        ax.set_ylabel(units if units != "1" else "")
    for ax in axes.flat[len(names):]:
        ax.set_visible(False)
    axes.flat[0].legend(fontsize="x-small", loc="best")
    fig.suptitle(what, fontsize="small")
    save(fig, prefix, "adoption", a.dpi)

    # one panel per group: rows are observables, columns generations or levels
    for group in ("generation", "level"):
        grouped = [n for n in names if n + "_by_" + group in res.f]
        if not grouped or group not in res.groups:
            note("no %s breakdown of %s in %s: no by_%s figure"
                 % (group, ", ".join(names), a.file, group))
            continue
        labels = res.groups[group]
        ncol, nrow = len(labels), len(grouped)
        fig, axes = plt.subplots(nrow, ncol, figsize=(PANEL_W * 0.75 * ncol, PANEL_H * 0.8 * nrow),
                                 squeeze=False,
                                 sharex=True, sharey="row" if a.share else False)
        for r, n in enumerate(grouped):
            x, units = series(res, n + "_by_" + group, a.share)
            for c, lab in enumerate(labels):
                ax = axes[r, c]
                draw(ax, t, x[..., c], use, cv)
                ax.set_title("%s, %s %s" % (n, group, lab) if group == "level"
                             else "%s, %s" % (n, lab), fontsize="small")
                if r == nrow - 1:
                    ax.set_xlabel("day")
                if c == 0:
                    ax.set_ylabel(units if units != "1" else "")
        axes[0, 0].legend(fontsize="xx-small", loc="best")
        fig.suptitle("by %s: %s" % (group, what), fontsize="small")
        save(fig, prefix, "by_" + group, a.dpi)


if __name__ == "__main__":
    main()
