#!/usr/bin/env python3
"""Writes examples/*.grc. The flowgraphs are data; this keeps them consistent (same variables, same
chain) and reviewable as code. Run: python3 tools/gen_examples.py"""
from pathlib import Path

import yaml

OUT = Path(__file__).resolve().parents[1] / "examples"


def blk(name, id_, params, x, y):
    p = {"comment": ""}
    if id_ not in ("variable", "parameter", "import"):
        p.update(affinity="", alias="", maxoutbuf="0", minoutbuf="0")
    p.update(params)
    return {"name": name, "id": id_, "parameters": p,
            "states": {"bus_sink": False, "bus_source": False, "bus_structure": None, "coordinate": [x, y],
                       "rotation": 0, "state": "enabled"}}


def options(id_, title, description):
    return {"parameters": {"author": "gr-semdiff", "category": "[GRC Hier Blocks]", "description": description,
                           "generate_options": "no_gui", "id": id_, "output_language": "python", "run": "True",
                           "run_command": "{python} -u {filename}", "title": title, "qt_qss_theme": "",
                           "realtime_scheduling": "", "run_options": "run", "sizing_mode": "fixed",
                           "thread_safe_setters": "", "window_size": "(1000,1000)", "copyright": "",
                           "gen_cmake": "On", "gen_linking": "dynamic", "max_nouts": "0", "placement": "(0,0)",
                           "hier_block_src_path": ".:", "comment": ""},
            "states": {"bus_sink": False, "bus_source": False, "bus_structure": None, "coordinate": [8, 8],
                       "rotation": 0, "state": "enabled"}}


def param(name, label, short, type_, value, x):
    return blk(name, "parameter", {"label": label, "short_id": short, "type": type_, "value": value,
                                   "hide": "none"}, x, 12)


GRID = dict(preset="preset", k="k", pilot_type="pilot_type", fft_len="0", cp_len="0", len_tag_key="packet_len")


def phy_blocks(channel_kind):
    return [
        blk("k", "variable", {"value": "128"}, 200, 12),
        blk("preset", "variable", {"value": "'default'"}, 280, 12),
        blk("pilot_type", "variable", {"value": "'block'"}, 380, 12),
        blk("frame_len", "variable", {"value": "semdiff.grid_from(preset, k, pilot_type).frame_len()"}, 480, 12),
        blk("import_semdiff", "import", {"imports": "from gnuradio import semdiff"}, 200, 90),
        blk("interleaver", "semdiff_frame_interleaver", {"k": "k", "seed": "0", "deinterleave": "False",
                                                          "len_tag_key": "packet_len"}, 200, 180),
        blk("framer", "semdiff_ofdm_framer", GRID, 400, 180),
        blk("clipper", "semdiff_papr_clipper", {"frame_len": "frame_len",
                                                 "ratio": "clip_ratio if clip_ratio > 0 else float('inf')",
                                                 "len_tag_key": "packet_len"}, 600, 180),
        blk("channel", "semdiff_multipath_channel", {"frame_len": "frame_len", "kind": f"'{channel_kind}'",
                                                      "n_taps": "8", "decay": "4.0", "snr_db": "snr_db",
                                                      "seed": "seed", "len_tag_key": "packet_len"}, 800, 180),
        blk("deframer", "semdiff_ofdm_deframer", GRID | {"estimator": "'lmmse'", "equalizer": "'mmse'",
                                                          "n_taps": "8" if channel_kind == "multipath" else "1",
                                                          "decay": "4.0", "noise_var": "0.0"}, 200, 320),
        blk("deinterleaver", "semdiff_frame_interleaver", {"k": "k", "seed": "0", "deinterleave": "True",
                                                            "len_tag_key": "packet_len"}, 450, 320),
    ]


PHY_CHAIN = ["interleaver", "framer", "clipper", "channel", "deframer", "deinterleaver"]


def write(id_, title, description, blocks, connections):
    doc = {"options": options(id_, title, description), "blocks": blocks, "connections": connections,
           "metadata": {"file_format": 1, "grc_version": "3.10.5.1"}}
    (OUT / f"{id_}.grc").write_text(yaml.safe_dump(doc, sort_keys=False, default_flow_style=None, width=120))


