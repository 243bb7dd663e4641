"""Checking and converting answers, one question at a time; show-if rules."""

import json
import math
from datetime import date, datetime

from django.utils.translation import gettext as _

from raak.lib.fields import FIRST_DAY, LAST_DAY
from raak.lib.periods import PeriodError, parse_period
from raak.programmes import expressions
from raak.questionnaires.models import Question

TEXT_LIMIT = 4000


class Form:
    """A version's questions with their choice lists, loaded once."""

    def __init__(self, version):
        self.version = version
        self.questions = list(
            version.questions.select_related("section").order_by("section__position", "position")
        )
        self.choices = {}
        for c in version.choices.all():
            self.choices.setdefault(c.list_name, []).append(c)
        # Checked on import; a rule that no longer parses shows its question rather
        # than hiding it for good.
        self.rules = {}
        for q in self.questions:
            if q.show_if:
                try:
                    self.rules[q.key] = expressions.parse(q.show_if)
                except expressions.ExpressionError:
                    pass

    def options(self, question):
        return self.choices.get(question.choice_list, [])

    def rule_json(self, question):
        """The show-if tree as JSON for the page's script (static/raak/showif.js)."""
        rule = self.rules.get(question.key)
        return json.dumps(rule, ensure_ascii=False) if rule else ""

    def visible(self, question, values):
        rule = self.rules.get(question.key)
        return rule is None or expressions.evaluate(rule, values)

    def clean(self, question, raw):
        """Return the typed value (None when empty) or raise ValueError with a message."""
        if question.type == Question.MULTIPLE:
            keys = [k for k in (raw or []) if k]
            allowed = {c.key for c in self.options(question)}
            bad = [k for k in keys if k not in allowed]
            if bad:
                raise ValueError(_("“%(v)s” staat niet in de keuzelijst.") % {"v": ", ".join(bad)})
            return keys or None
        text = (raw or "").strip() if isinstance(raw, str) else raw
        if text in ("", None):
            return None
        if question.type in (Question.SINGLE, Question.SCALE, Question.YESNO):
            if text not in {c.key for c in self.options(question)}:
                raise ValueError(_("“%(v)s” staat niet in de keuzelijst.") % {"v": text})
            return text
        if question.type in (Question.NUMBER, Question.INTEGER):
            try:
                number = float(str(text).replace(",", "."))
            except ValueError:
                raise ValueError(_("Vul een getal in.")) from None
            if not math.isfinite(number):
                raise ValueError(_("Vul een getal in."))
            if question.type == Question.INTEGER and not number.is_integer():
                raise ValueError(_("Vul een geheel getal in."))
            if question.minimum is not None and number < question.minimum:
                raise ValueError(
                    question.constraint_message
                    or _("Het kleinste toegestane getal is %(n)s.") % {"n": _fmt(question.minimum)}
                )
            if question.maximum is not None and number > question.maximum:
                raise ValueError(
                    question.constraint_message
                    or _("Het grootste toegestane getal is %(n)s.") % {"n": _fmt(question.maximum)}
                )
            return int(number) if number.is_integer() else number
        if question.type == Question.DATE:
            for fmt in ("%d-%m-%Y", "%Y-%m-%d"):
                try:
                    day = datetime.strptime(text, fmt).date()
                except ValueError:
                    continue
                if not FIRST_DAY <= day <= LAST_DAY:  # the range of every typed date
                    raise ValueError(
                        _("Kies een datum tussen %(first)s en %(last)s.")
                        % {"first": f"{FIRST_DAY:%d-%m-%Y}", "last": f"{LAST_DAY:%d-%m-%Y}"}
                    )
                return day.isoformat()
            raise ValueError(_("Schrijf een datum als dd-mm-jjjj."))
        if question.type == Question.PERIOD:
            try:
                return parse_period(text).text
            except PeriodError as e:
                raise ValueError(str(e)) from None
        if question.type == Question.NOTE:
            return None  # a note takes no answer
        limit = question.max_length or TEXT_LIMIT
        if len(text) > limit:
            raise ValueError(
                question.constraint_message
                or _("Maximaal %(n)s tekens; dit zijn er %(m)s.") % {"n": limit, "m": len(text)}
            )
        return text

    def validate(self, raw_values, submit):
        """Clean every visible question. Returns (values, errors); required questions are
        enforced on submit only, so a draft may be incomplete but never wrong."""
        values, errors = {}, {}
        for q in self.questions:
            try:
                values[q.key] = self.clean(q, raw_values.get(q.key))
            except ValueError as e:
                errors[q.key] = str(e)
                values[q.key] = None
        for q in self.questions:
            if not self.visible(q, values):
                values[q.key] = None
                errors.pop(q.key, None)
            elif (submit and q.required and q.type != Question.NOTE
                  and values[q.key] in (None, []) and q.key not in errors):  # fmt: skip
                errors[q.key] = _("Deze vraag is verplicht.")
        return {k: v for k, v in values.items() if v is not None}, errors

    def posted(self, data):
        """The raw answers in a posted form (a multiple choice as its list)."""
        return {q.key: data.getlist(q.key) if q.type == Question.MULTIPLE else data.get(q.key, "")
                for q in self.questions}  # fmt: skip

    def sections(self, values, errors, *, posted):
        """The questions per section as the answer page (questionnaires/response.html)
        shows them: a posted value as typed, a stored one in words."""
        sections = []
        for q in self.questions:
            if not sections or sections[-1]["section"] != q.section:
                sections.append({"section": q.section, "questions": []})
            value = values.get(q.key)
            sections[-1]["questions"].append({
                "q": q, "value": value, "options": self.options(q), "error": errors.get(q.key),
                "display": value if posted else self.display(q, value),
                "visible": self.visible(q, values), "rule": self.rule_json(q),
            })  # fmt: skip
        return sections

    def display(self, question, value):
        if value is None:
            return ""
        labels = {c.key: c.label for c in self.options(question)}
        if isinstance(value, list):
            return ", ".join(labels.get(v, v) for v in value)
        if question.type == Question.DATE:
            return date.fromisoformat(value).strftime("%d-%m-%Y")
        return labels.get(value, str(value))


def _fmt(number):
    return str(int(number)) if float(number).is_integer() else str(number)
