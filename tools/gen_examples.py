#!/usr/bin/env python3
"""Writes examples/*.grc. The flowgraphs are data; this keeps them consistent (same variables, same
chain) and reviewable as code, and lays them out with GRC's own block sizes (needs xvfb-run).
Run: source .prefix/env.sh && python tools/gen_examples.py"""
from pathlib import Path

from grc_layout import blk, chain, param, variable, write_all

OUT = Path(__file__).resolve().parents[1] / "examples"
GRID = dict(preset="preset", k="k", pilot_type="pilot_type", fft_len="0", cp_len="0", len_tag_key="packet_len")
PHY_CHAIN = ["interleaver", "framer", "clipper", "channel", "deframer", "deinterleaver"]


def phy_vars():
    return [variable("k", "128"), variable("preset", "'default'"), variable("pilot_type", "'block'"),
            variable("frame_len", "semdiff.grid_from(preset, k, pilot_type).frame_len()"),
            blk("import_semdiff", "import", {"imports": "from gnuradio import semdiff"})]


def tx_blocks():
    return [blk("interleaver", "semdiff_frame_interleaver", {"k": "k", "seed": "0", "deinterleave": "False",
                                                             "len_tag_key": "packet_len"}),
            blk("framer", "semdiff_ofdm_framer", GRID),
            blk("clipper", "semdiff_papr_clipper", {"frame_len": "frame_len", "len_tag_key": "packet_len",
                                                    "ratio": "clip_ratio if clip_ratio > 0 else float('inf')"})]


def rx_blocks(n_taps):
    return [blk("deframer", "semdiff_ofdm_deframer", GRID | {"estimator": "'lmmse'", "equalizer": "'mmse'",
                                                             "n_taps": n_taps, "decay": "4.0", "noise_var": "0.0"}),
            blk("deinterleaver", "semdiff_frame_interleaver", {"k": "k", "seed": "0", "deinterleave": "True",
                                                               "len_tag_key": "packet_len"})]


def channel_block(kind):
    return blk("channel", "semdiff_multipath_channel", {
        "frame_len": "frame_len", "kind": f"'{kind}'", "n_taps": "8", "decay": "4.0", "snr_db": "snr_db",
        "seed": "seed", "len_tag_key": "packet_len"})


def image_ends(out_default, jscc, method="method", reference=""):
    return [param("n_images", "Images", "n", "intx", "16"),
            param("method", "Decoding method", "m", "str", "hifi_diffcom"),
            param("out_dir", "Output folder", "o", "str", out_default),
            blk("source", "semdiff_image_source", {"dataset": "fashion-mnist", "split": "'test'", "start": "0",
                                                   "count": "n_images", "interval_s": "0.0", "window": "8"}),
            blk("to_pdu", "pdu_tagged_stream_to_pdu", {"type": "complex", "tag": "packet_len"}),
            blk("decoder", "semdiff_diffusion_decoder", {
                "method": method, "params": "{}", "jscc": f"'{jscc}'", "prior": "'prior_fmnist'",
                "link_preset": "preset", "pilot_type": "pilot_type", "clip_ratio": "clip_ratio",
                "queue_size": "64", "max_batch": "16", "policy": "'drop_oldest'"}),
            blk("sink", "semdiff_image_sink", {"out_dir": "out_dir + '/frames'", "write_png": "True",
                                               "log_path": "out_dir + '/frames.jsonl'", "metrics": "True",
                                               "expected": "n_images", "exit_when_done": "True",
                                               "reference": reference})]


IMAGE_MSGS = [["source", "out", "encoder", "in"], ["to_pdu", "pdus", "decoder", "in"], ["decoder", "out", "sink", "in"],
              ["sink", "done", "source", "credit"]]


def loopback_phy():
    blocks = phy_vars() + [
        param("n_frames", "Frames", "n", "intx", "20"), param("snr_db", "SNR (dB)", "s", "eng_float", "20"),
        param("clip_ratio", "Clip ratio", "c", "eng_float", "1.4"), param("seed", "Seed", "", "intx", "0"),
        blk("source", "semdiff_symbol_frame_source", {"k": "k", "n_frames": "n_frames", "seed": "seed"}),
        *tx_blocks(), channel_block("multipath"), *rx_blocks("8"),
        blk("probe", "semdiff_symbol_frame_probe", {"k": "k", "seed": "seed", "verbose": "True", "jsonl_path": "''"})]
    return ("gr-semdiff PHY loopback", "Symbol frames through interleaver, OFDM framer, PAPR clipper, multipath "
            "channel, LMMSE/MMSE deframer; prints per-frame EVM and estimated SNR", blocks,
            chain(["source", *PHY_CHAIN, "probe"]),
            [["source", "interleaver", "framer", "clipper", "channel"], ["deframer", "deinterleaver", "probe"]], False)


