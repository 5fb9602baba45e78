#!/usr/bin/env python3
"""Open flowgraphs in the real GNU Radio Companion GUI (run it under Xvfb: xvfb-run -a) and report, as
JSON on a stdout line starting with "GRC_CHECK ", what a user would see: console errors, flowgraph validation errors, and blocks whose
drawn rectangles overlap. Used by tests/test_grc_gui.py and by tools/gen_examples.py's layout check."""
import json
import sys

import gi

gi.require_version("Gtk", "3.0")
gi.require_version("PangoCairo", "1.0")
from gi.repository import GLib  # noqa: E402
from gnuradio import gr  # noqa: E402
from gnuradio.grc.core import Messages  # noqa: E402
from gnuradio.grc.gui.Platform import Platform  # noqa: E402  (before Application: GRC's own import order)
from gnuradio.grc.gui.Application import Application  # noqa: E402

console: list[str] = []
MARK = "GRC_CHECK "


def overlaps(rects):
    bad = []
    for i, (a, ax, ay, aw, ah) in enumerate(rects):
        for b, bx, by, bw, bh in rects[i + 1:]:
            if ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah:
                bad.append([a, b])
    return bad


def report(app):
    out = {}
    for page in app.main_window.notebook.get_children():
        fg = page.flow_graph
        rects = []
        for b in fg.blocks:
            b.create_labels()
            b.create_shapes()
            x, y = b.coordinate
            rects.append((b.name, x, y, b.width, b.height))
        out[page.file_path] = {"valid": fg.is_valid(), "errors": fg.get_error_messages()[:10],
                               "overlaps": overlaps(rects), "blocks": len(rects),
                               "sizes": {n: [w, h] for n, _, _, w, h in rects},
                               "size": [max(x + w for _, x, _, w, _ in rects), max(y + h for _, _, y, _, h in rects)]}
    out["console_errors"] = [l for l in console if "error" in l.lower() or "traceback" in l.lower()]
    if SHOT:
        from gi.repository import Gdk
        win = app.main_window.get_window()
        shot = Gdk.pixbuf_get_from_window(win, 0, 0, win.get_width(), win.get_height())
        shot.savev(SHOT, "png", [], [])
        out["screenshot"] = SHOT
    print(MARK + json.dumps(out))  # GRC prints its own console lines on stdout too
    sys.stdout.flush()
    app.quit()
    return False


SHOT = None


def main(paths):
    platform = Platform(version=gr.version(), prefs=gr.prefs(), install_prefix=gr.prefix(),
                        version_parts=(gr.major_version(), gr.api_version(), gr.minor_version()))
    platform.build_library()
    Messages.register_messenger(console.append)
    app = Application(paths, platform)
    GLib.timeout_add(4000, report, app)
    app.run([])


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["--screenshot"]:
        SHOT, args = args[1], args[2:]
    main(args)
