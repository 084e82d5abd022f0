"""Submissions: upload an agency file, read its validation report, see the history."""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tiphub.web.accounts import policy

ALLOWED_SUFFIXES = {".csv", ".xlsx", ".tsv", ".txt"}


class UploadForm(forms.Form):
    #: the suffixes accepted and what to say of another (a form for other files changes both).
    suffixes: ClassVar[frozenset[str]] = frozenset(ALLOWED_SUFFIXES)
    wrong_suffix = gettext_lazy("Upload a .csv or .xlsx file.")

    file = forms.FileField(
        label=gettext_lazy("Intake file (CSV or XLSX)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.tsv,.txt"}),
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        suffix = Path(upload.name or "").suffix.lower()
        if suffix not in self.suffixes:
            raise forms.ValidationError(self.wrong_suffix)
        limit = int(getattr(settings, "TIPHUB_UPLOAD_MAX_BYTES", 50 * 1024 * 1024))
        if upload.size and upload.size > limit:
            raise forms.ValidationError(
                _("The file is larger than %(mb)d MB.") % {"mb": limit // (1024 * 1024)}
            )
        return upload


def _safe_name(name: str) -> str:
    """A file name without directories or odd characters (it is shown back in the history)."""
    stem = Path(name).name
    cleaned = re.sub(r"[^\w.\- ]+", "_", stem).strip(" .") or "upload.csv"
    return cleaned[:120]


@contextmanager
def stored_upload(upload: UploadedFile) -> Iterator[Path]:
    """The upload in a private temporary directory (under a safe name), removed afterwards.

    The file may hold identities in clear: it never stays on disk longer than its import, and
    the directory is readable by the server's user only.
    """
    workdir = Path(tempfile.mkdtemp(prefix="tiphub-upload-"))
    try:
        workdir.chmod(0o700)
        path = workdir / _safe_name(upload.name or "upload.csv")
        with path.open("wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        yield path
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def import_upload(upload: UploadedFile, agency_code: str, actor: object) -> Any:
    """Import an uploaded intake file (stored only while it is imported)."""
    from tiphub.web.registry.services import import_file

    with stored_upload(upload) as path:
        return import_file(path, agency_code, actor)


def submission_list(request: HttpRequest) -> HttpResponse:
    """History of the agency's submissions, with the upload form for those who may submit."""
    policy.require(request.user, "submission.view")
    can_upload = policy.can(request.user, "submission.create")
    form = UploadForm()
    if request.method == "POST":
        policy.require(request.user, "submission.create")
        form = UploadForm(request.POST, request.FILES)
        account = policy.account_of(request.user)
        if form.is_valid() and account is not None and account.agency is not None:
            result = import_upload(form.cleaned_data["file"], account.agency.code, request.user)
            submission = getattr(result, "submission", result)
            if getattr(submission, "status", "") == "succeeded":
                messages.success(request, _("File stored."))
            else:
                messages.error(request, _("The file was not stored: see the report below."))
            return HttpResponseRedirect(reverse("pages:submission", args=[submission.pk]))
    submissions = policy.visible_submissions(request.user).select_related("agency", "uploaded_by")
    page = Paginator(submissions, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "pages/submissions.html",
        {"page": page, "form": form, "can_upload": can_upload, "uploads": upload_forms(request)},
    )


#: Other uploads offered on the Submissions page: (template, form class) registered by stage
#: apps (the screening app's Kobo / ODK exports), shown to users who may submit.
EXTRA_UPLOADS: list[tuple[str, type[forms.Form]]] = []


def register_upload(template: str, form: type[forms.Form]) -> None:
    if (template, form) not in EXTRA_UPLOADS:
        EXTRA_UPLOADS.append((template, form))


def upload_forms(request: HttpRequest) -> list[tuple[str, forms.Form]]:
    if not policy.can(request.user, "submission.create"):
        return []
    return [(template, form()) for template, form in EXTRA_UPLOADS]


def submission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One submission and its validation report, row by row (no identifying values)."""
    policy.require(request.user, "submission.view")
    submission = policy.visible_submissions(request.user).filter(pk=pk).first()
    if submission is None:
        from tiphub.web.registry.models import Submission

        target = Submission.objects.filter(pk=pk).first()
        if target is not None:
            policy.audit_denial(request.user, "submission.view", target)
        raise Http404("No such submission.")
    report = submission.report or {}
    issues = list(report.get("errors", []))
    page = Paginator(issues, 200).get_page(request.GET.get("page"))
    return render(
        request,
        "pages/submission_detail.html",
        {
            "submission": submission,
            "issues": page,
            "issue_count": len(issues),
            "not_shown": int(report.get("errors_not_shown", 0) or 0),
        },
    )
