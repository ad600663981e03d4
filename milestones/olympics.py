"""Milestone olympics: optimise a trained model, submit it, and score it like the class.

The course's finale, end to end on this machine, with every package of the
chain (modules 01-23):

1. Image task (`--data digits`, default, or `mnist`): mlp_1986's MLP is the
   baseline, trained with its recipe and splits (test split held out,
   validation from the training part; olympics_image.py).
2. Optimise it, each step measured (saved-file bytes by tt-compression's
   `compression_report`, accuracy on the held-out test images) and printed:
   structured pruning of hidden units with fine-tuning, magnitude pruning
   with sparse storage, INT8 quantisation calibrated on training images,
   and tt-kernels' fused Linear + ReLU; then the batch-1 latency of each
   model, interleaved (tt-benchmarking's `compare`).
3. Submit with tt-competition's `save_submission`: the baseline, the
   optimised model (pruned + fused, float32) and the INT8 model (pruned +
   quantised); write the hidden test as the .npz the scorer reads (raw
   pixels), score them with `score_class`, write the leaderboard (JSON,
   Markdown, HTML) and print its table. Latency is then measured again in
   `--rounds` interleaved rounds (the scorer's `score_speed`, one
   submission at a time) and the checks use the median of the rounds.
4. TinyGPT task: a char GPT trained briefly on the Jargon File at context
   256 (olympics_gpt.py), submitted twice (generate with use_cache false /
   true) and scored on the held-out last 10 % of the text (or
   `--test-text FILE`); its greedy tokens with and without tt-caching's KV
   cache (200 after a 16-character prompt, module 20's setup) must be
   identical, and the cache faster.

The metric `score` is the fraction of these checks that pass (target 1.0):

- smaller: the optimised submission's files (spec + weights) at least 4x
  smaller than the baseline's;
- no slower: its median batch-1 latency, measured by the scorer, at most
  the baseline's (median over the rounds);
- accurate: its hidden-test accuracy, measured by the scorer, at most 1
  point below the baseline's;
- GPT tokens: the cached greedy tokens equal the uncached ones, every round;
- GPT cache: generation with the cache is faster (median ms per token).

Why the optimised submission is float32 and INT8 a third one: at batch 1 a
layer's cost is its Python and dispatch overhead, not its arithmetic. A
`QuantizedLinear` rebuilds its float32 weight from the int8 codes at every
call (NumPy has no fast int8 product), so on this machine it costs more per
call than the Linear it replaces, and the INT8 model is the smallest but
not the fastest; step 2's latency table shows the measured figures every
run. The leaderboard's events show the trade.

Output: `--out DIR` (default: beside `--report` in `olympics/`, else
reports/olympics/ in the repository), one folder per task holding
`submissions/`, the hidden test file and leaderboard.{json,md,html}. Other
submissions put into a task's `submissions/` folder are scored with them.

Needs modules 01-23. `--plot FILE.png` draws latency against accuracy of
the image submissions with their Pareto front (needs matplotlib).
`--profile` profiles the optimised model on one batch (forward only).

    python milestones/olympics.py [--data digits|mnist] [--seed 0] [--quick] [--epochs N]
                                  [--out DIR] [--rounds N] [--gpt-steps N]
                                  [--report r.json] [--plot pareto.png] [--profile]
                                  [--test-data hidden.npz] [--test-text hidden.txt]
"""

from __future__ import annotations

import argparse
import dataclasses
import shutil
import statistics
import sys
from pathlib import Path
from typing import Any

import harness
import numpy as np
import olympics_gpt
import olympics_image

NAME = "olympics"
SMALLER = 4.0  # the optimised file is at least this many times smaller
POINTS = 0.01  # at most one point of accuracy below the baseline
ROUNDS = {"quick": 3, "full": 5}  # latency rounds (the scorer's first one included)
CACHE_ROUNDS = {"quick": 2, "full": 3}
SUBMISSIONS = {"baseline": "1-baseline", "optimised": "2-optimised", "int8": "3-int8"}
GPT_SUBMISSIONS = {False: "1-no-cache", True: "2-kv-cache"}


