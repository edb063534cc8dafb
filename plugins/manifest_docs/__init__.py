"""manifest-docs: infrastructure documentation, drift checks and operations from one manifest.

The core (model, loader, renderers, drift rules) never imports MkDocs; the MkDocs
plugin, the mkdocs-macros pluglet and the ``br-ops`` CLI are thin adapters over it.
"""

from __future__ import annotations

from .errors import ManifestError, Problem
from .load import LoadedManifest, find_manifest, load_manifest, load_text
from .model import Manifest, Service

__all__ = [
    "LoadedManifest",
    "Manifest",
    "ManifestError",
    "Problem",
    "Service",
    "find_manifest",
    "load_manifest",
    "load_text",
]

__version__ = "0.1.0"