def loopback_images(id_, kind, clip_default, jscc):
    blocks = phy_vars() + [
        param("snr_db", "SNR (dB)", "s", "eng_float", "10"),
        param("clip_ratio", "Clip ratio (0 = off)", "c", "eng_float", clip_default),
        param("seed", "Seed", "", "intx", "0"), *image_ends("out/" + id_, jscc),
        blk("encoder", "semdiff_jscc_encoder", {"model": f"'{jscc}'", "snr_db": "snr_db", "len_tag_key": "packet_len"}),
        *tx_blocks(), channel_block(kind), *rx_blocks("8" if kind == "multipath" else "1")]
    return (f"gr-semdiff image loopback, {kind}", f"Fashion-MNIST images as JSCC symbols over OFDM ({kind}), "
            "diffusion decoding", blocks, chain(["encoder", *PHY_CHAIN, "to_pdu"]) + IMAGE_MSGS,
            [["source", "encoder", "interleaver", "framer", "clipper"], ["channel", "deframer", "deinterleaver"],
             ["to_pdu", "decoder", "sink"]], False)


def loopback_air():
    """The air path without a radio: air_framer → GNU Radio's own channel model → ofdm_sync."""
    jscc = "jscc_fmnist_ofdm_cbr1-8"
    blocks = phy_vars() + [
        param("snr_db", "SNR (dB)", "s", "eng_float", "15"),
        param("cfo", "CFO (subcarrier spacings)", "f", "eng_float", "1.3"),
        param("sco_ppm", "Sampling-clock offset (ppm)", "", "eng_float", "20"),
        param("clip_ratio", "Clip ratio (0 = off)", "c", "eng_float", "1.4"),
        param("seed", "Seed", "", "intx", "0"), *image_ends("out/loopback_air", jscc, reference="fashion-mnist:test:0"),
        blk("encoder", "semdiff_jscc_encoder", {"model": f"'{jscc}'", "snr_db": "snr_db", "len_tag_key": "packet_len"}),
        *tx_blocks(),
        blk("air_framer", "semdiff_air_framer", {"preset": "preset", "k": "k", "pilot_type": "pilot_type",
                                                 "codec_id": "0", "gap": "-1", "flags": "0", "len_tag_key": "packet_len"}),
        blk("channel", "channels_channel_model", {
            "noise_voltage": "10 ** (-snr_db / 20)", "freq_offset": "cfo / 64", "epsilon": "1 + sco_ppm * 1e-6",
            "taps": "[1.0, 0.35j, 0.1]", "seed": "seed", "block_tags": "True"}),
        blk("sync", "semdiff_ofdm_sync", {"preset": "preset", "k": "k", "pilot_type": "pilot_type",
                                          "threshold": "0.25", "channel_taps": "8", "first_frame_id": "0",
                                          "len_tag_key": "packet_len"}),
        *rx_blocks("8")]
    conns = chain(["encoder", "interleaver", "framer", "clipper", "air_framer", "channel", "sync", "deframer",
                   "deinterleaver", "to_pdu"]) + IMAGE_MSGS + [["sync", "drops", "sink", "in"]]
    return ("gr-semdiff over-the-air loopback (no radio)",
            "Images through air_framer (preamble + header), GNU Radio's channel model (noise, CFO, clock offset, "
            "multipath) and ofdm_sync on the untagged stream, then diffusion decoding", blocks, conns,
            [["source", "encoder", "interleaver", "framer", "clipper", "air_framer"], ["channel", "sync", "deframer",
             "deinterleaver"], ["to_pdu", "decoder", "sink"]], False)


