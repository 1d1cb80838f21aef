import importlib
import inspect
import pkgutil

import musframework as mf

REQUIRED = [
    "Person",
    "OrgUnit",
    "Group",
    "LocalizedText",
    "Questionnaire",
    "Section",
    "TextQuestion",
    "ScaleQuestion",
    "SingleChoiceQuestion",
    "MultipleChoiceQuestion",
    "YesNoQuestion",
    "NumberQuestion",
    "DateQuestion",
    "Response",
    "Conversation",
    "ConversationKind",
    "Agreement",
    "AgreementStatus",
    "DevelopmentPlan",
    "Cycle",
    "Finding",
    "Severity",
    "dumps",
    "loads",
]


def test_required_names_are_exposed():
    missing = [n for n in REQUIRED if not hasattr(mf, n)]
    assert missing == []


def _public_modules():
    yield mf
    for info in pkgutil.walk_packages(mf.__path__, "musframework."):
        if any(part.startswith("_") for part in info.name.split(".")):
            continue
        try:
            yield importlib.import_module(info.name)
        except ImportError as exc:  # optional extras may be missing; name them
            assert "musframework[" in str(exc) or "hypothesis" in str(exc), exc


def test_all_is_sorted_and_complete_everywhere():
    for module in _public_modules():
        names = getattr(module, "__all__", None)
        assert names is not None, f"{module.__name__} has no __all__"
        assert list(names) == sorted(names), f"{module.__name__}.__all__ is not sorted"
        for name in names:
            assert hasattr(module, name), f"{module.__name__}.{name} is listed but missing"


def test_every_public_name_is_documented():
    undocumented = []
    for module in _public_modules():
        if not (module.__doc__ or "").strip():
            undocumented.append(module.__name__)
        for name in module.__all__:
            obj = getattr(module, name)
            is_api = inspect.isclass(obj) or inspect.isfunction(obj)
            if is_api and not (obj.__doc__ or "").strip():
                undocumented.append(f"{module.__name__}.{name}")
    assert undocumented == []


def test_py_typed_is_shipped():
    import pathlib

    assert (pathlib.Path(mf.__file__).parent / "py.typed").exists()
