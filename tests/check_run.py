#!/usr/bin/python3
"""check_run.py: read the file of `adoptsim run` with the tools analysts use.

  check_run.py read FILE                 h5py and xarray read it: names, dims, units, values
  check_run.py agents FILE FIELD OBS     the per-agent table adds up to OBS at the last day
  check_run.py same FILE ...             every dataset bit-identical across the files

Exits non-zero with a message on the first failed check.  Called by
tests/test_readers.c; must run under /usr/bin/python3 (Debian's h5py/xarray).
"""
import sys

import h5py
import numpy as np
import xarray as xr
import yaml

IGNORED_ATTRS = {"created", "threads", "history", "host"}  # differ between identical runs



def fail(msg):
    print("check_run: " + msg, file=sys.stderr)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


def text(v):
    """Attribute text: netCDF-style fixed-length strings arrive as bytes."""
    return v.decode() if isinstance(v, bytes) else str(v)


def read(path):
    with h5py.File(path, "r") as f:
        a = {k: (text(v) if isinstance(v, (bytes, str)) else v) for k, v in f.attrs.items()}
        check(a["program"] == "adoptsim" and a["command"] == "run", "program and command attributes")
        check(str(a["version"]).count(".") == 2, "version attribute")
        definition = yaml.safe_load(a["experiment"])
        (name, scn), = definition["scenarios"].items()
        check([text(s) for s in f["scenario"][...]] == [name], "the scenario is named after its file")
        check(scn["run"]["days"] + 1 == f["time"].shape[0], "scenario days vs time axis")
        check(int(a["seed"]) == scn["run"]["seed"] == definition["seed"], "seed attribute matches scenario")
        check(scn["model"]["name"] == a["model"], "model attribute matches scenario")
        R, T = f["replicate"].shape[0], f["time"].shape[0]
        check(int(a["replicates"]) == R and int(a["runs"]) == R, "replicates and runs attributes")
        for name in ("adopters", "new_adopters", "adopted_share"):
            check(name in f, "missing variable " + name)
            d = f[name]
            check(text(d.attrs["long_name"]), name + " has no long_name")
            check("units" in d.attrs, name + " has no units")
            check(d.shape == (1, 1, R, T), name + " shape %s" % (d.shape,))
            check(d.chunks == (1, 1, 1, T), name + " is not chunked by run")
            check(d.compression == "gzip" and d.shuffle, name + " not compressed")
        check(f["adopters"].dtype == np.int32, "adopters is not int32")
        check(f["completed"][...].all(), "not every run completed")
        check(text(f["time"].attrs["units"]) == "days", "time units")
        adopters = f["adopters"][0, 0]
        n = int(a["agents"])
        check((np.diff(adopters, axis=1) >= 0).all(), "adopters decrease")
        check((np.diff(adopters, axis=1) == f["new_adopters"][0, 0, :, 1:]).all(), "new adopters do not add up")
        check(np.array_equal(f["adopted_share"][0, 0], adopters / n), "share != adopters / agents")
        check(np.array_equal(f["time"][...], np.arange(T)), "time coordinate")

    ds = xr.open_dataset(path)
    check(ds["adopters"].dims == ("scenario", "point", "replicate", "time"), "xarray dims %s" % (ds["adopters"].dims,))
    check("time" in ds.coords and "replicate" in ds.coords and "scenario" in ds.coords, "coordinates missing")
    last = ds["adopted_share"].isel(time=-1).mean("replicate")
    check(((0 <= last) & (last <= 1)).all(), "share out of range")
    check(ds["adopters"].attrs["units"] == "agents", "units attribute in xarray")
    first = ds["adopters"].sel(replicate=0).squeeze(["scenario", "point"])
    check(first.shape == (ds.sizes["time"],), "selection by replicate")
    ds.close()
    print("check_run: %s reads in h5py and xarray" % path)


def agents(path, field, obs):
    """The final per-agent table: dims (scenario, point, replicate, agent);
    the 0/1 column agent_<field> adds up to the last day's count of obs."""
    ds = xr.open_dataset(path)
    col = ds["agent_" + field]
    check(col.dims == ("scenario", "point", "replicate", "agent"), f"dims {col.dims}")
    check(ds.sizes["agent"] == int(ds.attrs["agents"]), "agent dimension size")
    total = col.sum("agent").values
    want = ds[obs].isel(time=-1).values
    check((total == want).all(), f"agent table sums {total} differ from {obs} {want}")
    if "agent_attitude" in ds:  # genai: float32 state stored as float32, averaging to the mean stored
        for name in ("attitude", "skill", "habit"):
            col = ds["agent_" + name]
            check(col.dtype == np.float32, f"agent_{name}: dtype {col.dtype}")
            mean = col.values.astype(np.float64).mean(axis=-1)
            want = ds["mean_" + name].isel(time=-1).values
            check(ds["mean_" + name].dtype == np.float32, f"mean_{name}: dtype {ds['mean_' + name].dtype}")
            check(np.allclose(mean, want, rtol=1e-6, atol=1e-6), f"agent_{name} averages {mean}, mean_{name} {want}")
    if "agent_level" in ds:
        check(ds.agent_level.dims == ("agent",), "agent_level dims")
        check(set(ds.agent_generation.values) <= {0, 1, 2, 3}, "agent_generation codes")
        chief = ds.agent_manager.values == -1
        check(chief.sum() == 1 and (ds.agent_level.values[chief] == 0).all(), "one chief officer at level 0")
    print(f"check_run: {path}: per-agent table of {ds.sizes['agent']} agents adds up to {obs}; "
          f"agent ids {list(ds.agent.values[:3])}...")


def content(obj):
    """A dataset's type and bytes; strings by their text, not their pointers."""
    data = obj[...]
    if data.dtype.kind == "O":
        return (obj.dtype.str, repr(data.tolist()))
    return (obj.dtype.str, data.tobytes())


def datasets(path):
    out = {}
    with h5py.File(path, "r") as f:
        f.visititems(lambda name, obj: out.__setitem__(name, content(obj))
                     if isinstance(obj, h5py.Dataset) else None)
        attrs = {k: text(v) for k, v in f.attrs.items() if k not in IGNORED_ATTRS}
    return out, attrs


def same(paths):
    ref, ref_attrs = datasets(paths[0])
    check(ref, "no datasets in " + paths[0])
    for p in paths[1:]:
        d, attrs = datasets(p)
        check(sorted(d) == sorted(ref), "dataset names differ: %s vs %s" % (p, paths[0]))
        for name in ref:
            check(d[name] == ref[name], "dataset %s differs between %s and %s" % (name, paths[0], p))
        check(attrs.keys() == ref_attrs.keys(), "attribute names differ")
        for k in attrs:
            check(str(attrs[k]) == str(ref_attrs[k]), "attribute %s differs" % k)
    print("check_run: %d files bit-identical in %d datasets" % (len(paths), len(ref)))


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "read":
        read(sys.argv[2])
    elif len(sys.argv) == 5 and sys.argv[1] == "agents":
        agents(sys.argv[2], sys.argv[3], sys.argv[4])
    elif len(sys.argv) >= 4 and sys.argv[1] == "same":
        same(sys.argv[2:])
    else:
        fail("usage: check_run.py read FILE | same FILE FILE ...")
