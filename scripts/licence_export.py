#!/usr/bin/python3
"""licence_export.py: a synthetic admin-console export from an adoptsim results
file: one row per calendar month end since the roll-out, with the monthly and
weekly active users of replicate 0 of the first scenario, as a licence console
exports them (date, monthly_active, weekly_active).  For the calibration
example (README.md, Calibration) and tests: data made by the model itself at
known parameter values.

usage: /usr/bin/python3 scripts/licence_export.py RESULTS.h5 START_DATE MONTHS [--gap N]

  START_DATE   the roll-out date (run.start_date of the run), YYYY-MM-DD
  MONTHS       the number of month ends to export
  --gap N      leave the weekly_active cell of row N (1-based) empty, as a
               console that missed a week would
"""
import calendar
import datetime
import sys

import h5py


def month_end(start, k):
    """The date k months after start (the month's last day when shorter)."""
    y, m = divmod(start.month - 1 + k, 12)
    year, month = start.year + y, m + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return datetime.date(year, month, day)


def main(argv):
    args = [a for a in argv[1:] if a != "--gap"]
    gap = None
    if "--gap" in argv:
        gap = int(argv[argv.index("--gap") + 1])
        args.remove(str(gap))
    if len(args) != 3:
        sys.stderr.write(__doc__)
        return 2
    path, start, months = args[0], datetime.date.fromisoformat(args[1]), int(args[2])
    with h5py.File(path, "r") as f:
        monthly = f["monthly_active"][0, 0, 0, :]
        weekly = f["weekly_active"][0, 0, 0, :]
        days = f["time"][:]
    print("date,monthly_active,weekly_active")
    for k in range(1, months + 1):
        d = month_end(start, k)
        day = (d - start).days
        t = list(days).index(day)
        week = "" if gap == k else "%d" % weekly[t]
        print("%s,%d,%s" % (d.isoformat(), monthly[t], week))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
