"""A scikit-learn Pipeline whose steps may also be samplers.

The twin of :class:`imblearn.pipeline.Pipeline`, written as a thin subclass of
:class:`sklearn.pipeline.Pipeline`: a step with ``fit_resample`` resamples
``X`` and ``y`` while the pipeline is fitted and is skipped everywhere else
(``predict``, ``transform``, ``score`` ...), because resampling only makes
sense on training data. Everything that does not involve a sampler (slicing,
``set_params``, ``transform_input``, tags, feature names, the
not-fitted checks) is scikit-learn's own code.
"""

import timeit
from contextlib import contextmanager

# importing imbalanced-learn's base registers ``fit_resample`` as a method that
# metadata can be routed to (it extends scikit-learn's list of methods)
import imblearn.base  # noqa: F401
from sklearn import pipeline as sk_pipeline
from sklearn.base import clone
from sklearn.utils import _safe_indexing
from sklearn.utils.metadata_routing import (
    MetadataRouter,
    MethodMapping,
)
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_memory

from imbestimators.utils._param_validation import (
    HasMethods,
    _fit_context,
    _routing_enabled,
    validate_params,
)

__all__ = ["Pipeline", "make_pipeline"]

#: the fit-time methods of the pipeline: the ones during which samplers resample
_FIT_METHODS = ("fit", "fit_transform", "fit_predict", "fit_resample")

#: routed metadata that is aligned with the rows, and so follows them through
#: a sampler that reports which input rows it kept (``sample_indices_``)
_ROW_ALIGNED_METADATA = ("sample_weight",)


def _final_estimator_has(attr):
    """For ``available_if``: raise the last step's own AttributeError if absent."""

    def check(self):
        getattr(self._final_estimator, attr)
        return True

    return check


def _name_estimators(estimators):
    """Lower-cased class names, numbered ``-1``, ``-2`` ... where they repeat."""
    names = [
        est if isinstance(est, str) else type(est).__name__.lower()
        for est in estimators
    ]
    repeated = {name for name in names if names.count(name) > 1}
    seen = dict.fromkeys(repeated, 0)
    for i, name in enumerate(names):
        if name in repeated:
            seen[name] += 1
            names[i] = f"{name}-{seen[name]}"
    return list(zip(names, estimators))


def _is_sampler(estimator):
    return hasattr(estimator, "fit_resample")


def _is_transformer(estimator):
    return hasattr(estimator, "fit") and hasattr(estimator, "transform")


def _is_skipped(estimator):
    return estimator is None or (
        isinstance(estimator, str) and estimator == "passthrough"
    )


def _first_sampler_name(pipeline):
    """Name of the first sampler inside a (possibly nested) pipeline, or None."""
    for name, step in pipeline.steps:
        if _is_sampler(step):
            return name
        if isinstance(step, sk_pipeline.Pipeline):
            inner = _first_sampler_name(step)
            if inner is not None:
                return f"{name}__{inner}"
    return None


@contextmanager
def _log_elapsed(message):
    """Print scikit-learn's ``[Pipeline] ... total=`` line when ``verbose``."""
    if message is None:
        yield
        return
    start = timeit.default_timer()
    yield
    elapsed = timeit.default_timer() - start
    time_str = f"{elapsed / 60:4.1f}min" if elapsed > 60 else f" {elapsed:5.1f}s"
    # scikit-learn pads the line with dots to 70 characters
    prefix, suffix = "[Pipeline] ", f" {message}, total={time_str}"
    print(prefix + "." * max(70 - len(prefix) - len(suffix), 0) + suffix)


def _fit_transform_one(transformer, X, y, params, message, caller, callback_ctx):
    """Fit a transformer step; the callbacks see its task as scikit-learn's do."""
    with callback_ctx.propagate_callback_context(transformer):
        callback_ctx.call_on_fit_task_begin(estimator=caller, X=X, y=y)
        with _log_elapsed(message):
            if hasattr(transformer, "fit_transform"):
                Xt = transformer.fit_transform(X, y, **params.get("fit_transform", {}))
            else:
                Xt = transformer.fit(X, y, **params.get("fit", {})).transform(
                    X, **params.get("transform", {})
                )
        callback_ctx.call_on_fit_task_end(estimator=caller, X=Xt, y=y)
    return Xt, transformer


