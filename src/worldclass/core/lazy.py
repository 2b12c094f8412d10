"""Heavy third-party modules loaded on first use, so that commands which never touch them start quickly."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType


def lazy_module(name: str) -> ModuleType:
    """`name` as a module object that is executed on its first attribute access (importlib's LazyLoader).

    Used for numpy in the modules the `certify` command imports: a run that finds its input unchanged returns the
    stored run and never needs numpy (a third of a second of the command's start-up).
    """
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module
