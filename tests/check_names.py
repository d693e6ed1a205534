#!/usr/bin/python3
"""check_names.py: the names and dates of a run on tests/data/orgchart/names.csv.

  check_names.py FILE START LAST

FILE is the results of `adoptsim run` on the chart with output.agents true
and training targeted at department Sales; START the run.start_date
(YYYY-MM-DD, or - for none) and LAST the last day (run.days).  Checks with
h5py and xarray: each agent's team and department names, groupby by them,
who was trained, and the time axis: CF units "days since START" that xarray
decodes to the dates START .. START + LAST, or plain days.

Exits non-zero with a message on the first failed check.  Called by
tests/test_inputs.c; must run under /usr/bin/python3 (Debian's h5py/xarray).
"""
import sys

import h5py
import numpy as np
import xarray as xr

# names.csv: agent id -> (team name, department name), worked out by hand
# from the chart (an unlabelled person's team is named by the manager's id,
# the chief officer's by "-"; an empty department is the manager's)
WANT = {
    "CEO": ("-", "CEO"),
    "H1": ("Leads", "Sales"),
    "H2": ("Leads", "R&D"),
    "S1": ("Sales, EMEA", "Sales"),
    "S2": ("Sales, EMEA", "Sales"),
    "S3": ("H1", "Sales"),
    "R1": ("Platform", "R&D"),
    "R2": ("Platform", "Legal"),
    "X1": ("H1", "R&D"),
    "R3": ("R2", "Legal"),
}


def fail(msg):
    print("check_names: " + msg, file=sys.stderr)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


def text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


def main():
    path, start, last = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with h5py.File(path, "r") as f:
        units = text(f["time"].attrs["units"])
        want_units = "days" if start == "-" else "days since " + start
        check(units == want_units, "time units %r, expected %r" % (units, want_units))
        check(np.array_equal(f["time"][...], np.arange(last + 1)), "time coordinate is not the days 0..%d" % last)
        ids = [text(x) for x in f["agent"][...]]
        teams = [text(x) for x in f["agent_team_name"][...]]
        depts = [text(x) for x in f["agent_department_name"][...]]
        check(sorted(ids) == sorted(WANT), "agent ids %s" % ids)
        for i, a in enumerate(ids):
            check((teams[i], depts[i]) == WANT[a], "%s: team %r, department %r, expected %r" %
                  (a, teams[i], depts[i], WANT[a]))
        num = f["agent_department"][...]
        for i in range(len(ids)):
            for j in range(len(ids)):
                check((num[i] == num[j]) == (depts[i] == depts[j]), "agent_department numbers disagree with names")

    with xr.open_dataset(path) as ds:
        if start != "-":
            t0 = np.datetime64(start, "ns")
            check(ds.time.dtype.kind == "M", "xarray did not decode the time axis to dates: %s" % ds.time.dtype)
            check(ds.time.values[0] == t0, "day 0 is %s, expected %s" % (ds.time.values[0], start))
            check(ds.time.values[-1] == t0 + np.timedelta64(last, "D"), "last day %s" % ds.time.values[-1])
        by_team = ds.agent_regular.groupby(ds.agent_team_name).mean()
        check(sorted(by_team.agent_team_name.values.tolist()) == sorted({t for t, _ in WANT.values()}),
              "groupby team names: %s" % by_team.agent_team_name.values)
        trained = ds.agent_trained.groupby(ds.agent_department_name).sum()
        for d in trained.agent_department_name.values:
            got = trained.sel(agent_department_name=d).values
            if d == "Sales":
                check((got == 4).all(), "training targets department Sales (4 people): %s" % got)
            else:
                check((got == 0).all(), "department %s was trained: %s" % (d, got))
    print("check_names: %s: names of 10 agents, groupby, training by department, time %s" % (path, want_units),
          file=sys.stderr)


if __name__ == "__main__":
    main()