def options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, default=None, metavar="DIR",
                        help="where the submissions, hidden test files and leaderboards go "
                             "(default: olympics/ beside --report, else reports/olympics/)")
    parser.add_argument("--test-text", type=Path, default=None, metavar="FILE.txt",
                        help="the TinyGPT task's hidden test text (UTF-8; default: the "
                             "Jargon File's last 10%%); checked before anything runs")
    parser.add_argument("--rounds", type=harness.non_negative, default=None,
                        help="interleaved latency rounds of the image submissions (default "
                             f"{ROUNDS['quick']} with --quick, else {ROUNDS['full']})")
    parser.add_argument("--gpt-steps", type=harness.non_negative, default=None,
                        help="override the TinyGPT's training steps")
    parser.add_argument("--plot", type=Path, default=None, metavar="FILE.png",
                        help="latency against accuracy of the image submissions, Pareto front "
                             "marked (needs matplotlib)")


def output_dir(args: argparse.Namespace) -> Path:
    if args.out is not None:
        return args.out
    if args.report is not None:
        return args.report.resolve().parent / NAME
    return harness.REPO / "reports" / NAME


def fresh(folder: Path, names: list[str]) -> Path:
    """`folder`, without the milestone's own submissions of an earlier run (`names`).

    Anything else in it (a student's submission) stays, and is scored too.
    """
    for name in names:
        if (folder / name).exists():
            shutil.rmtree(folder / name)
    return folder


# --- scoring ----------------------------------------------------------------------------------

def write_hidden_images(run: harness.Run, task: olympics_image.ImageTask, folder: Path) -> Path:
    """The hidden test as the scorer reads it: raw pixels (its own file with --test-data)."""
    if run.args.test_data is not None:
        return run.args.test_data
    spec = harness.DATASETS[task.name]
    with np.load(harness.DATA_DIR / spec.file, allow_pickle=False) as f:
        images, labels = f["images"], f["labels"]
    test_idx = olympics_image.mlp_1986.splits(labels)[2]
    path = folder / "hidden_test.npz"
    harness.write_npz_atomic(path, {"images": images[test_idx], "labels": labels[test_idx]})
    return path


def board(results: list[Any], task: str, folder: Path) -> dict[str, Any]:
    """Write the leaderboard of `results` into `folder`, print its Markdown, return it."""
    from tinytorch.competition import leaderboard, markdown, write_leaderboard

    doc = leaderboard(results, task)
    paths = write_leaderboard(doc, folder)
    print(markdown(doc))
    print("leaderboard: " + ", ".join(str(p) for p in paths.values()))
    return doc


def scored(results: list[Any], folder_name: str) -> Any:
    """The Result of our submission `folder_name`; an error naming the reason if refused."""
    for r in results:
        if r.id == folder_name:  # the submission's directory name
            if not r.scored:
                raise RuntimeError(f"the scorer refused the {folder_name} submission: {r.reason}")
            return r
    raise RuntimeError(f"the scorer returned no result for {folder_name}: "
                       f"{[r.id for r in results]}")


def latency_rounds(folders: dict[str, Path], hidden: Path, task: str, rounds: int,
                   first: dict[str, float]) -> dict[str, list[float]]:
    """`rounds` latencies per submission: the scorer's first, then interleaved re-scorings.

    Each later round scores every submission again with `score_submission`
    (one at a time, the order alternating between rounds), so a change in
    the machine's load hits both; the checks compare the medians.
    """
    from tinytorch.competition import load_hidden_test, load_submission, score_submission

    test = load_hidden_test(hidden, task)
    subs = {name: load_submission(path) for name, path in folders.items()}
    times = {name: [first[name]] for name in folders}
    for r in range(1, rounds):
        for name in (list(subs) if r % 2 else list(reversed(subs))):
            times[name].append(score_submission(subs[name], test).latency_ms)
    return times


# --- the tasks --------------------------------------------------------------------------------

