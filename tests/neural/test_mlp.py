"""Tests of FocalLossMLPClassifier."""

import pickle
import re
import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.exceptions import NotFittedError
from sklearn.metrics import average_precision_score, make_scorer
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

torch = pytest.importorskip("torch")

from imblearn.pipeline import Pipeline  # noqa: E402

from imbestimators.class_weight import (  # noqa: E402
    class_weight_from_cost_matrix,
    compute_class_weight,
)
from imbestimators.neural import (  # noqa: E402
    DeviceFallbackWarning,
    FocalLoss,
    FocalLossMLPClassifier,
)
from imbestimators.neural._mlp import _FocalNet, _TensorDataset  # noqa: E402
from imbestimators.over_sampling import SMOTE  # noqa: E402

FAST = {"hidden_layer_sizes": (8,), "max_epochs": 3, "random_state": 0}


def _data(n_samples=200, weights=(0.85, 0.15), n_classes=2, seed=0):
    X, y = make_classification(
        n_samples=n_samples,
        n_features=6,
        n_informative=4,
        n_classes=n_classes,
        weights=list(weights),
        random_state=seed,
    )
    return X, y


@parametrize_with_checks(
    [
        FocalLossMLPClassifier(
            hidden_layer_sizes=(16,),
            max_epochs=20,
            lr=0.05,
            batch_size=64,
            random_state=0,
        )
    ],
    expected_failed_checks=lambda est: {
        "check_sample_weight_equivalence_on_dense_data": (
            "float32 training: a weight of k and k repeated rows give the same "
            "model up to float32 rounding (~3e-7 on predict_proba), above the "
            "check's rtol=1e-7; see test_sample_weight_equals_repetition and the "
            "float64 instance in tests/test_common.py, which passes"
        )
    },
)
def test_sklearn_checks_float32(estimator, check):
    """Check scikit-learn's estimator contract with the float32 default."""
    check(estimator)


def test_grid_search_smote_pipeline_string_labels():
    """Check GridSearchCV over scaler + SMOTE + MLP with float64 X, string labels."""
    X, y = _data()
    y = np.where(y == 1, "fraud", "legit")
    pipe = Pipeline(
        [
            ("scale", StandardScaler()),
            ("smote", SMOTE(random_state=0)),
            ("mlp", FocalLossMLPClassifier(max_epochs=2, random_state=0)),
        ]
    )
    grid = GridSearchCV(
        pipe,
        {"mlp__gamma": [0.0, 2.0], "mlp__hidden_layer_sizes": [(4,), (8, 4)]},
        scoring=make_scorer(
            average_precision_score, response_method="predict_proba", pos_label="fraud"
        ),
        cv=2,
        n_jobs=2,
        error_score="raise",
    )
    assert X.dtype == np.float64
    grid.fit(X, y)
    assert np.isfinite(grid.cv_results_["mean_test_score"]).all()
    assert set(grid.predict(X)) <= {"fraud", "legit"}
    best = grid.best_estimator_
    restored = pickle.loads(pickle.dumps(best))
    np.testing.assert_array_equal(restored.predict_proba(X), best.predict_proba(X))
    np.testing.assert_array_equal(restored.predict(X), best.predict(X))
    fresh = clone(best)
    assert not hasattr(fresh[-1], "net_")
    assert fresh.get_params()["mlp__gamma"] == best.get_params()["mlp__gamma"]


@pytest.mark.parametrize(
    "labels",
    [
        np.array(["no", "yes"]),
        np.array([-3, 7]),
        np.array([1.0, 2.0]),
        np.array([False, True]),
        np.array(["x", 2], dtype=object),
    ],
    ids=["str", "int", "float", "bool", "object"],
)
def test_any_labels(labels):
    """Check that predictions come back in the labels given."""
    X, y = _data()
    if labels.dtype == object:
        labels = np.array(["x", "y"], dtype=object)
    y_named = labels[y]
    clf = FocalLossMLPClassifier(**FAST).fit(X, y_named)
    np.testing.assert_array_equal(clf.classes_, np.unique(y_named))
    assert set(clf.predict(X).tolist()) <= set(y_named.tolist())


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64, np.int32])
def test_input_dtypes(dtype):
    """Check float64, float32 and integer X, with probabilities that sum to 1."""
    X, y = _data()
    X = (X * 10).astype(dtype)
    clf = FocalLossMLPClassifier(**FAST).fit(X, y)
    proba = clf.predict_proba(X)
    assert proba.dtype == np.float64
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-12)
    np.testing.assert_allclose(np.exp(clf.predict_log_proba(X)), proba, rtol=1e-12)
    np.testing.assert_array_equal(clf.predict(X), clf.classes_[proba.argmax(axis=1)])


