"""The Pages a manager picks after signing in with Facebook."""

from django import forms
from django.utils.translation import gettext_lazy as _

from staffing.models import BusinessCalendar


class PagesForm(forms.Form):
    """Which of the manager's Pages to watch, and on which calendar."""

    pages = forms.MultipleChoiceField(
        label=_("Pages to watch"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Each Page becomes a Facebook channel, and its linked Instagram "
            "professional account, if any, an Instagram channel."
        ),
    )
    calendar = forms.ModelChoiceField(
        label=_("Coverage calendar"), queryset=BusinessCalendar.objects.all()
    )

    def __init__(self, *args, pages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pages"].choices = [
            (
                page["id"],
                f"{page['name']} (Instagram @{page['instagram']['username']})"
                if page.get("instagram")
                else page["name"],
            )
            for page in pages
        ]
