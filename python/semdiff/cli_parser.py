"""The ``gr-semdiff`` command line: every option with a default and a sentence (``--help``)."""
from __future__ import annotations

import argparse

from .cli_types import (TEST_SENT, TEST_TUNE, Parser, _float_in, _int_in, existing_dir, finite, guide_source,
                        json_object, nonneg, nonneg_list, pos_float, positive)
from .cli_parser_air import bench_sync, capture, eval_sync, replay
from .paths import user_models_dir

DESCRIPTION = """\
Send images as deep-JSCC symbols over an OFDM link (pilots, cyclic prefix, clipping, multipath) and
decode them with diffusion models: DiffCom, HiFi-DiffCom, Blind-DiffCom, ICDM interference
cancellation. Start with `gr-semdiff demo`; the same blocks run in GNU Radio Companion (see README).
Models come from the shipped zoo (models/) unless a path is given."""

F = argparse.ArgumentDefaultsHelpFormatter


def _sub(sub, name, help_, **kw):
    return sub.add_parser(name, help=help_, description=help_, formatter_class=F, **kw)


def _threads(p):
    # also accepted after the sub-command; SUPPRESS keeps the global value when it is not given here
    p.add_argument("--threads", type=positive, default=argparse.SUPPRESS,
                   help="torch CPU threads (same as the global --threads)")


def _train(sub):
    t = _sub(sub, "train", "train a model (resumable); writes safetensors + JSON and a manifest entry")
    t.add_argument("what", choices=["jscc", "prior", "symbol-prior", "classifier", "inn", "diffjscc"],
                   help="which model (inn: SING-INN's conditional INN on the shipped codecs' reconstructions; "
                   "diffjscc: DiffJSCC's control module on the frozen --prior)")
    t.add_argument("--data", type=existing_dir, default="fashion-mnist",
                   help="'fashion-mnist' (Debian's dataset-fashion-mnist) or a folder of PNG/JPEG images")
    t.add_argument("--steps", type=positive, help="optimizer steps (default per model: jscc 15000, prior 60000, "
                   "symbol-prior 4000, classifier 3000, inn 3000, diffjscc 2000)")
    t.add_argument("--batch", type=positive, help="batch size (default per model: 64, 64, 256, 128, 64, 32)")
    t.add_argument("--lr", type=pos_float, help="peak learning rate (default per model and recipe)")
    t.add_argument("--seed", type=nonneg, default=0, help="random seed (data order, initialisation)")
    t.add_argument("--resume", action="store_true", help="continue from the run's last checkpoint")
    t.add_argument("--new-cycle", action="store_true", help="(prior, with --resume) warm restart: the LR "
                   "schedule starts again at the resumed step, warm-up then cosine from --lr to 0 at --steps")
    t.add_argument("--ckpt-every", type=positive, help="checkpoint + export every N steps (default 500-1000)")
    t.add_argument("--name", help="model name (file stem / directory in --out); default from the model and --data")
    t.add_argument("--out", default=str(user_models_dir()), help="model directory written to (the shipped zoo "
                   "is models/ in the source tree)")
    t.add_argument("--force", action="store_true", help="overwrite a model that already exists in --out")
    t.add_argument("--runs", default="runs", help="checkpoint directory (one sub-directory per model)")
    t.add_argument("--cbr", type=_float_in(0.0, 1.0, lo_open=True), default=1 / 8,
                   help="(jscc) channel bandwidth ratio k/n, e.g. 0.125 for 1/8")
    t.add_argument("--channel", default="awgn", choices=["awgn", "ofdm"],
                   help="(jscc) train over AWGN or through the OFDM multipath link")
    t.add_argument("--init", help="(jscc) start from this codec (same CBR and width), e.g. to fine-tune an "
                   "AWGN codec through the OFDM link; (diffjscc) from this control module, e.g. trained on an "
                   "earlier checkpoint of the prior")
    t.add_argument("--snr-min", type=finite, default=0.0, help="(jscc) lowest training SNR (dB), drawn uniformly")
    t.add_argument("--snr-max", type=finite, default=20.0, help="(jscc) highest training SNR (dB)")
    t.add_argument("--link-preset", default="default", choices=["default", "diffcom"], help="(jscc) OFDM grid")
    t.add_argument("--jscc", help="(symbol-prior) source JSCC model name")
    t.add_argument("--source", default="jscc",
                   help="(symbol-prior) jscc | jscc-pair | qpsk | 16qam | ofdm | tone | chirp | gaussian")
    t.add_argument("--limit", type=positive, help="(symbol-prior) encode only this many training images")
    t.add_argument("--fading", default="none", choices=["none", "rayleigh"],
                   help="(symbol-prior) model h·z with per-symbol Rayleigh gains (ICDM interferer under fading)")
    t.add_argument("--recipe", default="v", choices=["v", "eps"],
                   help="(prior) v: v-prediction + min-SNR-5, (32,64,128)x2; eps: the first prior's recipe")
    t.add_argument("--prior", default="prior_fmnist", help="(diffjscc) the frozen image prior the control "
                   "module is trained on (zoo name or directory)")
    t.add_argument("--snapshot-every", type=nonneg, default=0,
                   help="(prior) keep an EMA snapshot every N steps for FID-against-time curves (0: none)")
    t.add_argument("--ema-decay", type=_float_in(0.0, 1.0, lo_open=True), default=0.999, help="(prior) EMA decay")
    t.add_argument("--guide", type=guide_source, help="(prior) autoguidance: the exported prior carries this weaker "
                   "version of itself (an earlier EMA .safetensors of the run, or a prior directory)")
    t.add_argument("--guide-weight", type=_float_in(1.0, 9.99), default=1.5,
                   help="(prior, with --guide) autoguidance weight w: ε = ε_guide + w (ε_prior − ε_guide)")
    _threads(t)


