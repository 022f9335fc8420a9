"""Sphinx configuration of the mcdd-sklearn documentation.

Build it offline, with warnings as errors, from the repository root::

    pip install -e ".[docs]"
    sphinx-build -W -b html docs docs/_build/html

The gallery runs every ``examples/plot_*.py`` script and shows its figures.
Other scripts in ``examples/`` are shown without being run.
"""

import os
import re
import sys
from pathlib import Path

DOCS_DIR = Path(__file__).resolve().parent
REPO_ROOT = DOCS_DIR.parent
# Import the package from this checkout even when it is not installed.
sys.path.insert(0, str(REPO_ROOT))

# The gallery draws with matplotlib, which must not try to open a window.
os.environ.setdefault("MPLBACKEND", "Agg")

import mcdd_sklearn  # noqa: E402
import torch  # noqa: E402

# The gallery's networks are small, and torch's intra-op threads only add
# synchronisation to them. On a busy 2-core machine one thread fitted the
# digits example 30 times faster than two (1 s instead of 36 s).
torch.set_num_threads(1)

project = "mcdd-sklearn"
author = "the mcdd-sklearn developers"
copyright = "the mcdd-sklearn developers"
release = mcdd_sklearn.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "myst_parser",
    "sphinx_gallery.gen_gallery",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
templates_path = ["_templates"]
html_theme = "alabaster"
html_title = f"mcdd-sklearn {release}"

autosummary_generate = True
autodoc_default_options = {"members": True, "inherited-members": False}
# numpydoc would add a second member list to each class page.
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False

myst_enable_extensions = ["dollarmath"]
myst_heading_anchors = 3

sphinx_gallery_conf = {
    "examples_dirs": str(REPO_ROOT / "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "abort_on_example_error": True,
    "download_all_examples": False,
    "within_subsection_order": "FileNameSortKey",
}

def _skip_metadata_request_methods(app, what, name, obj, skip, options):
    """Skip scikit-learn's generated ``set_*_request`` methods.

    scikit-learn adds them for metadata routing, and their docstrings link
    to its own glossary, which this site does not have.
    """
    if re.fullmatch(r"set_\w+_request", name):
        return True
    return None


def setup(app):
    app.connect("autodoc-skip-member", _skip_metadata_request_methods)