def image_task(run: harness.Run, task: olympics_image.ImageTask, out: Path,
               checks: list[dict[str, Any]]) -> None:
    from tinytorch.competition import save_submission, score_class

    args = run.args
    epochs = harness.epochs(args, 20 if task.name == "digits" else (6 if args.quick else 15))
    print(f"== image task: {task.name}, {5 * len(task.train_idx)} training images (augmented), "
          f"{len(task.val_idx)} validation, {len(task.test.labels)} hidden test "
          f"({'--test-data ' + str(args.test_data) if args.test_data else 'the test split'})",
          flush=True)
    trained = olympics_image.train_baseline(task, epochs, args.seed)
    opt = olympics_image.optimise(task, trained, args.seed)
    run.record(image_epochs=epochs, image_steps=[
        {**dataclasses.asdict(s), "ratio": round(s.ratio, 4)} for s in opt.steps])
    models = {"baseline": opt.baseline, "optimised": opt.optimised, "int8": opt.int8,
              "sparse": opt.sparse}
    speed = olympics_image.batch1_latency(models, task.test.images[0], repeats=50)
    print("batch-1 latency, interleaved (tt-benchmarking compare; not the scorer's):\n"
          + speed.table())
    run.record(image_batch1_ms={row["name"]: round(row["median_ms"], 5) for row in speed.rows()})
    run.profile_with(opt.optimised, task.test.images[:olympics_image.mlp_1986.BATCH, None])

    folder = out / task.name
    subs = fresh(folder / "submissions", list(SUBMISSIONS.values()))
    names = {"baseline": f"baseline MLP ({task.hidden} hidden)",
             "optimised": f"pruned to {olympics_image.KEEP[task.name]} + fused",
             "int8": f"pruned to {olympics_image.KEEP[task.name]} + INT8"}
    paths = {}
    for key, model in (("baseline", opt.baseline), ("optimised", opt.optimised),
                       ("int8", opt.int8)):
        paths[key] = save_submission(model, subs / SUBMISSIONS[key], task=task.name,
                                     name=names[key], author="milestones/olympics.py")
    hidden = write_hidden_images(run, task, folder)
    results = score_class(subs, hidden, task=task.name)
    doc = board(results, task.name, folder)
    run.record(image_leaderboard=str(folder / "leaderboard.json"))
    mine = {key: scored(results, SUBMISSIONS[key]) for key in paths}
    rounds = args.rounds if args.rounds is not None else ROUNDS["quick" if args.quick else
                                                                "full"]
    times = latency_rounds({k: paths[k] for k in ("baseline", "optimised")}, hidden, task.name,
                           max(rounds, 1), {k: mine[k].score.latency_ms
                                            for k in ("baseline", "optimised")})
    base, best = mine["baseline"].score, mine["optimised"].score
    lat = {k: statistics.median(v) for k, v in times.items()}
    run.record(image_submissions={k: {"name": r.name, **r.score.as_dict()}
                                  for k, r in mine.items()},
               image_latency_rounds_ms={k: [round(t, 5) for t in v] for k, v in times.items()},
               load_average=doc["machine"]["load_average"])
    ratio = base.file_bytes / best.file_bytes
    checks.append(check("smaller", ratio >= SMALLER,
                        f"{base.file_bytes:,} -> {best.file_bytes:,} bytes: {ratio:.2f}x smaller "
                        f"(needs >= {SMALLER:g}x)", ratio=round(ratio, 4)))
    checks.append(check("no slower", lat["optimised"] <= lat["baseline"],
                        f"median batch-1 latency over {len(times['baseline'])} scorer rounds: "
                        f"{lat['optimised']:.4f} ms optimised, {lat['baseline']:.4f} ms baseline "
                        f"({lat['baseline'] / lat['optimised']:.2f}x)",
                        optimised_ms=round(lat["optimised"], 5),
                        baseline_ms=round(lat["baseline"], 5)))
    drop = base.accuracy - best.accuracy
    checks.append(check("accurate", drop <= POINTS + 1e-12,
                        f"hidden-test accuracy {best.accuracy:.2%} optimised, "
                        f"{base.accuracy:.2%} baseline: {100 * drop:+.2f} points drop "
                        f"(at most {100 * POINTS:g})", drop_points=round(100 * drop, 4)))
    int8 = mine["int8"].score
    print(f"INT8 submission: {base.file_bytes / int8.file_bytes:.2f}x smaller than the baseline, "
          f"accuracy {int8.accuracy:.2%}, batch-1 latency {int8.latency_ms:.4f} ms "
          f"({int8.latency_ms / base.latency_ms:.2f}x the baseline's, scorer's first round)")
    if args.plot is not None:
        plot(args.plot, [mine[k] for k in paths], task.name)


