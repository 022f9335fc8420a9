"""Input checks of MCDDClassifier that scikit-learn's validate_data does not make."""

import warnings

import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype, is_numeric_dtype


def check_numeric_columns(X):
    """Raise a ValueError naming the non-numeric columns of a DataFrame."""
    if not isinstance(X, pd.DataFrame):
        return
    bad = [
        str(name)
        for name, dtype in X.dtypes.items()
        if not (is_numeric_dtype(dtype) or is_bool_dtype(dtype))
    ]
    if bad:
        raise ValueError(
            f"MCDDClassifier needs numeric features, but the columns {bad} are "
            "not numeric. Encode them first, for example with "
            "sklearn.compose.ColumnTransformer and OneHotEncoder or "
            "OrdinalEncoder in a Pipeline."
        )


def check_float32_range(X):
    """Raise a ValueError for finite float64 values that overflow float32."""
    if X.dtype == np.float64 and X.size:
        # Two reductions instead of np.abs(X).max(), which would copy X whole.
        largest = max(X.max(), -X.min())
        if largest > np.finfo(np.float32).max:
            raise ValueError(
                f"Input X contains a value of magnitude {largest:.3g}, which is "
                "too large for float32, the precision the network computes in. "
                "Scale the features, for example with a StandardScaler."
            )


# Column means or standard deviations beyond this size mean the features were
# not standardised. In a manual trial, unscaled satimage (column means about
# 80) and shuttle (columns up to about 1,900) trained to near-chance training
# accuracy, while the 0-16 pixel counts of scikit-learn's digits train well
# as they are. The limit sits between the two; it is a heuristic.
UNSCALED_FEATURE_LIMIT = 20.0

# warn_if_unscaled estimates the column statistics from at most this many
# evenly spaced rows. That is enough for a limit this coarse, and it keeps the
# check short and its temporary arrays small on tables of millions of rows.
UNSCALED_CHECK_ROWS = 10_000


def warn_if_unscaled(X):
    """Warn when the columns of X are far from standardised.

    With a fixed learning rate, features on large or very different scales
    give a poor model long before the loss becomes non-finite, so the fit
    would otherwise fail silently. The column means and standard deviations
    are estimated from at most ``UNSCALED_CHECK_ROWS`` evenly spaced rows.
    """
    if not X.size:
        return
    step = -(-len(X) // UNSCALED_CHECK_ROWS)  # ceiling division
    sample = X[::step]
    largest_mean = float(np.abs(sample.mean(axis=0)).max())
    largest_std = float(sample.std(axis=0).max())
    if max(largest_mean, largest_std) <= UNSCALED_FEATURE_LIMIT:
        return
    warnings.warn(
        "The features of X look unscaled: the largest column mean in absolute "
        f"value is {largest_mean:.3g} and the largest column standard "
        f"deviation is {largest_std:.3g}. MCDDClassifier trains with a fixed "
        "learning rate and gives a poor model on such inputs; put a "
        "StandardScaler in front of it, e.g. "
        "make_pipeline(StandardScaler(), MCDDClassifier()).",
        UserWarning,
        stacklevel=4,
    )
