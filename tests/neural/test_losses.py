"""Tests of FocalLoss and BinaryFocalLoss."""

import pickle

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

torch = pytest.importorskip("torch")
F = torch.nn.functional

from imbestimators.neural import BinaryFocalLoss, FocalLoss  # noqa: E402

REDUCTIONS = ["mean", "sum", "none"]
logit_values = st.floats(-30, 30, allow_nan=False, width=64)


@st.composite
def multiclass_batches(draw, bound=30.0):
    """Logits (n, k), integer targets and positive class weights."""
    n = draw(st.integers(1, 12))
    k = draw(st.integers(2, 5))
    logits = draw(arrays(np.float64, (n, k), elements=st.floats(-bound, bound)))
    target = draw(arrays(np.int64, n, elements=st.integers(0, k - 1)))
    alpha = draw(arrays(np.float64, k, elements=st.floats(0.1, 10)))
    return torch.tensor(logits), torch.tensor(target), torch.tensor(alpha)


@st.composite
def binary_batches(draw, bound=30.0):
    """Logits (n,), targets in [0, 1] (hard or soft) and a pos_weight."""
    n = draw(st.integers(1, 12))
    logits = draw(arrays(np.float64, n, elements=st.floats(-bound, bound)))
    soft = draw(st.booleans())
    target_elements = st.floats(0, 1) if soft else st.sampled_from([0.0, 1.0])
    target = draw(arrays(np.float64, n, elements=target_elements))
    pos_weight = draw(st.floats(0.1, 10))
    return (
        torch.tensor(logits),
        torch.tensor(target),
        torch.tensor([pos_weight], dtype=torch.float64),
    )


@given(batch=multiclass_batches(), reduction=st.sampled_from(REDUCTIONS))
def test_focal_gamma_zero_is_cross_entropy(batch, reduction):
    """Check that gamma=0 gives CrossEntropyLoss, with and without alpha."""
    logits, target, alpha = batch
    plain = FocalLoss(gamma=0, reduction=reduction)(logits, target)
    expected = F.cross_entropy(logits, target, reduction=reduction)
    torch.testing.assert_close(plain, expected, rtol=1e-12, atol=1e-12)
    weighted = FocalLoss(alpha=alpha, gamma=0, reduction=reduction)(logits, target)
    expected = F.cross_entropy(logits, target, weight=alpha, reduction=reduction)
    torch.testing.assert_close(weighted, expected, rtol=1e-12, atol=1e-12)


@given(batch=binary_batches(), reduction=st.sampled_from(REDUCTIONS))
def test_binary_focal_gamma_zero_is_bce(batch, reduction):
    """Check that gamma=0 gives BCEWithLogitsLoss, with and without pos_weight."""
    logits, target, pos_weight = batch
    plain = BinaryFocalLoss(gamma=0, reduction=reduction)(logits, target)
    expected = F.binary_cross_entropy_with_logits(logits, target, reduction=reduction)
    torch.testing.assert_close(plain, expected, rtol=1e-12, atol=1e-12)
    weighted = BinaryFocalLoss(gamma=0, pos_weight=pos_weight, reduction=reduction)
    expected = F.binary_cross_entropy_with_logits(
        logits, target, pos_weight=pos_weight, reduction=reduction
    )
    torch.testing.assert_close(
        weighted(logits, target), expected, rtol=1e-12, atol=1e-12
    )


@given(batch=multiclass_batches(), gamma=st.floats(0.01, 5))
def test_focal_matches_formula_and_is_below_cross_entropy(batch, gamma):
    """Check -(1 - p_t)^gamma log p_t per sample, and that it is <= cross-entropy."""
    logits, target, _ = batch
    loss = FocalLoss(gamma=gamma, reduction="none")(logits, target)
    proba = torch.softmax(logits, dim=1).gather(1, target[:, None])[:, 0].numpy()
    log_proba = torch.log_softmax(logits, dim=1).gather(1, target[:, None])[:, 0]
    expected = -((1 - proba) ** gamma) * log_proba.numpy()
    np.testing.assert_allclose(loss.numpy(), expected, rtol=1e-7, atol=1e-12)
    cross_entropy = F.cross_entropy(logits, target, reduction="none")
    assert torch.all(loss <= cross_entropy + 1e-12)
    larger_gamma = FocalLoss(gamma=gamma + 1, reduction="none")(logits, target)
    assert torch.all(larger_gamma <= loss + 1e-12)


