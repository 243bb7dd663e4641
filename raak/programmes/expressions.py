"""Show-if as a small expression language, the part of XLSForm's `relevant` RAAK can
evaluate: `${q} = 'x'`, `!=`, `< <= > >=` on numbers, `selected(${q}, 'x')`, `and`,
`or`, `not(...)` and parentheses. The old form `question=key1 key2` (show when the
answer is one of the keys) still works; it becomes the same tree.

Text is tokenized and parsed by recursive descent into a tree of JSON-able lists, so
the server (here) and the page (static/raak/showif.js) evaluate the very same tree:

    ["or", a, b, ...]  ["and", a, b, ...]  ["not", a]
    ["cmp", op, left, right]   with operands ["q", key], ["s", text], ["n", number],
                               ["self"] and ["len", operand] (constraints only)
    ["selected", key, value]

Nothing is ever eval'd. Errors carry the position (1-based) so a message can point at it.

The programme's validation rules (raak/programmes/rules.py) use the same language with
a few more operands, parsed by `parse_rule`:

    status(M) expected(M) note(M)   a milestone's status key, the last day of its
                                    expected period, its note; M is ${key}, "." (the
                                    milestone a per-milestone rule is looking at) or
                                    depends_on(M) (the milestone M depends on)
    indicator(${key})               the answer category of an indicator
    answer(${question})             a questionnaire answer (${questionnaire/question}
                                    when two questionnaires share a key)
    previous(X)                     X in the same region's previous round
    zscore(answer(${q}))            how far the answer lies from the other regions'
    peildatum, programme_end        the round's peildatum, the programme's last day

    ["get", field, target]  field in status/expected/note/indicator/answer; target
                            ["m", key], ["self"], ["dep", target] or ["q", key]
    ["previous", get]  ["zscore", get]  ["word", name]
"""

import re

from django.utils.translation import gettext as _

OPERATORS = ("!=", "<=", ">=", "=", "<", ">")
OLD_FORM = re.compile(r"^\s*([a-z0-9_-]+)\s*=\s*([A-Za-z0-9_-]+(?:\s+[A-Za-z0-9_-]+)*)\s*$")
TOKEN = re.compile(
    r"""\s*(?:
      (?P<ref>\$\{\s*(?P<name>[^}]*?)\s*\})
    | (?P<str>'[^']*'|"[^"]*")
    | (?P<num>-?\d+(?:\.\d+)?)
    | (?P<op>!=|<=|>=|=|<|>)
    | (?P<punct>[(),])
    | (?P<word>[A-Za-z_][A-Za-z0-9_:-]*)
    | (?P<dot>\.)
    )""",
    re.VERBOSE,
)


class ExpressionError(ValueError):
    def __init__(self, message, position=None, function=None):
        self.position, self.function = position, function
        if position is not None:
            message = _("%(msg)s (bij teken %(pos)s)") % {"msg": message, "pos": position}
        super().__init__(message)


def tokenize(text):
    tokens, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        while text[pos].isspace():
            pos += 1
        m = TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise ExpressionError(_("onverwacht teken “%(c)s”") % {"c": text[pos]}, pos + 1)
        start = m.start(m.lastgroup) + 1
        kind = m.lastgroup if m.lastgroup != "name" else "ref"
        if kind == "ref":
            value = m.group("name")
        elif kind == "str":
            value = m.group("str")[1:-1]
        elif kind == "num":
            value = float(m.group("num"))
        else:
            value = m.group(kind)
        tokens.append((kind, value, start))
        pos = m.end()
    return tokens


MILESTONE_FIELDS = ("status", "expected", "note")
RULE_FIELDS = (*MILESTONE_FIELDS, "indicator", "answer")
RULE_WORDS = ("peildatum", "programme_end")


