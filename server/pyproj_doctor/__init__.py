"""pyproj-doctor: finds and fixes why imports are unresolved or tests are not discovered."""

__version__ = "0.1.0"
