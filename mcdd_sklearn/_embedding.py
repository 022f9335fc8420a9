"""The latent embedding f(x) of a fitted MCDDClassifier, as a scikit-learn transform."""

from sklearn.base import ClassNamePrefixFeaturesOutMixin, TransformerMixin

__all__ = ["LatentTransformMixin"]


class LatentTransformMixin(ClassNamePrefixFeaturesOutMixin, TransformerMixin):
    """Expose the latent vectors f(x) through ``transform``.

    ``TransformerMixin`` adds ``fit_transform`` and ``set_output``, and
    ``ClassNamePrefixFeaturesOutMixin`` names the output columns after the
    lower-cased class name followed by the column index, as scikit-learn's
    ``LinearDiscriminantAnalysis`` does. The host class provides ``net_``
    (a fitted skorch net whose ``module_`` is an
    :class:`~mcdd_sklearn.modules.MCDDModule`) and
    ``_forward_reduce(X, reduce, embed=True)``, which applies ``reduce`` to
    the latent vectors of each batch of rows after validating X.
    """

    def transform(self, X):
        """Compute the latent embedding f(x) of each row.

        The embedding is the output of the feature extractor, the space
        where the class centers ``net_.module_.distance_layer.centers``
        live. With ``set_output(transform="pandas")`` the result is a
        DataFrame whose columns are ``get_feature_names_out()``:
        ``"mcddclassifier0"``, ``"mcddclassifier1"``, ...

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to embed.

        Returns
        -------
        latent : ndarray of shape (n_samples, latent_dim)
            f(x), computed in float64.
        """
        return self._forward_reduce(X, lambda latent: latent, embed=True)

    @property
    def _n_features_out(self):
        """Size of the latent vectors, read by ``get_feature_names_out``."""
        return self.net_.module_.distance_layer.latent_dim
