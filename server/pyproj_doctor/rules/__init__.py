"""The rule catalog: importing this package registers every rule in ``RULES``."""

from pyproj_doctor.rules import extensions, files, interpreter, layout, pytest, vscode
from pyproj_doctor.rules.base import RULES, Context, Rule, Settings

__all__ = ["RULES", "Context", "Rule", "Settings", "extensions", "files", "interpreter", "layout", "pytest", "vscode"]