def _fit_resample_one(sampler, X, y, params, message, caller, callback_ctx):
    """Resample with a sampler step, as one callback task."""
    with callback_ctx.propagate_callback_context(sampler):
        callback_ctx.call_on_fit_task_begin(estimator=caller, X=X, y=y)
        with _log_elapsed(message):
            X_res, y_res = sampler.fit_resample(X, y, **params.get("fit_resample", {}))
        callback_ctx.call_on_fit_task_end(estimator=caller, X=X_res, y=y_res)
    return X_res, y_res, sampler


class Pipeline(sk_pipeline.Pipeline):
    """A chain of transformers and samplers with a final estimator.

    The twin of :class:`imblearn.pipeline.Pipeline`. Intermediate steps are
    transformers (``fit`` and ``transform``) or samplers (``fit_resample``),
    never both. Samplers are applied only while the pipeline is fitted
    (``fit``, ``fit_transform``, ``fit_predict``, ``fit_resample``), so the
    final estimator learns from resampled data while ``predict``,
    ``transform`` and ``score`` see the data they are given, unresampled.
    The pipeline has ``fit_resample`` when its last step is a sampler (or
    ``'passthrough'``).

    How it differs from imbalanced-learn's is listed in :ref:`differences`.

    Parameters
    ----------
    steps : list of (str, estimator) tuples
        The steps, in order: transformers or samplers, then the final
        estimator. A step may be ``'passthrough'`` or ``None`` to skip it.

    transform_input : list of str, default=None
        Names of metadata parameters of ``fit`` that the steps before
        the consuming step transform, as in
        :class:`sklearn.pipeline.Pipeline` (for instance a validation set).
        Needs ``sklearn.set_config(enable_metadata_routing=True)``.

    memory : str or object with the joblib.Memory interface, default=None
        Caches the fitted transformers and samplers. A string is the path of
        the cache directory. Caching clones the steps before fitting them:
        inspect them through ``named_steps`` or ``steps``.

    verbose : bool, default=False
        Print the time taken by each step as it is fitted.

    Attributes
    ----------
    named_steps : :class:`~sklearn.utils.Bunch`
        The steps by name.

    classes_ : ndarray of shape (n_classes,)
        The class labels, when the last step is a classifier.

    n_features_in_ : int
        Number of features seen by the first step during ``fit``.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features seen by the first step during ``fit``, when it
        records them.

    See Also
    --------
    make_pipeline : Build a pipeline, naming the steps after their classes.
    sklearn.pipeline.Pipeline : The same without samplers.

    Notes
    -----
    Because samplers act only at fit time, ``fit_transform(X, y)`` returns
    resampled data while ``fit(X, y).transform(X)`` does not, as in
    imbalanced-learn.

    Metadata that a step after a sampler requests as ``sample_weight``
    follows the rows the sampler kept (through its ``sample_indices_``);
    a sampler that creates rows (SMOTE) cannot give weights to them, and the
    pipeline says so with a ValueError. imbalanced-learn passes the weights
    unchanged, with their old length (imbalanced-learn issue #457).

    Examples
    --------
    >>> from collections import Counter
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.preprocessing import StandardScaler
    >>> from imbestimators.pipeline import Pipeline
    >>> from imbestimators.under_sampling import RandomUnderSampler
    >>> X, y = make_classification(n_samples=500, weights=[0.9], random_state=0)
    >>> pipe = Pipeline([
    ...     ("scale", StandardScaler()),
    ...     ("sample", RandomUnderSampler(random_state=0)),
    ...     ("model", LogisticRegression()),
    ... ])
    >>> pipe.fit(X, y)
    Pipeline(...)
    >>> Counter(pipe[:2].fit_resample(X, y)[1])
    Counter({np.int64(0): 50, np.int64(1): 50})
    >>> pipe.predict(X[:3]).shape
    (3,)
    """

    # BaseEstimator interface

    def _validate_steps(self):
        if not self.steps:
            raise ValueError("The pipeline is empty. Please add steps.")
        names, estimators = zip(*self.steps)
        self._validate_names(names)
        self._check_estimators_are_instances(estimators)
        for name, step in self.steps[:-1]:
            if not _is_skipped(step):
                _check_intermediate_step(name, step)
        final = estimators[-1]
        if not _is_skipped(final) and not hasattr(final, "fit"):
            raise TypeError(
                "Last step of Pipeline should implement fit or be the string "
                f"'passthrough'. '{final}' (type {type(final)}) doesn't"
            )

    def _iter(self, with_final=True, filter_passthrough=True, filter_resample=True):
        """Yield ``(idx, name, step)``; samplers are left out by default.

        Every method of scikit-learn's Pipeline that applies the fitted steps
        (``predict``, ``transform``, ``score``, ``inverse_transform``,
        ``get_feature_names_out`` ...) iterates through here, which is how
        they skip the samplers.
        """
        for idx, name, step in super()._iter(with_final, filter_passthrough):
            if not (filter_resample and _is_sampler(step)):
                yield idx, name, step

    # Estimator interface

    def _check_method_params(self, method, props, **kwargs):
        routed = super()._check_method_params(method, props, **kwargs)
        if not _routing_enabled():
            # without routing, ``step__param`` goes to whatever the pipeline
            # calls at fit time, a sampler's fit_resample included (imblearn
            # never passes it there)
            for step_params in routed.values():
                step_params["fit_resample"] = dict(step_params["fit"])
        return routed

    def _fit(self, X, y=None, routed_params=None, raw_params=None, callback_ctx=None):
        """Fit every step but the last; return the transformed, resampled X, y.

        Row-aligned metadata routed to later steps follows the rows each
        sampler keeps (``_ROW_ALIGNED_METADATA``).
        """
        # shallow copy: fitted (or cached) steps replace the given ones
        self.steps = list(self.steps)
        self._validate_steps()
        memory = check_memory(self.memory)
        # the caller and the callback context are not part of a step's result
        ignored = ["caller", "callback_ctx"]
        fit_transform_cached = memory.cache(_fit_transform_one, ignore=ignored)
        fit_resample_cached = memory.cache(_fit_resample_one, ignore=ignored)

        for step_idx, name, step in self._iter(
            with_final=False, filter_passthrough=False, filter_resample=False
        ):
            message = self._log_message(step_idx)
            task = "fit-resample" if _is_sampler(step) else "fit-transform"
            subcontext = callback_ctx.subcontext(task_name=f"{task}-{name}")
            if _is_skipped(step):
                with _log_elapsed(message):
                    subcontext.call_on_fit_task_begin(estimator=self, X=X, y=y)
                    subcontext.call_on_fit_task_end(estimator=self, X=X, y=y)
                    continue
            # without caching the given instance is fitted, as scikit-learn does
            caching = not (hasattr(memory, "location") and memory.location is None)
            step = clone(step) if caching else step
            params = self._get_metadata_for_step(
                step_idx=step_idx,
                step_params=routed_params[name],
                all_params=raw_params,
            )
            if _is_sampler(step):
                X, y, fitted = fit_resample_cached(
                    step, X, y, params, message, self, subcontext
                )
                self._resample_metadata(routed_params, step_idx, fitted)
            else:
                X, fitted = fit_transform_cached(
                    step, X, y, params, message, self, subcontext
                )
            self.steps[step_idx] = (name, fitted)
        return X, y

    def _resample_metadata(self, routed_params, sampler_idx, sampler):
        """Make the row-aligned metadata of the later steps follow the sampler."""
        indices = getattr(sampler, "sample_indices_", None)
        sampler_name = self.steps[sampler_idx][0]
        for name, _ in self.steps[sampler_idx + 1 :]:
            for method, params in routed_params.get(name, {}).items():
                for key in _ROW_ALIGNED_METADATA:
                    if params.get(key) is None:
                        continue
                    if indices is None:
                        raise ValueError(
                            f"Pipeline: step {name!r} was given {key} for its "
                            f"{method}, but the sampler {sampler_name!r} "
                            f"({type(sampler).__name__}) before it resamples the "
                            "rows without reporting which input rows it kept "
                            f"(it has no sample_indices_), so {key} cannot "
                            "follow the rows (its synthetic rows have no weight "
                            "to inherit). Use a sampler with sample_indices_ "
                            "(the random samplers, NearMiss and the cleaning "
                            "rules), class weights instead of the weights, or "
                            "ImbalanceStrategySearchCV, which gives synthetic "
                            "rows their class's mean weight."
                        )
                    params[key] = _safe_indexing(params[key], indices)

    def _fit_all(self, method, X, y, params, *, final, passthrough):
        """The body of the fit methods: fit the steps, then ``final`` on the last.

        ``final(last_step, Xt, yt, last_step_params)`` and
        ``passthrough(Xt, yt)`` (for a ``'passthrough'`` last step) give the
        method's result. The experimental callbacks of scikit-learn 1.9 see
        the same tasks as in its Pipeline, one per step.
        """
        task = method.replace("_", "-")
        callback_ctx = self._init_callback_context(
            task_name=task, max_subtasks=len(self.steps)
        )
        callback_ctx.call_on_fit_task_begin(estimator=self, X=X, y=y)
        self._check_transform_input()
        routed_params = self._check_method_params(method=method, props=params)
        Xt, yt = self._fit(X, y, routed_params, params, callback_ctx)
        last = self._final_estimator
        subcontext = callback_ctx.subcontext(task_name=f"{task}-final-estimator")
        with _log_elapsed(self._log_message(len(self.steps) - 1)):
            if last == "passthrough":
                subcontext.call_on_fit_task_begin(estimator=self, X=Xt, y=yt)
                result = passthrough(Xt, yt)
                subcontext.call_on_fit_task_end(estimator=self, X=Xt, y=yt)
            else:
                with subcontext.propagate_callback_context(last):
                    subcontext.call_on_fit_task_begin(estimator=self, X=Xt, y=yt)
                    last_params = self._get_metadata_for_step(
                        step_idx=len(self) - 1,
                        step_params=routed_params[self.steps[-1][0]],
                        all_params=params,
                    )
                    result = final(last, Xt, yt, last_params)
                    subcontext.call_on_fit_task_end(estimator=self, X=Xt, y=yt)
        callback_ctx.call_on_fit_task_end(estimator=self, X=Xt, y=yt)
        return result

    def _check_transform_input(self):
        if not _routing_enabled() and self.transform_input is not None:
            raise ValueError(
                "The `transform_input` parameter can only be set if metadata "
                "routing is enabled. You can enable metadata routing using "
                "`sklearn.set_config(enable_metadata_routing=True)`."
            )

    @_fit_context(
        # the steps are validated by their own fit
        prefer_skip_nested_validation=False
    )
    def fit(self, X, y=None, **params):
        """Fit the steps in order, resampling with the samplers, then the last.

        Parameters
        ----------
        X : iterable
            Training data, as the first step accepts it.

        y : iterable, default=None
            Training targets, as every step accepts them.

        **params : dict of str -> object
            Without metadata routing: parameters of the steps' fit methods
            (``fit_resample`` for a sampler), named ``step__param``. With
            metadata routing: metadata, passed to the steps that request it.

        Returns
        -------
        self : Pipeline
            This estimator, fitted.
        """
        self._fit_all(
            "fit",
            X,
            y,
            params,
            final=lambda last, Xt, yt, p: last.fit(Xt, yt, **p["fit"]),
            passthrough=lambda Xt, yt: None,
        )
        return self

    @available_if(sk_pipeline.Pipeline._can_fit_transform)
    @_fit_context(prefer_skip_nested_validation=False)
    def fit_transform(self, X, y=None, **params):
        """Fit the steps, then ``fit_transform`` with the last: resampled output.

        Parameters
        ----------
        X : iterable
            Training data, as the first step accepts it.

        y : iterable, default=None
            Training targets, as every step accepts them.

        **params : dict of str -> object
            As for :meth:`fit`.

        Returns
        -------
        Xt : array-like of shape (n_samples_new, n_transformed_features)
            The transformed samples, resampled by the samplers.
        """
        return self._fit_all(
            "fit_transform",
            X,
            y,
            params,
            final=_fit_transform_last,
            passthrough=lambda Xt, yt: Xt,
        )

    @available_if(_final_estimator_has("fit_predict"))
    @_fit_context(prefer_skip_nested_validation=False)
    def fit_predict(self, X, y=None, **params):
        """Fit the steps, then ``fit_predict`` with the last.

        Parameters
        ----------
        X : iterable
            Training data, as the first step accepts it.

        y : iterable, default=None
            Training targets, as every step accepts them.

        **params : dict of str -> object
            As for :meth:`fit`.

        Returns
        -------
        y_pred : ndarray of shape (n_samples_new,)
            The last step's predictions for the resampled training samples.
        """
        return self._fit_all(
            "fit_predict",
            X,
            y,
            params,
            final=lambda last, Xt, yt, p: last.fit_predict(Xt, yt, **p["fit_predict"]),
            passthrough=None,  # fit_predict needs a last step that has it
        )

    def _can_fit_resample(self):
        final = self._final_estimator
        return final == "passthrough" or _is_sampler(final)

    @available_if(_can_fit_resample)
    @_fit_context(prefer_skip_nested_validation=False)
    def fit_resample(self, X, y=None, **params):
        """Fit the steps, then resample with the last.

        Available when the last step is a sampler or ``'passthrough'``.

        Parameters
        ----------
        X : iterable
            Training data, as the first step accepts it.

        y : iterable, default=None
            Training targets, as every step accepts them.

        **params : dict of str -> object
            As for :meth:`fit`.

        Returns
        -------
        X_resampled : array-like of shape (n_samples_new, n_transformed_features)
            The transformed, resampled samples.

        y_resampled : array-like of shape (n_samples_new,)
            Their targets.
        """
        return self._fit_all(
            "fit_resample",
            X,
            y,
            params,
            final=lambda last, Xt, yt, p: last.fit_resample(
                Xt, yt, **p["fit_resample"]
            ),
            # imblearn returns Xt alone here, which breaks the
            # (X_resampled, y_resampled) contract of fit_resample
            passthrough=lambda Xt, yt: (Xt, yt),
        )

    def get_metadata_routing(self):
        """Get the metadata routing of this pipeline, its samplers included.

        See scikit-learn's metadata routing user guide for how the routing
        works.

        Returns
        -------
        routing : MetadataRouter
            A :class:`~sklearn.utils.metadata_routing.MetadataRouter`
            encapsulating routing information.
        """
        router = MetadataRouter(owner=self)
        for _, name, step in self._iter(with_final=False, filter_resample=False):
            router.add(method_mapping=_intermediate_mapping(step), **{name: step})
        final_name, final = self.steps[-1]
        if not _is_skipped(final):
            router.add(method_mapping=_final_mapping(final), **{final_name: final})
        return router