def test_pandas_input():
    """Check DataFrame/Series input: feature names kept, the same model."""
    pd = pytest.importorskip("pandas")
    X, y = _data()
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    clf = FocalLossMLPClassifier(**FAST).fit(frame, pd.Series(y))
    np.testing.assert_array_equal(clf.feature_names_in_, frame.columns)
    reference = FocalLossMLPClassifier(**FAST).fit(X, y)
    np.testing.assert_array_equal(clf.predict_proba(frame), reference.predict_proba(X))


def test_multiclass_and_net_probabilities():
    """Check 3 classes, and that net_.predict_proba gives probabilities, not logits."""
    X, y = _data(n_samples=300, weights=(0.7, 0.2, 0.1), n_classes=3)
    clf = FocalLossMLPClassifier(**{**FAST, "max_epochs": 30, "lr": 0.01}).fit(X, y)
    proba = clf.predict_proba(X)
    assert proba.shape == (300, 3)
    net_proba = clf.net_.predict_proba(torch.tensor(X, dtype=torch.float32))
    np.testing.assert_allclose(net_proba, proba, rtol=1e-5, atol=1e-6)
    assert clf.score(X, y) > 0.6


def test_bit_reproducible_and_global_rng_untouched():
    """Check identical weights for one seed, other weights for another seed."""
    X, y = _data()
    params = {**FAST, "dropout": 0.2, "balanced_batches": True}
    state = torch.get_rng_state()
    first = FocalLossMLPClassifier(**params).fit(X, y)
    assert torch.equal(torch.get_rng_state(), state)
    second = FocalLossMLPClassifier(**params).fit(X, y)
    other = FocalLossMLPClassifier(**{**params, "random_state": 1}).fit(X, y)
    for name, weight in first.net_.module_.state_dict().items():
        assert torch.equal(weight, second.net_.module_.state_dict()[name])
    np.testing.assert_array_equal(first.predict_proba(X), second.predict_proba(X))
    assert not np.array_equal(first.predict_proba(X), other.predict_proba(X))


def test_dropout_only_while_training():
    """Check that predictions run in eval mode: dropout off, outputs repeatable."""
    X, y = _data()
    clf = FocalLossMLPClassifier(**FAST, dropout=0.5).fit(X, y)
    np.testing.assert_array_equal(clf.predict_proba(X), clf.predict_proba(X))
    assert not clf.net_.module_.training
    clf.net_.module_.train()  # a user switching the module back to training
    clf.predict_proba(X)
    assert not clf.net_.module_.training


def test_sample_weight_equals_repetition():
    """Check that integer weights train the model of repeated rows.

    Full batches, so both fits see the same loss: float64 agrees to rounding,
    float32 to its own rounding.
    """
    X, y = _data(n_samples=60)
    weight = np.random.default_rng(0).integers(0, 4, size=60)
    X_rep, y_rep = np.repeat(X, weight, axis=0), np.repeat(y, weight)
    for dtype, atol in [("float64", 1e-12), ("float32", 1e-5)]:
        params = {**FAST, "max_epochs": 10, "batch_size": 1000, "dtype": dtype}
        weighted = FocalLossMLPClassifier(**params).fit(X, y, sample_weight=weight)
        repeated = FocalLossMLPClassifier(**params).fit(X_rep, y_rep)
        np.testing.assert_allclose(
            weighted.predict_proba(X), repeated.predict_proba(X), atol=atol
        )


def test_sample_weight_not_modified_and_zero_rows_dropped():
    """Check that sample_weight is left unchanged and zero-weight rows removed."""
    X, y = _data()
    weight = np.ones(len(y))
    weight[:50] = 0
    clf = FocalLossMLPClassifier(**FAST).fit(X, y, sample_weight=weight)
    np.testing.assert_array_equal(weight, np.r_[np.zeros(50), np.ones(150)])
    removed = FocalLossMLPClassifier(**FAST).fit(X[50:], y[50:])
    assert clf.net_.history[-1, "train_batch_count"] == 1
    np.testing.assert_allclose(
        clf.predict_proba(X), removed.predict_proba(X), atol=1e-6
    )


