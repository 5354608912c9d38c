"""Which Python runs a notebook, and which packages it is published with."""

from .detect import detect_environment
from .interpreter import kernel_interpreter, notebook_kernel_name, process_executable, resolve_argv0
from .model import Environment, EnvironmentDetectionError, Interpreter
from .preflight import (
    imported_modules,
    missing_import_warnings,
    python_version_warnings,
    server_python_warning,
)
from .probe import Probe, ProbeError, clear_cache, run_probe

__all__ = [
    "Environment",
    "EnvironmentDetectionError",
    "Interpreter",
    "Probe",
    "ProbeError",
    "clear_cache",
    "detect_environment",
    "imported_modules",
    "kernel_interpreter",
    "missing_import_warnings",
    "notebook_kernel_name",
    "process_executable",
    "python_version_warnings",
    "resolve_argv0",
    "run_probe",
    "server_python_warning",
]
