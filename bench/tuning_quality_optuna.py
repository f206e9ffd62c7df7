#!/usr/bin/python3
"""Optuna baseline for bench/tuning_quality (search quality, not a test).

Runs Optuna's TPESampler (default, univariate) and RandomSampler on the same
functions, bounds, budgets and number of seeds as bench/tuning_quality.cc and
prints the same table: the median over seeds of the best true value after 50
and 200 sequential trials. The noisy function adds N(0, 0.1^2) to what the
sampler sees and scores the true value of its best-seen trial.

    python3 bench/tuning_quality_optuna.py [--seeds 20] [--budget 200]
"""
import argparse
import math
import random
import statistics
import time

import optuna


def branin(x):
    b = 5.1 / (4 * math.pi ** 2)
    c = 5 / math.pi
    t = 1 / (8 * math.pi)
    u = x[1] - b * x[0] ** 2 + c * x[0] - 6
    return u * u + 10 * (1 - t) * math.cos(x[0]) + 10


ALPHA = [1.0, 1.2, 3.0, 3.2]
A = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]]
P = [[0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886], [0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991],
     [0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650], [0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381]]


def hartmann6(x):
    return -sum(ALPHA[i] * math.exp(-sum(A[i][j] * (x[j] - P[i][j]) ** 2 for j in range(6))) for i in range(4))


def rosenbrock(x):
    return sum(100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2 for i in range(len(x) - 1))


FUNCTIONS = [
    ("branin", [(-5, 10), (0, 15)], branin, 0.0),
    ("hartmann6", [(0, 1)] * 6, hartmann6, 0.0),
    ("rosenbrock10", [(-5, 10)] * 10, rosenbrock, 0.0),
    ("noisy-hartmann6", [(0, 1)] * 6, hartmann6, 0.1),
]


def run_once(sampler, bounds, f, noise_sd, seed, budget):
    noise = random.Random(seed ^ 0x5EED)
    study = optuna.create_study(sampler=sampler)
    best_seen, best_true, curve = math.inf, math.inf, []
    for _ in range(budget):
        trial = study.ask()
        x = [trial.suggest_float(f"x{i}", lo, hi) for i, (lo, hi) in enumerate(bounds)]
        truth = f(x)
        seen = truth + noise_sd * noise.gauss(0, 1)
        study.tell(trial, seen)
        if seen < best_seen:
            best_seen, best_true = seen, truth
        curve.append(best_true)
    return curve


def latency_ms(name, make_sampler):
    """One suggestion with 1,000 finished random trials of Hartmann-6 in the study."""
    bounds = [(0, 1)] * 6
    dists = {f"x{i}": optuna.distributions.FloatDistribution(lo, hi) for i, (lo, hi) in enumerate(bounds)}
    rng = random.Random(5)
    study = optuna.create_study(sampler=make_sampler(1))
    for _ in range(1000):
        params = {k: rng.uniform(0, 1) for k in dists}
        study.add_trial(optuna.trial.create_trial(params=params, distributions=dists,
                                                  value=hartmann6([params[f"x{i}"] for i in range(6)])))
    times = []
    for _ in range(3):
        start = time.perf_counter()
        trial = study.ask()
        for k, d in dists.items():
            trial.suggest_float(k, d.low, d.high)
        times.append((time.perf_counter() - start) * 1000)
        study.tell(trial, 0.0)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--budget", type=int, default=200)
    parser.add_argument("--samplers", default="optuna-tpe,optuna-random")
    parser.add_argument("--latency-only", action="store_true")
    args = parser.parse_args()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    samplers = {
        "optuna-tpe": lambda seed: optuna.samplers.TPESampler(seed=seed),
        "optuna-random": lambda seed: optuna.samplers.RandomSampler(seed=seed),
    }
    print(f"optuna {optuna.__version__}")
    names = args.samplers.split(",")
    if not args.latency_only:
        quality(args, names, samplers)
    print()
    print("| algorithm | ms per suggestion at 1,000 finished trials (Hartmann-6) |")
    print("|---|---|")
    for name in names:
        print(f"| {name} | {latency_ms(name, samplers[name]):.2f} |", flush=True)


def quality(args, names, samplers):
    print("| algorithm | function | best@50 median (seeds) | best@200 median (seeds) | seconds |")
    print("|---|---|---|---|---|")
    for name in names:
        for fname, bounds, f, noise_sd in FUNCTIONS:
            start = time.time()
            curves = [run_once(samplers[name](1000 + s), bounds, f, noise_sd, 1000 + s, args.budget)
                      for s in range(args.seeds)]
            cells = []
            for cp in (50, 200):
                cells.append(f"{statistics.median(c[cp - 1] for c in curves):.4g} ({len(curves)})"
                             if cp <= args.budget else "-")
            print(f"| {name} | {fname} | {cells[0]} | {cells[1]} | {time.time() - start:.1f} |", flush=True)


if __name__ == "__main__":
    main()