def _eval(sub):
    e = _sub(sub, "eval", "evaluation tables (PSNR, SSIM, perceptual distance, FID/KID against a reference set)")
    esub = e.add_subparsers(dest="what", required=True, metavar="{models,prior,diffcom,icdm,refiners,sync}")
    em = _sub(esub, "models", "the shipped model zoo: codecs, classifier, priors, symbol priors")
    em.add_argument("--n-codec", type=_int_in(1, 10000), default=10000, help="test images for the codec table")
    em.add_argument("--n-fid", type=_int_in(2, 5000), default=1000, help="images per FID set")
    em.add_argument("--ddim-steps", type=positive, default=50, help="DDIM steps for prior samples")
    em.add_argument("--json", help="also write the numbers to this JSON file")
    _threads(em)
    ep = _sub(esub, "prior", "the image prior: FID/KID of samples vs the reference set, broken-sample rate, grid; "
              "--curve: FID against training time of a run's snapshots")
    ep.add_argument("--prior", default="prior_fmnist", help="zoo name or directory of a diffusers prior")
    ep.add_argument("-n", "--n", type=_int_in(2, TEST_SENT), default=1000, help="samples (and clean floor images)")
    ep.add_argument("--steps", type=positive, default=50, help="DDIM steps")
    ep.add_argument("--seed", type=nonneg, default=0, help="sampling seed")
    ep.add_argument("--no-autoguide", action="store_true", help="score the prior alone, without its guide")
    ep.add_argument("--curve", nargs="+", metavar="RUN_DIR", help="training runs (train prior --snapshot-every)")
    ep.add_argument("--curve-n", type=_int_in(2, TEST_SENT), default=500, help="samples per snapshot")
    ep.add_argument("--curve-steps", type=positive, default=25, help="DDIM steps per snapshot")
    ep.add_argument("--curve-every", type=positive, default=1, help="score every N-th snapshot")
    ep.add_argument("--out", default="out/prior", help="output directory (PNG, JSON)")
    _threads(ep)
    ed = _sub(esub, "diffcom", "DiffCom Tables IV-VII analogue: deepjscc / diffcom / hifi_diffcom per condition")
    ed.add_argument("--n", type=_int_in(1, TEST_SENT), default=100, help="test images (≥ 100 for reported numbers)")
    ed.add_argument("--methods", default="deepjscc,diffcom,hifi_diffcom", help="comma list of decoding methods")
    ed.add_argument("--conditions", default="", help="comma list of awgn10, awgn0, multipath10 (= clipping ∞), "
                    "clip1.4, clip1.0, demo (the README demo's link and codec, opt-in); empty: all but demo; "
                    "'none' with --blind for the blind test only")
    ed.add_argument("--tune", action="store_true", help="send the held-out TUNE images (for choosing parameters) "
                    "instead of the reported SENT images")
    ed.add_argument("--jscc", default="jscc_fmnist_ofdm_cbr1-8", help="codec (zoo name or path)")
    ed.add_argument("--prior", default="prior_fmnist", help="image prior (zoo name or directory)")
    ed.add_argument("--batch", type=positive, default=50, help="frames decoded together")
    ed.add_argument("--seed", type=nonneg, default=0, help="channel and sampler seed")
    ed.add_argument("--params", type=json_object, help='JSON per method, e.g. {"diffcom": {"steps": 200}}')
    ed.add_argument("--blind", action="store_true", help="also Blind-DiffCom's success ratio without CE")
    ed.add_argument("--threshold", type=finite, default=18.0, help="blind success PSNR threshold (dB)")
    ed.add_argument("--json", help="also write the rows to this JSON file")
    _threads(ed)
    ei = _sub(esub, "icdm", "ICDM: MSE reduction per interferer, SINR sweep, guidance ablations, steps")
    ei.add_argument("--n", type=_int_in(1, TEST_SENT), default=100, help="test images (frames) per point")
    ei.add_argument("--jscc", default="jscc_fmnist_awgn_cbr1-8", help="desired transmitter's codec")
    ei.add_argument("--snr-db", type=finite, default=20.0, help="SNR Es/N0 (dB)")
    ei.add_argument("--classes", default="jscc-pair,qpsk,16qam,ofdm,tone,chirp,gaussian", help="interferers")
    ei.add_argument("--steps", type=positive, default=40, help="p-ConJPC steps")
    ei.add_argument("--slow-steps", type=positive, default=1000, help="first-order reference solver steps")
    ei.add_argument("--order", type=_int_in(1, 3), default=2, help="p of p-ConJPC")
    ei.add_argument("--beta-rayleigh", type=pos_float, help="β = γ under Rayleigh (default: tuned, 2.0)")
    ei.add_argument("--beta-awgn", type=pos_float, help="β = γ over AWGN (default: tuned, 8.0)")
    ei.add_argument("--samples", type=positive, default=8, help="posterior samples averaged per frame")
    ei.add_argument("--seed", type=nonneg, default=0, help="seed of interferers, channel and sampler")
    ei.add_argument("--tune-n", type=_int_in(1, TEST_TUNE), default=50, help="held-out images for the ablation's β")
    ei.add_argument("--out", default="out/icdm", help="output directory (PNG, JSON)")
    _threads(ei)
    er = _sub(esub, "refiners", "SING-Zero, SING-INN, DiffJSCC vs DeepJSCC and HiFi-DiffCom at CBR 1/16 (AWGN and "
              "OFDM multipath), DiffJSCC's lambda sweep, grids; --images DIR for a domain-shift run")
    er.add_argument("--n", type=_int_in(1, TEST_SENT), default=100, help="images sent (≥ 100 for reported numbers)")
    er.add_argument("--methods", default="deepjscc,hifi_diffcom,sing_zero,sing_inn,diffjscc",
                    help="comma list of decoding methods")
    er.add_argument("--conditions", default="", help="comma list of awgn-5, awgn-1, awgn1, awgn5 (AWGN codec) and "
                    "ofdm0, ofdm5 (OFDM multipath link, OFDM codec); empty: all")
    er.add_argument("--prior", default="prior_fmnist", help="image prior (zoo name or directory)")
    er.add_argument("--images", type=existing_dir, help="a folder of your own images instead of Fashion-MNIST "
                    "(first half sent, second half the FID/KID reference)")
    er.add_argument("--tune", action="store_true", help="send the held-out TUNE images (for choosing zeta_scale, "
                    "λ, …) instead of the reported SENT images")
    er.add_argument("--batch", type=positive, default=50, help="frames decoded together")
    er.add_argument("--seed", type=nonneg, default=0, help="channel and sampler seed")
    er.add_argument("--params", type=json_object, help='JSON per method, e.g. {"diffjscc": {"cfg_scale": 2}}')
    er.add_argument("--lams", type=nonneg_list, help="DiffJSCC λ values to sweep, e.g. 0,64,256,1024 (none: no sweep)")
    er.add_argument("--lam-condition", default="awgn1", help="condition of the λ sweep (one of --conditions' names)")
    er.add_argument("--grid-n", type=_int_in(1, 16), default=8, help="images per grid row")
    er.add_argument("--out", default="out/refiners", help="output directory (JSON, PNG)")
    _threads(er)
    eval_sync(esub, _sub)


