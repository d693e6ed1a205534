#!/usr/bin/python3
"""make_experiment.py: a small experiment file in the `adoptsim experiment`
layout, built from real `adoptsim run` outputs, for testing readers and the
analysis/ scripts until that command exists.

  make_experiment.py OUT.h5 [--adoptsim BIN] [--days N] [--replicates N]
                     [--per-team 1,2]

Runs BIN ($ADOPTSIM, default ./adoptsim) for two scenarios (stalled_push as
the baseline, step_vanguard) at the sweep points of
interventions.vanguard.per_team (default 1, 2; one value: no sweep, no
coordinate variable, point of size 1) and stacks the runs into

  <obs>                (scenario, point, replicate, time)
  <obs>_by_generation  (scenario, point, replicate, time, generation)
  <obs>_by_level       (scenario, point, replicate, time, level)
  completed            (scenario, point, replicate)  int8, 1 = finished
  interventions.vanguard.per_team  (point), when swept

with real dimension scales (h5py make_scale / attach_scale, as netCDF-4
writes them).  The last replicate of step_vanguard at the last point is left
"not yet run": fill values (-1 for int64 counts, NaN for floats) and completed = 0.
"""
import argparse
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

SCENARIOS = [("stalled_push", "configs/stalled_push.yaml"),
             ("step_vanguard", "configs/step_vanguard.yaml")]
PARAM = "interventions.vanguard.per_team"
COORDS = ("replicate", "time", "generation", "level")


def text(v):
    return v.decode() if isinstance(v, bytes) else v


def run(binary, yaml, value, days, reps, out):
    cmd = [binary, "run", yaml, "-o", out, "-q", "--force", "--replicates", str(reps),
           "--set", "run.days=%d" % days, "--set", "%s=%d" % (PARAM, value)]
    subprocess.run(cmd, check=True)


def build(out, binary, days, reps, values):
    tmp = tempfile.mkdtemp(prefix="adoptsim-exp-")
    files = {}
    for s, (name, yaml) in enumerate(SCENARIOS):
        for p, v in enumerate(values):
            files[s, p] = os.path.join(tmp, "%s_%d.h5" % (name, p))
            run(binary, yaml, v, days, reps, files[s, p])
    S, P = len(SCENARIOS), len(values)
    missing = (1, P - 1, reps - 1)  # (scenario, point, replicate) "not yet run"

    with h5py.File(files[0, 0], "r") as ref, h5py.File(out, "w") as f:
        for k, v in ref.attrs.items():
            if k not in ("scenario", "scenario_file", "history", "seed"):
                f.attrs[k] = v
        f.attrs["title"] = "adoptsim experiment"
        f.attrs["baseline"] = SCENARIOS[0][0]
        f.attrs["history"] = " ".join(sys.argv)

        scales = {}
        sc = f.create_dataset("scenario", data=np.array([n for n, _ in SCENARIOS], dtype=object),
                              dtype=h5py.string_dtype())
        sc.attrs["long_name"] = "scenario name"
        pt = f.create_dataset("point", data=np.arange(P, dtype=np.int64))
        pt.attrs["long_name"] = "sweep point"
        for name, ds in (("scenario", sc), ("point", pt)):
            ds.make_scale(name)
            scales[name] = ds
        for name in COORDS:
            if name not in ref:
                continue
            src = ref[name]
            data = src[...]
            ds = f.create_dataset(name, data=data, dtype=src.dtype)
            for k, v in src.attrs.items():
                if k in ("long_name", "units"):
                    ds.attrs[k] = v
            ds.make_scale(name)
            scales[name] = ds
        if P > 1:
            sw = f.create_dataset(PARAM, data=np.array(values, dtype=np.int64))
            sw.attrs["long_name"] = "swept parameter " + PARAM
            sw.dims[0].attach_scale(scales["point"])

        comp = np.ones((S, P, reps), dtype=np.int8)
        comp[missing] = 0
        cd = f.create_dataset("completed", data=comp)
        cd.attrs["long_name"] = "1 if the run finished"
        for i, d in enumerate(("scenario", "point", "replicate")):
            cd.dims[i].attach_scale(scales[d])

        for name, src in ref.items():
            if name in COORDS or src.ndim < 2:
                continue
            fill = -1 if src.dtype.kind == "i" else np.nan
            data = np.full((S, P) + src.shape, fill, dtype=src.dtype)
            for (s, p), path in files.items():
                with h5py.File(path, "r") as g:
                    data[s, p] = g[name][...]
            data[missing] = fill
            ds = f.create_dataset(name, data=data, fillvalue=fill, compression="gzip", shuffle=True)
            ds.attrs["_FillValue"] = np.array(fill, dtype=src.dtype)
            for k, v in src.attrs.items():
                if k in ("long_name", "units"):
                    ds.attrs[k] = v
            dims = ["scenario", "point"] + [src.dims[i][0].name.rsplit("/", 1)[-1]
                                            for i in range(src.ndim)]
            for i, d in enumerate(dims):
                ds.dims[i].attach_scale(scales[d])
    for path in files.values():
        os.unlink(path)
    os.rmdir(tmp)


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--adoptsim", default=os.environ.get("ADOPTSIM") or "./adoptsim")
    ap.add_argument("--days", type=int, default=90)
    ap.add_argument("--replicates", type=int, default=3)
    ap.add_argument("--per-team", default="1,2", help="sweep values, comma-separated")
    a = ap.parse_args()
    build(a.out, a.adoptsim, a.days, a.replicates, [int(v) for v in a.per_team.split(",")])