def _fit_transform_last(last, Xt, yt, params):
    if hasattr(last, "fit_transform"):
        return last.fit_transform(Xt, yt, **params["fit_transform"])
    # the resampled targets: imblearn passes the original y here
    return last.fit(Xt, yt, **params["fit"]).transform(Xt, **params["transform"])


def _check_intermediate_step(name, step):
    """Raise a TypeError unless ``step`` is a transformer or a sampler, not both."""
    is_transformer, is_sampler = _is_transformer(step), _is_sampler(step)
    if not (is_transformer or is_sampler):
        raise TypeError(
            "All intermediate steps of the chain should be estimators that "
            "implement fit and transform or fit_resample (but not both) or be "
            f"a string 'passthrough' '{step}' (type {type(step)}) doesn't)"
        )
    if is_transformer and is_sampler:
        raise TypeError(
            "All intermediate steps of the chain should be estimators that "
            "implement fit and transform or fit_resample. "
            f"'{step}' implements both)"
        )
    if isinstance(step, sk_pipeline.Pipeline):
        # a nested pipeline of transformers is an ordinary transformer; one
        # with a sampler would resample X in fit_transform without y (imblearn
        # refuses every nested pipeline)
        sampler = _first_sampler_name(step)
        if sampler is not None:
            raise TypeError(
                f"Pipeline: the intermediate step {name!r} is a Pipeline that "
                f"contains the sampler {sampler!r}. A nested pipeline cannot "
                "resample: its fit_transform would change the rows of X but not "
                "y. Put its steps into the outer pipeline instead."
            )


