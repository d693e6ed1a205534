#!/usr/bin/python3
"""read_output.py: h5py and xarray read a results file to exactly the values
the engine computed (tests/test_output.c).

  /usr/bin/python3 tests/read_output.py FILE EXPECTED.txt EXPECTED.bin LEVEL

EXPECTED.txt has one line "name count" per variable, EXPECTED.bin the
float64 values of each in turn (replicate, time[, group]) as the engine made
them in memory.  FILE is a run's file (one scenario, one point) written with
deflate level LEVEL (0: no filters).  h5py and xarray decode the stored
chunks themselves; every value must be equal (counts as int32, means as
float32, the rest as float64, bit for bit).  Exit 0 when everything matches, 1 with the failures
on stderr."""
import sys
import warnings

warnings.filterwarnings("ignore")

import h5py  # noqa: E402
import numpy as np  # noqa: E402
import xarray as xr  # noqa: E402

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)


def expected(txt, binary):
    raw = np.fromfile(binary, dtype="<f8")
    out, pos = {}, 0
    for line in open(txt):
        name, count = line.split()
        out[name] = raw[pos:pos + int(count)]
        pos += int(count)
    check(pos == raw.size, "expected values: %d of %d used" % (pos, raw.size))
    return out


def main():
    if len(sys.argv) != 5:
        print(__doc__, file=sys.stderr)
        return 2
    path, level = sys.argv[1], int(sys.argv[4])
    want = expected(sys.argv[2], sys.argv[3])
    with h5py.File(path, "r") as f:
        for name, x in want.items():
            d = f[name]
            check(d.shape[:2] == (1, 1), "%s: shape %s" % (name, d.shape))
            check(d.chunks == (1, 1, 1) + d.shape[3:], "%s: chunks %s" % (name, d.chunks))
            check((d.compression == "gzip" and d.compression_opts == level and d.shuffle) if level
                  else (d.compression is None and not d.shuffle), "%s: filters %s %s" % (name, d.compression, d.shuffle))
            got = d[...].reshape(-1)
            if d.dtype == np.int32:
                ok = np.array_equal(got, np.rint(x).astype(np.int32))
            elif name.startswith("mean_"):  # means of float32 state: float32, the engine's value rounded
                check(d.dtype == np.float32, "%s: dtype %s" % (name, d.dtype))
                x = x.astype(np.float32)
                ok = got.tobytes() == x.tobytes()
            else:
                check(d.dtype == np.float64, "%s: dtype %s" % (name, d.dtype))
                ok = got.tobytes() == x.tobytes()
            check(ok, "%s: h5py reads other values than the engine's (first differences at %s)"
                  % (name, np.nonzero(got != x)[0][:5]))
    with xr.open_dataset(path, decode_timedelta=False) as ds:
        for name, x in want.items():
            got = ds[name].values.reshape(-1)
            check(np.array_equal(got, x.astype(got.dtype) if got.dtype == np.float32 else x),
                  "%s: xarray reads other values" % name)
        check(ds["monthly_active_by_level"].dims[-1] == "level", "level dimension")
        check(list(ds["generation"].values) == ["gen_z", "millennial", "gen_x", "boomer"], "generation labels")
    for msg in failures:
        print("read_output.py: %s: %s" % (path, msg), file=sys.stderr)
    if not failures:
        print("read_output.py: %s: %d variables equal the engine's values" % (path, len(want)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
