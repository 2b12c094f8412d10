"""Heavy third-party modules loaded on first use, so that commands which never touch them start quickly."""

from __future__ import annotations

import importlib
import sys
from types import ModuleType


class _DeferredModule(ModuleType):
    """Stands in for a module until one of its attributes is first read, then imports it and reads through."""

    def __getattr__(self, attribute: str):
        module = importlib.import_module(self.__name__)
        self.__dict__.update(module.__dict__)
        return getattr(module, attribute)


def lazy_module(name: str) -> ModuleType:
    """`name` as a module object that imports the module on its first attribute access.

    Used for numpy in the modules the `certify` command imports: a run that finds its input unchanged returns the
    stored run and never needs numpy (a third of a second of the command's start-up). The stand-in stays out of
    `sys.modules`: a module that only looks imported there (importlib's LazyLoader) is loaded at once by libraries
    that look for it, as psycopg does when it dumps any query parameter and finds numpy's types registered.
    """
    if name in sys.modules:
        return sys.modules[name]
    return _DeferredModule(name)
