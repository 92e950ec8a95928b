"""Starts the bundled pyproj-doctor server without importing anything from the workspace.

The extension runs ``python -I bundled/launch.py lsp`` with the extension's folder as the
working directory: ``-I`` keeps the current directory, the script's directory, PYTHON*
variables and the user's site-packages off ``sys.path``, and this script puts the bundled
libraries first, so a folder named ``pygls`` or ``pyproj_doctor`` in the opened project is
never imported in place of ours.
"""

import os
import runpy
import sys

LIBS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "libs")
sys.path[:] = [LIBS] + [p for p in sys.path if p and os.path.abspath(p) != os.getcwd()]
runpy.run_module("pyproj_doctor", run_name="__main__", alter_sys=True)
