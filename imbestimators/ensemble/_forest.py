"""Balanced random forest: each tree grows on its own balanced under-sample.

The twin of :class:`imblearn.ensemble.BalancedRandomForestClassifier`. For a
given ``random_state`` it draws the same under-samples and grows the same trees
as imbalanced-learn (the seeds are drawn in the same order and
:class:`~imbestimators.under_sampling.RandomUnderSampler` draws the same rows),
but a tree's under-sample is drawn directly from row indices grouped by class
once per ``fit``, instead of running a validating sampler on the whole data
for every tree: at a million rows that sampler call costs a third of the
tree's own fitting time.
"""

import numbers
from collections import OrderedDict
from dataclasses import dataclass
from warnings import warn

import numpy as np
from joblib import effective_n_jobs
from scipy import sparse
from sklearn.base import clone
from sklearn.ensemble import RandomForestClassifier
from sklearn.exceptions import DataConversionWarning
from sklearn.metrics import accuracy_score
from sklearn.utils import check_random_state, compute_sample_weight
from sklearn.utils.parallel import Parallel
from sklearn.utils.validation import assert_all_finite, check_is_fitted

from imbestimators.pipeline import Pipeline
from imbestimators.under_sampling import RandomUnderSampler
from imbestimators.under_sampling._random import draw_under_sample
from imbestimators.utils._parallel import delayed
from imbestimators.utils._param_validation import (
    Interval,
    StrOptions,
    _check_sample_weight,
    _fit_context,
    validate_data,
)
from imbestimators.utils._validation import label_repr, resolve_sampling_strategy

__all__ = ["BalancedRandomForestClassifier"]

#: seeds are drawn below this bound, as scikit-learn's ensembles draw them
_MAX_INT = np.iinfo(np.int32).max


@dataclass(frozen=True)
class _Plan:
    """What every tree of one ``fit`` shares: data, class rows, sizes, weights."""

    X: object  # float32 ndarray, or CSR matrix (rows are sliced)
    codes: np.ndarray  # float64 class codes, what the trees are fitted on
    class_rows: list  # row indices of each class, in increasing order
    targets: list  # rows drawn per class; None keeps the whole class
    replacement: bool
    weights: object  # sample_weight x class weights, or None
    n_bootstrap: object  # rows of the bootstrap draw, or None (no bootstrap)
    subsample_balanced: bool  # class_weight="balanced_subsample" with bootstrap


def _under_sample(plan, seed):
    """Rows of one tree's under-sample: ``RandomUnderSampler(random_state=seed)``'s
    draw, from the class rows found once per fit (the sampler would validate and
    scan the whole data again for every tree)."""
    return draw_under_sample(
        plan.class_rows, plan.targets, random_state=seed, replacement=plan.replacement
    )


def _bootstrap_draw(seed, n_rows, n_draws, weights):
    """Positions of a bootstrap draw (scikit-learn 1.9's rule: weighted draws)."""
    rng = np.random.RandomState(seed)
    if weights is None:
        return rng.randint(0, n_rows, n_draws)
    return rng.choice(n_rows, n_draws, replace=True, p=weights / weights.sum())


def _training_weights(plan, tree_seed, rows):
    """The sample weights a tree is fitted with, on its under-sample ``rows``."""
    weights = None if plan.weights is None else plan.weights[rows]
    if plan.n_bootstrap is None:
        return weights
    draw = _bootstrap_draw(tree_seed, len(rows), plan.n_bootstrap, weights)
    # the bootstrap is passed as counts, as scikit-learn's forests do, so the
    # tree sees the rows of the under-sample and ignores the undrawn ones
    counts = np.bincount(draw, minlength=len(rows)).astype(np.float64)
    if plan.subsample_balanced:
        counts *= compute_sample_weight("balanced", plan.codes[rows], indices=draw)
    return counts


def _grow_tree(tree, sampler, plan, tree_idx, n_trees, verbose):
    """Draw one tree's under-sample, record it in its sampler, fit the tree."""
    if verbose > 1:
        print(f"building tree {tree_idx + 1} of {n_trees}")
    rows = _under_sample(plan, sampler.random_state)
    sampler.sample_indices_ = rows
    tree.fit(
        plan.X[rows],
        plan.codes[rows],
        sample_weight=_training_weights(plan, tree.random_state, rows),
    )
    return tree


