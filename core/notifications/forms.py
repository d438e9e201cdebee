from django import forms
from django.utils.translation import gettext_lazy as _

from core.models import NotificationKind, NotificationPreference
from core.notifications.service import UNMUTABLE

MUTABLE_KINDS = [(value, label) for value, label in NotificationKind.choices if value not in UNMUTABLE]


def coordinator_cannot_mute_overdue(user) -> bool:
    return bool(user.is_coordinator)


class NotificationPreferenceForm(forms.ModelForm):
    muted_kinds = forms.MultipleChoiceField(
        label=_("Påmindelser jeg ikke vil have"),
        choices=MUTABLE_KINDS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Fravalgte påmindelser hverken vises eller e-mailes."),
    )

    class Meta:
        model = NotificationPreference
        fields = ["mode", "muted_kinds"]
        widgets = {"mode": forms.RadioSelect}
        labels = {"mode": _("Hvornår vil du have påmindelser på e-mail?")}

    def clean_muted_kinds(self):
        muted = self.cleaned_data["muted_kinds"]
        if NotificationKind.TASK_OVERDUE in muted and coordinator_cannot_mute_overdue(self.instance.user):
            raise forms.ValidationError(
                _("Som tovholder kan du ikke fravælge påmindelser om overskredne opgaver i dine forløb.")
            )
        return muted
