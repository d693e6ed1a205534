#!/usr/bin/python3
"""check_image.py: the images of analysis/ scripts are the right size and not blank.

  check_image.py PREFIX SUFFIX=WIDTHxHEIGHT ...

For each SUFFIX, PREFIX_SUFFIX.png must be WIDTH x HEIGHT pixels and drawn
on: between 1% and 60% of its pixels differ from the background (the
commonest colour), it holds at least 8 distinct colours (text, lines,
bands), and inside the frame of every panel of the rightmost column (found
as long dark horizontal lines) at least 0.3% of the pixels are darker than
the grid lines: curves or bands, not only empty axes.  PREFIX_SUFFIX.svg
must be an SVG document with drawn paths.  Exits non-zero with a message on
the first failed check.  Called by
tests/test_analysis.c under /usr/bin/python3.
"""
import sys
import xml.etree.ElementTree as ET

import matplotlib

matplotlib.use("Agg")
import matplotlib.image as mpimg  # noqa: E402
import numpy as np  # noqa: E402


def fail(msg):
    print("check_image: " + msg, file=sys.stderr)
    sys.exit(1)


def check_png(path, width, height):
    try:
        img = mpimg.imread(path)
    except (OSError, ValueError) as e:
        fail("%s: %s" % (path, e))
    h, w = img.shape[:2]
    if (w, h) != (width, height):
        fail("%s is %dx%d pixels, expected %dx%d" % (path, w, h, width, height))
    rgb = np.round(img[..., :3] * 255).astype(np.int32)
    if img.shape[2] == 4:  # transparent pixels count as white
        a = img[..., 3:4]
        rgb = np.round((img[..., :3] * a + (1 - a)) * 255).astype(np.int32)
    code = (rgb[..., 0] << 16) | (rgb[..., 1] << 8) | rgb[..., 2]
    colours, counts = np.unique(code, return_counts=True)
    background = colours[np.argmax(counts)]
    drawn = float((code != background).mean())
    if not 0.01 <= drawn <= 0.60:
        fail("%s: %.1f%% of the pixels differ from the background #%06x (blank or flooded)"
             % (path, 100 * drawn, background))
    if len(colours) < 8:
        fail("%s: only %d distinct colours" % (path, len(colours)))
    return drawn, len(colours), check_panels(path, rgb)


def frames(rgb, min_len=80):
    """(top, bottom, left, right) of the panels of the rightmost column: the
    pairs of long dark horizontal lines with the right-most common extent."""
    dark = rgb.min(axis=2) < 160  # R draws a 1 px frame as two grey rows
    segs = []  # [y0, y1, x0, x1], thick lines merged
    for y in range(dark.shape[0]):
        d = np.diff(np.concatenate(([0], dark[y].astype(np.int8), [0])))
        for x0, x1 in zip(np.nonzero(d == 1)[0], np.nonzero(d == -1)[0]):
            if x1 - x0 < min_len:
                continue
            last = next((s for s in segs if s[1] == y - 1 and abs(s[2] - x0) <= 2
                         and abs(s[3] - x1) <= 2), None)
            if last:
                last[1] = y
            else:
                segs.append([y, y, int(x0), int(x1)])
    if not segs:
        return []
    right = max(s[3] for s in segs)
    col = sorted((s for s in segs if abs(s[3] - right) <= 2), key=lambda s: s[0])
    col = [s for s in col if abs(s[2] - col[0][2]) <= 2]
    if len(col) % 2:
        return []
    return [(col[i][1], col[i + 1][0], col[i][2], col[i][3]) for i in range(0, len(col), 2)]


def check_panels(path, rgb):
    boxes = frames(rgb)
    if not boxes:
        fail("%s: no panel frames found" % path)
    for top, bottom, left, right in boxes:
        # 10 px in: the frame lines found may include a corner tick mark
        inner = rgb[top + 10:bottom - 9, left + 10:right - 10]
        if inner.size == 0:
            fail("%s: degenerate panel at y %d..%d" % (path, top, bottom))
        ink = float((inner.min(axis=2) < 200).mean())  # grid lines are lighter
        if ink < 0.003:
            fail("%s: the panel at x %d..%d, y %d..%d is empty (%.2f%% drawn)"
                 % (path, left, right, top, bottom, 100 * ink))
    return len(boxes)


def check_svg(path):
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as e:
        fail("%s: %s" % (path, e))
    if not root.tag.endswith("svg"):
        fail("%s: root element is %s, not svg" % (path, root.tag))
    paths = sum(1 for e in root.iter() if e.tag.endswith("path"))
    if paths < 10:
        fail("%s: only %d path elements" % (path, paths))


def main(argv):
    if len(argv) < 3:
        fail("usage: check_image.py PREFIX SUFFIX=WIDTHxHEIGHT ...")
    prefix = argv[1]
    for spec in argv[2:]:
        suffix, size = spec.split("=")
        width, height = (int(v) for v in size.split("x"))
        png = "%s_%s.png" % (prefix, suffix)
        drawn, ncol, npanels = check_png(png, width, height)
        check_svg("%s_%s.svg" % (prefix, suffix))
        print("check_image: %s %dx%d, %.1f%% drawn, %d colours, %d panel%s in the last column"
              " drawn on; svg ok" % (png, width, height, 100 * drawn, ncol, npanels,
                                     "s" if npanels > 1 else ""))


if __name__ == "__main__":
    main(sys.argv)
