from django import forms
from django.utils.translation import gettext_lazy as _

from core.languages import Language
from policies.models import Platform


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
