"""Forms of the linkage and estimation pages (the same choices as `tiphub link` and
`tiphub estimate`, with the same defaults)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tiphub.web.analysis.estimates import EstimateParameters

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


def _checked_size(upload: Any) -> Any:
    if upload is not None and upload.size > MAX_UPLOAD_BYTES:
        raise forms.ValidationError(
            _("The file is larger than %(mb)d MB.") % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)}
        )
    return upload


def _columns(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.replace(";", ",").split(",") if part.strip())


class EstimateForm(forms.Form):
    """Capture histories (an upload or the latest linkage run) and the model choices."""

    source = forms.ChoiceField(
        label=_("Capture histories"),
        choices=(
            ("upload", _("Upload a capture-history file")),
            ("linkage", _("The latest linkage run")),
        ),
        initial="upload",
        widget=forms.RadioSelect,
    )
    histories = forms.FileField(
        label=_("Capture-history file (CSV: one 0/1 column per list, then count)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    method = forms.ChoiceField(
        label=_("Model selection"),
        choices=(
            ("stepwise", _("SparseMSE stepwise (default)")),
            ("aic", _("AIC forward selection (Bales, Hesketh and Silverman)")),
            ("main", _("Main effects only")),
            ("fixed", _("A fixed model (give its terms)")),
        ),
        initial="stepwise",
    )
    pthresh = forms.FloatField(
        label=_("Selection threshold p"),
        required=False,
        min_value=0.0,
        max_value=1.0,
        help_text=_("Default 0.02 for stepwise, 0.05 for AIC."),
    )
    terms = forms.CharField(
        label=_("Terms of a fixed model"),
        required=False,
        max_length=500,
        help_text=_('Two-list terms such as "POL:NGO, LAB:SOC", or "all".'),
    )
    ci = forms.ChoiceField(
        label=_("Interval"),
        choices=(
            ("wald", _("Wald (quick; conditional on the model)")),
            ("profile", _("Profile likelihood (conditional on the model)")),
            ("bootstrap", _("BCa bootstrap (includes model-selection uncertainty)")),
        ),
        initial="wald",
    )
    level = forms.FloatField(
        label=_("Confidence level"), initial=0.95, min_value=0.5, max_value=0.999
    )
    reps = forms.IntegerField(
        label=_("Bootstrap replicates"), initial=1000, min_value=2, max_value=5000
    )
    seed = forms.IntegerField(label=_("Bootstrap seed"), required=False, min_value=0)
    by = forms.CharField(
        label=_("Strata"),
        required=False,
        max_length=200,
        help_text=_(
            "Stratum columns before the list columns, e.g. sex or year, sex: each stratum "
            "gets its own model."
        ),
    )
    population = forms.FileField(
        label=_("Population by stratum (CSV, optional: the SDG 16.2.2 rate)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    year = forms.IntegerField(
        label=_("Year of the estimate"),
        required=False,
        min_value=1900,
        max_value=2200,
        help_text=_(
            "For the indicators; leave empty for the reference year of the next release. An "
            "estimate stratified by year gives one estimate per year."
        ),
    )
    use_for_indicators = forms.BooleanField(
        label=_("Use this estimate for the indicators"), required=False, initial=True
    )

    def __init__(self, *args: Any, linkage_available: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.linkage_available = linkage_available
        if linkage_available:
            self.fields["source"].initial = "linkage"

    def clean_histories(self) -> Any:
        return _checked_size(self.cleaned_data.get("histories"))

    def clean_population(self) -> Any:
        return _checked_size(self.cleaned_data.get("population"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        source = data.get("source")
        if source == "upload" and not data.get("histories"):
            self.add_error("histories", _("Choose a capture-history file."))
        if source == "linkage" and not self.linkage_available:
            self.add_error("source", _("No linkage run has been kept yet."))
        if data.get("method") == "fixed" and not (data.get("terms") or "").strip():
            self.add_error("terms", _("A fixed model needs its terms."))
        return data

    def parameters(self) -> EstimateParameters:
        data = self.cleaned_data
        return EstimateParameters(
            method=data["method"],
            pthresh=data.get("pthresh"),
            terms=_columns(data.get("terms") or "") if data["method"] == "fixed" else (),
            ci=data["ci"],
            level=data["level"],
            reps=data["reps"],
            seed=data.get("seed"),
            by=_columns(data.get("by") or ""),
        )