@pytest.mark.parametrize("scheme", ["balanced", "inverse_sqrt", "effective_number"])
def test_class_weight_schemes_become_alpha(scheme):
    """Check that class_weight_ is the scheme on the training rows and the alpha."""
    X, y = _data()
    clf = FocalLossMLPClassifier(**FAST, class_weight=scheme, beta=0.99).fit(X, y)
    expected = compute_class_weight(scheme, classes=np.unique(y), y=y, beta=0.99)
    np.testing.assert_allclose(clf.class_weight_, expected)
    assert isinstance(clf.net_.criterion_, FocalLoss)
    np.testing.assert_allclose(clf.net_.criterion_.alpha.numpy(), expected, rtol=1e-6)


def test_class_weight_from_cost_matrix_dict():
    """Check a cost matrix's weights with string labels, and their effect."""
    X, y = _data()
    y = np.where(y == 1, "fraud", "ok")
    costs = class_weight_from_cost_matrix([[0, 50], [1, 0]], classes=["fraud", "ok"])
    params = {**FAST, "max_epochs": 20}
    clf = FocalLossMLPClassifier(**params, class_weight=costs).fit(X, y)
    np.testing.assert_array_equal(clf.class_weight_, [50.0, 1.0])
    plain = FocalLossMLPClassifier(**params).fit(X, y)
    assert (clf.predict(X) == "fraud").sum() > (plain.predict(X) == "fraud").sum()


def test_gamma_zero_unweighted_is_cross_entropy_training():
    """Check that gamma=0 without weights trains with plain cross-entropy."""
    X, y = _data()
    clf = FocalLossMLPClassifier(**FAST, gamma=0).fit(X, y)
    assert clf.net_.criterion_.gamma == 0
    np.testing.assert_array_equal(clf.class_weight_, [1.0, 1.0])
    X32 = torch.tensor(X, dtype=torch.float32)
    logits = clf.net_.module_(X32)
    focal = clf.net_.criterion_(logits, torch.tensor(y)).mean()
    torch.testing.assert_close(
        focal, torch.nn.functional.cross_entropy(logits, torch.tensor(y))
    )


def test_balanced_batches_in_training_iterator():
    """Check that training batches are balanced, or follow the given shares."""
    X, y = _data(n_samples=200, weights=(0.9, 0.1))
    y = np.where(y == 1, "rare", "common")
    for balanced, expected in [
        (True, {0: 10, 1: 10}),
        ({"common": 3, "rare": 1}, {0: 15, 1: 5}),
    ]:
        clf = FocalLossMLPClassifier(
            **FAST, batch_size=20, balanced_batches=balanced
        ).fit(X, y)
        encoded = torch.tensor(np.unique(y, return_inverse=True)[1])
        dataset = _TensorDataset(torch.tensor(X, dtype=torch.float32), encoded)
        for _, (target, _) in clf.net_.get_iterator(dataset, training=True):
            counts = dict(enumerate(np.bincount(target.numpy()).tolist()))
            assert counts == expected


def test_early_stopping_restores_best_weights():
    """Check early stopping: fewer epochs, scores recorded, best weights kept."""
    X, y = _data(n_samples=400, weights=(0.9, 0.1))
    clf = FocalLossMLPClassifier(
        hidden_layer_sizes=(32,),
        max_epochs=200,
        lr=0.02,
        early_stopping=True,
        validation_fraction=0.25,
        patience=3,
        random_state=0,
    ).fit(X, y)
    assert clf.n_iter_ < 200
    assert len(clf.validation_scores_) == len(clf.loss_curve_) == clf.n_iter_
    assert clf.best_validation_score_ == max(clf.validation_scores_)
    # the split is the first draw of the estimator's generator
    _, valid = train_test_split(
        np.arange(len(y)),
        test_size=0.25,
        stratify=y,
        random_state=np.random.RandomState(0),
    )
    minority = 1
    score = average_precision_score(
        y[valid] == minority, clf.predict_proba(X[valid])[:, minority]
    )
    assert score == pytest.approx(clf.best_validation_score_, rel=1e-12)
    # the last epochs were worse: the kept weights are not the last ones
    assert clf.validation_scores_[-1] < clf.best_validation_score_


def test_warm_start_continues_training():
    """Check that warm_start starts from the previous weights."""
    X, y = _data()
    clf = FocalLossMLPClassifier(**FAST, warm_start=True).fit(X, y)
    first_curve = clf.loss_curve_
    clf.fit(X, y)
    assert clf.loss_curve_[0] < first_curve[0]
    cold = FocalLossMLPClassifier(**FAST).fit(X, y)
    assert cold.loss_curve_ == first_curve
    with pytest.raises(ValueError, match=r"warm_start=True needs the classes"):
        clf.fit(X, np.where(y == 1, "a", "b"))
    clf = FocalLossMLPClassifier(**FAST, warm_start=True).fit(X, y)
    with pytest.raises(ValueError, match=r"warm_start=True needs the features"):
        clf.set_params(hidden_layer_sizes=(5,)).fit(X, y)