def _member_pipeline(sampler, tree):
    """``make_pipeline(sampler, tree)``, sharing both objects with the forest.

    The steps are the forest's own sampler and tree, not the copies
    imbalanced-learn makes, so the pipelines cost no memory or time.
    """
    return Pipeline([("randomundersampler", sampler), ("decisiontreeclassifier", tree)])


class BalancedRandomForestClassifier(RandomForestClassifier):
    """A random forest whose trees each grow on a balanced random under-sample.

    A drop-in replacement for
    :class:`imblearn.ensemble.BalancedRandomForestClassifier`: same parameters
    and defaults, same fitted attributes, and for the same ``random_state`` the
    same under-samples and trees. With the defaults, every tree is fitted on a
    bootstrap of each class of the size of the smallest class (Chen, Liaw and
    Breiman's balanced random forest [1]_).

    Each tree's under-sample is drawn from the rows of each class, found once
    per ``fit``, so the resampling costs next to nothing beside the trees; the
    fitted ``samplers_`` are nonetheless the
    :class:`~imbestimators.under_sampling.RandomUnderSampler` objects that give
    these very rows: ``samplers_[i].fit_resample(X, y_codes)`` with
    ``y_codes = np.searchsorted(classes_, y).astype(float)`` returns the
    ``sample_indices_`` they hold.

    Read more in the :ref:`User Guide <ensemble>`.

    Parameters
    ----------
    n_estimators : int, default=100
        The number of trees in the forest.

    criterion : {"gini", "entropy", "log_loss"}, default="gini"
        The function to measure the quality of a split (tree parameter).

    max_depth : int, default=None
        The maximum depth of a tree; None grows leaves until they are pure or
        hold fewer than ``min_samples_split`` samples.

    min_samples_split : int or float, default=2
        The minimum number (int) or fraction (float) of samples needed to split
        an internal node.

    min_samples_leaf : int or float, default=1
        The minimum number (int) or fraction (float) of samples in a leaf.

    min_weight_fraction_leaf : float, default=0.0
        The minimum weighted fraction of the total weight in a leaf.

    max_features : {"sqrt", "log2"}, int, float or None, default="sqrt"
        The number (int), fraction (float) or rule for the number of features
        considered at each split; None considers them all.

    max_leaf_nodes : int, default=None
        Grow trees with at most this many leaves, best-first; None: unlimited.

    min_impurity_decrease : float, default=0.0
        A node is split only if the split decreases the weighted impurity by
        at least this value.

    bootstrap : bool, default=False
        Whether each tree additionally draws a bootstrap sample of its
        under-sample (the under-sample itself is already a bootstrap with
        ``replacement=True``).

    oob_score : bool or callable, default=False
        Whether to estimate the generalization score on the out-of-bag rows:
        for each tree, every row it was not fitted on, whether the
        under-sampler or the bootstrap left it out. Accuracy by default, or a
        callable ``score(y_true, y_pred)``. Only with ``bootstrap=True``.

    sampling_strategy : float, str, dict or callable, default="all"
        The classes each tree's under-sample reduces, with imbalanced-learn's
        meaning:

        - ``float``: the ratio of the number of minority rows over the number
          of majority rows after resampling (binary targets only).
        - ``str``: the classes brought to the size of the smallest class:
          ``'majority'``, ``'not minority'``, ``'not majority'``, ``'all'``,
          or ``'auto'`` (= ``'not minority'``).
        - ``dict``: class label -> number of rows to draw.
        - callable: ``y`` (the original labels) -> such a dict.

    replacement : bool, default=True
        Whether the under-sample draws rows with replacement.

    n_jobs : int, default=None
        The number of trees fitted in parallel (threads); the output does not
        depend on it. None means 1 unless in a ``joblib.parallel_config``
        context, -1 means all processors.

    random_state : int, RandomState instance or None, default=None
        Controls the seeds of the trees and of their under-samples, drawn in
        order from one generator, so the same ``random_state`` gives the same
        forest for any ``n_jobs``.

    verbose : int, default=0
        Controls the verbosity when fitting and predicting.

    warm_start : bool, default=False
        When True, keep the fitted trees and add ``n_estimators - len(estimators_)``
        new ones: the forest is then the one a single fit with the final
        ``n_estimators`` gives.

    class_weight : dict, list of dicts, {"balanced", "balanced_subsample"}, \
            default=None
        Weights of the classes, multiplied with ``sample_weight``.
        ``"balanced"`` weights are computed on the whole data;
        ``"balanced_subsample"`` ones on each tree's bootstrap sample (or as
        ``"balanced"`` without bootstrap).

    ccp_alpha : non-negative float, default=0.0
        Complexity parameter of minimal cost-complexity pruning.

    max_samples : int or float, default=None
        With ``bootstrap=True``, the number (int) or fraction of ``X.shape[0]``
        (float; of the total ``sample_weight`` when given) of rows of the
        bootstrap draw, capped at the size of the under-sample; None draws as
        many rows as the under-sample has.

    monotonic_cst : array-like of int of shape (n_features,), default=None
        Monotonicity constraint of each feature: 1 increasing, 0 none, -1
        decreasing (binary targets without missing values only).

    Attributes
    ----------
    estimator_ : DecisionTreeClassifier
        The template of the trees.

    estimators_ : list of DecisionTreeClassifier
        The fitted trees, fitted on class codes ``0.0, 1.0, ...`` (positions
        in ``classes_``).

    base_sampler_ : RandomUnderSampler
        The template of the samplers.

    samplers_ : list of RandomUnderSampler
        One fitted sampler per tree: ``sample_indices_`` are the rows of ``X``
        the tree was fitted on, ``sampling_strategy_`` the rows drawn per class
        code.

    pipelines_ : list of Pipeline
        One ``Pipeline(sampler, tree)`` per tree, made of the objects in
        ``samplers_`` and ``estimators_`` (shared, not copied).

    classes_ : ndarray of shape (n_classes,)
        The class labels.

    n_classes_ : int
        The number of classes.

    n_features_in_ : int
        Number of features seen during ``fit``.

    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during ``fit``, when they are all strings.

    n_outputs_ : int
        The number of outputs (always 1).

    feature_importances_ : ndarray of shape (n_features,)
        The impurity-based feature importances, summing to 1.

    estimators_samples_ : list of ndarray
        For each tree, the rows of ``X`` it was fitted on, one entry per copy
        (under-sample, then bootstrap draw).

    oob_score_ : float
        The out-of-bag score, when ``oob_score`` is set.

    oob_decision_function_ : ndarray of shape (n_samples, n_classes)
        The out-of-bag class probabilities of each training row (zeros for a
        row that every tree was fitted on), when ``oob_score`` is set.

    See Also
    --------
    imbestimators.under_sampling.RandomUnderSampler : The sampler of each tree.
    sklearn.ensemble.RandomForestClassifier : The forest without resampling.

    Notes
    -----
    With ``replacement=False``, drawing a class's rows without replacement
    takes a permutation of the class (as ``RandomUnderSampler`` does, so that
    the rows are the same), which costs time in proportion to the class size
    per tree; the default ``replacement=True`` costs only the rows drawn.

    References
    ----------
    .. [1] Chen, C., Liaw, A., Breiman, L. "Using random forest to learn
       imbalanced data." University of California, Berkeley 110 (2004).

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from imbestimators.ensemble import BalancedRandomForestClassifier
    >>> X, y = make_classification(n_samples=1000, n_classes=3, n_informative=4,
    ...                            weights=[0.2, 0.3, 0.5], random_state=0)
    >>> clf = BalancedRandomForestClassifier(max_depth=2, random_state=0)
    >>> clf.fit(X, y)
    BalancedRandomForestClassifier(max_depth=2, random_state=0)
    >>> dict(clf.samplers_[0].sampling_strategy_)
    {0.0: 201, 1.0: 201, 2.0: 201}
    >>> clf.predict(X[:3]).tolist()
    [0, 1, 2]
    """

    _parameter_constraints: dict = {
        **RandomForestClassifier._parameter_constraints,
        "sampling_strategy": [
            Interval(numbers.Real, 0, 1, closed="right"),
            StrOptions({"auto", "majority", "not minority", "not majority", "all"}),
            dict,
            callable,
        ],
        "replacement": ["boolean"],
    }

    def __init__(
        self,
        n_estimators=100,
        *,
        criterion="gini",
        max_depth=None,
        min_samples_split=2,
        min_samples_leaf=1,
        min_weight_fraction_leaf=0.0,
        max_features="sqrt",
        max_leaf_nodes=None,
        min_impurity_decrease=0.0,
        bootstrap=False,
        oob_score=False,
        sampling_strategy="all",
        replacement=True,
        n_jobs=None,
        random_state=None,
        verbose=0,
        warm_start=False,
        class_weight=None,
        ccp_alpha=0.0,
        max_samples=None,
        monotonic_cst=None,
    ):
        super().__init__(
            n_estimators=n_estimators,
            criterion=criterion,
            max_depth=max_depth,
            min_samples_split=min_samples_split,
            min_samples_leaf=min_samples_leaf,
            min_weight_fraction_leaf=min_weight_fraction_leaf,
            max_features=max_features,
            max_leaf_nodes=max_leaf_nodes,
            min_impurity_decrease=min_impurity_decrease,
            bootstrap=bootstrap,
            oob_score=oob_score,
            n_jobs=n_jobs,
            random_state=random_state,
            verbose=verbose,
            warm_start=warm_start,
            class_weight=class_weight,
            ccp_alpha=ccp_alpha,
            max_samples=max_samples,
            monotonic_cst=monotonic_cst,
        )
        self.sampling_strategy = sampling_strategy
        self.replacement = replacement

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Grow the forest, each tree on its own balanced under-sample of (X, y).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The training data, converted to float32 (sparse: CSR).
        y : array-like of shape (n_samples,)
            The class labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights, given to each tree on its rows (without
            bootstrap) or used as the bootstrap's drawing probabilities.

        Returns
        -------
        self : object
            The fitted forest.
        """
        self._check_bootstrap_params()
        X, y, sample_weight = self._check_fit_data(X, y, sample_weight)
        plan, sampler_strategy = self._make_plan(X, y, sample_weight)
        self._validate_estimator()
        self.base_sampler_ = RandomUnderSampler(
            sampling_strategy=sampler_strategy, replacement=self.replacement
        )
        if not self.warm_start or not hasattr(self, "estimators_"):
            self.estimators_, self.samplers_, self.pipelines_ = [], [], []
        n_more = self.n_estimators - len(self.estimators_)
        if n_more < 0:
            raise ValueError(
                f"n_estimators={self.n_estimators} must be larger or equal to "
                f"len(estimators_)={len(self.estimators_)} when warm_start==True."
            )
        if n_more == 0:
            warn(
                "Warm-start fitting without increasing n_estimators does not "
                "fit new trees.",
                UserWarning,
                stacklevel=2,
            )
        else:
            self._grow(plan, n_more)
        if self.oob_score and (n_more > 0 or not hasattr(self, "oob_score_")):
            self._set_oob_score_and_attributes(X, plan.codes)
        self.classes_, self.n_classes_ = self.classes_[0], self.n_classes_[0]
        return self

    def _check_bootstrap_params(self):
        if not self.bootstrap and self.oob_score:
            raise ValueError(
                "Out of bag estimation only available if bootstrap=True: "
                f"{type(self).__name__} got oob_score={self.oob_score!r} with "
                "bootstrap=False."
            )
        if not self.bootstrap and self.max_samples is not None:
            # imbalanced-learn ignores max_samples here; scikit-learn raises
            raise ValueError(
                f"{type(self).__name__}: max_samples={self.max_samples!r} sets "
                "the size of the bootstrap draw, and bootstrap=False draws none. "
                "Set bootstrap=True or max_samples=None."
            )

    def _check_fit_data(self, X, y, sample_weight):
        """Validate X (float32, CSR), y (one output) and sample_weight."""
        if sparse.issparse(y):
            raise ValueError("sparse multilabel-indicator for y is not supported.")
        X, y = validate_data(
            self,
            X,
            y,
            multi_output=True,
            accept_sparse=["csr", "csc"],
            dtype=np.float32,
            ensure_all_finite=False,
        )
        # trees split on missing values of dense data; inf never makes sense
        assert_all_finite(
            X,
            allow_nan=not sparse.issparse(X),
            estimator_name=type(self).__name__,
            input_name="X",
        )
        if sparse.issparse(X):
            X = X.tocsr()
            X.sort_indices()
        y = np.asarray(y)
        if y.ndim == 2 and y.shape[1] == 1:
            warn(
                "A column-vector y was passed when a 1d array was expected. "
                "Please change the shape of y to (n_samples,), for example "
                "using ravel().",
                DataConversionWarning,
                stacklevel=3,
            )
            y = y.ravel()
        if y.ndim != 1:
            raise ValueError(
                f"{type(self).__name__} supports a single output: y has shape "
                f"{y.shape}. Fit one forest per output column."
            )
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, X)
        return X, y, sample_weight

    def _make_plan(self, X, y, sample_weight):
        """Classes, class codes, per-class rows and target sizes, weights."""
        self.n_outputs_ = 1
        codes, class_weights = self._validate_y_class_weight(
            y.reshape(-1, 1), sample_weight
        )
        codes = codes.ravel()
        weights = sample_weight
        if class_weights is not None:
            weights = class_weights if weights is None else weights * class_weights
        targets, sampler_strategy = self._resolve_targets(y, codes)
        class_rows = [
            np.flatnonzero(codes == code) for code in range(self.n_classes_[0])
        ]
        n_under_sample = sum(
            len(rows) if n is None else n for rows, n in zip(class_rows, targets)
        )
        plan = _Plan(
            X=X,
            codes=codes.astype(np.float64),
            class_rows=class_rows,
            targets=targets,
            replacement=self.replacement,
            weights=weights,
            n_bootstrap=self._bootstrap_size(len(y), weights, n_under_sample),
            subsample_balanced=(
                self.bootstrap and self.class_weight == "balanced_subsample"
            ),
        )
        # what the OOB estimate and estimators_samples_ redraw the bootstrap from
        self._sample_weight, self._n_samples_bootstrap = weights, plan.n_bootstrap
        return plan, sampler_strategy

    def _resolve_targets(self, y, codes):
        """Rows drawn per class code (None: all kept), and the samplers' strategy.

        A dict or callable speaks of the original labels (a callable is called
        with them); the samplers, fitted on class codes, get the resolved
        counts keyed by code. Strings and ratios mean the same on codes.
        """
        strategy = self.sampling_strategy
        float_codes = codes.astype(np.float64)
        if isinstance(strategy, dict) or callable(strategy):
            resolved = resolve_sampling_strategy(strategy, y, "under-sampling")
            by_code = OrderedDict(
                (float(np.searchsorted(self.classes_[0], label)), int(n))
                for label, n in resolved.items()
            )
            sampler_strategy = dict(by_code)
        else:
            by_code = resolve_sampling_strategy(strategy, float_codes, "under-sampling")
            sampler_strategy = strategy
        empty = [code for code, n in by_code.items() if n == 0]
        if empty:
            label = self.classes_[0][int(empty[0])]
            raise ValueError(
                f"{type(self).__name__}: sampling_strategy={strategy!r} draws no "
                f"row of class {label_repr(label)}, and every tree needs each "
                "class; ask for at least one row per class."
            )
        self._strategy_by_code = OrderedDict(
            (float(code), int(n)) for code, n in by_code.items()
        )
        targets = [by_code.get(float(code)) for code in range(len(self.classes_[0]))]
        return [None if n is None else int(n) for n in targets], sampler_strategy

    def _bootstrap_size(self, n_samples, weights, n_under_sample):
        """Rows of each tree's bootstrap draw (imbalanced-learn's rule), or None."""
        if not self.bootstrap:
            return None
        max_samples = self.max_samples
        if max_samples is None:
            size = n_samples
        elif isinstance(max_samples, numbers.Integral):
            size = max_samples
        else:
            # a fraction of the whole data (scikit-learn's rule for weights)
            total = n_samples if weights is None else weights.sum()
            size = max(int(max_samples * total), 1)
        return min(size, n_under_sample)

    def _grow(self, plan, n_more):
        """Fit ``n_more`` new trees and append them with their samplers."""
        rng = check_random_state(self.random_state)
        if self.estimators_:
            # skip the two seeds (tree, sampler) of each kept tree, so that the
            # new trees are those a single fit would have grown
            rng.randint(_MAX_INT, size=2 * len(self.estimators_))
        trees, samplers = [], []
        for _ in range(n_more):
            trees.append(self._make_estimator(append=False, random_state=rng))
            samplers.append(self._make_sampler(rng.randint(_MAX_INT)))
        trees = Parallel(n_jobs=self.n_jobs, verbose=self.verbose, prefer="threads")(
            delayed(_grow_tree)(tree, sampler, plan, i, n_more, self.verbose)
            for i, (tree, sampler) in enumerate(zip(trees, samplers))
        )
        self.estimators_.extend(trees)
        self.samplers_.extend(samplers)
        self.pipelines_.extend(map(_member_pipeline, samplers, trees))

    def _make_sampler(self, seed):
        """A copy of ``base_sampler_``, fitted but for its rows (set by the tree)."""
        sampler = clone(self.base_sampler_).set_params(random_state=seed)
        sampler.sampling_strategy_ = self._strategy_by_code.copy()
        sampler.n_features_in_ = self.n_features_in_
        return sampler

    def _get_estimators_indices(self):
        """Rows of X each tree was fitted on (under-sample, then bootstrap)."""
        for sampler, tree in zip(self.samplers_, self.estimators_):
            rows = sampler.sample_indices_
            if self._n_samples_bootstrap is None:
                yield rows
                continue
            weights = self._sample_weight
            if weights is not None:
                weights = weights[rows]
            yield rows[
                _bootstrap_draw(
                    tree.random_state, len(rows), self._n_samples_bootstrap, weights
                )
            ]

    def _set_oob_score_and_attributes(self, X, y, scoring_function=None):
        """Out-of-bag probabilities and score, from every row a tree did not see.

        imbalanced-learn counts as out of bag only the under-sample's positions
        the bootstrap skipped: with ``replacement=True`` a row drawn twice is
        then out of bag for a tree that was fitted on it, and the rows the
        under-sample left out are never used.
        """
        if scoring_function is None:
            scoring_function = (
                self.oob_score if callable(self.oob_score) else accuracy_score
            )
        y = np.asarray(y).ravel()
        total = np.zeros((len(y), self.n_classes_[0]))
        n_votes = np.zeros(len(y), dtype=np.int64)
        pairs = zip(self.estimators_, self._get_estimators_indices())
        calls = [(_oob_proba, tree, X, in_bag) for tree, in_bag in pairs]
        for unseen, proba in _in_tree_order(calls, self.n_jobs):
            total[unseen] += proba[unseen]
            n_votes[unseen] += 1
        if (n_votes == 0).any():
            warn(
                "Some inputs do not have OOB scores. This probably means too few "
                "trees were used to compute any reliable OOB estimates.",
                UserWarning,
                stacklevel=3,
            )
        self.oob_decision_function_ = total / np.maximum(n_votes, 1)[:, None]
        self.oob_score_ = scoring_function(
            y, np.argmax(self.oob_decision_function_, axis=1)
        )

    def predict_proba(self, X):
        """Predict class probabilities: the mean of the trees' probabilities.

        The trees' probabilities are added in tree order, whatever ``n_jobs``,
        so the result is the same to the last bit for any ``n_jobs``
        (scikit-learn's forests add them in the order the threads finish).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input samples, converted to float32 (sparse: CSR).

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            The class probabilities, columns in the order of ``classes_``.
        """
        check_is_fitted(self)
        X = self._validate_X_predict(X)
        proba = np.zeros((X.shape[0], self.n_classes_))
        calls = [(_tree_proba, tree, X) for tree in self.estimators_]
        for tree_proba in _in_tree_order(calls, self.n_jobs):
            proba += tree_proba
        return proba / len(self.estimators_)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = False
        tags.classifier_tags.multi_label = False
        return tags


def _in_tree_order(calls, n_jobs):
    """Results of ``func(*args)`` for each ``(func, *args)``, in the given order.

    Calls run in parallel threads by blocks of ``n_jobs``, and the results
    come back in order, so sums over them do not depend on ``n_jobs`` and at
    most ``n_jobs`` results are held at a time.
    """
    block = max(1, effective_n_jobs(n_jobs))
    with Parallel(n_jobs=n_jobs, prefer="threads") as parallel:
        for start in range(0, len(calls), block):
            yield from parallel(
                delayed(func)(*args) for func, *args in calls[start : start + block]
            )


def _tree_proba(tree, X):
    return tree.predict_proba(X, check_input=False)


def _oob_proba(tree, X, in_bag):
    """Mask of the rows ``tree`` was not fitted on, and its probabilities.

    The tree predicts every row (no copy of X) and the caller keeps the unseen
    ones: the rows a tree saw are a small part of X.
    """
    unseen = np.ones(X.shape[0], dtype=bool)
    unseen[in_bag] = False
    return unseen, tree.predict_proba(X)
