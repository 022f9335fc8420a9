"""Input checks of MCDDClassifier that scikit-learn's validate_data does not make."""

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