@pytest.mark.parametrize("optimizer", ["adam", "adamw", "sgd", torch.optim.RMSprop])
def test_optimizers(optimizer):
    """Check the named optimizers and a torch optimizer class."""
    X, y = _data()
    clf = FocalLossMLPClassifier(**FAST, optimizer=optimizer, weight_decay=1e-3)
    clf.fit(X, y)
    assert clf.net_.optimizer_.param_groups[0]["weight_decay"] == 1e-3
    if optimizer == "sgd":
        assert clf.net_.optimizer_.param_groups[0]["nesterov"]


def test_device_auto_resolves_to_cpu_and_cuda_fails_clearly():
    """Check device='auto' -> 'cpu' without CUDA, and the message for 'cuda'."""
    if torch.cuda.is_available():
        pytest.skip("CUDA is available here")
    X, y = _data()
    clf = FocalLossMLPClassifier(**FAST, device="auto").fit(X, y)
    assert clf.device_ == "cpu"
    assert clf.device == "auto"
    with pytest.raises(ValueError, match=r"device='cuda' but CUDA is not available"):
        FocalLossMLPClassifier(**FAST, device="cuda").fit(X, y)


def test_verbose(capsys):
    """Check silence at verbose=0 and a per-epoch table at verbose=1."""
    X, y = _data()
    FocalLossMLPClassifier(**FAST).fit(X, y)
    assert capsys.readouterr().out == ""
    FocalLossMLPClassifier(**FAST, verbose=1, early_stopping=True).fit(X, y)
    out = capsys.readouterr().out
    assert "train_loss" in out
    assert "valid_ap" in out
    assert len([line for line in out.splitlines() if line.strip()]) >= 2 + 3


def test_pickle_keeps_no_training_data():
    """Check that a pickled model does not carry the held-out rows."""
    X, y = _data(n_samples=5000)
    held_out_bytes = 500 * X.shape[1] * 4
    plain = FocalLossMLPClassifier(**FAST).fit(X, y)
    stopped = FocalLossMLPClassifier(**FAST, early_stopping=True).fit(X, y)
    extra = len(pickle.dumps(stopped)) - len(pickle.dumps(plain))
    assert extra < held_out_bytes / 4
    assert pickle.loads(pickle.dumps(stopped)).predict(X[:5]).shape == (5,)


@pytest.mark.parametrize(
    ("params", "fit_kwargs", "error", "match"),
    [
        (
            {"device": "tpu0"},
            {},
            ValueError,
            r"device must be 'cpu', 'cuda', 'cuda:<index>' or 'auto'.*got 'tpu0'",
        ),
        (
            {"optimizer": dict},
            {},
            TypeError,
            r"optimizer must be 'adam', 'adamw', 'sgd' or a subclass of "
            r"torch.optim.Optimizer; got <class 'dict'>",
        ),
        (
            {"hidden_layer_sizes": (8, 0)},
            {},
            ValueError,
            r"hidden_layer_sizes must hold positive integers; got \(8, 0\)",
        ),
        (
            {"balanced_batches": {0: 1}},
            {},
            ValueError,
            r"balanced_batches must give a share for each class .* missing: 1; "
            r"not in y: none",
        ),
        (
            {"balanced_batches": {0: -1, 1: 1}},
            {},
            ValueError,
            r"balanced_batches shares must be finite, non-negative and not all "
            r"zero; got \{0: -1, 1: 1\}",
        ),
        (
            {"early_stopping": True, "validation_fraction": 0.001},
            {},
            ValueError,
            r"early_stopping=True cannot hold out a stratified "
            r"validation_fraction=0.001 of 200 samples with 2 classes",
        ),
        (
            {"class_weight": {5: 1.0}},
            {},
            ValueError,
            "class_weight names labels that are not classes of y: 5",
        ),
        (
            {},
            {"sample_weight": np.r_[np.ones(100), np.zeros(100)]},
            ValueError,
            r"needs at least 2 classes with non-zero sample_weight; only class \d",
        ),
        (
            {},
            {"sample_weight": np.ones(3)},
            ValueError,
            r"sample_weight must have shape \(200,\)",
        ),
        (
            {"lr": 0},
            {},
            ValueError,
            r"The 'lr' parameter of FocalLossMLPClassifier must be a float in the "
            r"range \(0.0, inf\)",
        ),
    ],
)
def test_fit_errors(params, fit_kwargs, error, match):
    """Check every error message of fit, raised before any training."""
    X, y = _data()
    if "sample_weight" in fit_kwargs and len(fit_kwargs["sample_weight"]) == 200:
        order = np.argsort(y, kind="stable")
        X, y = X[order], y[order]
    with pytest.raises(error, match=match):
        FocalLossMLPClassifier(**{**FAST, **params}).fit(X, y, **fit_kwargs)


