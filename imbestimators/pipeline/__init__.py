"""A pipeline whose steps may be samplers, applied only while it is fitted."""

from imbestimators.pipeline._pipeline import Pipeline, make_pipeline

__all__ = ["Pipeline", "make_pipeline"]