def _intermediate_mapping(step):
    """Which methods of an intermediate step each pipeline method calls."""
    mapping = MethodMapping()
    if _is_sampler(step):
        for caller in _FIT_METHODS:
            mapping.add(caller=caller, callee="fit_resample")
        return mapping
    fit_callees = (
        ("fit_transform",) if hasattr(step, "fit_transform") else ("fit", "transform")
    )
    for caller in _FIT_METHODS:
        for callee in fit_callees:
            mapping.add(caller=caller, callee=callee)
    for caller in (
        "predict",
        "predict_proba",
        "predict_log_proba",
        "decision_function",
        "transform",
        "score",
    ):
        mapping.add(caller=caller, callee="transform")
    return mapping.add(caller="inverse_transform", callee="inverse_transform")


def _final_mapping(final):
    """Which methods of the last step each pipeline method calls."""
    mapping = MethodMapping().add(caller="fit", callee="fit")
    if hasattr(final, "fit_transform"):
        mapping.add(caller="fit_transform", callee="fit_transform")
    else:
        mapping.add(caller="fit_transform", callee="fit").add(
            caller="fit_transform", callee="transform"
        )
    for method in (
        "predict",
        "fit_predict",
        "predict_proba",
        "decision_function",
        "predict_log_proba",
        "transform",
        "inverse_transform",
        "score",
        "fit_resample",
    ):
        mapping.add(caller=method, callee=method)
    return mapping


