"""The due-process forms: appeal, report content, decisions, privacy."""

from django import forms
from django.utils.translation import gettext_lazy as _

from decisions.models import Appeal, Category, Notice
from decisions.services.appeals import REASONS_LENGTH
from decisions.services.retention import MAX_DAYS


class AppealForm(forms.Form):
    key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    kind = forms.ChoiceField(choices=Appeal.Kind.choices, initial=Appeal.Kind.APPEAL)
    reasons = forms.CharField(
        label=_("Why should the decision change?"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=REASONS_LENGTH,
    )


class ReportContentForm(forms.Form):
    url = forms.URLField(
        label=_("Address (URL) of the comment"), max_length=2000, assume_scheme="https"
    )
    reasons = forms.CharField(
        label=_("Why is it illegal or against the netiquette?"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
    )
    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(label=_("Your e-mail"))
    good_faith = forms.BooleanField(
        label=_(
            "I am convinced in good faith that the information and allegations in "
            "this report are accurate and complete."
        )
    )
    # A field people do not see (hidden by the stylesheet): robots fill it.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean_url(self):
        url = self.cleaned_data["url"]
        if not url.lower().startswith(("http://", "https://")):
            raise forms.ValidationError(_("Give a web address (http or https)."))
        return url


class DecideForm(forms.Form):
    reasons = forms.CharField(
        label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )


class AppealDecideForm(DecideForm):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            (Appeal.Status.UPHELD, Appeal.Status.UPHELD.label),
            (Appeal.Status.REVERSED, Appeal.Status.REVERSED.label),
        ],
        widget=forms.RadioSelect,
    )


class NoticeDecideForm(DecideForm):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            (Notice.Status.ACTED, Notice.Status.ACTED.label),
            (Notice.Status.REJECTED, Notice.Status.REJECTED.label),
        ],
        widget=forms.RadioSelect,
    )


class RetentionForm(forms.Form):
    def __init__(self, *args, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        for category in Category:
            self.fields[category.value] = forms.IntegerField(
                label=category.label,
                required=False,
                min_value=1,
                max_value=MAX_DAYS,
                initial=(current or {}).get(category.value),
                help_text=_("Days after receipt; empty: kept."),
            )


class HoldForm(forms.Form):
    comment = forms.IntegerField(label=_("Comment number"), required=False, min_value=1)
    channel = forms.SlugField(label=_("Channel"), required=False)
    author = forms.CharField(label=_("Author handle"), required=False, max_length=200)
    reason = forms.CharField(label=_("Reason"), max_length=2000)


class AuthorForm(forms.Form):
    author = forms.CharField(label=_("Author handle"), max_length=200)
