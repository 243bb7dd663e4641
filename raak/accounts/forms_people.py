"""Forms for the people pages and the invitation's accept page."""

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from raak.accounts.models import Role
from raak.accounts.people import PeopleError, check_role


class RegionChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class InviteForm(forms.Form):
    email = forms.EmailField(label=pgettext_lazy("mensen", "E-mailadres"))
    name = forms.CharField(label=pgettext_lazy("mensen", "Naam"), max_length=200, required=False)
    kind = forms.ChoiceField(
        label=pgettext_lazy("mensen", "Rol"), choices=Role.KINDS, widget=forms.RadioSelect
    )
    regions = RegionChoices(
        label=pgettext_lazy("mensen", "Regio"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "columns"}),
        help_text=_(
            "Eén regio voor een coördinator, beleidsmedewerker of meelezer; een "
            "implementatieadviseur volgt een of meer regio's; het landelijk bureau geen."
        ),
    )

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regions"].queryset = programme.regions.order_by("name")

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        data = super().clean()
        if "kind" in data and "regions" in data:
            try:
                check_role(data["kind"], list(data["regions"]))
            except PeopleError as e:
                self.add_error("regions", str(e))
        return data


class RoleForm(forms.Form):
    """A role's kind and region; used to change a role and to add one."""

    kind = forms.ChoiceField(label=pgettext_lazy("mensen", "Rol"), choices=Role.KINDS)
    region = forms.ModelChoiceField(
        label=pgettext_lazy("mensen", "Regio"),
        queryset=None,
        required=False,
        empty_label=_("— geen (landelijk bureau) —"),
    )
    expected_kind = forms.CharField(widget=forms.HiddenInput, required=False)
    expected_region = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = programme.regions.order_by("name")
        self.fields["region"].label_from_instance = lambda r: r.name

    def clean(self):
        data = super().clean()
        if "kind" in data and "region" in data:
            region = data["region"]
            try:
                check_role(data["kind"], [region] if region else [])
            except PeopleError as e:
                self.add_error("region", str(e))
        return data


class NewAccountForm(forms.Form):
    """The invitee's own account: username, name and password (Django's validators)."""

    username = forms.CharField(
        label=pgettext_lazy("mensen", "Gebruikersnaam"),
        max_length=150,
        help_text=_("Hiermee logt u in. Letters, cijfers en . @ + - _"),
    )
    name = forms.CharField(label=pgettext_lazy("mensen", "Uw naam"), max_length=150)
    password1 = forms.CharField(
        label=pgettext_lazy("mensen", "Wachtwoord"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html,
    )
    password2 = forms.CharField(
        label=pgettext_lazy("mensen", "Wachtwoord nog een keer"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email, fixed_username=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email
        self.fixed_username = fixed_username
        if fixed_username:
            # A switched-off account that is invited again keeps its username.
            del self.fields["username"]
        self.fields[
            "password1"
        ].help_text = password_validation.password_validators_help_text_html()

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        User = get_user_model()
        User.username_validator(username)
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("Deze gebruikersnaam is al in gebruik; kies een andere."))
        return username

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("De twee wachtwoorden zijn niet gelijk."))
        elif p1:
            User = get_user_model()
            candidate = User(
                username=self.fixed_username or data.get("username", ""),
                email=self.email,
                first_name=data.get("name", ""),
            )
            try:
                password_validation.validate_password(p1, candidate)
            except forms.ValidationError as e:
                self.add_error("password1", e)
        return data