def chain(names):
    return [[a, "0", b, "0"] for a, b in zip(names, names[1:])]


def loopback_phy():
    blocks = phy_blocks("multipath") + [
        param("n_frames", "Frames", "n", "intx", "20", 680),
        param("snr_db", "SNR (dB)", "s", "eng_float", "20", 800),
        param("clip_ratio", "Clip ratio", "c", "eng_float", "1.4", 920),
        param("seed", "Seed", "", "intx", "0", 1040),
        blk("source", "semdiff_symbol_frame_source", {"k": "k", "n_frames": "n_frames", "seed": "seed"}, 16, 180),
        blk("probe", "semdiff_symbol_frame_probe", {"k": "k", "seed": "seed", "verbose": "True",
                                                     "jsonl_path": "''"}, 700, 320)]
    write("loopback_phy", "gr-semdiff PHY loopback",
          "Symbol frames through interleaver, OFDM framer, PAPR clipper, multipath channel, LMMSE/MMSE deframer; "
          "prints per-frame EVM and estimated SNR", blocks, chain(["source", *PHY_CHAIN, "probe"]))


def loopback_images(id_, title, channel_kind, clip_default, jscc):
    blocks = phy_blocks(channel_kind) + [
        param("n_images", "Images", "n", "intx", "16", 680),
        param("snr_db", "SNR (dB)", "s", "eng_float", "10", 800),
        param("clip_ratio", "Clip ratio (0 = off)", "c", "eng_float", clip_default, 920),
        param("seed", "Seed", "", "intx", "0", 1040),
        param("method", "Decoding method", "m", "str", "hifi_diffcom", 1160),
        param("out_dir", "Output folder", "o", "str", "out/" + id_, 1280),
        blk("source", "semdiff_image_source", {"dataset": "fashion-mnist", "split": "'test'", "start": "0",
                                                "count": "n_images", "interval_s": "0.0", "window": "8"}, 16, 100),
        blk("encoder", "semdiff_jscc_encoder", {"model": jscc, "snr_db": "snr_db", "len_tag_key": "packet_len"},
            16, 180),
        blk("to_pdu", "pdu_tagged_stream_to_pdu", {"type": "complex", "tag": "packet_len"}, 650, 320),
        blk("decoder", "semdiff_diffusion_decoder", {
            "method": "method", "params": "{}", "jscc": jscc, "prior": "prior_fmnist", "link_preset": "preset",
            "pilot_type": "pilot_type", "clip_ratio": "clip_ratio",
            "queue_size": "64", "max_batch": "16", "policy": "'drop_oldest'"}, 850, 320),
        blk("sink", "semdiff_image_sink", {"out_dir": "out_dir + '/frames'", "write_png": "True",
                                            "log_path": "out_dir + '/frames.jsonl'", "metrics": "True",
                                            "expected": "n_images", "exit_when_done": "True"}, 1050, 320)]
    conns = chain(["encoder", *PHY_CHAIN, "to_pdu"]) + [["source", "out", "encoder", "in"],
                                                        ["to_pdu", "pdus", "decoder", "in"],
                                                        ["decoder", "out", "sink", "in"],
                                                        ["sink", "done", "source", "credit"]]
    write(id_, title, f"Fashion-MNIST images as JSCC symbols over OFDM ({channel_kind}), diffusion decoding",
          blocks, conns)


