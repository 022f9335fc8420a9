"""Deep Multi-Class Data Description (Deep-MCDD) for scikit-learn.

:class:`MCDDClassifier` classifies tabular data and scores how far each row
lies from all the classes it was trained on (out-of-distribution detection).
"""

from . import metrics, scorers, thresholds
from ._persistence import IncompatibleVersionError
from .classifier import MCDDClassifier
from .wrappers import PredictProbaOnly

__version__ = "0.1.0.dev0"

__all__ = [
    "IncompatibleVersionError",
    "MCDDClassifier",
    "PredictProbaOnly",
    "metrics",
    "scorers",
    "thresholds",
    "__version__",
]
