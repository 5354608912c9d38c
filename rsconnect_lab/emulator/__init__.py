"""A local, Connect-compatible server for the demo and the tests (see docs/ARCHITECTURE.md)."""

from .server import Emulator

__all__ = ["Emulator"]
