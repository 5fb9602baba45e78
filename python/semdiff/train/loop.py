"""A small resumable training loop shared by every trainer.

Checkpoints (``<run>/ckpt/``) are safetensors for weights, EMA and RNG state, JSON for counters,
and the optimizer state through ``torch.save``/``torch.load(weights_only=True)`` (plain tensors and
numbers, nothing unpickled). ``--resume`` continues from the last checkpoint bit-for-bit in the
parameters; the data order after a resume is re-seeded from (seed, step).
"""
from __future__ import annotations

import json
import math
import time
import warnings
from pathlib import Path
from typing import Callable, Iterator

import torch
from safetensors.torch import load_file, save_file
from tqdm import tqdm


class EMA:
    """Exponential moving average of parameters with the usual warm-up (decay ramps in)."""

    def __init__(self, model: torch.nn.Module, decay: float = 0.999):
        self.decay = decay
        self.shadow = {k: v.detach().clone() for k, v in model.state_dict().items() if v.dtype.is_floating_point}
        self.updates = 0

    @torch.no_grad()
    def update(self, model: torch.nn.Module):
        self.updates += 1
        d = min(self.decay, (1 + self.updates) / (10 + self.updates))
        for k, v in model.state_dict().items():
            if k in self.shadow:
                self.shadow[k].mul_(d).add_(v.detach(), alpha=1 - d)

    def copy_to(self, model: torch.nn.Module):
        state = model.state_dict()
        state.update({k: v.clone() for k, v in self.shadow.items()})
        model.load_state_dict(state)


def infinite_batches(dataset, batch_size: int, seed: int, start_step: int = 0) -> Iterator:
    """Random mini-batches forever; in-memory datasets (``.images``) are indexed directly."""
    g = torch.Generator().manual_seed(seed * 1_000_003 + start_step)
    n = len(dataset)
    while True:
        idx = torch.randint(0, n, (batch_size,), generator=g)
        if hasattr(dataset, "images"):
            yield dataset.images[idx], dataset.labels[idx]
        else:
            items = [dataset[int(i)] for i in idx]
            yield torch.stack([a for a, _ in items]), torch.stack([b for _, b in items])


