"""Tomek links."""

import numbers

import numpy as np
from sklearn.utils import _safe_indexing

from imbestimators.base import BaseCleaningSampler
from imbestimators.under_sampling._base import (
    class_codes,
    numeric_view,
    targeted_mask,
)
from imbestimators.under_sampling._neighbourhoods import tomek_link_mask
from imbestimators.utils._docstring import fill_doc

__all__ = ["TomekLinks"]


@fill_doc
class TomekLinks(BaseCleaningSampler):
    """Under-sample by removing Tomek links.

    Two rows of different classes form a Tomek link when each is the other's
    nearest neighbour [1]_: no third row is closer to either of them. The
    rows of the cleaned classes that belong to a link are removed. A drop-in
    replacement for :class:`imblearn.under_sampling.TomekLinks` returning the
    same rows on data without distance ties, and fast on large data: a link
    always has one end outside the largest class, so only the rows of the
    other classes (and their partners) are searched.

    Read more in the :ref:`User Guide <tomek_links>`.

    Parameters
    ----------
    {sampling_strategy_cleaning}

    {n_jobs}

    Attributes
    ----------
    sampling_strategy_ : dict
        The cleaned classes (keys) and their number of samples before cleaning.
    sample_indices_ : ndarray of shape (n_new_samples,)
        Indices in ``X`` of the rows kept, in increasing order.
    n_features_in_ : int
        Number of features seen during ``fit_resample``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during ``fit_resample``, when they are strings.

    See Also
    --------
    EditedNearestNeighbours : Remove rows that disagree with their neighbours.
    OneSidedSelection : Condensed nearest neighbours followed by Tomek links.
    SMOTETomek : Over-sample, then remove Tomek links.

    Notes
    -----
    Distances are exact Euclidean distances. Tomek's definition needs no tie
    rule: rows ``x`` and ``y`` of different classes are linked when no row
    ``z`` has ``d(x, z) < d(x, y)`` or ``d(y, z) < d(x, y)``, so a row with
    several equally near rows of other classes can be in several links, and
    the rows removed do not depend on the order of the rows. On data without
    distance ties these are imbalanced-learn's links; where distances tie
    (binary, one-hot or integer features, duplicated rows), imbalanced-learn
    pairs each row with the one nearest row its search returns first.

    Only the rows outside the largest class are examined. A row whose nearest
    neighbour is surely of its own class is in no link: a row of its class
    strictly closer than its nearest row of another class proves it, and after
    over-sampling a lower bound through pivot rows proves it without any
    search over the other classes. The partners found in the largest class
    are refuted by the first row found strictly closer to them. Several classes are
    handled one-vs-rest: a link joins two rows of different classes,
    whichever they are.

    References
    ----------
    .. [1] I. Tomek, "Two modifications of CNN", IEEE Transactions on Systems,
       Man, and Cybernetics, 6(11), pp. 769-772, 1976.

    Examples
    --------
    >>> from collections import Counter
    >>> from sklearn.datasets import make_classification
    >>> from imbestimators.under_sampling import TomekLinks
    >>> X, y = make_classification(n_classes=2, class_sep=2,
    ...     weights=[0.1, 0.9], n_informative=3, n_redundant=1, flip_y=0,
    ...     n_features=20, n_clusters_per_class=1, n_samples=1000, random_state=10)
    >>> tl = TomekLinks()
    >>> X_res, y_res = tl.fit_resample(X, y)
    >>> sorted(Counter(y_res.tolist()).items())
    [(0, 100), (1, 897)]
    >>> sorted(set(range(len(y))) - set(tl.sample_indices_.tolist()))  # removed
    [68, 620, 845]
    """

    _parameter_constraints: dict = {
        **BaseCleaningSampler._parameter_constraints,
        "n_jobs": [numbers.Integral, None],
    }

    def __init__(self, *, sampling_strategy="auto", n_jobs=None):
        self.sampling_strategy = sampling_strategy
        self.n_jobs = n_jobs

    def _fit_resample(self, X, y):
        classes, codes = class_codes(y)
        links = tomek_link_mask(numeric_view(X), codes)
        removed = links & targeted_mask(classes, self.sampling_strategy_)[codes]
        self.sample_indices_ = np.flatnonzero(~removed)
        return _safe_indexing(X, self.sample_indices_), y[self.sample_indices_]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.sampler_tags.sample_indices = True
        return tags