@validate_params(
    {
        "memory": [None, str, HasMethods(["cache"])],
        "transform_input": [None, list],
        "verbose": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def make_pipeline(*steps, memory=None, transform_input=None, verbose=False):
    """Build a :class:`Pipeline`, naming each step after its class.

    The twin of :func:`imblearn.pipeline.make_pipeline`.

    Parameters
    ----------
    *steps : list of estimators
        The transformers, samplers and final estimator, in order.

    memory : str or object with the joblib.Memory interface, default=None
        Caches the fitted transformers and samplers; see :class:`Pipeline`.

    transform_input : list of str, default=None
        Metadata of ``fit`` that the earlier steps transform; see
        :class:`Pipeline`. Needs metadata routing.

    verbose : bool, default=False
        Print the time taken by each step as it is fitted.

    Returns
    -------
    p : Pipeline
        A pipeline that applies the samplers at fit time.

    See Also
    --------
    Pipeline : The class built here, with steps named by hand.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from imbestimators.over_sampling import RandomOverSampler
    >>> from imbestimators.pipeline import make_pipeline
    >>> make_pipeline(RandomOverSampler(), LogisticRegression())
    Pipeline(steps=[('randomoversampler', RandomOverSampler()),
                    ('logisticregression', LogisticRegression())])
    """
    return Pipeline(
        _name_estimators(steps),
        memory=memory,
        transform_input=transform_input,
        verbose=verbose,
    )
