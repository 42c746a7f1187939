"""How imbalanced is a data set, what will break, and what to try first."""

import importlib
import inspect
import numbers
import warnings
from dataclasses import dataclass, field

import numpy as np
from sklearn.model_selection import check_cv
from sklearn.utils import check_array, column_or_1d
from sklearn.utils.multiclass import type_of_target

from imbestimators.utils._neighbors import NeighborsIndex
from imbestimators.utils._optional import import_optional
from imbestimators.utils._param_validation import Interval, validate_params
from imbestimators.utils._validation import label_repr

__all__ = ["ImbalanceReport", "imbalance_report"]

#: (upper bound of the ratio, inclusive, severity), in order
SEVERITY_SCALE = [(3.0, "mild"), (10.0, "moderate"), (100.0, "significant")]
_EXTREME = "extreme"
_SEVERITY_TEXT = {
    "mild": "below 3:1",
    "moderate": "3:1 to 10:1",
    "significant": "10:1 to 100:1",
    "extreme": "beyond 100:1",
}

#: samplers whose neighbour parameter needs rows of the resampled class:
#: (module, class, parameter, rows needed beyond the parameter's value)
_NEIGHBOUR_RULES = [
    ("imbestimators.over_sampling", "SMOTE", "k_neighbors", 1),
    ("imbestimators.over_sampling", "BorderlineSMOTE", "k_neighbors", 1),
    ("imbestimators.over_sampling", "SMOTENC", "k_neighbors", 1),
    ("imbestimators.over_sampling", "ADASYN", "n_neighbors", 1),
    # NearMiss-1/2 average the distances to n_neighbors minority rows
    ("imbestimators.under_sampling", "NearMiss", "n_neighbors", 0),
]

#: same-class neighbours among 5 -> type (Napierala and Stefanowski, 2016)
TYPOLOGY = ("safe", "borderline", "rare", "outlier")

# fewer minority rows than this in a test fold makes per-fold scores noisy
_FEW_TEST_MINORITY = 10