def gpt_task(run: harness.Run, task: olympics_gpt.TextTask, out: Path,
             checks: list[dict[str, Any]]) -> None:
    from tinytorch.competition import save_submission, score_class

    args = run.args
    print(f"== TinyGPT task: the Jargon File, hidden test {task.hidden_from} "
          f"({len(task.hidden_text):,} characters)", flush=True)
    model = olympics_gpt.train(task, args.quick, args.seed, args.gpt_steps)
    rounds = CACHE_ROUNDS["quick" if args.quick else "full"]
    cache = olympics_gpt.check_cache(model, task, rounds)
    run.record(gpt_block_size=model.config.block_size, gpt_parameters=model.num_parameters(),
               gpt_cache_ms_per_token=[round(t, 4) for t in cache.cached_ms],
               gpt_no_cache_ms_per_token=[round(t, 4) for t in cache.uncached_ms],
               gpt_cache_speedup=round(cache.speedup, 3), gpt_tokens_identical=cache.identical)
    print(f"KV cache, {olympics_gpt.NEW} greedy tokens after {olympics_gpt.PROMPT} characters, "
          f"context {model.config.block_size}, {rounds} interleaved rounds: "
          f"{statistics.median(cache.uncached_ms):.2f} ms per token without, "
          f"{statistics.median(cache.cached_ms):.2f} with: {cache.speedup:.2f}x; tokens "
          + ("identical" if cache.identical else f"DIFFER from position {cache.first_difference}"))
    checks.append(check("GPT tokens", cache.identical,
                        f"cached greedy tokens {'equal' if cache.identical else 'differ from'} "
                        f"the uncached ones ({olympics_gpt.NEW} tokens, {rounds} rounds)"))
    checks.append(check("GPT cache", cache.faster,
                        f"{statistics.median(cache.cached_ms):.2f} ms per token with the cache, "
                        f"{statistics.median(cache.uncached_ms):.2f} without: "
                        f"{cache.speedup:.2f}x", speedup=round(cache.speedup, 3)))

    folder = out / "tinygpt"
    subs = fresh(folder / "submissions", list(GPT_SUBMISSIONS.values()))
    for use_cache, name in GPT_SUBMISSIONS.items():
        save_submission(model, subs / name, task="tinygpt",
                        name=f"TinyGPT ({'KV cache' if use_cache else 'no cache'})",
                        author="milestones/olympics.py", vocab=task.vocab, use_cache=use_cache)
    hidden = args.test_text if args.test_text is not None else folder / "hidden_test.txt"
    if args.test_text is None:
        folder.mkdir(parents=True, exist_ok=True)
        harness.write_text_atomic(hidden, task.hidden_text)
    results = score_class(subs, hidden, task="tinygpt")
    board(results, "tinygpt", folder)
    mine = {c: scored(results, name) for c, name in GPT_SUBMISSIONS.items()}
    run.record(gpt_leaderboard=str(folder / "leaderboard.json"),
               gpt_submissions={("kv_cache" if c else "no_cache"): {"name": r.name,
                                                                    **r.score.as_dict()}
                                for c, r in mine.items()})
    plain, cached = mine[False].score.latency_ms, mine[True].score.latency_ms
    print(f"the scorer's TinyGPT figures: accuracy {mine[True].score.accuracy:.2%} (next "
          f"character), {plain:.3f} ms per token without the cache, {cached:.3f} with "
          f"({plain / cached:.2f}x at the scorer's shorter generation)")


def check(name: str, passed: bool, detail: str, **figures: Any) -> dict[str, Any]:
    print(f"check {name}: {'PASS' if passed else 'FAIL'}: {detail}", flush=True)
    return {"check": name, "passed": bool(passed), "detail": detail, **figures}


def plot(path: Path, results: list[Any], task: str) -> None:
    """Latency against accuracy of the scored image submissions (tt-benchmarking)."""
    from tinytorch.benchmarking import plot_pareto

    try:
        written = plot_pareto([(r.score.latency_ms, 100 * r.score.accuracy) for r in results],
                              path, labels=[r.name for r in results],
                              ylabel="hidden-test accuracy (%)", xlabel="batch-1 latency (ms)",
                              title=f"olympics: {task} submissions (measured by the scorer)")
        print(f"plot: {written}")
    except ImportError as exc:
        print(f"--plot: {exc}")


def body(run: harness.Run) -> None:
    args = run.args
    text = olympics_gpt.load_task(args.test_text)  # --test-text checked before any training
    images = olympics_image.load_task(run)
    out = output_dir(args)
    run.record(out=str(out))
    checks: list[dict[str, Any]] = []
    try:
        image_task(run, images, out, checks)
        gpt_task(run, text, out, checks)
    finally:
        passed = sum(c["passed"] for c in checks)
        run.record(checks=checks, checks_passed=passed, checks_total=5)
        if checks:
            print(f"checks passed: {passed} of 5")
    run.record(score=passed / 5)


if __name__ == "__main__":
    sys.exit(harness.main(NAME, __doc__, body, harness.DATASETS, options=options))
