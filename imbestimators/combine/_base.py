"""What SMOTEENN and SMOTETomek share: an over-sampler followed by a cleaner."""

import numbers
import warnings

from imblearn.base import BaseSampler
from sklearn.base import clone

# the template fit_resample (pandas in -> pandas out) of our samplers; the
# combinations are no over-samplers for imbalanced-learn's checks (the cleaning
# step may leave classes below the majority count), as in imbalanced-learn
from imbestimators.base import BaseOverSampler, _SamplerMixin
from imbestimators.over_sampling import SMOTE
from imbestimators.utils._param_validation import HasMethods

__all__ = ["BaseCombined"]

_OVER = ("over-sampling",)
_CLEANING = ("clean-sampling", "under-sampling")


class BaseCombined(_SamplerMixin, BaseSampler):
    """Over-sample with ``smote``, then clean the result with a second sampler.

    Subclasses name the cleaning parameter (``_cleaner_param``) and build its
    default (``_default_cleaner``). The steps are the user's samplers, cloned,
    run one after the other on the validated arrays: the result is exactly
    what running them in sequence gives.
    """

    _sampling_type = "over-sampling"

    _parameter_constraints: dict = {
        **BaseOverSampler._parameter_constraints,
        "smote": [HasMethods(["fit_resample"]), None],
        "n_jobs": [numbers.Integral, None],
    }

    #: rows of the result are not all input rows: dataframes are rebuilt
    _copies_rows = False

    def _over_sampler(self):
        if self.smote is None:
            return SMOTE(
                sampling_strategy=self.sampling_strategy,
                random_state=self.random_state,
            )
        step = _checked_clone(self, "smote", self.smote, _OVER, "an over-sampler")
        if not _is_default(self.sampling_strategy):
            # imbalanced-learn ignores it silently: the user's step decides
            warnings.warn(
                f"{type(self).__name__}: sampling_strategy="
                f"{self.sampling_strategy!r} is ignored because smote is given; "
                "the smote step's own sampling_strategy "
                f"({step.get_params().get('sampling_strategy')!r}) applies. Set "
                "sampling_strategy on the smote step instead.",
                UserWarning,
            )
        return self._seeded(step)

    def _cleaner(self):
        name = self._cleaner_param
        value = getattr(self, name)
        if value is None:
            return self._default_cleaner()
        step = _checked_clone(
            self, name, value, _CLEANING, "a cleaning or under-sampling sampler"
        )
        return self._seeded(step)

    def _seeded(self, step):
        """Give an unseeded step the combined sampler's ``random_state``.

        imbalanced-learn leaves a user's ``SMOTE()`` unseeded inside a seeded
        ``SMOTEENN``, so the same ``random_state`` gives different outputs; a
        step seeded by the user keeps its own seed.
        """
        params = step.get_params(deep=False)
        if "random_state" in params and params["random_state"] is None:
            step.set_params(random_state=self.random_state)
        return step

    def _fit_resample(self, X, y):
        over, cleaner = self._over_sampler(), self._cleaner()
        X_res, y_res = over.fit_resample(X, y)
        setattr(self, f"{self._cleaner_param}_", cleaner)
        self.smote_ = over
        self.sampling_strategy_ = getattr(
            over, "sampling_strategy_", self.sampling_strategy_
        )
        return cleaner.fit_resample(X_res, y_res)


def _is_default(sampling_strategy):
    return isinstance(sampling_strategy, str) and sampling_strategy == "auto"


def _checked_clone(combined, name, sampler, kinds, expected):
    """Clone a step, refusing a sampler of the wrong kind (e.g. swapped steps)."""
    kind = getattr(sampler, "_sampling_type", None)
    if kind is not None and kind not in kinds:
        raise ValueError(
            f"{type(combined).__name__}: {name} must be {expected}; got "
            f"{type(sampler).__name__}, whose sampling type is {kind!r}."
        )
    return clone(sampler)