@dataclass
class ImbalanceReport:
    """What :func:`imbalance_report` found; print it or export it.

    Attributes
    ----------
    n_samples : int
        Number of samples.
    counts : dict
        Class label -> number of samples, largest class first.
    shares : dict
        Class label -> fraction of the samples.
    majority, minority : object
        The largest and the smallest class (the first in label order on ties).
    imbalance_ratio : float
        Majority count over minority count.
    severity : {"mild", "moderate", "significant", "extreme"}
        ``imbalance_ratio`` below 3, up to 10, up to 100, beyond.
    cv : dict or None
        ``splitter`` (its repr), ``n_splits``, ``min_train_counts`` and
        ``min_test_counts`` (class -> smallest count over the folds), and
        ``min_train_minority``, the smallest count of the minority class in
        a training fold.
    neighbour_limits : list of dict
        For each of our samplers with a neighbour parameter: ``sampler``,
        ``parameter``, ``default``, ``needs`` (rows of the resampled class) and
        ``works`` (whether every training fold, or the whole data set without
        ``cv``, has them).
    typology : dict or None
        Class -> ``{"safe": n, "borderline": n, "rare": n, "outlier": n}``
        for every class but the majority, when ``X`` was given.
    n_neighbors : int
        Neighbours used for the typology.
    recommendations : list of str
        What to try first, and why.
    """

    n_samples: int
    counts: dict
    shares: dict
    majority: object
    minority: object
    imbalance_ratio: float
    severity: str
    cv: dict | None = None
    neighbour_limits: list = field(default_factory=list)
    typology: dict | None = None
    n_neighbors: int = 5
    recommendations: list = field(default_factory=list)

    def to_dict(self):
        """The report as plain Python containers (JSON-serialisable).

        Returns
        -------
        dict
        """
        keys = [
            "n_samples",
            "counts",
            "shares",
            "majority",
            "minority",
            "imbalance_ratio",
            "severity",
            "cv",
            "neighbour_limits",
            "typology",
            "n_neighbors",
            "recommendations",
        ]
        return {key: _plain(getattr(self, key)) for key in keys}

    def to_frame(self):
        """One row per class: count, share, CV fold counts and typology.

        Needs pandas.

        Returns
        -------
        pandas.DataFrame
            Indexed by class label.
        """
        pd = import_optional("pandas", purpose="for ImbalanceReport.to_frame")
        rows = {}
        for klass, count in self.counts.items():
            row = {"count": count, "share": self.shares[klass]}
            if self.cv is not None:
                row["min_train_count"] = self.cv["min_train_counts"][klass]
                row["min_test_count"] = self.cv["min_test_counts"][klass]
            if self.typology is not None:
                types = self.typology.get(klass)
                for name in TYPOLOGY:
                    row[name] = np.nan if types is None else types[name]
            rows[_plain(klass)] = row
        frame = pd.DataFrame.from_dict(rows, orient="index")
        frame.index.name = "class"
        return frame

    def to_text(self):
        """The report as readable text.

        Returns
        -------
        str
        """
        sections = [
            self._text_classes(),
            self._text_cv(),
            self._text_typology(),
            self._text_recommendations(),
        ]
        return "\n\n".join(s for s in sections if s)

    def __str__(self):
        return self.to_text()

    def _text_classes(self):
        width = max(len("class"), *(len(_name(k)) for k in self.counts))
        lines = [
            f"Imbalance report: {self.n_samples} samples, {len(self.counts)} classes",
            f"  {'class'.ljust(width)}  {'count':>8}  {'share':>7}",
        ]
        for klass, count in self.counts.items():
            lines.append(
                f"  {_name(klass).ljust(width)}  {count:>8}  {self.shares[klass]:>7.1%}"
            )
        lines.append(
            f"Imbalance ratio {self.imbalance_ratio:.1f}:1 (majority "
            f"{_name(self.majority)}, minority {_name(self.minority)}): "
            f"{self.severity} ({_SEVERITY_TEXT[self.severity]})"
        )
        return "\n".join(lines)

    def _text_cv(self):
        lines = []
        if self.cv is not None:
            lines.append(
                f"Cross-validation {self.cv['splitter']}: the minority class "
                f"{_name(self.minority)} has {self.cv['min_train_minority']} "
                "samples in the smallest training fold and "
                f"{self.cv['min_test_counts'][self.minority]} in the smallest "
                "test fold."
            )
        broken = [limit for limit in self.neighbour_limits if not limit["works"]]
        where = "in that training fold" if self.cv is not None else "in the data"
        if not broken:
            lines.append(f"The neighbour defaults of our samplers all work {where}.")
        for limit in broken:
            lines.append(
                f"  {limit['sampler']}: {limit['parameter']}={limit['default']} "
                f"needs {limit['needs']} samples of the class, too many {where}."
            )
        return "\n".join(lines)

    def _text_typology(self):
        if self.typology is None:
            return ""
        lines = [
            f"Typology of the non-majority classes ({self.n_neighbors} nearest "
            "neighbours, Napierala & Stefanowski 2016):"
        ]
        for klass, types in self.typology.items():
            total = sum(types.values())
            parts = ", ".join(
                f"{name} {types[name]} ({types[name] / total:.0%})" for name in TYPOLOGY
            )
            lines.append(f"  {_name(klass)}: {parts}")
        return "\n".join(lines)

    def _text_recommendations(self):
        if not self.recommendations:
            return ""
        return "\n".join(
            ["Recommendations:", *(f"  - {text}" for text in self.recommendations)]
        )


def _name(label):
    return str(_plain(label))