def test_one_class_error():
    """Check the message when y has a single class."""
    X, _ = _data()
    with pytest.raises(ValueError, match=r"needs at least 2 classes in y; got 1 class"):
        FocalLossMLPClassifier(**FAST).fit(X, np.full(len(X), "only"))


def test_focal_mlp_learns_imbalanced_data():
    """Check a useful model on imbalanced data: average precision well above chance."""
    X, y = _data(n_samples=600, weights=(0.9, 0.1), seed=1)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, stratify=y, random_state=0
    )
    scaler = StandardScaler().fit(X_train)
    clf = FocalLossMLPClassifier(
        hidden_layer_sizes=(32,),
        max_epochs=30,
        lr=0.01,
        random_state=0,
        class_weight="balanced",
    ).fit(scaler.transform(X_train), y_train)
    proba = clf.predict_proba(scaler.transform(X_test))[:, 1]
    assert average_precision_score(y_test, proba) > 0.5  # chance is 0.1


def _tensors_on_the_device(net):
    """The tensors a fit with ``device='cuda'`` keeps on the GPU.

    The module's and the loss's parameters and buffers, and the optimizer's
    per-parameter state (Adam's moments; its step counts stay on the CPU).
    """
    tensors = [
        *net.module_.state_dict().values(),
        *net.criterion_.state_dict().values(),
    ]
    for state in net.optimizer_.state.values():
        tensors += [v for v in state.values() if torch.is_tensor(v) and v.dim() > 0]
    return tensors


def _pickle_as_fitted_on_cuda(clf, monkeypatch):
    """Pickle ``clf``, fitted on the CPU, as if it had been fitted on CUDA.

    On a GPU machine the pickle of a fit with ``device='cuda'`` differs from
    that of a CPU fit in two things: the device names (the estimator's
    ``device`` and ``device_``, the skorch net's ``device``) say ``'cuda'``,
    and the storages of the tensors kept on the GPU carry the location tag
    ``'cuda:0'`` (written by ``torch.serialization.location_tag``), which
    tells ``torch.load`` where to rebuild them; without a ``map_location``,
    loading them where CUDA is missing raises. Both are reproduced here; the
    bytes of the weights are the same on either device.
    """
    on_device = {
        t.untyped_storage().data_ptr() for t in _tensors_on_the_device(clf.net_)
    }
    real_tag = torch.serialization.location_tag

    def cuda_tag(storage):
        return "cuda:0" if storage.data_ptr() in on_device else real_tag(storage)

    clf.device = clf.device_ = "cuda"
    clf.net_.device = "cuda"
    with monkeypatch.context() as patch:
        patch.setattr(torch.serialization, "location_tag", cuda_tag)
        return pickle.dumps(clf), pickle.dumps(clf.net_.module_)


def test_model_fitted_on_cuda_predicts_on_cpu_without_cuda(monkeypatch):
    """Check that a pickled CUDA model loads and predicts where CUDA is missing.

    Train on a GPU, serve on a CPU. The GPU is simulated (see
    ``_pickle_as_fitted_on_cuda``), and its absence at load time too
    (``torch.cuda.is_available`` returns False, as on a CPU-only machine or
    with ``CUDA_VISIBLE_DEVICES=""``). The model must load on the CPU with one
    DeviceFallbackWarning, predict there with the same weights, and keep its
    ``device`` parameter.
    """
    X, y = _data()
    clf = FocalLossMLPClassifier(**FAST, class_weight="balanced").fit(X, y)
    expected, expected_labels = clf.predict_proba(X), clf.predict(X)
    payload, module_payload = _pickle_as_fitted_on_cuda(clf, monkeypatch)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    # the simulation is faithful: these bytes need CUDA without a map_location
    with pytest.raises(RuntimeError, match="deserialize object on a CUDA device"):
        pickle.loads(module_payload)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        loaded = pickle.loads(payload)
        proba = loaded.predict_proba(X)
    assert [w.category for w in caught] == [DeviceFallbackWarning]
    assert re.search(
        r"fitted on device 'cuda', which torch .* cannot use here \(CUDA is not "
        r"available\); it was loaded on 'cpu' .* Call to_device",
        str(caught[0].message),
    )
    np.testing.assert_array_equal(proba, expected)
    np.testing.assert_array_equal(loaded.predict(X), expected_labels)
    assert loaded.device_ == loaded.net_.device == "cpu"
    assert loaded.device == "cuda"  # a parameter: where a clone would train
    assert all(t.device.type == "cpu" for t in _tensors_on_the_device(loaded.net_))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # now a CPU model: no second warning
        pickle.loads(pickle.dumps(loaded)).predict(X[:3])


