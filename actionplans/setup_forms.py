"""Forms of the set-up pages: programmes, objectives, actions, measures and their targets.

They parse what was typed and offer the choices; the services in actionplans/services.py hold
the rules and their messages come back next to the fields. Every date is made by
programmes.setup_forms.date_field, so the GOV.UK date input is one change there.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import construct_instance

from programmes.choices import (
    Frequency,
    MeasureUnit,
    ObjectiveKind,
    PercentMethod,
    Polarity,
    RagPolicy,
    Status,
    ToleranceKind,
)
from programmes.models import Objective, Programme
from programmes.selectors import people_to_choose
from programmes.setup_forms import date_field

from .models import Action, Measure
from .services import TargetEntry

# What each roll-up setting does, in the words the programme office uses (docs/rules.md).
PERCENT_METHOD_CHOICES = [
    (PercentMethod.MEAN_OF_CHILDREN, "Mean of the parts (usual): an objective’s percent is the weighted "
                                     "average of its own actions and the objectives under it"),
    (PercentMethod.MEAN_OF_DESCENDANT_ACTIONS, "Mean of all its actions: every action under an objective, "
                                               "however deep, counts once by its weight"),
    (PercentMethod.SHARE_COMPLETED, "Share completed: the weighted share of its parts that are finished"),
    (PercentMethod.MANUAL, "Entered by the owner: the objective’s owner types its percent; the calculated one "
                           "is shown beside it"),
]
RAG_POLICY_CHOICES = [
    (RagPolicy.PROPORTION, "By proportion (usual): Red when a third of the weight is Red; Amber when anything "
                           "is Red or a third is Amber"),
    (RagPolicy.WORST, "Worst part: any Red part makes it Red, else any Amber part makes it Amber"),
    (RagPolicy.MAJORITY, "Majority: the colour with the most weight; a tie goes to the worse colour"),
]
EXCLUDABLE = [(s.value, s.label) for s in (Status.CANCELLED, Status.DEFERRED, Status.ON_HOLD)]

NUMBER_ERRORS = {"invalid": "Enter a number, like 90", "required": "Enter a number"}


class ServiceModelForm(forms.ModelForm):
    """A model form whose model validation (fields, clean, constraints) is left to the service's
    full_clean, so a rule is checked once, in one place, and its message comes back beside the
    field (programmes.forms.add_service_errors). The form still parses and checks what was typed."""

    def _post_clean(self):
        try:
            self.instance = construct_instance(self, self.instance, self._meta.fields, self._meta.exclude)
        except ValidationError as error:
            self._update_errors(error)


def _people_field(label: str, *, multiple: bool = False, help_text: str = ""):
    if multiple:
        return forms.ModelMultipleChoiceField(label=label, queryset=None, required=False, help_text=help_text,
                                              error_messages={"invalid_choice": "Choose people from the list"})
    return forms.ModelChoiceField(label=label, queryset=None, required=False, help_text=help_text,
                                  empty_label="No one yet",
                                  error_messages={"invalid_choice": "Choose someone from the list"})


def _offer_people(form, *names) -> None:
    """People who have not left, and whoever is already chosen (so an old owner still shows)."""
    keep = []
    if form.instance.pk:
        for name in names:
            field = form.instance._meta.get_field(name)
            if field.many_to_many:
                keep += [p.pk for p in getattr(form.instance, name).all()]
            else:
                keep.append(getattr(form.instance, field.attname))
    people = people_to_choose(keep=keep)
    for name in names:
        form.fields[name].queryset = people


class ProgrammeForm(ServiceModelForm):
    start_date = date_field("Start date", help_text="Actions without a start date of their own start here.")
    end_date = date_field("End date")
    excluded_statuses = forms.MultipleChoiceField(
        label="Left out of every figure", required=False, choices=EXCLUDABLE, widget=forms.CheckboxSelectMultiple,
        help_text="Actions with these statuses are shown, greyed, but do not count in any percent or colour.",
    )

    SETTINGS = ("percent_method", "rag_policy", "rag_green_threshold", "rag_red_threshold", "excluded_statuses",
                "stale_after_days", "manual_difference_points")

    class Meta:
        model = Programme
        fields = ["name", "short_name", "description", "start_date", "end_date", "status", "owner", "managers",
                  "percent_method", "rag_policy", "rag_green_threshold", "rag_red_threshold", "excluded_statuses",
                  "stale_after_days", "manual_difference_points"]
        labels = {
            "name": "Name", "short_name": "Reference", "description": "Description", "status": "Status",
            "owner": "Senior responsible owner", "managers": "Programme managers",
            "percent_method": "How an objective’s percent is worked out",
            "rag_policy": "How an objective’s colour is worked out",
            "rag_green_threshold": "Green from (performance, %)", "rag_red_threshold": "Red below (performance, %)",
            "stale_after_days": "Not updated after (days)",
            "manual_difference_points": "Flag an entered percent this many points from the calculated one",
        }
        help_texts = {
            "short_name": 'A short code used on every page and report, like "ASC24/25".',
            "managers": "They set the programme up and may update every action in it.",
            "rag_green_threshold": "An action is Green when its progress is at least this share of where it "
                                   "should be by now (90 usually).",
            "rag_red_threshold": "An action is Red when its progress is below this share of where it should be "
                                 "(70 usually); between the two it is Amber.",
            "stale_after_days": "An open action is flagged as not updated after this many days, when no "
                                "reporting period is set.",
            "manual_difference_points": "Only used when the owner enters the percent.",
        }
        widgets = {"percent_method": forms.RadioSelect(choices=PERCENT_METHOD_CHOICES),
                   "rag_policy": forms.RadioSelect(choices=RAG_POLICY_CHOICES),
                   "status": forms.RadioSelect, "description": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "name": {"required": "Enter the programme’s name"},
            "short_name": {"required": "Enter a short reference for the programme, like ASC24/25",
                           "unique": "Another programme already has this reference. Choose another.",
                           "max_length": "The reference must be 40 characters or fewer"},
            "rag_green_threshold": NUMBER_ERRORS, "rag_red_threshold": NUMBER_ERRORS,
            "stale_after_days": NUMBER_ERRORS, "manual_difference_points": NUMBER_ERRORS,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _offer_people(self, "owner", "managers")
        self.fields["owner"].required = False
        self.fields["percent_method"].choices = PERCENT_METHOD_CHOICES
        self.fields["rag_policy"].choices = RAG_POLICY_CHOICES
        self.fields["status"].choices = Programme._meta.get_field("status").choices

    def settings_fields(self) -> dict:
        """The roll-up settings as typed, by field name, for the engine's preview."""
        return {name: self.cleaned_data[name] for name in self.SETTINGS}


