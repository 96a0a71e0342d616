"""A lock-free ``functools.cached_property`` for the frozen snapshots (dossiers, meetings, the branch
records the rules read): Python 3.11's takes a lock on every access.

The value is stored in the instance ``__dict__`` on first access; later reads never reach the descriptor.
Snapshots are immutable, so the cache can never go stale; a copy made by ``dataclasses.replace`` is a new
instance and builds its own.
"""

from __future__ import annotations


class cached_property:
    def __init__(self, func):
        self.func = func
        self.name = func.__name__
        self.__doc__ = func.__doc__

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        value = instance.__dict__[self.name] = self.func(instance)
        return value