def _bench(sub):
    b = _sub(sub, "bench", "throughput benchmarks (ratios measured in one run)")
    bsub = b.add_subparsers(dest="what", required=True, metavar="{phy,decoder,sync}")
    bp = _sub(bsub, "phy", "C++ PHY blocks vs GNU Radio's OFDM chains and a bare FFT")
    bp.add_argument("--preset", default="default", choices=["default", "diffcom"], help="OFDM grid preset")
    bp.add_argument("--k", type=positive, default=52 * 6, help="data symbols per frame")
    bp.add_argument("--frames", type=positive, default=40000, help="frames per measurement")
    bp.add_argument("--repeats", type=positive, default=3, help="repeats (best is kept)")
    bd = _sub(bsub, "decoder", "decoding methods: images/s, network evaluations, overhead, batching gain")
    bd.add_argument("--jscc", default="jscc_fmnist_awgn_cbr1-8", help="codec (zoo name or path)")
    bd.add_argument("--prior", default="prior_fmnist", help="image prior (zoo name or directory)")
    bd.add_argument("--steps", type=positive, default=20, help="sampler steps per method")
    _threads(bd)
    bench_sync(bsub, _sub)


def build_parser() -> argparse.ArgumentParser:
    p = Parser(prog="gr-semdiff", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--threads", type=positive, default=None, help="torch CPU threads for every command "
                   "(default: all cores)")
    sub = p.add_subparsers(dest="cmd", required=True, metavar="{demo,train,eval,samples,bench,capture,replay}")
    d = _sub(sub, "demo", "the image loopback demo: DeepJSCC vs HiFi-DiffCom vs DiffCom through the OFDM link")
    d.add_argument("--images", type=positive, default=16, help="test images sent")
    d.add_argument("--methods", default="deepjscc,hifi_diffcom,diffcom", help="decoders run side by side on the "
                   "same frames (comma list; also sing_zero, sing_inn, diffjscc, blind_diffcom)")
    d.add_argument("--jscc", help="codec (default: the OFDM-link 1/16 codec of the zoo)")
    d.add_argument("--snr-db", type=finite, default=0.0, help="SNR Es/N0 (dB)")
    d.add_argument("--clip", type=_float_in(0.0, lo_open=True, allow_inf=True), default=1.4,
                   help="PAPR clipping ratio (inf: no clipping)")
    d.add_argument("--seed", type=nonneg, default=0, help="seed of the channel and the samplers")
    d.add_argument("--timeout", type=pos_float, default=600, help="seconds to wait for every frame")
    d.add_argument("--out", default="out", help="output directory (out/demo/)")
    d.add_argument("--phy", action="store_true", help="PHY-only loopback (examples/loopback_phy.grc) instead")
    d.add_argument("--frames", type=positive, default=20, help="(--phy) frames")
    _threads(d)
    _train(sub)
    _eval(sub)
    s = _sub(sub, "samples", "write a PNG grid of image-prior samples")
    s.add_argument("--prior", default="prior_fmnist", help="zoo name or directory of a diffusers prior")
    s.add_argument("-n", "--n", type=positive, default=64, help="number of samples")
    s.add_argument("--steps", type=positive, default=50, help="DDIM steps")
    s.add_argument("--seed", type=nonneg, default=0, help="sampling seed")
    s.add_argument("--out", default="out/prior_samples.png", help="PNG file written")
    _threads(s)
    _bench(sub)
    capture(sub, _sub)
    replay(sub, _sub)
    return p

