"""The package version, in a module of its own so that any module may import it without
importing the package's public API (which imports nearly every module)."""

__version__ = "0.1.0"
