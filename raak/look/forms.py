"""Every form field of every app drawn with NL Design System (Utrecht) classes, by the
form renderer (settings.FORM_RENDERER) rather than by each form, and the operator's
theme form."""

from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates
from django.utils.translation import gettext_lazy as _

from raak.look import theme as themes
from raak.look.models import Theme

# Widget input type -> the Utrecht component's classes.
TEXTBOX = "utrecht-textbox utrecht-textbox--html-input"
CLASSES = {
    "textarea": "utrecht-textarea utrecht-textarea--html-textarea",
    "select": "utrecht-select utrecht-select--html-select",
    "selectmultiple": "utrecht-select utrecht-select--html-select",
    "checkbox": "utrecht-checkbox utrecht-checkbox--html-input",
    # Native radios: the Utrecht radio button draws itself (appearance: none) and needs
    # a dozen more tokens than a theme should have to set.
    "radio": "",
    "file": "raak-file-input",
    "hidden": "",
}
INVALID = {
    "utrecht-textbox": "utrecht-textbox--invalid",
    "utrecht-textarea": "utrecht-textarea--invalid",
    "utrecht-select": "utrecht-select--invalid",
    "utrecht-checkbox": "utrecht-checkbox--invalid",
    "utrecht-radio-button": "utrecht-radio-button--invalid",
}


def widget_classes(widget, invalid):
    kind = getattr(widget, "input_type", None) or widget.__class__.__name__.lower()
    kind = kind.removesuffix("widget")
    if isinstance(widget, forms.Textarea):
        kind = "textarea"
    elif isinstance(widget, forms.SelectMultiple) and not isinstance(
        widget, forms.CheckboxSelectMultiple
    ):
        kind = "selectmultiple"
    elif isinstance(widget, forms.CheckboxSelectMultiple):
        kind = "checkbox"
    elif isinstance(widget, forms.RadioSelect):
        kind = "radio"
    elif isinstance(widget, forms.Select):
        kind = "select"
    classes = CLASSES.get(kind, TEXTBOX)
    if invalid and classes:
        classes += " " + INVALID.get(classes.split()[0], "")
    return classes.strip()


class UtrechtBoundField(BoundField):
    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        extra = widget_classes(widget, bool(self.errors))
        if extra:
            attrs["class"] = " ".join(
                filter(None, [widget.attrs.get("class", ""), attrs.get("class", ""), extra])
            )
        return attrs


class Renderer(DjangoTemplates):
    bound_field_class = UtrechtBoundField


def _file_field(label, help_text):
    return forms.FileField(label=label, required=False, help_text=help_text)


class ThemeForm(forms.Form):
    """The operator's settings. Files are checked here (clean_*) and converted to what
    the model stores; an empty file field keeps what is there, a "remove" box clears it."""

    # The one place the organisation is named: every page, report, e-mail, the open data
    # and the archive read these (the settings only fill what is left empty).
    organisation_name = forms.CharField(
        label=_("Naam organisatie"), max_length=200, required=False,
        help_text=_("In de voettekst, op de omslag van het rapport, onder e-mails en als "
                    "uitgever van de open data en het archief."),
    )  # fmt: skip
    website_url = forms.URLField(
        label=_("Website van de organisatie"), required=False, assume_scheme="https",
        help_text=_("Gelinkt in de voettekst; in de open data de identificatie van de uitgever."),
    )  # fmt: skip
    contact_email = forms.EmailField(
        label=_("E-mailadres voor vragen"), required=False,
        help_text=_("Op de contact- en privacypagina en als contactpunt van de open data."),
    )  # fmt: skip
    class_name = forms.CharField(
        label=_("Themaklasse"),
        max_length=60,
        help_text=_(
            "De klasse op <html> waarop uw tokenbestand zijn waarden zet, bv. mijn-org-theme."
        ),
    )
    tokens_file = _file_field(
        _("Tokenbestand (CSS)"),
        _(
            "Custom properties (--utrecht-…, --raak-…) op uw themaklasse; geen adressen buiten RAAK."
        ),
    )
    remove_tokens = forms.BooleanField(label=_("Tokenbestand verwijderen"), required=False)
    logo_file = _file_field(
        _("Logo (SVG of PNG)"), _("Zonder scripts of verwijzingen naar buiten.")
    )
    remove_logo = forms.BooleanField(label=_("Logo verwijderen"), required=False)
    favicon_file = _file_field(_("Favicon (SVG of PNG)"), "")
    remove_favicon = forms.BooleanField(label=_("Favicon verwijderen"), required=False)
    contact_text = forms.CharField(label=_("Contactgegevens"), widget=forms.Textarea(attrs={"rows": 4}),
                                   required=False)  # fmt: skip
    privacy_text = forms.CharField(
        label=_("Privacyverklaring van de organisatie"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text=_("Boven de lijst van gegevens die RAAK bewaart, die RAAK zelf toont."),
    )
    accessibility_status = forms.ChoiceField(label=_("Status toegankelijkheidsverklaring"),
                                             choices=Theme._meta.get_field("accessibility_status").choices)  # fmt: skip
    accessibility_text = forms.CharField(label=_("Toegankelijkheidsverklaring"),
                                         widget=forms.Textarea(attrs={"rows": 6}), required=False)  # fmt: skip
    accessibility_register_url = forms.URLField(
        label=_("Vermelding in het register"),
        required=False,
        assume_scheme="https",
        help_text=_(
            "Het adres van uw verklaring op toegankelijkheidsverklaring.nl, als die er is."
        ),
    )

    def clean_class_name(self):
        return themes.check_class_name(self.cleaned_data["class_name"])

    def clean_tokens_file(self):
        upload = self.cleaned_data.get("tokens_file")
        return themes.check_tokens(upload.read(themes.MAX_TOKENS_BYTES + 1)) if upload else None

    def clean_logo_file(self):
        upload = self.cleaned_data.get("logo_file")
        return themes.check_image(upload, what=_("Logo")) if upload else None

    def clean_favicon_file(self):
        upload = self.cleaned_data.get("favicon_file")
        return themes.check_image(upload, what=_("Favicon")) if upload else None

    def values(self):
        """The model's fields to store."""
        data = self.cleaned_data
        values = {name: data[name] for name in (
            "organisation_name", "website_url", "contact_email", "class_name", "contact_text",
            "privacy_text", "accessibility_status", "accessibility_text",
            "accessibility_register_url")}  # fmt: skip
        if data["remove_tokens"]:
            values["tokens"] = ""
        elif data["tokens_file"] is not None:
            values["tokens"] = data["tokens_file"]
        for name in ("logo", "favicon"):
            if data[f"remove_{name}"]:
                values[name], values[f"{name}_type"] = b"", ""
            elif data[f"{name}_file"] is not None:
                values[name], values[f"{name}_type"] = data[f"{name}_file"]
        return values
