"""The rule engine: rules, their configuration (:class:`RuleSet`) and :func:`validate`.

A rule is a small callable with a few attributes (see :class:`Rule`): a stable ``code``, a
default ``severity``, a Danish and English ``description``, parameters with defaults, and the
object types and conversation kinds it applies to. Called with an object and a
:class:`RuleContext`, it yields :class:`~musframework.Finding` objects.

Rules are configured, never subclassed: a :class:`RuleSet` takes the registered rules and
applies your changes (rules added, rules disabled, severities and parameters changed) in its
constructor, and validates objects when called.
"""

from __future__ import annotations

import datetime
import operator
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import Any, Protocol, TypeVar, cast, runtime_checkable

import attrs
import pendulum

from musframework._registry import Registry
from musframework._sharing import Shared
from musframework.catalogue import Message, translate
from musframework.errors import DataError, RegistryError, UnsupportedObjectError
from musframework.model import (
    Conversation,
    ConversationKind,
    ConversationStatus,
    Cycle,
    DevelopmentPlan,
    Finding,
    Organisation,
    Questionnaire,
    QuestionnaireRef,
    Severity,
    sorted_findings,
)
from musframework.model.source import ConversationSource, DerivedSource, in_passes
from musframework.model.text import LocalizedText, TextLike, to_text

__all__ = [
    "ConfiguredRule",
    "FunctionRule",
    "Rule",
    "RuleContext",
    "RuleSet",
    "UnsupportedObjectError",
    "ValidationReport",
    "Walk",
    "describe",
    "object_name",
    "register_rule",
    "registered_rule",
    "registered_rules",
    "rule",
    "rule_codes",
    "unregister_rule",
    "validate",
]

ENTRY_POINT_GROUP = "musframework.rules"

_OPEN_STATUSES = frozenset(ConversationStatus) - {ConversationStatus.CANCELLED}


@runtime_checkable
class Rule(Protocol):
    """What the engine needs of a rule. Implement it with :func:`rule` or any class.

    Attributes:
        code: A stable kebab-case code with a dotted prefix, such as
            ``"invitation.lead-time"``; the findings it yields carry it.
        severity: The default severity of its findings.
        description: What it checks, in Danish and English (a catalogue message or a
            localised text).
        params: Parameter names and their default values.
        applies_to: The object types it checks (``Conversation``, ``DevelopmentPlan``,
            ``Questionnaire``, ``Cycle``).
        kinds: The conversation kinds it applies to; empty for every kind.
        statuses: The conversation statuses it applies to (conversations only).
    """

    @property
    def code(self) -> str:  # noqa: D102
        ...

    @property
    def severity(self) -> Severity:  # noqa: D102
        ...

    @property
    def description(self) -> Message | LocalizedText:  # noqa: D102
        ...

    @property
    def params(self) -> Mapping[str, Any]:  # noqa: D102
        ...

    @property
    def applies_to(self) -> tuple[type[Any], ...]:  # noqa: D102
        ...

    @property
    def kinds(self) -> frozenset[ConversationKind]:  # noqa: D102
        ...

    @property
    def statuses(self) -> frozenset[ConversationStatus]:  # noqa: D102
        ...

    def __call__(self, obj: Any, context: RuleContext) -> Iterable[Finding]:
        """Yield the findings for ``obj``."""
        ...


CheckFunction = Callable[[Any, "RuleContext"], Iterable[Finding]]
"""What ``@rule`` decorates: a function of the object and its context, yielding findings."""


def _frozen_params(value: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(value or {}))


def _types(value: type[Any] | Iterable[type[Any]]) -> tuple[type[Any], ...]:
    return (value,) if isinstance(value, type) else tuple(value)


def _kinds(value: Iterable[ConversationKind | str] | None) -> frozenset[ConversationKind]:
    return frozenset(ConversationKind(k) for k in (value or ()))


def _statuses(value: Iterable[ConversationStatus | str] | None) -> frozenset[ConversationStatus]:
    if value is None:
        return _OPEN_STATUSES
    return frozenset(ConversationStatus(s) for s in value)


def _description(value: Message | TextLike) -> Message | LocalizedText:
    return value if isinstance(value, Message) else to_text(value)


