"""Building blocks for tools/gen_examples.py: GRC block/parameter dictionaries, and a layout that places
them without overlap using the sizes GNU Radio Companion itself draws them at (measured by
tools/grc_check.py under Xvfb, so the positions hold whatever the fonts and parameter values)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
GAP_X, GAP_Y, ROW_W = 40, 48, 1500


def blk(name, id_, params, rotation=0):
    p = {"comment": ""}
    if id_ not in ("variable", "parameter", "import"):
        p.update(affinity="", alias="", maxoutbuf="0", minoutbuf="0")
    p.update(params)
    return {"name": name, "id": id_, "parameters": p,
            "states": {"bus_sink": False, "bus_source": False, "bus_structure": None, "coordinate": [0, 0],
                       "rotation": rotation, "state": "enabled"}}


def options(id_, title, description, gui=False):
    return {"parameters": {"author": "gr-semdiff", "category": "[GRC Hier Blocks]", "description": description,
                           "generate_options": "qt_gui" if gui else "no_gui", "id": id_,
                           "output_language": "python", "run": "True", "run_command": "{python} -u {filename}",
                           "title": title, "qt_qss_theme": "", "realtime_scheduling": "", "run_options": "run",
                           "sizing_mode": "fixed", "thread_safe_setters": "", "window_size": "(1300,900)" if gui else "(1000,1000)",
                           "copyright": "", "gen_cmake": "On", "gen_linking": "dynamic", "max_nouts": "0",
                           "placement": "(0,0)", "hier_block_src_path": ".:", "comment": ""},
            "states": {"bus_sink": False, "bus_source": False, "bus_structure": None, "coordinate": [8, 8],
                       "rotation": 0, "state": "enabled"}}


def param(name, label, short, type_, value):
    return blk(name, "parameter", {"label": label, "short_id": short, "type": type_, "value": value, "hide": "none"})


def variable(name, value):
    return blk(name, "variable", {"value": value})


def chain(names):
    return [[a, "0", b, "0"] for a, b in zip(names, names[1:])]


def _doc(id_, title, description, blocks, connections, gui):
    return {"options": options(id_, title, description, gui), "blocks": blocks, "connections": connections,
            "metadata": {"file_format": 1, "grc_version": "3.10.5.1"}}


def measure(docs: dict) -> dict:
    """{example id: {block name: [w, h]}} as GRC draws them (xvfb-run + tools/grc_check.py)."""
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for id_, doc in docs.items():
            path = Path(tmp) / f"{id_}.grc"
            path.write_text(yaml.safe_dump(doc, sort_keys=False, default_flow_style=None, width=120))
            paths.append(str(path))
        res = subprocess.run(["xvfb-run", "-a", sys.executable, str(ROOT / "tools" / "grc_check.py"), *paths],
                             capture_output=True, text=True, timeout=300, env=os.environ)
        line = next((l for l in res.stdout.splitlines() if l.startswith("GRC_CHECK ")), None)
        if line is None:
            raise RuntimeError(f"grc_check failed:\n{res.stdout[-2000:]}\n{res.stderr[-2000:]}")
        out = json.loads(line[len("GRC_CHECK "):])
        return {Path(p).stem: v["sizes"] for p, v in out.items() if p != "console_errors"}


def place(doc: dict, rows: list[list[str]], sizes: dict):
    """Top rows: options, then variables/parameters/imports wrapped at ROW_W; then the given rows of the
    signal chain, left to right. Every position is on GRC's 8-pixel grid."""
    by_name = {b["name"]: b for b in doc["blocks"]}
    opts_w, opts_h = sizes.get(doc["options"]["parameters"]["id"], [200, 120])
    head = [b["name"] for b in doc["blocks"] if b["id"] in ("variable", "parameter", "import")]
    x, y, row_h = 8 + opts_w + GAP_X, 8, opts_h
    lines = [[]]
    for n in head:
        w, h = sizes[n]
        if x + w > ROW_W and lines[-1]:
            x, y, row_h = 8 + opts_w + GAP_X, y + row_h + 16, 0
            lines.append([])
        by_name[n]["states"]["coordinate"] = [x // 8 * 8, y // 8 * 8]
        x, row_h = x + w + GAP_X, max(row_h, h)
        lines[-1].append(n)
    y = max(y + row_h, 8 + opts_h) + GAP_Y
    for row in rows:
        x, row_h = 8, 0
        for n in row:
            w, h = sizes[n]
            by_name[n]["states"]["coordinate"] = [x // 8 * 8 + 8, y // 8 * 8 + 8]
            x, row_h = x + w + GAP_X, max(row_h, h)
        y += row_h + GAP_Y


def write_all(examples: dict, out_dir: Path):
    """examples: {id: (title, description, blocks, connections, rows, gui)} → laid out .grc files."""
    docs = {id_: _doc(id_, t, d, b, c, gui) for id_, (t, d, b, c, rows, gui) in examples.items()}
    sizes = measure(docs)
    for id_, (_, _, _, _, rows, _) in examples.items():
        placed = {n for r in rows for n in r} | {b["name"] for b in docs[id_]["blocks"]
                                                  if b["id"] in ("variable", "parameter", "import")}
        missing = {b["name"] for b in docs[id_]["blocks"]} - placed
        if missing:
            raise ValueError(f"{id_}: blocks not in any row: {sorted(missing)}")
        place(docs[id_], rows, sizes[id_])
        (out_dir / f"{id_}.grc").write_text(yaml.safe_dump(docs[id_], sort_keys=False, default_flow_style=None,
                                                           width=120))