@given(batch=binary_batches(), gamma=st.floats(0.01, 5), alpha=st.floats(0, 1))
def test_binary_focal_matches_formula_and_is_below_bce(batch, gamma, alpha):
    """Check Lin et al.'s formula with alpha, and that it is <= BCE."""
    logits, target, _ = batch
    loss = BinaryFocalLoss(alpha=alpha, gamma=gamma, reduction="none")(logits, target)
    p = torch.sigmoid(logits).numpy()
    y = target.numpy()
    log_p = F.logsigmoid(logits).numpy()
    log_1m_p = F.logsigmoid(-logits).numpy()
    expected = -(
        alpha * y * (1 - p) ** gamma * log_p
        + (1 - alpha) * (1 - y) * p**gamma * log_1m_p
    )
    np.testing.assert_allclose(loss.numpy(), expected, rtol=1e-6, atol=1e-12)
    bce = F.binary_cross_entropy_with_logits(logits, target, reduction="none")
    plain = BinaryFocalLoss(gamma=gamma, reduction="none")(logits, target)
    assert torch.all(plain <= bce + 1e-12)


extreme = st.sampled_from([-1e4, -50.0, 0.0, 50.0, 1e4])


@given(
    logits=arrays(np.float32, (6, 3), elements=extreme),
    target=arrays(np.int64, 6, elements=st.integers(0, 2)),
    gamma=st.sampled_from([0.0, 0.5, 2.0, 5.0]),
)
@example(
    logits=np.array([[1e4, -1e4, -1e4]] * 6, dtype=np.float32),
    target=np.zeros(6, dtype=np.int64),
    gamma=0.5,
)
def test_focal_finite_for_extreme_logits(logits, target, gamma):
    """Check finite values and gradients for logits of +-1e4 in float32.

    The example is p_t == 1 with gamma < 1, where (1 - p) ** gamma has an
    infinite derivative.
    """
    logits = torch.tensor(logits, requires_grad=True)
    alpha = torch.tensor([1.0, 2.0, 3.0])
    loss = FocalLoss(alpha=alpha, gamma=gamma)(logits, torch.tensor(target))
    loss.backward()
    assert torch.isfinite(loss)
    assert torch.isfinite(logits.grad).all()


@given(
    logits=arrays(np.float32, 6, elements=extreme),
    target=arrays(np.float32, 6, elements=st.sampled_from([0.0, 0.3, 1.0])),
    gamma=st.sampled_from([0.0, 0.5, 2.0, 5.0]),
)
@example(
    logits=np.full(6, 1e4, dtype=np.float32),
    target=np.ones(6, dtype=np.float32),
    gamma=0.5,
)
def test_binary_focal_finite_for_extreme_logits(logits, target, gamma):
    """Check finite values and gradients of the sigmoid focal loss at +-1e4."""
    logits = torch.tensor(logits, requires_grad=True)
    loss = BinaryFocalLoss(alpha=0.25, gamma=gamma, pos_weight=torch.tensor(3.0))(
        logits, torch.tensor(target)
    )
    loss.backward()
    assert torch.isfinite(loss)
    assert torch.isfinite(logits.grad).all()


def test_focal_gradient_matches_finite_differences():
    """Check autograd through the log-sum-exp form against finite differences."""
    generator = torch.Generator().manual_seed(0)
    logits = torch.randn(5, 4, dtype=torch.float64, generator=generator)
    logits.requires_grad_(True)
    target = torch.tensor([0, 1, 2, 3, 1])
    alpha = torch.tensor([0.5, 1.0, 2.0, 1.5], dtype=torch.float64)
    loss = FocalLoss(alpha=alpha, gamma=1.5)
    assert torch.autograd.gradcheck(lambda z: loss(z, target), (logits,))


