"""Tests of InstanceHardnessCV."""

import numpy as np
import pytest
from imblearn.model_selection import InstanceHardnessCV as ImbInstanceHardnessCV
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, cross_val_predict, cross_validate
from sklearn.naive_bayes import GaussianNB
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier

from imbestimators.model_selection import InstanceHardnessCV
from imbestimators.utils._param_validation import InvalidParameterError


def noisy(n=300, weights=(0.8, 0.2), seed=10):
    return make_classification(
        n_samples=n,
        weights=list(weights),
        class_sep=0.8,
        n_informative=3,
        n_redundant=1,
        flip_y=0.05,
        random_state=seed,
    )


class NoFit(LogisticRegression):
    """A classifier that must not be fitted: checks come before any work."""

    def fit(self, X, y, sample_weight=None):
        raise AssertionError("fitted before the parameters were checked")


def folds(cv, X, y):
    return [(train.tolist(), test.tolist()) for train, test in cv.split(X, y)]


@pytest.mark.parametrize(
    "estimator",
    [LogisticRegression(), DecisionTreeClassifier(max_depth=3, random_state=0)],
    ids=["logistic", "tree"],
)
@pytest.mark.parametrize("n_splits", [2, 3, 5])
@pytest.mark.parametrize("pos_label", [None, 0, 1])
def test_instance_hardness_cv_folds_equal_imblearn(estimator, n_splits, pos_label):
    """Check that the folds are imbalanced-learn's, for the same estimator."""
    X, y = noisy()
    params = {"n_splits": n_splits, "pos_label": pos_label}
    ours = folds(InstanceHardnessCV(estimator, **params), X, y)
    theirs = folds(ImbInstanceHardnessCV(estimator, **params), X, y)
    assert ours == theirs


@pytest.mark.parametrize("dtype", [None, object])
def test_instance_hardness_cv_string_labels_equal_imblearn(dtype):
    """Check string labels (str and object dtype) and a string pos_label."""
    X, y = noisy(n=200)
    y = np.array(["neg", "pos"], dtype=dtype)[y]
    for pos_label in (None, "neg"):
        params = {"n_splits": 4, "pos_label": pos_label}
        ours = folds(InstanceHardnessCV(GaussianNB(), **params), X, y)
        theirs = folds(ImbInstanceHardnessCV(GaussianNB(), **params), X, y)
        assert ours == theirs


@pytest.mark.parametrize("n_splits", [2, 3, 7])
def test_instance_hardness_cv_partitions_and_deals_by_hardness(n_splits):
    """Check that the test folds partition the samples, that each class is
    spread evenly, and that within a class the samples ranked by hardness are
    dealt to the folds in turn."""
    X, y = noisy(n=301)
    cv = InstanceHardnessCV(LogisticRegression(), n_splits=n_splits)
    splits = list(cv.split(X, y))
    assert len(splits) == cv.get_n_splits() == n_splits
    fold_of = np.full(len(y), -1)
    for fold, (train, test) in enumerate(splits):
        assert np.all(fold_of[test] == -1)
        fold_of[test] = fold
        np.testing.assert_array_equal(train, np.setdiff1d(np.arange(len(y)), test))
    assert np.all(fold_of >= 0)
    proba = cross_val_predict(
        LogisticRegression(), X, y, cv=n_splits, method="predict_proba"
    )[:, 1]
    for klass in (0, 1):
        members = np.flatnonzero(y == klass)
        by_hardness = members[np.argsort(proba[members], kind="stable")]
        dealt = fold_of[by_hardness]
        # consecutive samples of the ranking go to consecutive folds
        assert np.all((np.diff(dealt) - 1) % n_splits == 0)
        sizes = np.bincount(fold_of[members], minlength=n_splits)
        assert sizes.max() - sizes.min() <= 1


def test_instance_hardness_cv_in_cross_validate_and_search():
    """Check that the splitter works as cv= of cross_validate and GridSearchCV,
    and that the estimator given is cloned, never fitted in place."""
    X, y = noisy()
    estimator = LogisticRegression()
    cv = InstanceHardnessCV(estimator, n_splits=3)
    scores = cross_validate(LogisticRegression(), X, y, cv=cv)["test_score"]
    assert scores.shape == (3,)
    search = GridSearchCV(LogisticRegression(), {"C": [0.1, 1.0]}, cv=cv).fit(X, y)
    assert search.n_splits_ == 3
    assert not hasattr(estimator, "coef_")


def test_instance_hardness_cv_groups_ignored_with_warning():
    """Check that groups change nothing and say so."""
    X, y = noisy(n=100)
    cv = InstanceHardnessCV(LogisticRegression(), n_splits=3)
    with pytest.warns(UserWarning, match="groups parameter is ignored by Instance"):
        with_groups = [
            (a.tolist(), b.tolist()) for a, b in cv.split(X, y, groups=np.ones(100))
        ]
    assert with_groups == folds(cv, X, y)


@pytest.mark.parametrize(
    ("params", "error", "match"),
    [
        (
            {"n_splits": 1},
            InvalidParameterError,
            r"n_splits must be at least 2 .*n_splits=1",
        ),
        (
            {"n_splits": 2.5},
            InvalidParameterError,
            r"n_splits must be an int .*2\.5 of type float",
        ),
        (
            {"n_splits": True},
            InvalidParameterError,
            r"n_splits must be an int .*type bool",
        ),
        ({"n_splits": 30}, ValueError, r"n_splits=30 needs at least 30 .*class 1 has"),
        ({"pos_label": 2}, ValueError, r"pos_label=2 is not a class of y, .* 0, 1"),
        (
            {"estimator": SVC()},
            TypeError,
            r"estimator must be a classifier with fit and predict_proba.*SVC.*"
            r"probability=True",
        ),
    ],
)
def test_instance_hardness_cv_bad_parameters(params, error, match):
    """Check that bad parameters raise errors naming them, before any fit."""
    X, y = noisy(n=100, weights=(0.8, 0.2))
    params = {"estimator": NoFit(), **params}
    cv = InstanceHardnessCV(**params)
    with pytest.raises(error, match=match):
        next(cv.split(X, y))


@pytest.mark.parametrize(
    ("y", "match"),
    [
        (
            np.arange(100) % 3,
            r"only supports binary classification\. y has 3 classes; use Strat",
        ),
        (np.linspace(0, 1, 100), r"only supports binary .* y is continuous"),
        (np.zeros(90), r"only supports binary classification\. y has 1 class;"),
    ],
)
def test_instance_hardness_cv_refuses_non_binary_targets(y, match):
    """Check the error for multiclass, continuous and one-class targets."""
    X = np.random.default_rng(0).normal(size=(len(y), 3))
    with pytest.raises(ValueError, match=match):
        next(InstanceHardnessCV(NoFit()).split(X, y))


def test_instance_hardness_cv_needs_consistent_y():
    """Check the errors for a missing y and for X and y of different lengths."""
    X, y = noisy(n=100)
    cv = InstanceHardnessCV(NoFit())
    with pytest.raises(ValueError, match=r"InstanceHardnessCV.split needs y"):
        next(cv.split(X, None))
    with pytest.raises(ValueError, match=r"inconsistent numbers of samples"):
        next(cv.split(X, y[:-1]))
