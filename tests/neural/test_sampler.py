"""Tests of BalancedBatchSampler."""

from collections import Counter

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

torch = pytest.importorskip("torch")

from torch.utils.data import DataLoader, TensorDataset  # noqa: E402

from imbestimators.neural import BalancedBatchSampler  # noqa: E402


def _labels():
    return np.repeat(np.array(["a", "b", "c"]), [90, 25, 5])


def test_batches_have_equal_class_counts_in_a_dataloader():
    """Check that every batch of a DataLoader holds each class equally often."""
    y = _labels()
    dataset = TensorDataset(torch.arange(len(y)))
    sampler = BalancedBatchSampler(y, batch_size=12, random_state=0)
    loader = DataLoader(dataset, batch_sampler=sampler)
    batches = [batch[0].numpy() for batch in loader]
    assert len(batches) == len(sampler) == 10
    for batch in batches:
        assert Counter(y[batch].tolist()) == {"a": 4, "b": 4, "c": 4}


@given(
    counts=st.lists(st.integers(1, 60), min_size=2, max_size=4),
    batch_size=st.integers(1, 40),
    seed=st.integers(0, 1000),
)
def test_batch_counts_follow_the_ratio(counts, batch_size, seed):
    """Check floor(batch_size * share) per class, full batches, valid indices."""
    y = np.repeat(np.arange(len(counts)), counts)
    shares = {k: k + 1 for k in range(len(counts))}
    sampler = BalancedBatchSampler(
        y, batch_size=batch_size, class_ratio=shares, random_state=seed
    )
    ratio = np.array(list(shares.values())) / sum(shares.values())
    floor = np.floor(batch_size * ratio)
    rest = batch_size - floor.sum()  # fewer than n_classes slots
    assert 0 <= rest < len(counts)
    for batch in sampler:
        assert len(batch) == batch_size
        assert all(0 <= i < len(y) for i in batch)
        got = np.bincount(y[batch], minlength=len(counts))
        assert np.all(got >= floor)
        assert np.all(got <= floor + rest)


def test_remainder_slots_follow_the_ratio_on_average():
    """Check that the slots left by rounding go to classes in ratio."""
    y = np.repeat([0, 1], [50, 50])
    sampler = BalancedBatchSampler(
        y, batch_size=3, class_ratio={0: 1, 1: 1}, n_batches=4000, random_state=0
    )
    counts = np.bincount(y[np.concatenate(list(sampler))])
    np.testing.assert_allclose(counts / counts.sum(), [0.5, 0.5], atol=0.01)


def test_each_class_is_used_before_reuse():
    """Check sampling without replacement within a pass over each class."""
    y = _labels()
    sampler = BalancedBatchSampler(y, batch_size=30, random_state=0)
    drawn = np.concatenate(list(sampler))  # 4 batches: 40 draws per class
    # 40 draws from a class of 5 (8 full passes): each sample exactly 8 times
    times = Counter(drawn[y[drawn] == "c"].tolist())
    assert sorted(times.values()) == [8] * 5
    # from a class of 25: one full pass, then 15 more distinct samples
    times = Counter(drawn[y[drawn] == "b"].tolist())
    assert sorted(Counter(times.values()).items()) == [(1, 10), (2, 15)]
    # the majority class is only visited in part: no repeat at all
    assert len(np.unique(drawn[y[drawn] == "a"])) == 40


def test_zero_share_leaves_a_class_out():
    """Check that a share of 0 never samples the class."""
    y = _labels()
    sampler = BalancedBatchSampler(
        y, batch_size=10, class_ratio={"a": 0, "b": 1, "c": 1}, random_state=0
    )
    drawn = np.concatenate(list(sampler))
    assert "a" not in set(y[drawn].tolist())


def test_reproducible_and_epochs_differ():
    """Check the same batches for the same seed, and new batches each epoch."""
    y = _labels()
    first = list(BalancedBatchSampler(y, batch_size=8, random_state=3))
    again = list(BalancedBatchSampler(y, batch_size=8, random_state=3))
    assert first == again
    sampler = BalancedBatchSampler(y, batch_size=8, random_state=3)
    assert list(sampler) != list(sampler)


def test_epoch_length():
    """Check ceil(n / batch_size) batches by default and n_batches otherwise."""
    y = _labels()
    assert len(BalancedBatchSampler(y, batch_size=50)) == 3
    assert len(list(BalancedBatchSampler(y, batch_size=50, n_batches=7))) == 7


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"batch_size": 0}, ValueError, "batch_size must be an int >= 1; got 0"),
        ({"batch_size": 2.5}, ValueError, "batch_size must be an int >= 1; got 2.5"),
        ({"n_batches": 0}, ValueError, "n_batches must be an int >= 1; got 0"),
        ({"class_ratio": [1, 1]}, TypeError, r"class_ratio must be None or a dict"),
        (
            {"class_ratio": {"a": 1, "z": 1}},
            ValueError,
            "missing: 'b', 'c'; not in y: 'z'",
        ),
        (
            {"class_ratio": {"a": 0, "b": 0, "c": 0}},
            ValueError,
            "shares must be finite, non-negative and not all zero",
        ),
        ({"y": [[0, 1]]}, ValueError, r"y must be a non-empty 1-D array.*\(1, 2\)"),
    ],
)
def test_sampler_errors(kwargs, error, match):
    """Check the messages of invalid sampler parameters."""
    params = {"y": _labels(), "batch_size": 4, **kwargs}
    with pytest.raises(error, match=match):
        BalancedBatchSampler(params.pop("y"), **params)