def test_to_device():
    """Check to_device: same predictions, device_ follows, parameter unchanged."""
    X, y = _data()
    clf = FocalLossMLPClassifier(**FAST, device="auto")
    with pytest.raises(NotFittedError):
        clf.to_device("cpu")
    clf.fit(X, y)
    expected = clf.predict_proba(X)
    assert clf.to_device("cpu") is clf
    np.testing.assert_array_equal(clf.predict_proba(X), expected)
    assert clf.device_ == clf.net_.device == "cpu"
    assert clf.device == "auto"
    if not torch.cuda.is_available():
        with pytest.raises(
            ValueError,
            match=r"FocalLossMLPClassifier.to_device: device='cuda' but CUDA is not "
            r"available",
        ):
            clf.to_device("cuda")
    with pytest.raises(ValueError, match=r"to_device: device must be 'cpu'.*'tpu0'"):
        clf.to_device("tpu0")
    assert clf.device_ == "cpu"


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_cuda_fit_moves_to_cpu_and_back():
    """Check a real CUDA fit: the CPU's probabilities within 1e-5, and back."""
    X, y = _data()
    clf = FocalLossMLPClassifier(**FAST, class_weight="balanced", device="cuda")
    gpu = clf.fit(X, y).predict_proba(X)
    assert clf.device_ == "cuda"
    np.testing.assert_allclose(clf.to_device("cpu").predict_proba(X), gpu, atol=1e-5)
    assert clf.net_.criterion_.alpha.device.type == "cpu"
    np.testing.assert_allclose(clf.to_device("cuda").predict_proba(X), gpu, atol=1e-6)
    clf.set_params(warm_start=True).fit(X, y)  # the optimizer state moved too


def test_training_waits_for_the_device_once_per_block_of_batches(monkeypatch):
    """Check that the loss is not copied to the host after every batch.

    Each copy (``loss.item()``, as in skorch's epoch) makes the CPU wait for
    a GPU to finish the batch; the losses are copied in blocks instead. SGD,
    because Adam calls ``.item()`` on its step counts (CPU tensors).
    """
    X, y = _data()
    calls = []
    item = torch.Tensor.item
    monkeypatch.setattr(
        torch.Tensor, "item", lambda tensor: calls.append(tensor) or item(tensor)
    )
    clf = FocalLossMLPClassifier(**FAST, batch_size=20, optimizer="sgd").fit(X, y)
    assert clf.net_.history[-1, "train_batch_count"] == 10
    assert calls == []


def test_lean_epoch_is_skorchs_epoch(monkeypatch):
    """Check that the estimator's epoch trains and records as skorch's does."""
    X, y = _data()
    params = {**FAST, "dropout": 0.2, "batch_size": 30}
    lean = FocalLossMLPClassifier(**params).fit(X, y, sample_weight=np.arange(200.0))
    # any callback on batch events sends training through skorch's own epoch
    monkeypatch.setattr(_FocalNet, "_batch_callbacks", lambda net: ["a callback"])
    skorch = FocalLossMLPClassifier(**params).fit(X, y, sample_weight=np.arange(200.0))
    for name, weight in lean.net_.module_.state_dict().items():
        assert torch.equal(weight, skorch.net_.module_.state_dict()[name])
    for key in ["train_loss", "train_batch_count"]:
        assert lean.net_.history[:, key] == skorch.net_.history[:, key]
    assert (
        lean.net_.history[:, "batches", :, "train_loss"]
        == skorch.net_.history[:, "batches", :, "train_loss"]
    )
    assert (
        lean.net_.history[:, "batches", :, "train_batch_size"]
        == skorch.net_.history[:, "batches", :, "train_batch_size"]
    )