class Run:
    """One training run: model, optimizer, cosine LR with warm-up, optional EMA, checkpoints.

    The schedule may be restarted (``resume(new_cycle=True)``, an SGDR-style warm restart, Loshchilov &
    Hutter 2017): warm-up and cosine then run from the resumed step to ``steps``. The cycle's start is
    saved with the checkpoint so later resumes keep it.
    """

    def __init__(self, run_dir: Path, model: torch.nn.Module, steps: int, lr: float = 1e-3,
                 ema_decay: float | None = None, ckpt_every: int = 500, seed: int = 0, warmup: int = 200,
                 weight_decay: float = 0.0):
        self.dir = Path(run_dir)
        self.model, self.steps, self.ckpt_every, self.seed = model, steps, ckpt_every, seed
        self.opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay)
        self.cycle_start, self.warmup = 0, warmup
        # the scheduler's count is the global step; the lambda reads the cycle's start when called
        self.sched = torch.optim.lr_scheduler.LambdaLR(self.opt, self._lr_factor)
        self.ema = EMA(model, ema_decay) if ema_decay else None
        self.step = 0
        self.train_seconds = 0.0   # wall time spent inside fit(), summed over resumes (curves against time)
        torch.manual_seed(seed)

    def _lr_factor(self, s: int) -> float:
        s, span = max(0, s - self.cycle_start), max(1, self.steps - self.cycle_start)
        return min(1.0, (s + 1) / self.warmup) * 0.5 * (1 + math.cos(math.pi * min(s, span) / span))

    # -- checkpoints -------------------------------------------------------------------------
    @property
    def ckpt(self) -> Path:
        return self.dir / "ckpt"

    def save(self):
        self.ckpt.mkdir(parents=True, exist_ok=True)
        save_file({k: v.contiguous() for k, v in self.model.state_dict().items()}, str(self.ckpt / "model.safetensors"))
        if self.ema:
            save_file({k: v.contiguous() for k, v in self.ema.shadow.items()}, str(self.ckpt / "ema.safetensors"))
        save_file({"torch_rng": torch.get_rng_state()}, str(self.ckpt / "rng.safetensors"))
        torch.save({"opt": self.opt.state_dict(), "sched": self.sched.state_dict()}, self.ckpt / "optim.pt")
        (self.ckpt / "state.json").write_text(json.dumps(
            {"step": self.step, "ema_updates": self.ema.updates if self.ema else 0, "time": time.time(),
             "train_seconds": self.train_seconds, "cycle_start": self.cycle_start}))

    def resume(self, new_cycle: bool = False) -> bool:
        if not (self.ckpt / "state.json").exists():
            return False
        state = json.loads((self.ckpt / "state.json").read_text())
        self.model.load_state_dict(load_file(str(self.ckpt / "model.safetensors")))
        if self.ema and (self.ckpt / "ema.safetensors").exists():
            self.ema.shadow = load_file(str(self.ckpt / "ema.safetensors"))
            self.ema.updates = state["ema_updates"]
        self.step = state["step"]
        self._trim_log()
        self.train_seconds = state.get("train_seconds", 0.0)
        self.cycle_start = self.step if new_cycle else state.get("cycle_start", 0)
        base_lrs = list(self.sched.base_lrs)   # a new cycle peaks at this run's lr, not the saved one
        if (self.ckpt / "optim.pt").exists():
            o = torch.load(self.ckpt / "optim.pt", weights_only=True)
            self.opt.load_state_dict(o["opt"])
            self.sched.load_state_dict(o["sched"])
        else:
            # a shipped checkpoint carries weights and EMA only (the optimizer state would double its
            # size): Adam's moments restart, the learning-rate schedule resumes at the saved step
            print(f"{self.ckpt}: no optimizer state, Adam restarts at step {self.step}")
            with warnings.catch_warnings():
                # fast-forwarding the schedule before any optimizer step is the point here
                warnings.filterwarnings("ignore", message="Detected call of `lr_scheduler.step", category=UserWarning)
                for _ in range(self.step):
                    self.sched.step()
        if new_cycle:
            self.sched.base_lrs = base_lrs
            for g, lr in zip(self.opt.param_groups, base_lrs):
                g["lr"] = lr * self._lr_factor(self.step)
            self.sched._last_lr = [g["lr"] for g in self.opt.param_groups]
            print(f"new LR cycle: warm-up {self.warmup} then cosine from step {self.step} to {self.steps}, "
                  f"peak {base_lrs[0]:.2e}")
        if (self.ckpt / "rng.safetensors").exists():
            torch.set_rng_state(load_file(str(self.ckpt / "rng.safetensors"))["torch_rng"])
        return True

    def _trim_log(self):
        # rows past the checkpoint come from a run cut off before its next checkpoint was kept (a session
        # ending between two commits): this run trains those steps again, and the curve must not go back
        path = self.dir / "log.jsonl"
        if not path.exists():
            return
        rows = [r for r in path.read_text().splitlines() if r.strip()]
        keep = [r for r in rows if json.loads(r).get("step", 0) <= self.step]
        if len(keep) < len(rows):
            path.write_text("".join(r + "\n" for r in keep))

    # -- the loop ----------------------------------------------------------------------------
    def fit(self, loss_fn: Callable[[tuple, int], torch.Tensor], batches: Iterator, desc: str = "train",
            log_every: int = 50, on_checkpoint: Callable[["Run"], None] | None = None) -> list[float]:
        self.dir.mkdir(parents=True, exist_ok=True)
        log = open(self.dir / "log.jsonl", "a")
        losses: list[float] = []
        bar = tqdm(total=self.steps, initial=self.step, desc=desc, mininterval=5, dynamic_ncols=True)
        self.model.train()
        t_last = time.time()
        while self.step < self.steps:
            loss = loss_fn(next(batches), self.step)
            self.opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(self.model.parameters(), 1.0)
            self.opt.step()
            self.sched.step()
            if self.ema:
                self.ema.update(self.model)
            self.step += 1
            now = time.time()
            self.train_seconds += now - t_last
            t_last = now
            losses.append(loss.item())
            bar.update(1)
            if self.step % log_every == 0 or self.step == self.steps:
                avg = sum(losses[-log_every:]) / len(losses[-log_every:])
                bar.set_postfix(loss=f"{avg:.4g}")
                log.write(json.dumps({"step": self.step, "loss": avg, "lr": self.sched.get_last_lr()[0],
                                      "time": now, "train_seconds": round(self.train_seconds, 1)}) + "\n")
                log.flush()
            if self.step % self.ckpt_every == 0 or self.step == self.steps:
                self.save()
                if on_checkpoint:
                    on_checkpoint(self)
                t_last = time.time()   # export time is not training time
        if not losses and on_checkpoint:
            # resumed at (or past) its horizon: nothing to train, but the finished model is still exported
            # (a fresh checkout carries the checkpoint, not the export)
            on_checkpoint(self)
        bar.close()
        log.close()
        self.model.eval()
        return losses

    def final_model(self) -> torch.nn.Module:
        """The EMA weights if EMA is on, else the raw ones (modifies the model in place)."""
        if self.ema:
            self.ema.copy_to(self.model)
        return self.model
