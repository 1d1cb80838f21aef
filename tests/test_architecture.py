"""The architecture as tests: where errors live, who may import whom."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import musframework as mf
from musframework.errors import MusframeworkError


def _public_modules():
    yield mf
    for info in pkgutil.walk_packages(mf.__path__, "musframework."):
        if any(part.startswith("_") for part in info.name.split(".")):
            continue
        try:
            yield importlib.import_module(info.name)
        except ImportError as exc:  # optional extras may be missing
            assert "musframework[" in str(exc) or "hypothesis" in str(exc), exc


def test_every_public_error_is_defined_in_errors_and_derives_from_the_base():
    strays = {}
    for module in _public_modules():
        for name in module.__all__:
            obj = getattr(module, name)
            if not (inspect.isclass(obj) and issubclass(obj, BaseException)):
                continue
            if obj.__module__ != "musframework.errors" or not issubclass(obj, MusframeworkError):
                strays[f"{module.__name__}.{name}"] = obj.__module__
    assert strays == {}


def test_errors_moved_into_errors_are_still_importable_where_they_were():
    from musframework.rendering import DocumentError
    from musframework.rules import UnsupportedObjectError
    from musframework.serialization import InvalidValueError

    assert DocumentError is mf.errors.DocumentError
    assert UnsupportedObjectError is mf.errors.UnsupportedObjectError
    assert InvalidValueError is mf.errors.InvalidValueError
    assert issubclass(InvalidValueError, ValueError)  # cattrs and callers catch ValueError
