"""The national office keeps the programme's validation rules (raak/programmes/rules.py)
and which milestone depends on which: the same data as the exchange file's `rules`
table and `depends_on` column, checked the same way."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from raak.accounts.access import national_only, programme_for
from raak.lib.cleaning import SLUG
from raak.programmes import rule_tally, rules
from raak.programmes.expressions import ExpressionError
from raak.programmes.history import Recorder
from raak.programmes.models import ValidationRule
from raak.programmes.status import Conflict, delete_or_conflict, rebase, save_or_conflict

FIELDS = ["name", "name_en", "message", "message_en", "importance", "scope", "condition"]


class RuleForm(forms.Form):
    key = forms.CharField(label=gettext_lazy("Sleutel"), max_length=50,
                          help_text=gettext_lazy("kleine letters, cijfers en streepjes"))  # fmt: skip
    name = forms.CharField(label=gettext_lazy("Naam"), max_length=200)
    name_en = forms.CharField(label=gettext_lazy("Naam (Engels)"), max_length=200, required=False)
    message = forms.CharField(
        label=gettext_lazy("Melding"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Wat de regio ziet naast het veld en op de rapportagepagina."),
    )  # fmt: skip
    message_en = forms.CharField(label=gettext_lazy("Melding (Engels)"), max_length=500,
                                 required=False, widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
    importance = forms.ChoiceField(
        label=gettext_lazy("Ernst"), choices=ValidationRule.IMPORTANCES,
        help_text=gettext_lazy("Een fout houdt indienen tegen; bij een waarschuwing dient de "
                               "regio in met een toelichting."),
    )  # fmt: skip
    scope = forms.ChoiceField(label=gettext_lazy("Geldt voor"), choices=ValidationRule.SCOPES)
    condition = forms.CharField(
        label=gettext_lazy("Voorwaarde"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "De melding verschijnt waar de voorwaarde klopt. Bijvoorbeeld: "
            "previous(status(.)) = 'done' and status(.) != 'done'"
        ),
    )  # fmt: skip
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, programme, rule=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme, self.rule = programme, rule

    def clean_key(self):
        key = self.cleaned_data["key"].strip()
        if not SLUG.match(key):
            raise forms.ValidationError(_("Gebruik kleine letters, cijfers en streepjes."))
        taken = ValidationRule.objects.filter(programme=self.programme, key=key)
        if self.rule is not None:
            taken = taken.exclude(pk=self.rule.pk)
        if taken.exists():
            raise forms.ValidationError(_("Er is al een regel met deze sleutel."))
        return key

    def clean(self):
        data = super().clean()
        if "condition" in data and "scope" in data:
            p = self.programme
            try:
                rules.check(
                    data["condition"], data["scope"],
                    set(p.milestones.values_list("key", flat=True)),
                    set(p.indicators.values_list("key", flat=True)), rules.question_keys(p),
                )  # fmt: skip
            except ExpressionError as e:
                self.add_error("condition", str(e))
        return data


class DependencyForm(forms.Form):
    def __init__(self, *args, milestones, **kwargs):
        super().__init__(*args, **kwargs)
        self.milestones = milestones
        choices = [("", _("(geen)"))] + [(m.key, m.name) for m in milestones]
        for m in milestones:
            self.fields[m.key] = forms.ChoiceField(
                label=m.name, required=False, choices=[c for c in choices if c[0] != m.key],
                initial=m.depends_on.key if m.depends_on_id else "",
            )  # fmt: skip

    def clean(self):
        data = super().clean()
        for m in self.milestones:
            seen, key = {m.key}, data.get(m.key)
            while key:
                if key in seen:
                    self.add_error(m.key, _("De afhankelijkheden vormen een kring."))
                    break
                seen.add(key)
                key = data.get(key)
        return data


@login_required
def rule_list(request, slug):
    programme, access = programme_for(request, slug)
    national_only(request, programme)
    milestones = list(programme.milestones.select_related("depends_on"))
    # A POST without the form's marker (an empty one) changes nothing.
    if request.method == "POST" and request.POST.get("action") == "dependencies":
        form = DependencyForm(request.POST, milestones=milestones)
        if form.is_valid():
            by_key = {m.key: m for m in milestones}
            recorder = Recorder(request.user, programme=programme)
            for m in milestones:
                new = by_key.get(form.cleaned_data[m.key])
                old = m.depends_on
                if (old.pk if old else None) != (new.pk if new else None):
                    recorder.update(m, {"depends_on": new}, subject=f"mijlpaal {m.key}")
            recorder.flush()
            rule_tally.recount_later(programme)  # every round's counts may change
            messages.success(request, _("Afhankelijkheden opgeslagen."))
            return redirect("rules", programme.slug)
    else:
        form = DependencyForm(milestones=milestones)
    return render(request, "picture/rules.html", {
        "programme": programme, "access": access, "rules": programme.rules.all(), "form": form,
    })  # fmt: skip


@login_required
def rule_edit(request, slug, key=None):
    programme, access = programme_for(request, slug)
    national_only(request, programme)
    rule = get_object_or_404(ValidationRule, programme=programme, key=key) if key else None
    conflict = None
    if request.method == "POST":
        form = RuleForm(request.POST, programme=programme, rule=rule)
        expected = form.data.get("version") or 0
        if request.POST.get("action") == "delete" and rule is not None:
            try:
                delete_or_conflict(
                    ValidationRule, {"pk": rule.pk}, {f: "" for f in FIELDS},
                    expected_version=int(expected) if str(expected).isdigit() else -1,
                    user=request.user, subject=f"regel {rule.key}", programme=programme,
                )  # fmt: skip
            except Conflict as e:
                conflict = e.current
            else:
                rule_tally.recount_later(programme)
                messages.success(request, _("Regel verwijderd."))
                return redirect("rules", programme.slug)
        elif form.is_valid():
            d = form.cleaned_data
            values = {f: d[f] for f in FIELDS}
            lookup = {"programme": programme, "key": d["key"]}
            try:
                if rule is not None and rule.key != d["key"]:
                    values["key"] = d["key"]
                    lookup = {"pk": rule.pk}
                elif rule is None:
                    values["position"] = programme.rules.count()
                save_or_conflict(
                    ValidationRule, lookup, values,
                    expected_version=(d["version"] or 0) if rule else 0,
                    user=request.user, subject=f"regel {d['key']}", programme=programme,
                )  # fmt: skip
            except Conflict as e:
                conflict = e.current
                rebase(form, e.current)
            else:
                rule_tally.recount_later(programme)
                messages.success(request, _("Regel opgeslagen."))
                return redirect("rules", programme.slug)
    else:
        initial = (
            {f: getattr(rule, f) for f in [*FIELDS, "key", "version"]}
            if rule
            else {
                "importance": ValidationRule.WARNING,
                "scope": ValidationRule.REGION,
                "version": 0,
            }
        )
        form = RuleForm(initial=initial, programme=programme, rule=rule)
    return render(request, "picture/rule_edit.html", {
        "programme": programme, "access": access, "form": form, "rule": rule,
        "conflict": conflict,
        "conflict_summary": f"{conflict.name}: {conflict.condition}" if conflict else "",
    })  # fmt: skip