class _Parser:
    def __init__(self, text, allow_self, rules=False):
        self.tokens = tokenize(text)
        self.i = 0
        self.allow_self = allow_self
        self.rules = rules
        self.end = len(text) + 1

    def peek(self):
        return self.tokens[self.i] if self.i < len(self.tokens) else ("end", None, self.end)

    def take(self, kind=None, value=None):
        tok = self.peek()
        if (kind and tok[0] != kind) or (value is not None and tok[1] != value):
            wanted = value or {"ref": "${vraag}", "str": _("tekst tussen aanhalingstekens")}.get(
                kind, kind
            )
            found = _("het einde") if tok[0] == "end" else f"“{tok[1]}”"
            raise ExpressionError(
                _("verwacht %(w)s, maar vond %(f)s") % {"w": wanted, "f": found}, tok[2]
            )
        self.i += 1
        return tok

    def parse(self):
        if not self.tokens:
            raise ExpressionError(_("de uitdrukking is leeg"), 1)
        tree = self.disjunction()
        if self.peek()[0] != "end":
            tok = self.peek()
            raise ExpressionError(_("onverwacht “%(t)s”") % {"t": tok[1]}, tok[2])
        return tree

    def _chain(self, word, lower):
        parts = [lower()]
        while self.peek()[:2] == ("word", word):
            self.i += 1
            parts.append(lower())
        return parts[0] if len(parts) == 1 else [word, *parts]

    def disjunction(self):
        return self._chain("or", self.conjunction)

    def conjunction(self):
        return self._chain("and", self.unary)

    def unary(self):
        kind, value, pos = self.peek()
        if kind == "punct" and value == "(":
            self.i += 1
            tree = self.disjunction()
            self.take("punct", ")")
            return tree
        if kind == "word" and value == "not":
            self.i += 1
            self.take("punct", "(")
            tree = self.disjunction()
            self.take("punct", ")")
            return ["not", tree]
        if kind == "word" and value == "selected":
            self.i += 1
            self.take("punct", "(")
            key = self.take("ref")[1]
            self.take("punct", ",")
            choice = self.take("str")[1]
            self.take("punct", ")")
            return ["selected", key, choice]
        left = self.operand()
        kind, op, pos = self.peek()
        if kind != "op":
            raise ExpressionError(_("verwacht een vergelijking (=, !=, <, <=, >, >=)"), pos)
        self.i += 1
        return ["cmp", op, left, self.operand()]

    def operand(self):
        kind, value, pos = self.peek()
        if kind == "ref":
            self.i += 1
            return ["q", value]
        if kind == "str":
            self.i += 1
            return ["s", value]
        if kind == "num":
            self.i += 1
            return ["n", int(value) if value.is_integer() else value]
        if kind == "dot" and self.allow_self:
            self.i += 1
            return ["self"]
        if kind == "word" and self.rules:
            return self.rule_operand()
        if kind == "word" and value == "string-length" and self.allow_self:
            self.i += 1
            self.take("punct", "(")
            inner = self.operand()
            self.take("punct", ")")
            return ["len", inner]
        if kind == "word":
            raise ExpressionError(
                _("functie of woord “%(w)s” wordt niet ondersteund") % {"w": value}, pos, value
            )
        if kind == "dot":
            raise ExpressionError(_("“.” (deze vraag) kan hier niet"), pos, ".")
        found = _("het einde") if kind == "end" else f"“{value}”"
        raise ExpressionError(
            _("verwacht een vraag, tekst of getal, maar vond %(f)s") % {"f": found}, pos
        )

    # --- the validation rules' operands ---------------------------------------------

    def call(self, name):
        self.i += 1
        self.take("punct", "(")
        return name

    def rule_operand(self):
        _kind, value, pos = self.peek()
        if value in RULE_WORDS:
            self.i += 1
            return ["word", value]
        if value == "string-length":
            self.call(value)
            inner = self.operand()
            self.take("punct", ")")
            return ["len", inner]
        if value in ("previous", "zscore"):
            self.call(value)
            inner = self.getter(allow_previous=value == "zscore")
            if value == "zscore" and (inner[0] != "get" or inner[1] != "answer"):
                raise ExpressionError(_("zscore() werkt alleen op answer(...)"), pos, value)
            self.take("punct", ")")
            return [value, inner]
        if value in RULE_FIELDS:
            return self.getter()
        raise ExpressionError(
            _("functie of woord “%(w)s” wordt niet ondersteund") % {"w": value}, pos, value
        )

    def getter(self, allow_previous=False):
        kind, value, pos = self.peek()
        if allow_previous and value == "previous":
            self.call(value)
            inner = self.getter()
            self.take("punct", ")")
            return ["previous", inner]
        if kind != "word" or value not in RULE_FIELDS:
            found = _("het einde") if kind == "end" else f"“{value}”"
            raise ExpressionError(
                _("verwacht %(w)s, maar vond %(f)s") % {"w": ", ".join(RULE_FIELDS), "f": found},
                pos,
            )
        self.call(value)
        if value in MILESTONE_FIELDS:
            target = self.milestone()
        else:
            target = ["q", self.take("ref")[1]]
        self.take("punct", ")")
        return ["get", value, target]

    def milestone(self):
        kind, value, pos = self.peek()
        if kind == "dot":
            self.i += 1
            return ["self"]
        if kind == "ref":
            self.i += 1
            return ["m", value]
        if kind == "word" and value == "depends_on":
            self.call(value)
            inner = self.milestone()
            self.take("punct", ")")
            return ["dep", inner]
        found = _("het einde") if kind == "end" else f"“{value}”"
        raise ExpressionError(
            _("verwacht een mijlpaal (${sleutel}, . of depends_on(...)), maar vond %(f)s")
            % {"f": found},
            pos,
        )


def parse_rule(text):
    """A validation rule's condition -> tree, or ExpressionError."""
    if len(text or "") > 2000:
        raise ExpressionError(_("de uitdrukking is te lang (meer dan 2000 tekens)"))
    return _Parser(text or "", allow_self=False, rules=True).parse()


def parse(text, allow_self=False):
    """Text -> tree, or ExpressionError. Accepts the old `question=key1 key2` form."""
    old = OLD_FORM.match(text or "")
    if old and "${" not in text:
        key, keys = old.group(1), old.group(2).split()
        parts = [["selected", key, k] for k in keys]
        return parts[0] if len(parts) == 1 else ["or", *parts]
    return _Parser(text or "", allow_self).parse()


