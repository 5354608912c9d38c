"""Bundles as Connect expects them: manifest.json first, then a streamed, parallel tar.gz."""

from .appmode import FRAMEWORK_MODES, app_mode_from_source, detect_app_mode, guess_app_mode
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
    "FRAMEWORK_MODES",
    "NOTEBOOK_MODES",
    "Bundle",
    "BundleError",
    "BundlePreview",
    "BundleSpec",
    "Excluded",
    "PreviewFile",
    "WrittenFiles",
    "app_mode_from_source",
    "canonical_mode",
    "default_entrypoint",
    "detect_app_mode",
    "guess_app_mode",
    "make_bundle",
    "preview_bundle",
    "write_manifest",
]
