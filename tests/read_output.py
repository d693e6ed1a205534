#!/usr/bin/python3
"""read_output.py: check the sample file tests/test_output.c writes with h5py
and xarray (netCDF4 engine).  Usage: /usr/bin/python3 tests/read_output.py FILE

The sample (see sample_init in tests/test_output.c):
  dims        replicate(2)  no coordinates given -> int64 0, 1
              time(5)       int64 0, 30, 60, 90, 120, units "days"
              generation(4) labels gen_z, millennial, gen_x, boomer
  adopters    int64   (replicate, time)             values i = 0..9, units "agents"
  share       float64 (replicate, time, generation) values i + 0.5, units "1"
  globals     title = "adoptsim output test", seed = 12345 (int64), p = 0.03
Exit 0 when everything matches, 1 (with a message on stderr) otherwise."""
import sys
import warnings

warnings.filterwarnings("ignore")

import h5py  # noqa: E402
import numpy as np  # noqa: E402
import xarray as xr  # noqa: E402

LABELS = ["gen_z", "millennial", "gen_x", "boomer"]
TIME = [0, 30, 60, 90, 120]
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)


def text(v):
    return v.decode("utf-8") if isinstance(v, bytes) else str(v)


def check_h5py(path):
    with h5py.File(path, "r") as f:
        check(set(f.keys()) == {"replicate", "time", "generation", "adopters", "share"},
              "h5py names: %s" % sorted(f.keys()))
        check(f["replicate"].dtype == np.int64, "replicate dtype %s" % f["replicate"].dtype)
        check(f["time"].dtype == np.int64, "time dtype %s" % f["time"].dtype)
        check(f["adopters"].dtype == np.int64, "adopters dtype %s" % f["adopters"].dtype)
        check(f["share"].dtype == np.float64, "share dtype %s" % f["share"].dtype)
        info = h5py.check_string_dtype(f["generation"].dtype)
        check(info is not None and info.encoding == "utf-8" and info.length is None,
              "generation is not a variable-length UTF-8 string: %s" % (info,))
        check(list(f["replicate"][()]) == [0, 1], "replicate values")
        check(list(f["time"][()]) == TIME, "time values")
        check([text(s) for s in f["generation"][()]] == LABELS, "generation labels")
        check(np.array_equal(f["adopters"][()], np.arange(10).reshape(2, 5)),
              "adopters values")
        check(np.array_equal(f["share"][()], np.arange(40).reshape(2, 5, 4) + 0.5),
              "share values")
        check(text(f["adopters"].attrs["units"]) == "agents", "adopters units")
        check(text(f["share"].attrs["long_name"]) != "", "share long_name")
        check(text(f.attrs["title"]) == "adoptsim output test", "title attribute")
        check(f.attrs["seed"] == 12345 and f.attrs["seed"].dtype == np.int64, "seed attribute")
        check(f.attrs["p"] == 0.03 and f.attrs["p"].dtype == np.float64, "p attribute")
        check(f["adopters"].chunks is not None, "adopters not chunked")
        for name in ("replicate", "time", "generation"):
            check(h5py.h5ds.is_scale(f[name].id), "%s is not a dimension scale" % name)
        scales = [list(d.keys()) for d in f["share"].dims]
        check(scales == [["replicate"], ["time"], ["generation"]],
              "share dimension scales %s" % scales)


def check_xarray(path):
    with xr.open_dataset(path) as ds, \
            xr.open_dataset(path, engine="netcdf4", decode_timedelta=False) as raw:
        check(ds["adopters"].dims == ("replicate", "time"),
              "adopters dims %s" % (ds["adopters"].dims,))
        check(ds["share"].dims == ("replicate", "time", "generation"),
              "share dims %s" % (ds["share"].dims,))
        for name in ("replicate", "time", "generation"):
            check(name in ds.coords, "coordinate %s missing" % name)
        check(dict(ds.sizes) == {"replicate": 2, "time": 5, "generation": 4},
              "sizes %s" % dict(ds.sizes))
        gen = list(ds["generation"].values)
        check(gen == LABELS and all(type(s) is str for s in gen), "labels %r" % gen)
        check(list(raw["time"].values) == TIME, "time values %s" % raw["time"].values)
        check(raw["time"].attrs.get("units") == "days", "time units %r" % raw["time"].attrs)
        check(ds["adopters"].attrs.get("units") == "agents", "adopters units")
        check(ds["share"].attrs.get("units") == "1", "share units")
        check("units" not in ds["generation"].attrs, "generation has units")
        check(ds["adopters"].dtype == np.int64, "adopters dtype %s" % ds["adopters"].dtype)
        check(ds["share"].dtype == np.float64, "share dtype %s" % ds["share"].dtype)
        sel = ds["share"].sel(generation="gen_x").values
        want = np.arange(40).reshape(2, 5, 4)[:, :, 2] + 0.5
        check(np.array_equal(sel, want), "sel(generation='gen_x') = %s" % sel)
        check(np.array_equal(ds["adopters"].values, np.arange(10).reshape(2, 5)),
              "adopters values via xarray")
        check(ds.attrs.get("title") == "adoptsim output test", "title %r" % ds.attrs)
        check(ds.attrs.get("seed") == 12345, "seed %r" % ds.attrs.get("seed"))
        check(ds.attrs.get("p") == 0.03, "p %r" % ds.attrs.get("p"))


def main():
    if len(sys.argv) != 2:
        print("usage: read_output.py FILE", file=sys.stderr)
        return 2
    for step in (check_h5py, check_xarray):
        try:
            step(sys.argv[1])
        except Exception as e:  # report any reader failure as a check failure
            failures.append("%s: %s: %s" % (step.__name__, type(e).__name__, e))
    for f in failures:
        print("read_output.py: %s: %s" % (sys.argv[1], f), file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
