"""Deep Multi-Class Data Description (Deep-MCDD) for scikit-learn."""

__version__ = "0.1.0.dev0"
