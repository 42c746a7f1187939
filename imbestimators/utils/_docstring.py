"""Docstring fragments shared by several estimators, and the decorator that fills them.

Keeping shared parameter text in one place means a fix to the description of,
say, ``sampling_strategy`` reaches every sampler.
"""

__all__ = ["fill_doc"]

_FRAGMENTS = {
    "sampling_strategy_over": """sampling_strategy : float, str, dict or callable, default='auto'
        Sampling information to resample the data set, with imbalanced-learn's
        meaning:

        - ``float``: the desired ratio of the number of samples in the minority
          class over the number of samples in the majority class after
          resampling (binary targets only).
        - ``str``: the classes to resample, each brought to the size of the
          majority class: ``'minority'``, ``'not minority'``,
          ``'not majority'``, ``'all'``, or ``'auto'`` (= ``'not majority'``).
        - ``dict``: class label -> desired number of samples after resampling.
        - callable: ``y`` -> such a dict.""",
    "sampling_strategy_under": """sampling_strategy : float, str, dict or callable, default='auto'
        Sampling information to resample the data set, with imbalanced-learn's
        meaning:

        - ``float``: the desired ratio of the number of samples in the minority
          class over the number of samples in the majority class after
          resampling (binary targets only).
        - ``str``: the classes to resample, each brought to the size of the
          minority class: ``'majority'``, ``'not minority'``,
          ``'not majority'``, ``'all'``, or ``'auto'`` (= ``'not minority'``).
        - ``dict``: class label -> desired number of samples after resampling.
        - callable: ``y`` -> such a dict.""",
    "sampling_strategy_cleaning": """sampling_strategy : str, list or callable, default='auto'
        The classes to clean, with imbalanced-learn's meaning:

        - ``str``: ``'majority'``, ``'not minority'``, ``'not majority'``,
          ``'all'``, or ``'auto'`` (= ``'not minority'``).
        - ``list``: the class labels to clean.
        - callable: ``y`` -> a dict whose keys are the classes to clean.""",
    "random_state": """random_state : int, RandomState instance or None, default=None
        Controls the randomness. One generator is built per call of
        ``fit_resample`` and drawn from class after class (never re-seeded per
        class), so the same ``random_state`` gives the same output.""",
    "k_neighbors": """k_neighbors : int or object, default=5
        Number of nearest neighbours of the same class to interpolate with.
        Either an int, searched exactly by the library's k-NN engine (ties
        broken towards the lower row index), or a neighbours estimator with
        scikit-learn's ``kneighbors`` API (for instance
        ``NearestNeighbors(n_neighbors=6, metric="manhattan")``), whose
        ``n_neighbors`` counts the sample itself, as in imbalanced-learn.""",
    "n_jobs": """n_jobs : int, default=None
        Number of parallel jobs of a user-provided neighbours estimator (set on
        its clone). The built-in k-NN engine runs its matrix products on the
        BLAS threads and ignores it. Kept for compatibility with
        imbalanced-learn.""",
    "edited_ties": """Neighbours are exact Euclidean neighbours (unless a neighbours
    estimator is given) and a sample is never its own neighbour (an exact
    duplicate of it is). A neighbourhood is *tie-inclusive*: the
    ``n_neighbors`` nearest rows plus every row at exactly the
    ``n_neighbors``-th distance, as R's ``class::knn`` votes, so that the rows
    kept do not depend on the order of the rows. On data without distance
    ties this is imbalanced-learn's neighbourhood and the rows kept are
    exactly its; on binary, one-hot or integer features and duplicated rows,
    where distances tie, imbalanced-learn keeps the rows its search happens to
    return first.""",
    "report_parameters": """y_true : array-like of shape (n_samples,)
        True labels.
    y_pred : array-like of shape (n_samples,)
        Predicted labels.
    labels : array-like, default=None
        Classes in the report (all labels present, sorted, when None).
    target_names : list of str, default=None
        Display names of ``labels``.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights.
    digits : int, default=2
        Digits of the text report (the dict is not rounded).
    alpha : float, default=0.1
        Weight of the dominance in the IBA.
    output_dict : bool, default=False
        Return a dict instead of text.""",
}


def fill_doc(obj):
    """Replace ``{fragment}`` fields in ``obj.__doc__`` by the shared fragments.

    Only known fragment names are replaced; other braces are left alone, so
    docstrings need no escaping.
    """
    doc = obj.__doc__
    if doc:
        for name, text in _FRAGMENTS.items():
            doc = doc.replace("{" + name + "}", text)
        obj.__doc__ = doc
    return obj
