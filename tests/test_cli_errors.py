"""A user's mistakes end in one line naming the option and exit status 2 — never a traceback, never a
run that goes on with a nonsense value. Run as a subprocess, the way a user meets the command."""
import argparse
import json
import os
import subprocess
import sys

import pytest

BAD = [
    (["eval", "diffcom", "--methods", "nope"], "--methods"),
    (["eval", "diffcom", "--conditions", "bogus"], "--conditions"),
    (["eval", "diffcom", "--params", "{bad json"], "--params"),
    (["eval", "diffcom", "--params", '{"diffcom": {"steps": 0}}'], "--params"),
    (["eval", "diffcom", "--params", '{"diffcom": {"solver": "bogus"}}'], "--params"),
    (["eval", "diffcom", "--params", '{"hifi_diffcom": {"zeta": NaN}}'], "--params"),
    (["eval", "diffcom", "--params", "[1, 2]"], "--params"),
    (["eval", "diffcom", "--batch", "0"], "--batch"),
    (["eval", "diffcom", "--n", "0"], "--n"),
    (["eval", "diffcom", "--n", "-5"], "--n"),
    (["eval", "diffcom", "--conditions", "none"], "--conditions"),
    (["eval", "refiners", "--conditions", "awgn3"], "--conditions"),
    (["eval", "refiners", "--methods", "sing_zero,nope"], "--methods"),
    (["eval", "refiners", "--lams", "0,-1"], "--lams"),
    (["eval", "refiners", "--lams", "0,64", "--lam-condition", "awgn10"], "--lam-condition"),
    (["eval", "refiners", "--params", '{"diffjscc": {"cfg_scale": -1}}'], "--params"),
    (["eval", "refiners", "--images", "/nonexistent"], "--images"),
    (["eval", "refiners", "--images", "/tmp", "--tune"], "--tune"),
    (["eval", "icdm", "--n", "-5"], "--n"),
    (["eval", "icdm", "--classes", "bogus"], "--classes"),
    (["eval", "icdm", "--beta-awgn", "-1"], "--beta-awgn"),
    (["eval", "models", "--n-codec", "-5"], "--n-codec"),
    (["eval", "prior", "--n", "1"], "--n"),
    (["demo", "--images", "0"], "--images"),
    (["demo", "--methods", "hifi_diffcom,bogus"], "--methods"),
    (["demo", "--snr-db", "nan"], "--snr-db"),
    (["demo", "--phy", "--frames", "0"], "--frames"),
    (["demo", "--clip", "0"], "--clip"),
    (["demo", "--timeout", "-1"], "--timeout"),
    (["samples", "--steps", "0"], "--steps"),
    (["samples", "--steps", "-3"], "--steps"),
    (["samples", "-n", "0"], "--n"),
    (["bench", "phy", "--k", "0"], "--k"),
    (["bench", "decoder", "--steps", "abc"], "--steps"),
    (["train", "jscc", "--cbr", "0"], "--cbr"),
    (["train", "jscc", "--data", "/nonexistent"], "--data"),
    (["train", "jscc", "--batch", "0"], "--batch"),
    (["train", "jscc", "--steps", "-5"], "--steps"),
    (["train", "symbol-prior", "--source", "bogus"], "--source"),
    (["train", "prior", "--ema-decay", "1.5"], "--ema-decay"),
    (["--threads", "0", "demo"], "--threads"),
]


def run(*args, env=None):
    return subprocess.run([sys.executable, "-m", "gnuradio.semdiff.cli", *args], capture_output=True, text=True,
                          timeout=120, env={**os.environ, **(env or {})})


@pytest.mark.parametrize("args,option", BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_option_is_one_line_naming_it(args, option):
    r = run(*args)
    assert r.returncode == 2, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in r.stderr, r.stderr
    assert option in lines[0] or option.lstrip("-") in lines[0], lines[0]


def _parsers(p):
    yield p
    for a in p._actions:
        if isinstance(a, argparse._SubParsersAction):
            for sp in a.choices.values():
                yield from _parsers(sp)


def test_help_gives_every_option_a_sentence_and_its_default():
    from gnuradio.semdiff.cli_parser import build_parser
    n = 0
    for p in _parsers(build_parser()):
        for a in p._actions:
            if isinstance(a, (argparse._HelpAction, argparse._SubParsersAction)):
                continue
            assert a.help and len(a.help) > 8, (p.prog, a.dest)
            n += 1
    assert n > 60
    out = run("eval", "diffcom", "--help", env={"COLUMNS": "200"}).stdout
    assert "(default: 100)" in out and "(default: deepjscc,diffcom,hifi_diffcom)" in out
    assert "Send images" in run("--help").stdout


def test_train_never_overwrites_without_force(tmp_path):
    out = tmp_path / "zoo"
    args = ["train", "classifier", "--steps", "1", "--batch", "8", "--out", str(out), "--runs", str(tmp_path / "r")]
    assert run(*args).returncode == 0
    assert (out / "classifier_fmnist.json").exists()
    r = run(*args)
    assert r.returncode == 2 and "--force" in r.stderr and "Traceback" not in r.stderr
    assert run(*args, "--force").returncode == 0


def test_train_default_output_is_a_user_dir_named_after_the_data(tmp_path):
    pics = tmp_path / "My Pics"
    pics.mkdir()
    from PIL import Image
    for i in range(4):
        Image.new("L", (40, 30), color=40 * i).save(pics / f"{i}.png")
    r = run("train", "prior", "--data", str(pics), "--steps", "1", "--batch", "2", "--runs", str(tmp_path / "r"),
            env={"XDG_DATA_HOME": str(tmp_path / "xdg")})
    assert r.returncode == 0, r.stderr
    made = tmp_path / "xdg" / "gr-semdiff" / "models"
    assert (made / "prior_my-pics" / "config.json").exists()
    assert "prior_my-pics/config.json" in json.loads((made / "manifest.json").read_text())["files"]
