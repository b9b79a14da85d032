"""Time GRU forward + BPTT: the reference engine against torch.nn.GRU (autograd) on the CPU, float64.

Prints the median wall and CPU time of each contender and its ratio to torch measured in the same
run, plus a plain per-step numpy implementation as the baseline the engine's optimisations are
judged by.
Both libraries get --threads threads (default 1: at these sizes extra threads only add overhead).
Usage: python benchmarks/bench_gru.py [--T 50 --n 32 --d 32 --h 64 --repeats 50 --threads 1]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable

import numpy as np
import threadpoolctl
import torch

from grucourse.gru import core, torch_map
from grucourse.gru import reference as ref


def plain_forward_backward(X: np.ndarray, H0: np.ndarray, p: dict, dH: np.ndarray):
    """The textbook version (chapter convention): one step at a time, weight gradients per step."""
    states, gates = [H0], []
    for X_t in X:
        H_prev = states[-1]
        R = ref.reset_gate(X_t, H_prev, p["W_r"], p["U_r"], p["b_r"])
        Z = ref.update_gate(X_t, H_prev, p["W_z"], p["U_z"], p["b_z"])
        H_tilde = ref.candidate_hidden_state(X_t, H_prev, R, p["W_h"], p["U_h"], p["b_h"])
        states.append(ref.hidden_state(H_prev, Z, H_tilde))
        gates.append((R, Z, H_tilde))
    grads = {k: np.zeros_like(v) for k, v in p.items()}
    dX, carry = np.empty_like(X), np.zeros_like(H0)
    for t in reversed(range(len(X))):
        (R, Z, H_tilde), H_prev, X_t = gates[t], states[t], X[t]
        G = dH[t] + carry
        dA_h = G * Z * (1 - H_tilde**2)
        dA_z = G * (H_tilde - H_prev) * Z * (1 - Z)
        dRH = dA_h @ p["U_h"].T
        dA_r = dRH * H_prev * R * (1 - R)
        carry = G * (1 - Z) + dRH * R + dA_z @ p["U_z"].T + dA_r @ p["U_r"].T
        dX[t] = dA_r @ p["W_r"].T + dA_z @ p["W_z"].T + dA_h @ p["W_h"].T
        for gate, dA, H_in in (("r", dA_r, H_prev), ("z", dA_z, H_prev), ("h", dA_h, R * H_prev)):
            grads[f"W_{gate}"] += X_t.T @ dA
            grads[f"U_{gate}"] += H_in.T @ dA
            grads[f"b_{gate}"] += dA.sum(axis=0)
    return states[1:], dX, carry, grads


def median_seconds(
    contenders: dict[str, Callable[[], object]], repeats: int, rounds: int = 5
) -> dict[str, tuple[float, float]]:
    """Median (wall, process CPU) seconds of each contender over several rounds.

    Rounds spread load changes over all contenders; within a round a contender runs in a block,
    since alternating libraries call by call lets one library's spinning threads slow the other.
    CPU time is robust to other processes sharing the machine; with one thread it is the work done.
    """
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in contenders}
    for _ in range(rounds):
        for name, fn in contenders.items():
            fn()  # warm up caches and thread pools
            for _ in range(max(1, repeats // rounds)):
                wall, cpu = time.perf_counter(), time.process_time()
                fn()
                times[name].append((time.perf_counter() - wall, time.process_time() - cpu))
    return {name: (statistics.median(w for w, _ in t), statistics.median(c for _, c in t)) for name, t in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name, default in (("T", 50), ("n", 32), ("d", 32), ("h", 64), ("repeats", 50), ("threads", 1)):
        parser.add_argument(f"--{name}", type=int, default=default)
    a = parser.parse_args()
    torch.set_num_threads(a.threads)
    with threadpoolctl.threadpool_limits(a.threads):
        run(a)


def run(a: argparse.Namespace) -> None:
    """Check that the contenders agree, then time them with a.threads threads each."""
    rng = np.random.default_rng(0)
    params = ref.init_params(a.d, a.h, rng, reset_after_bias=True)
    X = rng.standard_normal((a.T, a.n, a.d))
    H0 = rng.standard_normal((a.n, a.h))
    dH = rng.standard_normal((a.T, a.n, a.h))

    gru = torch_map.torch_gru(params, update="cho")
    X_t, H0_t = torch.from_numpy(X).requires_grad_(), torch.from_numpy(H0[None]).requires_grad_()
    dH_t = torch.from_numpy(dH)

    def torch_run() -> None:
        for tensor in (X_t, H0_t, *gru.parameters()):
            tensor.grad = None
        gru(X_t, H0_t)[0].backward(dH_t)

    def engine(update: core.Update, reset: core.Reset) -> Callable[[], object]:
        return lambda: core.backward(dH, core.forward(X, H0, params, update=update, reset=reset)[1])

    torch_run()
    if np.abs(engine("cho", "after")()[0] - X_t.grad.numpy()).max() > 1e-10:
        raise SystemExit("the engine disagrees with torch: timings would compare different work")
    if np.abs(plain_forward_backward(X, H0, params, dH)[1] - engine("chapter", "before")()[0]).max() > 1e-10:
        raise SystemExit("the plain baseline disagrees with the engine")

    print(f"T={a.T} n={a.n} d={a.d} h={a.h} float64, median of {a.repeats} runs of forward + backward")
    coretype = os.environ.get("OPENBLAS_CORETYPE", "(unset)")
    print(f"OPENBLAS_CORETYPE={coretype}  torch threads={torch.get_num_threads()}")
    for pool in threadpoolctl.threadpool_info():
        print(f"  {pool['internal_api']} {pool.get('version')} {pool.get('architecture')} "
              f"threads={pool['num_threads']} ({os.path.basename(pool['filepath'])})")
    medians = median_seconds({
        "torch.nn.GRU + autograd": torch_run,
        "engine cho/after (= torch)": engine("cho", "after"),
        "engine chapter/before": engine("chapter", "before"),
        "plain per-step numpy": lambda: plain_forward_backward(X, H0, params, dH),
    }, a.repeats)
    wall_torch, cpu_torch = medians["torch.nn.GRU + autograd"]
    print(f"{'':28s} {'wall ms':>8s} {'ratio':>6s} {'CPU ms':>8s} {'ratio':>6s}   (ratio = time / torch's time)")
    for name, (wall, cpu) in medians.items():
        print(f"{name:28s} {wall * 1e3:8.2f} {wall / wall_torch:6.2f} {cpu * 1e3:8.2f} {cpu / cpu_torch:6.2f}")


if __name__ == "__main__":
    main()