def interference_icdm():
    blocks = [
        blk("import_semdiff", "import", {"imports": "from gnuradio import semdiff"}, 200, 90),
        param("n_images", "Images", "n", "intx", "16", 200),
        param("snr_db", "SNR (dB)", "s", "eng_float", "20", 320),
        param("sinr_db", "SINR (dB)", "i", "eng_float", "0", 440),
        param("interferer", "Interferer class", "", "str", "qpsk", 560),
        param("out_dir", "Output folder", "o", "str", "out/interference_icdm", 680),
        blk("source", "semdiff_image_source", {"dataset": "fashion-mnist", "split": "'test'", "start": "0",
                                                "count": "n_images", "interval_s": "0.0", "window": "8"}, 16, 180),
        blk("encoder", "semdiff_jscc_encoder_pdu", {"model": "jscc_fmnist_awgn_cbr1-8", "snr_db": "snr_db"}, 220, 180),
        blk("injector", "semdiff_interference_injector", {"k": "128", "interferer": "interferer", "sinr_db": "sinr_db",
                                                          "snr_db": "snr_db", "fading": "'rayleigh'", "seed": "0"},
            420, 180),
        blk("canceller", "semdiff_interference_canceller", {
            "k": "128", "signal_prior": "symprior_jscc_k128",
            "interference_prior": "semdiff.interference_prior_name(interferer, 'rayleigh')", "steps": "40",
            "order": "2", "beta": "2.0", "gamma": "2.0", "samples": "8"}, 620, 180),
        blk("decoder", "semdiff_diffusion_decoder", {
            "method": "deepjscc", "params": "{}", "jscc": "jscc_fmnist_awgn_cbr1-8", "prior": "prior_fmnist",
            "link_preset": "'default'", "pilot_type": "'block'", "clip_ratio": "0.0", "queue_size": "64",
            "max_batch": "16", "policy": "'drop_oldest'"}, 820, 180),
        blk("sink", "semdiff_image_sink", {"out_dir": "out_dir + '/frames'", "write_png": "True",
                                            "log_path": "out_dir + '/frames.jsonl'", "metrics": "True",
                                            "expected": "n_images", "exit_when_done": "True"}, 1020, 180)]
    conns = [["source", "out", "encoder", "in"], ["encoder", "out", "injector", "in"],
             ["injector", "out", "canceller", "in"], ["canceller", "out", "decoder", "in"],
             ["decoder", "out", "sink", "in"], ["sink", "done", "source", "credit"]]
    write("interference_icdm", "gr-semdiff ICDM interference cancellation",
          "JSCC symbols + an interferer at a set SINR over Rayleigh fading; ICDM cleans them before decoding",
          blocks, conns)


def interference_waveform():
    blocks = phy_blocks("multipath") + [
        param("n_frames", "Frames", "n", "intx", "20", 680),
        param("snr_db", "SNR (dB)", "s", "eng_float", "20", 800),
        param("clip_ratio", "Clip ratio", "c", "eng_float", "0", 920),
        param("seed", "Seed", "", "intx", "0", 1040),
        param("sinr_db", "SINR (dB)", "i", "eng_float", "5", 1160),
        param("interferer", "Interferer class", "", "str", "qpsk", 1280),
        blk("source", "semdiff_symbol_frame_source", {"k": "k", "n_frames": "n_frames", "seed": "seed"}, 16, 180),
        blk("interference", "semdiff_waveform_interference", {
            "interferer": "interferer", "sinr_db": "sinr_db", "snr_db": "snr_db", "fading": "'none'", "seed": "seed",
            "avg_len": "4096", "tone_freq": "0.1"}, 900, 250),
        blk("null", "blocks_null_sink", {"type": "complex", "vlen": "1", "num_inputs": "1", "bus_structure_sink": "[[0,],]"},
            1100, 250),
        blk("probe", "semdiff_symbol_frame_probe", {"k": "k", "seed": "seed", "verbose": "True",
                                                     "jsonl_path": "''"}, 700, 320)]
    conns = chain(["source", "interleaver", "framer", "clipper", "channel", "interference", "deframer",
                   "deinterleaver", "probe"]) + [["interference", "1", "null", "0"]]
    write("interference_waveform", "gr-semdiff waveform-level interference",
          "Symbol frames over OFDM with an interferer added between channel and deframer at a set SINR "
          "(GNU Radio blocks); prints per-frame EVM", blocks, conns)


if __name__ == "__main__":
    interference_waveform()
    interference_icdm()
    loopback_phy()
    loopback_images("loopback_awgn", "gr-semdiff image loopback, AWGN", "awgn", "0", "jscc_fmnist_awgn_cbr1-8")
    loopback_images("loopback_multipath_clip", "gr-semdiff image loopback, multipath + clipping", "multipath",
                    "1.4", "jscc_fmnist_ofdm_cbr1-8")
