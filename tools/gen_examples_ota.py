"""The over-the-air examples (imported by gen_examples.py): a USRP transmitter, and a receiver whose
source is a USRP or a SigMF replay (chosen on the command line: -S usrp|replay)."""
from gen_examples import GRID, image_ends, phy_vars, rx_blocks, tx_blocks
from grc_layout import blk, chain, param

JSCC = "jscc_fmnist_ofdm_cbr1-8"
RADIO = [param("dev_args", "USRP device args", "a", "str", ""),
         param("freq", "Centre frequency (Hz)", "f", "eng_float", "2.45e9"),
         param("samp_rate", "Sample rate (S/s)", "r", "eng_float", "1e6"),
         param("gain", "Gain (dB)", "g", "eng_float", "30"),
         param("antenna", "Antenna", "A", "str", "")]


def ota_tx_usrp():
    blocks = phy_vars() + RADIO + [
        param("clip_ratio", "Clip ratio (0 = off)", "c", "eng_float", "1.4"),
        param("n_images", "Images", "n", "intx", "16"),
        param("amplitude", "Digital amplitude", "", "eng_float", "0.3"),
        blk("source", "semdiff_image_source", {"dataset": "fashion-mnist", "split": "'test'", "start": "0",
                                               "count": "n_images", "interval_s": "0.05", "window": "0"}),
        blk("encoder", "semdiff_jscc_encoder", {"model": f"'{JSCC}'", "snr_db": "10", "len_tag_key": "packet_len"}),
        *tx_blocks(),
        blk("air_framer", "semdiff_air_framer", {"preset": "preset", "k": "k", "pilot_type": "pilot_type",
                                                 "codec_id": "0", "gap": "-1", "flags": "0", "len_tag_key": "packet_len"}),
        blk("scale", "blocks_multiply_const_vxx", {"type": "complex", "const": "amplitude", "vlen": "1"}),
        blk("usrp", "uhd_usrp_sink", {"type": "fc32", "otw": "", "dev_addr": "dev_args", "dev_args": '""',
                                      "sync": "none", "num_mboards": "1", "nchan": "1", "samp_rate": "samp_rate",
                                      "center_freq0": "freq", "gain0": "gain", "gain_type0": "default",
                                      "ant0": "antenna", "len_tag_name": "'packet_len'"})]
    conns = chain(["encoder", "interleaver", "framer", "clipper", "air_framer", "scale", "usrp"]) + \
        [["source", "out", "encoder", "in"]]
    return ("gr-semdiff over-the-air transmitter (USRP)",
            "Fashion-MNIST test images as JSCC symbols in air_framer bursts (preamble + coded header) to a USRP "
            "in burst mode (packet_len); receive with ota_rx_usrp", blocks, conns,
            [["source", "encoder", "interleaver", "framer", "clipper"], ["air_framer", "scale", "usrp"]], False)


def ota_rx_usrp():
    blocks = phy_vars() + RADIO + [
        param("src_kind", "Source: usrp or replay", "S", "str", "replay"),
        param("capture_file", "Capture to replay", "C", "str", "out/capture.sigmf-meta"),
        param("record", "Record to (SigMF, '' = no)", "R", "str", ""),
        param("clip_ratio", "Clip ratio the TX used (0 = off)", "c", "eng_float", "1.4"),
        *image_ends("out/ota_rx", JSCC, reference="reference"),
        param("reference", "Images sent (dataset:split:first)", "", "str", "fashion-mnist:test:0"),
        blk("ota", "semdiff_ota_source", {"kind": "src_kind", "capture_path": "capture_file", "device_args": "dev_args",
                                          "center_freq": "freq", "sample_rate": "samp_rate", "gain": "gain",
                                          "antenna": "antenna", "record": "record", "throttle": "True"}),
        blk("sync", "semdiff_ofdm_sync", {"preset": "preset", "k": "k", "pilot_type": "pilot_type",
                                          "threshold": "0.25", "channel_taps": "8", "first_frame_id": "0",
                                          "len_tag_key": "packet_len"}),
        *rx_blocks("8")]
    blocks = [b for b in blocks if b["name"] != "source"]          # frames come from the air, not a data set
    conns = chain(["ota", "sync", "deframer", "deinterleaver", "to_pdu"]) + \
        [["to_pdu", "pdus", "decoder", "in"], ["decoder", "out", "sink", "in"], ["sync", "drops", "sink", "in"],
         ["sync", "frames", "ota", "frames"]]
    return ("gr-semdiff over-the-air receiver (USRP or SigMF replay)",
            "ota_source (USRP, or a SigMF capture with -S replay -C FILE) → ofdm_sync → deframer → diffusion "
            "decoding; images scored against the sent test images", blocks, conns,
            [["ota", "sync", "deframer", "deinterleaver"], ["to_pdu", "decoder", "sink"]], False)


def gui_variant(example, id_):
    """The same flowgraph with a Qt GUI: a DeepJSCC decoder beside the diffusion one, both into the live
    view, and GNU Radio's constellation sink on the equalized symbols."""
    title, desc, blocks, conns, rows, _ = example
    dec = next(b for b in blocks if b["name"] == "decoder")
    base = {k: v for k, v in dec["parameters"].items()}
    blocks = blocks + [
        blk("decoder_deepjscc", "semdiff_diffusion_decoder", base | {"method": "'deepjscc'"}),
        blk("view", "semdiff_live_view", {"reference": "'fashion-mnist:test:0'", "rows": "4",
                                          "methods": "'deepjscc,' + method", "snapshot": "snapshot",
                                          "gui_hint": "0,0,1,1"}),
        blk("constellation", "qtgui_const_sink_x", {"type": "complex", "name": "'equalized symbols'", "size": "128",
                                                    "nconnections": "1", "gui_hint": "0,1,1,1", "ymin": "-2",
                                                    "ymax": "2", "xmin": "-2", "xmax": "2", "autoscale": "False",
                                                    "update_time": "0.10", "grid": "True"}),
        param("snapshot", "Save the live view as PNG", "", "str", "")]
    conns = conns + [["to_pdu", "pdus", "decoder_deepjscc", "in"], ["decoder", "out", "view", "in"],
                     ["decoder_deepjscc", "out", "view", "in"], ["deinterleaver", "0", "constellation", "0"]]
    rows = rows + [["decoder_deepjscc", "view", "constellation"]]
    return (title + " (Qt GUI)", desc + "; live view of the images and the constellation", blocks, conns, rows, True)