def references(tree):
    """The question keys a tree reads, in order of first appearance."""
    out = []

    def walk(node):
        if node[0] == "q" or node[0] == "selected":
            if node[1] not in out:
                out.append(node[1])
        elif node[0] in ("or", "and", "not"):
            for child in node[1:]:
                walk(child)
        elif node[0] == "cmp":
            walk(node[2])
            walk(node[3])
        elif node[0] == "len":
            walk(node[1])

    walk(tree)
    return out


def check(text, earlier):
    """Parse and check against the questions before this one: `earlier` maps key ->
    allowed choice keys (a set) or None for questions without choices. Returns the
    tree or raises ExpressionError naming the unknown question or choice."""
    tree = parse(text)

    def walk(node):
        if node[0] in ("or", "and", "not"):
            for child in node[1:]:
                walk(child)
            return
        if node[0] == "selected":
            key, wanted = node[1], node[2]
        else:
            operands = [node[2], node[3]]
            for o in operands:
                if o[0] == "q" and o[1] not in earlier:
                    raise ExpressionError(_("“%(q)s” is geen eerdere vraag") % {"q": o[1]})
            refs = [o[1] for o in operands if o[0] == "q"]
            texts = [o[1] for o in operands if o[0] == "s"]
            if len(refs) != 1 or not texts or node[1] not in ("=", "!="):
                return
            key, wanted = refs[0], texts[0]
        if key not in earlier:
            raise ExpressionError(_("“%(q)s” is geen eerdere vraag") % {"q": key})
        if earlier[key] is not None and wanted not in earlier[key]:
            raise ExpressionError(
                _("“%(c)s” is geen keuze van vraag “%(q)s” (keuzes: %(all)s)")
                % {"c": wanted, "q": key, "all": ", ".join(sorted(earlier[key]))}
            )
        if node[0] == "selected" and earlier[key] is None:
            raise ExpressionError(
                _("selected() werkt alleen op een keuzevraag, niet op “%(q)s”") % {"q": key}
            )

    walk(tree)
    return tree


def _text(value):
    if value is None:
        return ""
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _number(value):
    try:
        return float(_text(value).replace(",", "."))
    except ValueError:
        return None


def _value(operand, values, this):
    kind = operand[0]
    if kind == "q":
        return values.get(operand[1])
    if kind == "self":
        return this
    if kind == "len":
        return len(_text(_value(operand[1], values, this)))
    return operand[1]


COMPARE = {
    "=": lambda a, b: a == b, "!=": lambda a, b: a != b, "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b, ">": lambda a, b: a > b, ">=": lambda a, b: a >= b,
}  # fmt: skip


def _compare(op, left, right, numeric):
    if numeric:
        a, b = _number(left), _number(right)
        if a is None or b is None:
            return op == "!="  # as XPath: NaN is unequal to everything, never < or >
    else:
        a, b = _text(left), _text(right)
    return {
        "=": a == b, "!=": a != b, "<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b,
    }[op]  # fmt: skip


def evaluate(tree, values, this=None):
    """True or False for a tree and the answers so far (key -> typed value)."""
    kind = tree[0]
    if kind == "or":
        return any(evaluate(t, values, this) for t in tree[1:])
    if kind == "and":
        return all(evaluate(t, values, this) for t in tree[1:])
    if kind == "not":
        return not evaluate(tree[1], values, this)
    if kind == "selected":
        answer = values.get(tree[1])
        if isinstance(answer, list):
            return tree[2] in answer
        return _text(answer) == tree[2]
    _c, op, left, right = tree
    # Compare as numbers when either side is a number or an order is asked, as XPath does.
    numeric = op not in ("=", "!=") or "n" in (left[0], right[0]) or "len" in (left[0], right[0])
    return _compare(op, _value(left, values, this), _value(right, values, this), numeric)


def to_text(tree):
    """A tree -> the expression language (XLSForm's `relevant` syntax)."""
    kind = tree[0]
    if kind in ("or", "and"):
        return f" {kind} ".join(
            f"({to_text(t)})" if t[0] in ("or", "and") else to_text(t) for t in tree[1:]
        )
    if kind == "not":
        return f"not({to_text(tree[1])})"
    if kind == "selected":
        return f"selected(${{{tree[1]}}}, {_quote(tree[2])})"
    if kind == "cmp":
        return f"{to_text(tree[2])} {tree[1]} {to_text(tree[3])}"
    if kind == "q":
        return f"${{{tree[1]}}}"
    if kind == "s":
        return _quote(tree[1])
    if kind == "n":
        return str(tree[1])
    if kind == "self":
        return "."
    if kind == "len":
        return f"string-length({to_text(tree[1])})"
    if kind == "word":
        return tree[1]
    if kind in ("previous", "zscore"):
        return f"{kind}({to_text(tree[1])})"
    if kind == "get":
        return f"{tree[1]}({to_text(tree[2])})"
    if kind == "m":
        return f"${{{tree[1]}}}"
    if kind == "dep":
        return f"depends_on({to_text(tree[1])})"
    raise ValueError(kind)


def _quote(text):
    return f'"{text}"' if "'" in text else f"'{text}'"