def _names(value: Iterable[str]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


@attrs.frozen(eq=False)
class Walk:
    """Several rules checked in one walk over an object (one loop over its agreements).

    Rules made with ``rule(..., walk=w)`` are run by the engine as one call of
    ``w.check(obj, contexts)``, where ``contexts`` maps the code of every member rule that
    applies in this run to its context (its configured severity and parameters): a member
    disabled in the rule set is not in it, and the walk skips its checks. Each member's own
    check function calls the walk with only itself, so a rule run alone finds the same.

    Attributes:
        name: A name for error notes ("while running walk ...").
        check: ``check(obj, contexts) -> Iterable[Finding]``.
    """

    name: str
    check: Callable[[Any, Mapping[str, RuleContext]], Iterable[Finding]]

    def __repr__(self) -> str:
        return f"<walk {self.name}>"


@attrs.frozen(kw_only=True, eq=False)
class FunctionRule:
    """A rule made from a plain function by :func:`rule`; call it like the function.

    ``requires`` are the attributes the object must have set (not ``None``, not empty) for
    the rule to find anything: the engine skips the call otherwise. ``walk`` is the
    :class:`Walk` that checks the rule together with others in one pass, if any.
    """

    code: str
    severity: Severity = attrs.field(converter=Severity)
    description: Message | LocalizedText = attrs.field(converter=_description)
    params: Mapping[str, Any] = attrs.field(factory=dict, converter=_frozen_params)
    applies_to: tuple[type[Any], ...] = attrs.field(converter=_types)
    kinds: frozenset[ConversationKind] = attrs.field(factory=frozenset, converter=_kinds)
    statuses: frozenset[ConversationStatus] = attrs.field(
        default=_OPEN_STATUSES, converter=_statuses
    )
    check: CheckFunction
    requires: tuple[str, ...] = attrs.field(default=(), converter=_names)
    walk: Walk | None = None

    def __call__(self, obj: Any, context: RuleContext) -> Iterable[Finding]:
        """Run the check function."""
        return self.check(obj, context)

    def __repr__(self) -> str:
        return f"<rule {self.code} ({self.severity.value})>"


def rule(
    code: str,
    *,
    severity: Severity | str,
    description: Message | TextLike | None = None,
    applies_to: type[Any] | Iterable[type[Any]],
    kinds: Iterable[ConversationKind | str] | None = None,
    statuses: Iterable[ConversationStatus | str] | None = None,
    params: Mapping[str, Any] | None = None,
    requires: Iterable[str] = (),
    walk: Walk | None = None,
) -> Callable[[CheckFunction], FunctionRule]:
    """Turn a function ``check(obj, context) -> Iterable[Finding]`` into a rule.

    The rule is not registered: pass it to ``RuleSet(add=[...])`` or :func:`register_rule`.

    Args:
        code: The rule's stable code, such as ``"acme.place-missing"``.
        severity: The default severity (``"error"``, ``"warning"`` or ``"info"``).
        description: What it checks, in Danish and English (``{"da": ..., "en": ...}``);
            by default the catalogue's message ``"<code>.description"``.
        applies_to: The object type(s) it checks, such as ``Conversation``.
        kinds: The conversation kinds it applies to (default: every kind).
        statuses: The conversation statuses it applies to (default: every status but
            cancelled).
        params: Parameter names with their defaults; read them as ``context.params[name]``.
        requires: Preconditions: attributes of the object that must be set (not ``None``,
            not empty) for the rule to find anything; the engine does not call it otherwise.
        walk: A :class:`Walk` that checks this rule together with others in one pass (the
            function should then call the walk with only its own context).
    """

    def decorate(check: CheckFunction) -> FunctionRule:
        return FunctionRule(
            code=code,
            severity=Severity(severity),
            description=Message(f"{code}.description") if description is None else description,
            params=params,
            applies_to=applies_to,
            kinds=kinds,
            statuses=statuses,
            check=check,
            requires=tuple(requires),
            walk=walk,
        )

    return decorate


# --------------------------------------------------------------------------- the registry

_RULES: Registry[Rule] = Registry("rule", ENTRY_POINT_GROUP)
_DEFAULT: dict[str, RuleSet] = {}  # the default rule set, rebuilt after (un)registering


def _check_rule(candidate: object) -> Rule:
    if not isinstance(candidate, Rule) or not callable(candidate):
        raise RegistryError(Message("error.rule.not-a-rule", {"what": repr(candidate)}))
    if not isinstance(candidate.code, str) or not candidate.code:
        raise RegistryError(Message("error.rule.no-code", {"what": repr(candidate)}))
    if not isinstance(candidate.severity, Severity):
        raise RegistryError(Message("error.rule.no-severity", {"code": candidate.code}))
    return candidate


def register_rule(rule: Rule, *, replace: bool = False) -> Rule:
    """Register ``rule`` under its code, so every default :class:`RuleSet` runs it.

    Usable as a decorator on top of :func:`rule`. A taken code needs ``replace=True``.
    Built-in rules are declared as entry points of the group ``musframework.rules``; a
    package of yours can declare its rules the same way instead of calling this.
    """
    _check_rule(rule)
    _RULES.names()  # load the entry points first, so an explicit registration can replace one
    _DEFAULT.clear()
    return _RULES.register(rule.code, rule, replace=replace)


def unregister_rule(code: str) -> Rule:
    """Remove the rule registered under ``code`` (a built-in one too) and return it."""
    _RULES.names()
    _DEFAULT.clear()
    return _RULES.unregister(code)


def registered_rule(code: str) -> Rule:
    """The rule registered under ``code`` (raises :class:`~musframework.errors.RegistryError`)."""
    return _check_rule(_RULES.get(code))


def registered_rules() -> list[Rule]:
    """Every registered rule (built-in and plugins), sorted by code."""
    rules = []
    for name, item in _RULES.items():
        checked = _check_rule(item)
        if checked.code != name:
            raise RegistryError(
                Message("error.rule.wrong-code", {"name": name, "code": checked.code})
            )
        rules.append(checked)
    return rules


def rule_codes() -> list[str]:
    """The codes of every registered rule, sorted."""
    return _RULES.names()


# --------------------------------------------------------------------------- context


@attrs.frozen(eq=False)
class _Scope:
    """What a validation run knows besides the object: shared by every rule call.

    ``conversations`` is a tuple, or a :class:`~musframework.model.source.ConversationSource`
    read again for each pass (a round read from a store: never held whole).
    """

    cycle: Cycle | None
    organisation: Organisation | None
    conversations: tuple[Conversation, ...] | ConversationSource
    questionnaires: tuple[Questionnaire, ...]
    plans: tuple[DevelopmentPlan, ...]
    by_ref: dict[QuestionnaireRef, Questionnaire] = attrs.field(init=False)
    memo: dict[Hashable, Any] = attrs.field(init=False, factory=dict)
    _by_id: dict[str, Conversation] | None = attrs.field(init=False, default=None)
    # The repeated parts of findings, each held once for the run (see RuleContext.finding):
    # local paths and days by value, the name of the last object that had a finding.
    shared: Shared = attrs.field(init=False, factory=Shared)
    named: list[object] = attrs.field(init=False, factory=lambda: [None, None])

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "by_ref", {q.ref: q for q in self.questionnaires})

    def conversation(self, conversation_id: str) -> Conversation | None:
        convs = self.conversations
        if not isinstance(convs, tuple):
            return convs.get(conversation_id)
        by_id = self._by_id
        if by_id is None:
            by_id = {c.id: c for c in convs}
            object.__setattr__(self, "_by_id", by_id)
        return by_id.get(conversation_id)