class ObjectiveForm(ServiceModelForm):
    due_date = date_field("Due date")

    class Meta:
        model = Objective
        fields = ["parent", "reference", "title", "kind", "description", "owner", "leads", "due_date", "weight",
                  "manual_percent"]
        labels = {"parent": "Sits under", "reference": "Reference", "title": "Title", "kind": "Kind",
                  "description": "Description", "owner": "Senior responsible owner (SRO)",
                  "leads": "Deputies, leads and project managers", "weight": "Weight",
                  "manual_percent": "Percent complete, entered by the owner"}
        help_texts = {"reference": 'Unique in the programme, like "ASC2401".',
                      "weight": "How much it counts beside its siblings. 1 unless some count more.",
                      "manual_percent": "Only used when the programme’s percent is entered by the owner.",
                      "owner": "", "leads": ""}
        widgets = {"kind": forms.RadioSelect, "description": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "reference": {"required": "Enter a reference for the objective, like ASC2401",
                          "max_length": "The reference must be 40 characters or fewer"},
            "title": {"required": "Enter the objective’s title"},
            "weight": NUMBER_ERRORS, "manual_percent": NUMBER_ERRORS,
        }

    def __init__(self, *args, programme, with_parent=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.programme = programme
        _offer_people(self, "owner", "leads")
        self.fields["kind"].choices = ObjectiveKind.choices
        if with_parent:
            self.fields["parent"].queryset = Objective.objects.filter(programme=programme).order_by("reference")
            self.fields["parent"].empty_label = "Nothing: the top of the programme"
            self.fields["parent"].label_from_instance = str
        else:
            del self.fields["parent"]


class ObjectiveMoveForm(forms.Form):
    parent = forms.ModelChoiceField(label="Put it under", queryset=None, required=False,
                                    empty_label="Nothing: the top of the programme",
                                    error_messages={"invalid_choice": "Choose an objective from the list"})

    def __init__(self, *args, objective, **kwargs):
        super().__init__(*args, **kwargs)
        # Every objective is offered, its own children too: the service refuses a cycle and says why.
        self.fields["parent"].queryset = (Objective.objects.filter(programme_id=objective.programme_id)
                                          .exclude(pk=objective.pk).order_by("reference"))


class ActionForm(ServiceModelForm):
    start_date = date_field("Start date", help_text="Leave blank to start with the programme.")
    due_date = date_field("Due date")

    class Meta:
        model = Action
        fields = ["reference", "title", "description", "responsible", "leads", "delegates", "start_date",
                  "due_date", "weight", "is_milestone"]
        labels = {"reference": "Reference", "title": "Title", "description": "Description",
                  "responsible": "Responsible officer", "leads": "Leads", "delegates": "Delegates",
                  "weight": "Weight", "is_milestone": "This is a milestone"}
        help_texts = {"reference": 'Unique in the programme, like "ASC2401.A".',
                      "responsible": "They see it in My actions and update it.",
                      "leads": "They see and update it too.", "delegates": "They may update it on the owner’s behalf.",
                      "weight": "How much it counts beside its siblings. 1 unless some count more.",
                      "is_milestone": "A date to meet: done (100%) or not (0%), with no percent in between."}
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "reference": {"required": "Enter a reference for the action, like ASC2401.A",
                          "max_length": "The reference must be 40 characters or fewer"},
            "title": {"required": "Enter the action’s title"},
            "weight": NUMBER_ERRORS,
        }

    def __init__(self, *args, objective, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.instance.objective, self.instance.programme_id = objective, objective.programme_id
        _offer_people(self, "responsible", "leads", "delegates")


class ActionMoveForm(forms.Form):
    objective = forms.ModelChoiceField(label="Put it under", queryset=None,
                                       error_messages={"required": "Choose the objective to put it under",
                                                       "invalid_choice": "Choose an objective from the list"})

    def __init__(self, *args, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["objective"]
        field.queryset = (Objective.objects.filter(programme__in=programmes).select_related("programme")
                          .order_by("programme__name", "reference"))
        field.label_from_instance = lambda o: f"{o.programme.short_name}: {o.reference} {o.title}"


class MeasureForm(ServiceModelForm):
    class Meta:
        model = Measure
        fields = ["reference", "title", "description", "unit", "polarity", "frequency", "tolerance",
                  "tolerance_kind", "amber_if_improving", "data_only", "owner", "objectives"]
        labels = {"reference": "Reference", "title": "Title", "description": "Description", "unit": "Unit",
                  "polarity": "Which way is better", "frequency": "How often it is reported",
                  "tolerance": "Tolerance", "tolerance_kind": "The tolerance is",
                  "amber_if_improving": "Amber, not Red, when it is better than the same period last year",
                  "data_only": "Data only: no target and no colour", "owner": "Owner",
                  "objectives": "Objectives it measures"}
        help_texts = {"reference": 'Unique in the programme, like "KPI 1".',
                      "tolerance": "How far a value may miss its target and be Amber rather than Red "
                                   "(10% of the target usually).",
                      "owner": "They enter its values.", "objectives": ""}
        widgets = {"polarity": forms.RadioSelect, "frequency": forms.RadioSelect, "tolerance_kind": forms.RadioSelect,
                   "description": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "reference": {"required": "Enter a reference for the measure, like KPI 1",
                          "max_length": "The reference must be 40 characters or fewer"},
            "title": {"required": "Enter the measure’s title"},
            "tolerance": NUMBER_ERRORS,
        }

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.programme = programme
        _offer_people(self, "owner")
        self.fields["unit"].choices = MeasureUnit.choices
        self.fields["polarity"].choices = Polarity.choices
        self.fields["frequency"].choices = Frequency.choices
        self.fields["tolerance_kind"].choices = ToleranceKind.choices
        self.fields["objectives"].queryset = Objective.objects.filter(programme=programme).order_by("reference")
        self.fields["objectives"].label_from_instance = str


class MeasureTargetsForm(forms.Form):
    """One row per reporting period: the target value (or a band, for within-a-band measures) and a
    note such as "TBC". All blank: no target for that period."""

    def __init__(self, *args, measure, periods, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.periods = periods
        self.band = measure.polarity == Polarity.WITHIN_BAND
        for period in periods:
            target = targets.get(period.pk)
            numbers = ("band_low", "band_high") if self.band else ("value",)
            labels = {"value": "Target", "band_low": "Bottom of the band", "band_high": "Top of the band"}
            for name in numbers:
                self.fields[f"{name}_{period.pk}"] = forms.DecimalField(
                    label=labels[name], required=False, max_digits=14, decimal_places=4,
                    initial=getattr(target, name, None),
                    error_messages={"invalid": f"Enter the {labels[name].lower()} for {period.name} as a "
                                               "number, like 75"})
            self.fields[f"text_{period.pk}"] = forms.CharField(
                label="Note", required=False, max_length=200, initial=getattr(target, "text", ""),
                help_text='As written, like "TBC" or "<1%"')

    def rows(self):
        """(period, its bound fields) for the template."""
        for period in self.periods:
            names = ("band_low", "band_high", "text") if self.band else ("value", "text")
            yield period, [self[f"{name}_{period.pk}"] for name in names]

    def entries(self):
        data = self.cleaned_data
        return [TargetEntry(period=p, value=data.get(f"value_{p.pk}"), band_low=data.get(f"band_low_{p.pk}"),
                            band_high=data.get(f"band_high_{p.pk}"), text=data.get(f"text_{p.pk}") or "")
                for p in self.periods]


class ReassignForm(forms.Form):
    actions = forms.MultipleChoiceField(label="Actions to give to someone else", widget=forms.CheckboxSelectMultiple,
                                        error_messages={"required": "Choose at least one action to reassign",
                                                        "invalid_choice": "Choose actions from the list"})
    to_person = forms.ModelChoiceField(label="Give them to", queryset=None, empty_label="Choose someone",
                                       error_messages={"required": "Choose who takes the actions over",
                                                       "invalid_choice": "Choose someone from the list"})

    def __init__(self, *args, actions, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.by_id = {str(a.pk): a for a in actions}
        self.fields["actions"].choices = [(str(a.pk), f"{a.reference} {a.title}") for a in actions]
        self.fields["actions"].initial = list(self.by_id)
        self.fields["to_person"].queryset = people_to_choose().exclude(pk=person.pk)

    def clean_actions(self):
        return [self.by_id[pk] for pk in self.cleaned_data["actions"]]