def interference_icdm():
    blocks = [
        blk("import_semdiff", "import", {"imports": "from gnuradio import semdiff"}),
        param("n_images", "Images", "n", "intx", "16"), param("snr_db", "SNR (dB)", "s", "eng_float", "20"),
        param("sinr_db", "SINR (dB)", "i", "eng_float", "0"), param("interferer", "Interferer class", "", "str", "qpsk"),
        param("out_dir", "Output folder", "o", "str", "out/interference_icdm"),
        blk("source", "semdiff_image_source", {"dataset": "fashion-mnist", "split": "'test'", "start": "0",
                                               "count": "n_images", "interval_s": "0.0", "window": "8"}),
        blk("encoder", "semdiff_jscc_encoder_pdu", {"model": "'jscc_fmnist_awgn_cbr1-8'", "snr_db": "snr_db"}),
        blk("injector", "semdiff_interference_injector", {"k": "128", "interferer": "interferer", "sinr_db": "sinr_db",
                                                          "snr_db": "snr_db", "fading": "'rayleigh'", "seed": "0"}),
        blk("canceller", "semdiff_interference_canceller", {
            "k": "128", "signal_prior": "'symprior_jscc_k128'",
            "interference_prior": "semdiff.interference_prior_name(interferer, 'rayleigh')", "steps": "40",
            "order": "2", "beta": "2.0", "gamma": "2.0", "samples": "8"}),
        blk("decoder", "semdiff_diffusion_decoder", {
            "method": "'deepjscc'", "params": "{}", "jscc": "'jscc_fmnist_awgn_cbr1-8'", "prior": "'prior_fmnist'",
            "link_preset": "'default'", "pilot_type": "'block'", "clip_ratio": "0.0", "queue_size": "64",
            "max_batch": "16", "policy": "'drop_oldest'"}),
        blk("sink", "semdiff_image_sink", {"out_dir": "out_dir + '/frames'", "write_png": "True",
                                           "log_path": "out_dir + '/frames.jsonl'", "metrics": "True",
                                           "expected": "n_images", "exit_when_done": "True"})]
    conns = [["source", "out", "encoder", "in"], ["encoder", "out", "injector", "in"],
             ["injector", "out", "canceller", "in"], ["canceller", "out", "decoder", "in"],
             ["decoder", "out", "sink", "in"], ["sink", "done", "source", "credit"]]
    return ("gr-semdiff ICDM interference cancellation",
            "JSCC symbols + an interferer at a set SINR over Rayleigh fading; ICDM cleans them before decoding",
            blocks, conns, [["source", "encoder", "injector"], ["canceller", "decoder", "sink"]], False)


def interference_waveform():
    blocks = phy_vars() + [
        param("n_frames", "Frames", "n", "intx", "20"), param("snr_db", "SNR (dB)", "s", "eng_float", "20"),
        param("clip_ratio", "Clip ratio", "c", "eng_float", "0"), param("seed", "Seed", "", "intx", "0"),
        param("sinr_db", "SINR (dB)", "i", "eng_float", "5"), param("interferer", "Interferer class", "", "str", "qpsk"),
        blk("source", "semdiff_symbol_frame_source", {"k": "k", "n_frames": "n_frames", "seed": "seed"}),
        *tx_blocks(), channel_block("multipath"),
        blk("interference", "semdiff_waveform_interference", {
            "interferer": "interferer", "sinr_db": "sinr_db", "snr_db": "snr_db", "fading": "'none'", "seed": "seed",
            "avg_len": "4096", "tone_freq": "0.1"}),
        blk("null", "blocks_null_sink", {"type": "complex", "vlen": "1", "num_inputs": "1",
                                         "bus_structure_sink": "[[0,],]"}),
        *rx_blocks("8"),
        blk("probe", "semdiff_symbol_frame_probe", {"k": "k", "seed": "seed", "verbose": "True", "jsonl_path": "''"})]
    conns = chain(["source", "interleaver", "framer", "clipper", "channel", "interference", "deframer",
                   "deinterleaver", "probe"]) + [["interference", "1", "null", "0"]]
    return ("gr-semdiff waveform-level interference", "Symbol frames over OFDM with an interferer added between "
            "channel and deframer at a set SINR (GNU Radio blocks); prints per-frame EVM", blocks, conns,
            [["source", "interleaver", "framer", "clipper", "channel"], ["interference", "null"],
             ["deframer", "deinterleaver", "probe"]], False)


if __name__ == "__main__":
    from gen_examples_ota import gui_variant, ota_rx_usrp, ota_tx_usrp

    write_all({
        "ota_tx_usrp": ota_tx_usrp(),
        "ota_rx_usrp": ota_rx_usrp(),
        "ota_rx_usrp_gui": gui_variant(ota_rx_usrp(), "ota_rx_usrp_gui"),
        "loopback_air_gui": gui_variant(loopback_air(), "loopback_air_gui"),
        "loopback_phy": loopback_phy(),
        "loopback_awgn": loopback_images("loopback_awgn", "awgn", "0", "jscc_fmnist_awgn_cbr1-8"),
        "loopback_multipath_clip": loopback_images("loopback_multipath_clip", "multipath", "1.4",
                                                   "jscc_fmnist_ofdm_cbr1-8"),
        "loopback_air": loopback_air(),
        "interference_icdm": interference_icdm(),
        "interference_waveform": interference_waveform(),
    }, OUT)
