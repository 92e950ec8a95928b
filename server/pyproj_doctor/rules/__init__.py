"""The rule catalog: importing this package registers every rule in ``RULES``."""

from pyproj_doctor.rules import extensions, files, interpreter, layout, pytest, vscode
from pyproj_doctor.rules.base import RULES, Context, Rule, Settings

# Registration follows import order; the catalog is listed and run in code order.
_ordered = dict(sorted(RULES.items()))
RULES.clear()
RULES.update(_ordered)

__all__ = [
    "RULES",
    "Context",
    "Rule",
    "Settings",
    "extensions",
    "files",
    "interpreter",
    "layout",
    "pytest",
    "vscode",
]
