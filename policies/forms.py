from django import forms
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from core.languages import Language
from policies.models import Platform, Rule


class TryItForm(forms.Form):
    """A sample text to check against a rule or a whole version in the admin."""

    text = forms.CharField(
        label=_("Sample text"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
        strip=False,
    )
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("Detect")), *Language.choices],
    )
    platform = forms.ChoiceField(
        label=_("Platform"), required=False, choices=[("", "—"), *Platform.choices]
    )
    author = forms.CharField(label=_("Author's handle"), required=False, max_length=200)


class DaysWidget(forms.CheckboxSelectMultiple):
    """The days a rule acts on its own, stored as ISO weekday digits."""

    def format_value(self, value):
        if isinstance(value, str):
            return list(value)
        return super().format_value(value)


class RuleAdminForm(forms.ModelForm):
    """A rule in the admin, with the days it acts on its own as boxes."""

    acts_alone_days = forms.MultipleChoiceField(
        label=_("acts on its own on"),
        required=False,
        choices=[(str(day), WEEKDAYS[day - 1]) for day in range(1, 8)],
        widget=DaysWidget,
        help_text=_("Days of the week; none for every day."),
    )

    class Meta:
        model = Rule
        # The admin gives the fields of its fieldsets; these are the window's.
        fields = [
            "acts_alone",
            "acts_alone_days",
            "acts_alone_from",
            "acts_alone_until",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["acts_alone_days"] = list(self.initial.get("acts_alone_days", ""))

    def clean_acts_alone_days(self):
        return "".join(sorted(self.cleaned_data["acts_alone_days"]))
