#!/usr/bin/python3
"""check_teams.py: the breakdown by team (output.breakdowns: team) as readers see it.

  check_teams.py teams FILE     FILE (one scenario, output.agents: true) has a team
                                dimension scale whose coordinate holds the teams' names
                                (those of agent_team_name, by agent_team); every
                                <obs>_by_team adds up over the teams to <obs> (counts
                                exactly, means weighted by the teams' staff) at every
                                day and replicate; staff_by_team is each team's headcount;
                                xarray selects a team by its name
  check_teams.py none FILE      FILE has no team dimension and no _by_team variable

Exits non-zero with a message on the first failed check.  Called by
tests/test_readers.c; must run under /usr/bin/python3 (Debian's h5py/xarray).
"""
import sys

import h5py
import numpy as np
import xarray as xr


def fail(msg):
    print("check_teams: " + msg, file=sys.stderr)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


def text(values):
    return [v.decode() if isinstance(v, bytes) else str(v) for v in values]


def teams(path):
    with h5py.File(path, "r") as f:
        check("team" in f, "no team dimension")
        check(f["team"].attrs.get("CLASS") == b"DIMENSION_SCALE", "team is not a dimension scale")
        names = text(f["team"][...])
        by_team = sorted(k for k in f if k.endswith("_by_team"))
        check(by_team, "no _by_team variables")
        for name in by_team:
            d = f[name]
            check(d.ndim == 5 and d.shape[4] == len(names), "%s: shape %s" % (name, d.shape))
            check(d.dims[4][0].name == "/team", "%s: last dimension %s" % (name, d.dims[4][0].name))
            check(d.chunks == (1, 1, 1) + d.shape[3:], "%s: chunks %s" % (name, d.chunks))
        # the coordinate names each team as the per-agent table does
        team_of = f["agent_team"][...]
        agent_names = text(f["agent_team_name"][...])
        check(len(set(names)) == len(names), "team names repeat")
        for i, t in enumerate(team_of):
            check(names[t] == agent_names[i], "agent %d: team %d is %r, the coordinate says %r"
                  % (i, t, agent_names[i], names[t]))
        headcount = np.bincount(team_of, minlength=len(names))
        staff = f["staff_by_team"][...]
        check((staff == headcount).all(), "staff_by_team is not each team's headcount")
        for name in by_team:
            obs = name[:-len("_by_team")]
            total, parts = f[obs][...], f[name][...]
            if parts.dtype.kind == "i":
                check((parts.sum(axis=4) == total).all(), "%s does not add up to %s" % (name, obs))
            else:  # a mean: the teams' means weighted by their staff (float32: to its 7 digits)
                weighted = (parts * staff).sum(axis=4) / staff.sum(axis=4)
                single = parts.dtype == np.float32
                check(np.allclose(weighted, total, rtol=1e-6 if single else 1e-9, atol=1e-6 if single else 1e-12),
                      "%s does not average to %s" % (name, obs))
    with xr.open_dataset(path, decode_timedelta=False) as ds:
        check(ds["regular_users_by_team"].dims[-1] == "team", "xarray: team dimension")
        check(text(ds["team"].values) == names, "xarray: team labels")
        last = names[-1]
        got = ds["staff_by_team"].sel(team=last).isel(scenario=0, point=0, replicate=0, time=0).item()
        check(got == headcount[-1], "xarray: staff of team %r" % last)
    print("check_teams: %s: %d teams, %d variables by team add up" % (path, len(names), len(by_team)))


def none(path):
    with h5py.File(path, "r") as f:
        check("team" not in f, "a team dimension without output.breakdowns: team")
        extra = [k for k in f if k.endswith("_by_team")]
        check(not extra, "_by_team variables without output.breakdowns: team: %s" % extra[:3])


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("teams", "none"):
        print(__doc__, file=sys.stderr)
        return 2
    {"teams": teams, "none": none}[sys.argv[1]](sys.argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main())
