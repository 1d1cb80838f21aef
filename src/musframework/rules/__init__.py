"""Validation rules: the rule engine, its configuration and the built-in rules.

>>> import musframework as mf
>>> report = mf.validate(mf.Conversation(id="c1", kind="MUS"))
>>> list(report)
[]

See ``docs/rules.md`` for the built-in rules, how to add your own and how to change one.
"""

from musframework.rules.engine import (
    CheckFunction,
    ConfiguredRule,
    FunctionRule,
    Rule,
    RuleContext,
    RuleSet,
    UnsupportedObjectError,
    ValidationReport,
    Walk,
    describe,
    register_rule,
    registered_rule,
    registered_rules,
    rule,
    rule_codes,
    unregister_rule,
    validate,
)

__all__ = [
    "CheckFunction",
    "ConfiguredRule",
    "FunctionRule",
    "Rule",
    "RuleContext",
    "RuleSet",
    "UnsupportedObjectError",
    "ValidationReport",
    "Walk",
    "describe",
    "register_rule",
    "registered_rule",
    "registered_rules",
    "rule",
    "rule_codes",
    "unregister_rule",
    "validate",
]