_READ_ONLY = attrs.setters.frozen
_T = TypeVar("_T")


@attrs.define(eq=False)
class RuleContext:
    """What a rule gets besides the object: its settings and the surrounding data.

    The engine gives each rule one context for a whole validation run and sets its
    ``subject`` before each call (the one attribute that changes; the others are read-only),
    so use the context during the call and do not keep it. One context per call cost about
    a third of validating a round.

    Attributes:
        code: The running rule's code.
        severity: The severity configured for it.
        params: Its parameters: the defaults with the configured values applied.
        subject: The object being checked.
    """

    code: str = attrs.field(on_setattr=_READ_ONLY)
    severity: Severity = attrs.field(on_setattr=_READ_ONLY)
    params: Mapping[str, Any] = attrs.field(on_setattr=_READ_ONLY)
    subject: object
    _scope: _Scope = attrs.field(on_setattr=_READ_ONLY)
    _prefix_of: Callable[[Any], str] | None = attrs.field(default=None, init=False)

    @property
    def cycle(self) -> Cycle | None:
        """The round, when validating one or when passed as ``cycle=``."""
        return self._scope.cycle

    @property
    def organisation(self) -> Organisation | None:
        """The organisation passed as ``organisation=``."""
        return self._scope.organisation

    @property
    def conversations(self) -> tuple[Conversation, ...] | ConversationSource:
        """The conversations known to this run (the round's, or ``conversations=``).

        A tuple; or, when the run was given a
        :class:`~musframework.model.source.ConversationSource` (a round read from a store),
        that source, read again by each ``for`` over it: iterate it, do not index it, and
        prefer one pass per run (:meth:`once`).
        """
        return self._scope.conversations

    @property
    def plans(self) -> tuple[DevelopmentPlan, ...]:
        """The development plans passed as ``plans=``."""
        return self._scope.plans

    def conversation(self, conversation_id: str | None) -> Conversation | None:
        """The known conversation with ``conversation_id``, if any."""
        return None if conversation_id is None else self._scope.conversation(conversation_id)

    def once(self, key: Hashable, compute: Callable[[], _T]) -> _T:
        """``compute()``, worked out once per validation run and shared by every rule call.

        For what a rule needs from the whole round (an index of the round's MUS, say): the
        first call computes it, later calls (any rule, any object) get the same value. Use a
        key your rule owns, such as ``(ctx.code, "name")``.
        """
        memo = self._scope.memo
        try:
            return cast("_T", memo[key])
        except KeyError:
            value = memo[key] = compute()
            return value

    def questionnaire(self, ref: QuestionnaireRef | None) -> Questionnaire | None:
        """The known questionnaire with this id and version, if any."""
        return None if ref is None else self._scope.by_ref.get(ref)

    def finding(
        self,
        path: str,
        *,
        msgid: str | None = None,
        severity: Severity | None = None,
        **params: object,
    ) -> Finding:
        """A finding with this rule's code and severity, its message naming the object and path.

        The text is the catalogue's message ``msgid`` (default: the rule's code) with
        ``params``; a plugin may give its own words as ``da=`` and ``en=`` instead. The
        message reads ``"MUS 'c1', invitation.sent_at: <text>"`` in each language.
        """
        da, en = params.get("da"), params.get("en")
        text: Message | LocalizedText
        scope = self._scope
        shared = scope.shared
        if isinstance(da, str) and isinstance(en, str) and len(params) == 2:
            text = LocalizedText({"da": da, "en": en})
        else:
            for key, value in params.items():  # a day is one of a few hundred: held once
                if type(value) in _SHARED_TYPES:
                    params[key] = shared(value)
            text = Message(msgid or self.code, params)
        subject, named = self.subject, scope.named
        if named[0] is not subject:  # the findings of one object share its name
            named[0], named[1] = subject, object_name(subject)
        framed = {"object": named[1], "text": text}
        if path:
            path = shared(path)  # "agreements[2].deadline", held once
            framed["path"] = path
            message = Message("rule.finding-at", framed)
        else:
            message = Message("rule.finding", framed)
        prefix_of = self._prefix_of  # set by the engine for walks: the path made once, final
        where = path if prefix_of is None else _joined(prefix_of(self.subject), path)
        return Finding(severity or self.severity, self.code, where, message)


