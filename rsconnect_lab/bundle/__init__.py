"""Bundles as Connect expects them: manifest.json first, then a streamed, parallel tar.gz."""

from .build import (
    Bundle,
    BundlePreview,
    PreviewFile,
    WrittenFiles,
    make_bundle,
    preview_bundle,
    write_manifest,
)
from .entrypoint import default_entrypoint
from .files import BundleError, Excluded
from .manifest import APP_MODES, NOTEBOOK_MODES, canonical_mode
from .plan import BundleSpec

__all__ = [
    "APP_MODES",
    "NOTEBOOK_MODES",
    "Bundle",
    "BundleError",
    "BundlePreview",
    "BundleSpec",
    "Excluded",
    "PreviewFile",
    "WrittenFiles",
    "canonical_mode",
    "default_entrypoint",
    "make_bundle",
    "preview_bundle",
    "write_manifest",
]