def _plain(value):
    """NumPy scalars and containers of them as plain Python values."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def severity_of(ratio):
    """The severity of an imbalance ratio on the scale of :data:`SEVERITY_SCALE`."""
    for upper, name in SEVERITY_SCALE:
        if ratio < upper or (name != "mild" and ratio <= upper):
            return name
    return _EXTREME


@validate_params(
    {
        "y": ["array-like"],
        "X": ["array-like", "sparse matrix", None],
        "cv": ["cv_object"],
        "groups": ["array-like", None],
        "n_neighbors": [Interval(numbers.Integral, 1, None, closed="left")],
    },
    prefer_skip_nested_validation=True,
)
def imbalance_report(y, X=None, cv=None, *, groups=None, n_neighbors=5):
    """Diagnose the class imbalance of a data set before modelling it.

    Reports the class counts and shares, the imbalance ratio and its severity
    (mild below 3:1, moderate up to 10:1, significant up to 100:1, extreme
    beyond), the smallest number of minority samples in a training fold of
    ``cv`` and which of our samplers' neighbour defaults cannot work there;
    with ``X``, the typology of the minority examples (safe, borderline,
    rare, outlier: Napierala and Stefanowski [1]_) from their nearest
    neighbours, found by the library's exact k-NN engine; and
    recommendations.

    Read more in the :ref:`User Guide <diagnostics>`.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Class labels (binary or multiclass).
    X : {array-like, sparse matrix} of shape (n_samples, n_features), \
            default=None
        Numeric features, for the typology. Distances are Euclidean on ``X``
        as given, the distances our samplers use: scale ``X`` first if your
        pipeline does.
    cv : int, cross-validation generator or iterable, default=None
        The cross-validation you will use, as in ``cross_val_score``: None is
        5-fold stratified, an int the number of stratified folds.
    groups : array-like of shape (n_samples,), default=None
        Group labels for group-aware splitters.
    n_neighbors : int, default=5
        Neighbours of the typology. The published thresholds are for 5:
        4-5 neighbours of the same class make a safe example, 2-3 borderline,
        1 rare, 0 an outlier; for another value the same fractions are used.
        Rows tied with the ``n_neighbors``-th nearest are all counted (the
        type is then read from the share of the row's class among them), so
        that the typology does not depend on the order of the rows.

    Returns
    -------
    report : ImbalanceReport
        Print it (``str(report)``), or ``report.to_dict()`` /
        ``report.to_frame()``.

    References
    ----------
    .. [1] K. Napierala and J. Stefanowski, "Types of minority class examples
       and their influence on learning classifiers from imbalanced data",
       Journal of Intelligent Information Systems, 46, pp. 563-597, 2016.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from imbestimators.diagnostics import imbalance_report
    >>> X, y = make_classification(n_samples=1000, weights=[0.95], flip_y=0,
    ...                            random_state=0)
    >>> report = imbalance_report(y, X)
    >>> report.counts, report.severity
    ({0: 950, 1: 50}, 'significant')
    >>> report.cv["min_train_minority"]
    40
    >>> sorted(report.typology[1])
    ['borderline', 'outlier', 'rare', 'safe']
    """
    y = _check_y(y)
    X = _check_X(X, len(y))
    classes, counts = np.unique(y, return_counts=True)
    order = np.argsort(-counts, kind="stable")
    counts_of = {classes[i].item(): int(counts[i]) for i in order}
    majority = classes[order[0]].item()
    minority = classes[order[-1]].item()
    ratio = counts_of[majority] / counts_of[minority]
    report = ImbalanceReport(
        n_samples=len(y),
        counts=counts_of,
        shares={k: c / len(y) for k, c in counts_of.items()},
        majority=majority,
        minority=minority,
        imbalance_ratio=ratio,
        severity=severity_of(ratio),
        n_neighbors=n_neighbors,
    )
    report.cv = _cv_counts(cv, X, y, groups, classes, minority)
    available = (
        report.cv["min_train_minority"]
        if report.cv is not None
        else counts_of[minority]
    )
    report.neighbour_limits = _neighbour_limits(available)
    if X is not None:
        report.typology = _typology(X, y, majority, n_neighbors)
    report.recommendations = _recommend(report)
    return report


def _check_y(y):
    y = column_or_1d(y, warn=True)
    y_type = type_of_target(y, input_name="y")
    if y_type not in ("binary", "multiclass"):
        raise ValueError(
            f"imbalance_report needs class labels (binary or multiclass); y is "
            f"{y_type!r}. Bin a continuous target into classes first."
        )
    classes = np.unique(y)
    if len(classes) < 2:
        raise ValueError(
            "imbalance_report needs at least 2 classes in y; got only "
            f"{label_repr(classes[0])}."
        )
    return y


def _check_X(X, n_samples):
    if X is None:
        return None
    try:
        X = check_array(X, accept_sparse=["csr"], dtype="numeric")
    except ValueError as exc:
        raise ValueError(
            "imbalance_report needs numeric, finite X for the typology (encode "
            f"categorical columns first, or pass X=None). Original error: {exc}"
        ) from exc
    if X.shape[0] != n_samples:
        raise ValueError(
            f"X has {X.shape[0]} samples but y has {n_samples}; they must match."
        )
    return X if X.dtype.kind == "f" else X.astype(np.float64)


def _cv_counts(cv, X, y, groups, classes, minority):
    """Smallest count of each class over the training and the test folds."""
    splitter = check_cv(cv, y, classifier=True)
    data = np.zeros((len(y), 1)) if X is None else X
    train_min = dict.fromkeys(classes.tolist(), len(y))
    test_min = dict.fromkeys(classes.tolist(), len(y))
    with warnings.catch_warnings():
        # "the least populated class has only n members": reported below
        warnings.simplefilter("ignore", UserWarning)
        try:
            folds = list(splitter.split(data, y, groups))
        except ValueError as exc:
            raise ValueError(
                f"imbalance_report: cv={splitter!r} cannot split this y: {exc}"
            ) from exc
    for train, test in folds:
        for part, smallest in ((train, train_min), (test, test_min)):
            present = dict(zip(*np.unique(y[part], return_counts=True)))
            for klass in smallest:
                smallest[klass] = min(smallest[klass], int(present.get(klass, 0)))
    return {
        "splitter": repr(splitter),
        "n_splits": len(folds),
        "min_train_counts": train_min,
        "min_test_counts": test_min,
        "min_train_minority": train_min[minority],
    }


def _neighbour_limits(available):
    """Which of our samplers' neighbour defaults need more rows than available."""
    limits = []
    for module, name, parameter, extra in _NEIGHBOUR_RULES:
        sampler = getattr(importlib.import_module(module), name)
        default = inspect.signature(sampler).parameters[parameter].default
        needs = int(default) + extra
        limits.append(
            {
                "sampler": name,
                "parameter": parameter,
                "default": int(default),
                "needs": needs,
                "works": available >= needs,
            }
        )
    return limits


def _typology(X, y, majority, n_neighbors):
    """Safe/borderline/rare/outlier counts of every non-majority class.

    A row's neighbourhood is tie-inclusive: its ``n_neighbors`` nearest rows
    and every row at exactly the ``n_neighbors``-th distance, so that the
    types do not depend on the order of the rows (on binary or one-hot
    features, ties are the rule). The type is read from the share of the
    row's class in that neighbourhood.
    """
    if len(y) <= n_neighbors:
        return None
    index = NeighborsIndex(X)
    classes, codes = np.unique(y, return_inverse=True)
    codes = codes.reshape(-1)
    typology = {}
    for code, klass in enumerate(classes.tolist()):
        if klass == majority:
            continue
        rows = np.flatnonzero(codes == code)
        counts = index.label_counts(n_neighbors, codes, X[rows], exclude=rows)
        share = counts[:, code] / counts.sum(axis=1)
        types = _types(share)
        typology[klass] = {name: int((types == name).sum()) for name in TYPOLOGY}
    return typology


def _types(share):
    """Napierala and Stefanowski's thresholds (4-5, 2-3, 1, 0 of 5 neighbours).

    As shares of the neighbourhood: 0.8, 0.4, 0.2.
    """
    return np.select(
        [share >= 0.8, share >= 0.4, share >= 0.2],
        ["safe", "borderline", "rare"],
        default="outlier",
    )


def _recommend(report):
    """Rules of thumb, each with its reason."""
    tips = [_severity_tip(report)]
    tips += _cv_tips(report)
    tips += _typology_tips(report)
    return [tip for tip in tips if tip]


def _severity_tip(report):
    accuracy = report.shares[report.majority]
    if report.severity == "mild":
        return (
            "The imbalance is mild: resampling is rarely needed. Use stratified "
            "cross-validation and report balanced accuracy or the G-mean beside "
            "accuracy."
        )
    tip = (
        f"Accuracy is misleading here: always predicting "
        f"{_name(report.majority)} scores {accuracy:.1%}. Compare models with "
        "PR-AUC (pr_auc) and a decision metric such as the G-mean or F1 "
        "(imbestimators.metrics), then try class_weight='balanced' and "
        "threshold tuning before resampling."
    )
    if report.severity == "extreme":
        n_min = report.counts[report.minority]
        tip += (
            f" With {n_min} minority samples against {report.imbalance_ratio:.0f} "
            "times as many, also consider framing it as anomaly detection or "
            "collecting more minority data."
        )
    return tip


def _cv_tips(report):
    tips = []
    broken = [limit for limit in report.neighbour_limits if not limit["works"]]
    available = (
        report.cv["min_train_minority"]
        if report.cv is not None
        else report.counts[report.minority]
    )
    if broken:
        names = ", ".join(
            f"{limit['sampler']} ({limit['parameter']}={limit['default']})"
            for limit in broken
        )
        fix = (
            f"set k_neighbors/n_neighbors to at most {available - 1}"
            if available > 1
            else "no neighbour-based sampler can work"
        )
        tips.append(
            f"The minority class has only {available} samples per training "
            f"fold: {names} will fail with their defaults; {fix}, or use "
            "RandomOverSampler or class weights."
        )
    if report.cv is None:
        return tips
    test_min = report.cv["min_test_counts"][report.minority]
    if test_min == 0:
        tips.append(
            "Some test folds hold no minority sample: recall and PR-AUC are "
            "undefined there. Use a stratified splitter (StratifiedKFold)."
        )
    elif test_min < _FEW_TEST_MINORITY:
        tips.append(
            f"Test folds hold as few as {test_min} minority samples: per-fold "
            "scores will be noisy. Use fewer folds or RepeatedStratifiedKFold "
            "and report the spread."
        )
    return tips


def _typology_tips(report):
    if report.typology is None:
        return []
    tips = []
    for klass, types in report.typology.items():
        total = sum(types.values())
        safe = types["safe"] / total
        unsafe = (types["rare"] + types["outlier"]) / total
        name = _name(klass)
        if safe >= 0.5:
            tips.append(
                f"Class {name} is mostly safe ({safe:.0%}): simple methods "
                "(class weights, random over-sampling) are expected to do as "
                "well as elaborate ones."
            )
        elif unsafe >= 0.5:
            tips.append(
                f"Class {name} is mostly rare or outlier examples ({unsafe:.0%}): "
                "SMOTE would interpolate across other classes' regions; prefer "
                "class weights or RandomOverSampler, and expect low recall."
            )
        else:
            tips.append(
                f"Class {name} is largely borderline ({types['borderline']} of "
                f"{total}): methods that focus on or clean the class boundary "
                "(BorderlineSMOTE, SMOTETomek, NeighbourhoodCleaningRule) are "
                "worth comparing."
            )
    return tips