_SHARED_TYPES = frozenset({pendulum.Date, datetime.date})
"""Types of finding parameters held once per run when equal (exact types only)."""


def object_name(obj: object) -> Message | str:
    """A short name for ``obj`` as findings use it ("MUS 'c1'", "round 'r1'" ...)."""
    if isinstance(obj, Conversation):
        return Message(f"object.conversation.{obj.kind._value_}", {"id": obj.id})
    if isinstance(obj, DevelopmentPlan):
        return Message("object.plan", {"person": obj.person, "conversation": obj.conversation})
    if isinstance(obj, Questionnaire):
        return Message("object.questionnaire", {"ref": str(obj.ref)})
    if isinstance(obj, Cycle):
        return Message("object.cycle", {"id": obj.id})
    return type(obj).__name__


# --------------------------------------------------------------------------- configuration


@attrs.frozen(kw_only=True)
class ConfiguredRule:
    """A rule as a :class:`RuleSet` runs it: with its effective severity and parameters."""

    rule: Rule
    severity: Severity
    params: Mapping[str, Any]

    @property
    def code(self) -> str:
        """The rule's code."""
        return self.rule.code

    @property
    def description(self) -> Message | LocalizedText:
        """What the rule checks."""
        return self.rule.description

    def applies(self, obj: object) -> bool:
        """Whether the rule checks ``obj`` (by type, and kind and status for conversations)."""
        r = self.rule
        if not isinstance(obj, r.applies_to):
            return False
        if isinstance(obj, Conversation):
            return (not r.kinds or obj.kind in r.kinds) and obj.status in r.statuses
        if isinstance(obj, Questionnaire):
            return not r.kinds or bool(obj.kinds & r.kinds)
        if isinstance(obj, Cycle):
            return not r.kinds or obj.kind in r.kinds
        return True


def _coerce_param(code: str, name: str, default: Any, value: Any) -> tuple[Any, Finding | None]:
    path = f"params.{code}.{name}"
    if isinstance(default, tuple) and isinstance(value, list | tuple):
        return tuple(value), None
    if default is None or value is None:
        return value, None
    ok = isinstance(value, type(default)) and not (
        isinstance(value, bool) and not isinstance(default, bool)
    )
    if isinstance(default, float) and isinstance(value, int) and not isinstance(value, bool):
        ok = True
    if ok:
        return value, None
    want = type(default).__name__
    return value, Finding.error(
        "rules.parameter-type", path, name=name, code=code, want=want, value=repr(value)
    )


