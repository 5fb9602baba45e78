"""Command-line options of the over-the-air commands: ``capture synth``, ``replay``, ``eval sync``,
``bench sync`` (kept apart from cli_parser so neither grows past a screenful of options)."""
from __future__ import annotations

from .cli_types import _float_in, _int_in, finite, json_object, nonneg, pos_float, positive


def _impairments(p, snr=15.0):
    p.add_argument("--snr-db", type=finite, default=snr, help="SNR per subcarrier (dB)")
    p.add_argument("--cfo", type=_float_in(-8.0, 8.0), default=1.3, help="carrier frequency offset (subcarrier spacings)")
    p.add_argument("--sco-ppm", type=_float_in(-1000.0, 1000.0), default=20.0, help="sampling-clock offset (ppm)")
    p.add_argument("--taps", type=_int_in(1, 16), default=8, help="multipath taps, exponential PDP (1: none)")


def capture(sub, _sub):
    c = _sub(sub, "capture", "write a SigMF capture of image frames over the air link")
    c.add_argument("what", choices=["synth"], help="synth: synthesised with GNU Radio's channel model")
    c.add_argument("out", help="capture path (writes OUT.sigmf-data and OUT.sigmf-meta)")
    c.add_argument("--images", type=_int_in(1, 5000), default=16, help="test images sent (one frame each)")
    c.add_argument("--start", type=_int_in(0, 9999), default=0, help="first test-set index")
    c.add_argument("--jscc", default="jscc_fmnist_ofdm_cbr1-8", help="codec (zoo name)")
    c.add_argument("--clip", type=_float_in(0.0, lo_open=True, allow_inf=True), default=1.4, help="PAPR clip ratio")
    c.add_argument("--lead", type=_int_in(0, 10**7), default=3000, help="noise-only samples before the first burst")
    c.add_argument("--sample-rate", type=pos_float, default=1e6, help="recorded sample rate (metadata)")
    c.add_argument("--center-freq", type=_float_in(0.0, 1e11), default=2.45e9, help="centre frequency (metadata)")
    c.add_argument("--seed", type=nonneg, default=0, help="noise seed")
    _impairments(c)


def replay(sub, _sub):
    r = _sub(sub, "replay", "decode a SigMF capture end to end: PNGs, JSONL, summary")
    r.add_argument("file", help="capture (FILE, FILE.sigmf-meta or FILE.sigmf-data)")
    r.add_argument("--method", default="hifi_diffcom", help="decoding method")
    r.add_argument("--params", type=json_object, default={}, help="method parameters (JSON)")
    r.add_argument("--taps", type=_int_in(1, 16), default=8, help="channel taps the sync and LMMSE assume")
    r.add_argument("--timeout", type=pos_float, default=600, help="seconds to wait for the decoders")
    r.add_argument("--out", default="out/replay", help="output directory")


def eval_sync(esub, _sub):
    es = _sub(esub, "sync", "the over-the-air receiver (air_framer → channel_model → ofdm_sync): detection, false "
              "alarms, EVM vs a genie, frame loss next to GNU Radio's ofdm_tx/ofdm_rx")
    es.add_argument("--snr-db", default="5,10,20", help="comma list of SNR points (dB, per subcarrier)")
    es.add_argument("--frames", type=positive, default=1000, help="frames per point")
    es.add_argument("--per-channel", type=positive, default=10, help="frames per multipath/CFO/SCO realisation")
    es.add_argument("--cfo", type=_float_in(0.0, 4.0), default=2.5, help="CFO drawn in ±this (subcarrier spacings)")
    es.add_argument("--sco-ppm", type=_float_in(0.0, 1000.0), default=50.0, help="sampling-clock offset in ±ppm")
    es.add_argument("--taps", type=_int_in(1, 16), default=8, help="multipath taps (exponential PDP; 1: AWGN)")
    es.add_argument("--noise-samples", type=_int_in(0, 10**9), default=10**7, help="noise-only samples (false alarms)")
    es.add_argument("--model", default="static", choices=["static", "dynamic"], help="GNU Radio channel_model "
                    "(fixed taps, CFO, clock offset) or dynamic_channel_model (fading, drifting CFO/clock)")
    es.add_argument("--no-gr", action="store_true", help="skip GNU Radio's ofdm_tx/ofdm_rx comparison")
    es.add_argument("--seed", type=nonneg, default=0, help="seed of streams, channels and noise")
    es.add_argument("--out", default="out/sync", help="output directory (JSON)")


def bench_sync(bsub, _sub):
    bs = _sub(bsub, "sync", "receive front end (ofdm_sync + deframer) in MS/s vs USRP rates and GNU Radio's ofdm_rx")
    bs.add_argument("--samples", type=_int_in(100_000, 10**10), default=20_000_000, help="samples per measurement")
    bs.add_argument("--repeats", type=positive, default=3, help="repeats (best is kept)")