def test_focal_ignore_index():
    """Check that ignored targets add nothing, as in CrossEntropyLoss."""
    logits = torch.tensor([[2.0, 0.0], [0.0, 1.0], [5.0, -5.0]])
    target = torch.tensor([0, -100, 1])
    alpha = torch.tensor([1.0, 3.0])
    loss = FocalLoss(alpha=alpha, gamma=0)(logits, target)
    torch.testing.assert_close(loss, F.cross_entropy(logits, target, weight=alpha))
    kept = FocalLoss(alpha=alpha, gamma=2)(logits[[0, 2]], target[[0, 2]])
    torch.testing.assert_close(FocalLoss(alpha=alpha, gamma=2)(logits, target), kept)
    per_sample = FocalLoss(gamma=2, reduction="none", ignore_index=1)(
        logits, torch.tensor([0, 0, 1])
    )
    assert per_sample[2] == 0
    assert per_sample[1] > 0


def test_focal_spatial_inputs():
    """Check (N, C, d) inputs against the flattened (N * d, C) ones."""
    generator = torch.Generator().manual_seed(0)
    logits = torch.randn(2, 3, 4, generator=generator)
    target = torch.randint(0, 3, (2, 4), generator=generator)
    loss = FocalLoss(alpha=torch.tensor([1.0, 2.0, 0.5]), gamma=2)
    flat = loss(logits.permute(0, 2, 1).reshape(-1, 3), target.reshape(-1))
    torch.testing.assert_close(loss(logits, target), flat)


def test_losses_subclass_torch_losses_for_skorch():
    """Check that skorch's 'auto' nonlinearity gives probabilities, not logits."""
    from skorch import NeuralNetClassifier

    X = np.random.default_rng(0).normal(size=(40, 3)).astype(np.float32)
    y = (X[:, 0] > 0).astype(np.int64)
    net = NeuralNetClassifier(
        torch.nn.Linear,
        module__in_features=3,
        module__out_features=2,
        criterion=FocalLoss,
        max_epochs=2,
        train_split=None,
        verbose=0,
    ).fit(X, y)
    proba = net.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-6)
    assert (proba >= 0).all()
    assert isinstance(BinaryFocalLoss(), torch.nn.BCEWithLogitsLoss)


def test_losses_pickle_and_state_dict():
    """Check that alpha and pos_weight are buffers that pickle with the loss."""
    loss = FocalLoss(alpha=[1.0, 4.0], gamma=1.0)
    assert torch.equal(loss.state_dict()["weight"], torch.tensor([1.0, 4.0]))
    assert torch.equal(loss.alpha, torch.tensor([1.0, 4.0]))
    clone = pickle.loads(pickle.dumps(loss))
    logits, target = torch.tensor([[0.3, -0.2]]), torch.tensor([1])
    torch.testing.assert_close(clone(logits, target), loss(logits, target))
    binary = pickle.loads(pickle.dumps(BinaryFocalLoss(pos_weight=2.0, alpha=0.3)))
    assert binary.alpha == 0.3
    assert torch.equal(binary.pos_weight, torch.tensor(2.0))


@pytest.mark.parametrize(
    ("build", "match"),
    [
        (lambda: FocalLoss(gamma=-1), r"gamma must be a finite number >= 0; got -1"),
        (lambda: FocalLoss(gamma=float("nan")), "gamma must be a finite number"),
        (lambda: FocalLoss(reduction="avg"), r"reduction must be one of .*'avg'"),
        (lambda: FocalLoss(alpha=[1.0, -1.0]), "alpha must be finite and non-negative"),
        (
            lambda: BinaryFocalLoss(alpha=1.5),
            r"alpha must be None or a float in \[0, 1\]",
        ),
        (lambda: BinaryFocalLoss(pos_weight=-2.0), "pos_weight must be finite"),
        (lambda: BinaryFocalLoss(gamma=True), "gamma must be a finite number"),
    ],
)
def test_loss_constructor_errors(build, match):
    """Check the messages of invalid loss parameters."""
    with pytest.raises(ValueError, match=match):
        build()


def test_loss_input_errors():
    """Check the messages of inputs the losses cannot take."""
    with pytest.raises(ValueError, match=r"logits of shape \(N, C\).*got shape \(3,\)"):
        FocalLoss()(torch.zeros(3), torch.tensor(0))
    with pytest.raises(TypeError, match=r"class indices as target.*torch\.float32"):
        FocalLoss()(torch.zeros(2, 3), torch.zeros(2))
    with pytest.raises(ValueError, match=r"target of the shape of input; got \(2,\)"):
        BinaryFocalLoss()(torch.zeros(2, 1), torch.zeros(2))