class RuleSet:
    """A configured set of rules; call it to validate an object.

    >>> strict = RuleSet(
    ...     disable=["plan.courses-only"],
    ...     severity={"invitation.lead-time": "error"},
    ...     params={"invitation.lead-time": {"min_days": 10}},
    ... )
    >>> strict["invitation.lead-time"].params["min_days"], "plan.courses-only" in strict
    (10, False)

    Args:
        rules: The rules to start from; by default every registered rule (built-in ones and
            plugins), taken when the set is created.
        add: Your own rules (any :class:`Rule`, for example made with :func:`rule`).
        disable: Codes of rules to leave out (one code or several).
        severity: Code -> severity for rules whose severity you want changed.
        params: Code -> ``{parameter: value}`` for rules whose parameters you want changed.

    Raises:
        DataError: listing every unknown code, unknown parameter, value of the wrong type,
            or code used twice.
    """

    def __init__(
        self,
        rules: Iterable[Rule] | None = None,
        *,
        add: Iterable[Rule] = (),
        disable: Iterable[str] = (),
        severity: Mapping[str, Severity | str] | None = None,
        params: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> None:
        base = registered_rules() if rules is None else [_check_rule(r) for r in rules]
        problems: list[Finding] = []
        disabled = {disable} if isinstance(disable, str) else set(disable)
        known = {r.code for r in base}
        for code in sorted(disabled - known):
            problems.append(_unknown(code, "disable"))
        chosen: dict[str, Rule] = {r.code: r for r in base if r.code not in disabled}
        for extra in add:
            extra = _check_rule(extra)
            if extra.code in chosen:
                problems.append(
                    Finding.error("rules.duplicate-code", f"add.{extra.code}", code=extra.code)
                )
            chosen[extra.code] = extra
        configured: dict[str, ConfiguredRule] = {}
        severities = dict(severity or {})
        parameters = dict(params or {})
        for code in sorted(set(severities) - set(chosen)):
            problems.append(_unknown(code, "severity"))
        for code in sorted(set(parameters) - set(chosen)):
            problems.append(_unknown(code, "params"))
        for code in sorted(chosen):
            r = chosen[code]
            sev = r.severity
            if code in severities:
                try:
                    sev = Severity(severities[code])
                except ValueError:
                    problems.append(
                        Finding.error(
                            "rules.severity", f"severity.{code}", value=repr(severities[code])
                        )
                    )
            values = dict(r.params)
            for name, value in parameters.get(code, {}).items():
                if name not in r.params:
                    names = sorted(r.params) or Message("word.none")
                    problems.append(
                        Finding.error(
                            "rules.unknown-parameter",
                            f"params.{code}.{name}",
                            code=code,
                            name=name,
                            names=names,
                        )
                    )
                    continue
                values[name], problem = _coerce_param(code, name, r.params[name], value)
                if problem is not None:
                    problems.append(problem)
            configured[code] = ConfiguredRule(rule=r, severity=sev, params=MappingProxyType(values))
        if problems:
            raise DataError(Message("error.rule-configuration"), problems)
        self._rules = configured
        self._by_type: dict[tuple[type[Any], Any], list[ConfiguredRule]] = {}

    # ------------------------------------------------------------------ introspection

    def __contains__(self, code: object) -> bool:
        return code in self._rules

    def __getitem__(self, code: str) -> ConfiguredRule:
        try:
            return self._rules[code]
        except KeyError:
            raise RegistryError(Message("error.rule.not-in-set", {"code": code})) from None

    def __iter__(self) -> Iterator[ConfiguredRule]:
        return iter(self._rules.values())

    def __len__(self) -> int:
        return len(self._rules)

    def __repr__(self) -> str:
        return f"RuleSet({len(self)} rules)"

    @property
    def codes(self) -> list[str]:
        """The codes of the rules in this set, sorted."""
        return list(self._rules)

    def configure(
        self,
        *,
        add: Iterable[Rule] = (),
        disable: Iterable[str] = (),
        severity: Mapping[str, Severity | str] | None = None,
        params: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> RuleSet:
        """A new set with further changes on top of this one (this one is unchanged)."""
        disabled = {disable} if isinstance(disable, str) else set(disable)
        kept = [c for c in self if c.code not in disabled]
        severities: dict[str, Severity | str] = {c.code: c.severity for c in kept}
        values = {c.code: dict(c.params) for c in kept if c.params}
        for code, changes in (params or {}).items():
            values[code] = values.get(code, {}) | dict(changes)
        return RuleSet(
            [c.rule for c in self],
            add=add,
            disable=disable,
            severity=severities | dict(severity or {}),
            params=values,
        )

    def for_kind(self, kind: ConversationKind | str) -> RuleSet:
        """The rules of this set that apply to conversations of ``kind`` (the kind's rule set)."""
        kind = ConversationKind(kind)
        chosen = [c for c in self if not c.rule.kinds or kind in c.rule.kinds]
        return RuleSet(
            [c.rule for c in chosen],
            severity={c.code: c.severity for c in chosen},
            params={c.code: dict(c.params) for c in chosen if c.params},
        )

    # ------------------------------------------------------------------ running

    def _rules_for(self, obj: object) -> list[ConfiguredRule]:
        key = _rules_key(obj)
        found = self._by_type.get(key)
        if found is None:
            found = [c for c in self if c.applies(obj)]
            self._by_type[key] = found
        return found

    def _run(
        self,
        objects: Iterable[_T],
        scope: _Scope,
        prefix_of: Callable[[_T], str] | None,
        contexts: dict[str, RuleContext],
        out: list[Finding],
    ) -> None:
        """Run the applicable rules on each of ``objects``, appending their findings to ``out``.

        One context per rule serves the whole run (its subject is set before each call), and
        the applicable rules are looked up once per conversation kind and status: a round's
        conversations mostly share both, so the loop does little besides calling the rules.
        An object that meets none of the declared preconditions (most conversations of a
        round have no invitation, agenda, signatures ...) runs only the rules without one,
        after one look at those attributes (:class:`_Plan`).
        """
        last_kind: object = None
        last_status: object = None
        plan = _NO_PLAN
        by_kind_status: dict[tuple[ConversationKind, ConversationStatus], _Plan] = {}
        by_key: dict[tuple[type[Any], tuple[type[Any], Any]], _Plan] = {}
        obj: Any = None
        r: Any = None
        try:
            for obj in objects:
                r = None  # no rule running yet: errors here are the engine's, not a rule's
                if type(obj) is Conversation:
                    if obj.kind is not last_kind or obj.status is not last_status:
                        last_kind, last_status = obj.kind, obj.status
                        found = by_kind_status.get((obj.kind, obj.status))
                        if found is None:
                            found = by_kind_status[obj.kind, obj.status] = self._plan(
                                obj, scope, contexts, prefix_of
                            )
                        plan = found
                else:  # plans and forms: one plan per sort of object too
                    last_kind = last_status = None
                    key = (type(obj), _rules_key(obj))
                    known = by_key.get(key)
                    if known is None:
                        known = by_key[key] = self._plan(obj, scope, contexts, prefix_of)
                    plan = known
                gate = plan.gate
                steps = plan.steps if gate is None or any(gate(obj)) else plan.always
                prefix = None
                for call, ctx, r, severity, test, others in steps:
                    if severity is None:  # a walk: ctx are its members' contexts by code
                        for other in others:
                            _set_subject(other, obj)
                        out.extend(call(obj, ctx))  # their contexts made the findings final
                        continue
                    if test is not None and not test(obj):
                        continue  # a declared precondition is not met: nothing to find
                    _set_subject(ctx, obj)
                    for finding in call(obj, ctx):
                        # The rule's own findings take the configured severity; findings it
                        # passes on from elsewhere (questionnaire.check) only an explicitly
                        # changed one.
                        if finding.severity is not severity and (
                            finding.code == r.code or severity is not r.severity
                        ):
                            finding = finding.with_severity(severity)
                        if prefix is None:
                            prefix = "" if prefix_of is None else prefix_of(obj)
                        if prefix:
                            finding = _prefixed(finding, prefix)
                        out.append(finding)
        except Exception as exc:
            if r is not None:
                name = object_name(obj)
                shown = name.text("en") if isinstance(name, Message) else name
                exc.add_note(f"while running rule {r.code!r} on {shown}")
            raise

    def _plan(
        self,
        obj: object,
        scope: _Scope,
        contexts: dict[str, RuleContext],
        prefix_of: Callable[[Any], str] | None = None,
    ) -> _Plan:
        """What ``_run`` calls for ``obj``: each applicable rule with its run's context.

        Rules of one :class:`Walk` become one step, at the place of the first of them; their
        contexts make each finding's path final (``prefix_of``). A precondition names only
        attributes the object's type has (``agenda`` of a conversation, not of a form).
        """
        steps: list[_Step] = []
        walks: dict[Walk, dict[str, RuleContext]] = {}
        for configured in self._rules_for(obj):
            r = configured.rule
            ctx = contexts.get(r.code)
            if ctx is None:
                ctx = RuleContext(r.code, configured.severity, configured.params, obj, scope)
                contexts[r.code] = ctx
            walk = r.walk if type(r) is FunctionRule else None
            if walk is not None:
                members = walks.get(walk)
                if members is None:
                    members = walks[walk] = {}
                    steps.append((walk.check, members, _WalkRule(walk), None, None, ()))
                members[r.code] = ctx
                object.__setattr__(ctx, "_prefix_of", prefix_of)
                continue
            requires = r.requires if type(r) is FunctionRule else ()
            requires = tuple(name for name in requires if hasattr(type(obj), name))
            call = r.check if type(r) is FunctionRule else r
            steps.append((call, ctx, r, configured.severity, _precondition(requires), requires))
        preconditions = [names for *_, names in steps]
        # Every member's subject is set before its walk runs; a rule's ``others`` are empty.
        steps = [
            (call, ctx, r, sev, test, tuple(ctx.values()) if sev is None else ())
            for call, ctx, r, sev, test, _ in steps
        ]
        return _Plan.of(steps, preconditions)

    def __call__(
        self,
        obj: Questionnaire | Conversation | DevelopmentPlan | Cycle,
        *,
        cycle: Cycle | None = None,
        conversations: Iterable[Conversation] = (),
        organisation: Organisation | None = None,
        questionnaires: Iterable[Questionnaire] = (),
        plans: Iterable[DevelopmentPlan] = (),
        locale: str = "da",
    ) -> ValidationReport:
        """Validate ``obj``; see :func:`validate` for the arguments."""
        known: tuple[Conversation, ...] | ConversationSource
        given = in_passes(conversations)
        questionnaires = tuple(questionnaires)
        plans = tuple(plans)
        if not isinstance(obj, Questionnaire | Conversation | DevelopmentPlan | Cycle):
            raise UnsupportedObjectError(
                Message("error.validate-unsupported", {"type": type(obj).__name__})
            )
        if isinstance(given, ConversationSource):  # read in passes, never held whole
            known = given
            if isinstance(obj, Cycle):
                known = DerivedSource(given, keep=_InRound(obj.id))
            elif isinstance(obj, Conversation) and given.get(obj.id) is None:
                known = DerivedSource(given, extra=(obj,))
        else:
            if isinstance(obj, Cycle):  # the round's conversations and those of no round
                cid = obj.id
                known = tuple([c for c in given if (of := c.cycle) is None or of == cid])
            else:
                known = tuple(given)
            if isinstance(obj, Conversation) and obj.id not in {c.id for c in known}:
                known = (*known, obj)
        if isinstance(obj, Cycle):
            cycle = obj
        scope = _Scope(cycle, organisation, known, questionnaires, plans)
        contexts: dict[str, RuleContext] = {}
        findings: list[Finding] = []
        self._run((obj,), scope, None, contexts, findings)
        if isinstance(obj, Cycle):
            self._run(known, scope, _conversation_prefix, contexts, findings)
            self._run(plans, scope, _plan_prefix, contexts, findings)
            self._run(questionnaires, scope, _questionnaire_prefix, contexts, findings)
        return ValidationReport(sorted_findings(findings), locale=locale)


def _rules_key(obj: object) -> tuple[type[Any], Any]:
    """What decides the rules that apply to ``obj``: its type, and its kind and status."""
    if isinstance(obj, Conversation):
        return (Conversation, (obj.kind, obj.status))
    if isinstance(obj, Questionnaire):
        return (Questionnaire, obj.kinds)
    if isinstance(obj, Cycle):
        return (Cycle, obj.kind)
    return (type(obj), None)


@attrs.frozen
class _InRound:
    """Keeps the conversations of round ``cycle`` and those of no round."""

    cycle: str

    def __call__(self, conversation: Conversation) -> bool:
        return conversation.cycle is None or conversation.cycle == self.cycle


_Step = tuple[
    Callable[[Any, Any], Iterable[Finding]],
    Any,
    Any,
    Severity | None,
    Callable[[Any], Any] | None,
    tuple[Any, ...],
]
"""A rule as one run calls it: the callable, its context, the rule, the configured severity,
its precondition test, and nothing more; or a walk: its check, its members' contexts by code,
the walk, ``None``, ``None`` and those contexts."""


@attrs.frozen(eq=False)
class _WalkRule:
    """Stands for a walk in a step (its ``code`` names it in error notes)."""

    walk: Walk

    @property
    def code(self) -> str:
        return self.walk.name


@attrs.frozen(eq=False)
class _Plan:
    """The steps ``_run`` takes for one sort of object, and a shortcut past preconditions.

    ``gate(obj)`` reads the first attribute each precondition names (one C call, a tuple);
    when none of them is set, no rule with a precondition can find anything and ``_run``
    takes only ``always``, the steps without one, in the same order. ``gate`` is ``None``
    when no step has a precondition.
    """

    steps: list[_Step]
    always: list[_Step]
    gate: Callable[[Any], tuple[Any, ...]] | None

    @classmethod
    def of(cls, steps: list[_Step], requires: list[tuple[str, ...]]) -> _Plan:
        """The plan of ``steps``; ``requires`` are their preconditions, in the same order."""
        firsts = list(dict.fromkeys(names[0] for names in requires if names))
        if not firsts:
            return cls(steps, steps, None)
        always = [step for step, names in zip(steps, requires, strict=True) if not names]
        # attrgetter of one name gives the value itself: name it twice to get a tuple.
        gate = operator.attrgetter(*firsts) if len(firsts) > 1 else operator.attrgetter(*firsts * 2)
        return cls(steps, always, gate)


_NO_PLAN = _Plan([], [], None)


def _both(first: Callable[[Any], Any], rest: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def test(obj: Any) -> Any:
        return first(obj) and rest(obj)

    return test


def _precondition(requires: tuple[str, ...]) -> Callable[[Any], Any] | None:
    """A test that ``obj`` has every attribute in ``requires`` set (truthy), or ``None``.

    The first attribute is read first, and the others only when it is set.
    """
    if not requires:
        return None
    test: Callable[[Any], Any] = operator.attrgetter(requires[-1])
    for name in reversed(requires[:-1]):
        test = _both(operator.attrgetter(name), test)
    return test


_set_subject = RuleContext.__dict__["subject"].__set__
"""Sets a context's subject through its slot (no ``__setattr__`` hook: the hot path)."""


def _joined(prefix: str, path: str) -> str:
    """``path`` under ``prefix``, as ``Finding.with_path_prefix`` joins them."""
    if not prefix:
        return path
    if not path:
        return prefix
    if path[0] == "[":
        return prefix + path
    return f"{prefix}.{path}"


def _prefixed(finding: Finding, prefix: str) -> Finding:
    """``finding.with_path_prefix(prefix)``, without ``attrs.evolve`` for plain findings."""
    if type(finding) is not Finding:
        return finding.with_path_prefix(prefix)
    path = _joined(prefix, finding.path)
    return Finding(finding.severity, finding.code, path, finding.message)


def _conversation_prefix(conversation: Conversation) -> str:
    return f"conversations[{conversation.id}]"


def _plan_prefix(plan: DevelopmentPlan) -> str:
    return f"plans[{plan.conversation}:{plan.person}]"


def _questionnaire_prefix(questionnaire: Questionnaire) -> str:
    return f"questionnaires[{questionnaire.ref}]"


def _unknown(code: str, where: str) -> Finding:
    return Finding.error("rules.unknown-rule", f"{where}.{code}", code=code)


# --------------------------------------------------------------------------- results


class ValidationReport(list[Finding]):
    """The findings of one validation, in the stable order, with a language for output.

    It is a list of :class:`~musframework.Finding`; ``str(report)`` gives one line per
    finding in the report's ``locale`` (Danish by default).
    """

    def __init__(self, findings: Iterable[Finding] = (), *, locale: str = "da") -> None:
        super().__init__(findings)
        self.locale = locale

    @property
    def errors(self) -> list[Finding]:
        """The findings with severity error."""
        return [f for f in self if f.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Finding]:
        """The findings with severity warning."""
        return [f for f in self if f.severity is Severity.WARNING]

    @property
    def infos(self) -> list[Finding]:
        """The findings with severity info (hints)."""
        return [f for f in self if f.severity is Severity.INFO]

    @property
    def has_errors(self) -> bool:
        """Whether any finding is an error."""
        return any(f.severity is Severity.ERROR for f in self)

    @property
    def codes(self) -> list[str]:
        """The codes of the findings, in order (repeats included)."""
        return [f.code for f in self]

    def format(self, locale: str | None = None) -> str:
        """One line per finding, in ``locale`` (default: the report's)."""
        return "\n".join(f.format(locale or self.locale) for f in self)

    def raise_for_errors(self) -> None:
        """Raise :class:`~musframework.errors.DataError` with the findings if any is an error."""
        if self.has_errors:
            raise DataError(Message("error.validation", {"n": len(self.errors)}), self)

    def __str__(self) -> str:
        return self.format()


def validate(
    obj: Questionnaire | Conversation | DevelopmentPlan | Cycle,
    *,
    rules: RuleSet | None = None,
    cycle: Cycle | None = None,
    conversations: Iterable[Conversation] = (),
    organisation: Organisation | None = None,
    questionnaires: Iterable[Questionnaire] = (),
    plans: Iterable[DevelopmentPlan] = (),
    locale: str = "da",
) -> ValidationReport:
    """Run every rule that applies to ``obj`` and return all findings in a stable order.

    Findings are sorted by path, then severity (errors first), then code. Validating a
    :class:`~musframework.Cycle` checks the round itself, then each of ``conversations``
    (paths ``conversations[<id>]...``), ``plans`` and ``questionnaires``.

    Args:
        obj: A questionnaire, conversation, development plan, or a round.
        rules: The configured rules to run (default: ``RuleSet()``, every registered rule).
        cycle: The round a conversation or plan belongs to (for its settings).
        conversations: The round's conversations, or other conversations a rule may need
            (the previous conversation for carry-over, the conversation a plan comes from).
        organisation: The organisation, for coverage of the round's scope.
        questionnaires: Questionnaires to check along with a round.
        plans: Development plans to check along with a round.
        locale: The language of ``str(report)`` (``"da"`` or ``"en"``); every finding
            carries both languages.

    Raises:
        UnsupportedObjectError: for any other kind of object.
    """
    if rules is None:
        rules = _DEFAULT.get("default")
        if rules is None:
            rules = _DEFAULT["default"] = RuleSet()
    return rules(
        obj,
        cycle=cycle,
        conversations=conversations,
        organisation=organisation,
        questionnaires=questionnaires,
        plans=plans,
        locale=locale,
    )


def describe(rules: RuleSet | None = None, locale: str = "da") -> str:
    """A plain-text table of the rules: code, severity, what it applies to, parameters."""
    lines = []
    for c in rules or RuleSet():
        types = ", ".join(t.__name__ for t in c.rule.applies_to)
        kinds = ", ".join(sorted(k.value for k in c.rule.kinds)) or translate("word.all", locale)
        params = ", ".join(f"{k}={v!r}" for k, v in c.params.items())
        lines.append(
            f"{c.code} [{c.severity.value}] {types} ({kinds}) {params}".rstrip()
            + f": {c.description.get(locale)}"
        )
    return "\n".join(lines)
