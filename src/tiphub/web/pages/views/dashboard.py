"""The dashboard: records by agency, year, sex, age group and form of exploitation."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tiphub.web.accounts import policy
from tiphub.web.pages.statistics import DIMENSIONS, record_counts


def dashboard(request: HttpRequest) -> HttpResponse:
    """Charts of the user's statistical scope (minimum-cell rule for aggregate-only roles)."""
    policy.require(request.user, "stats.view")
    counts = record_counts(request.user)
    charts = [
        {"key": key, "title": title, "cells": counts["breakdowns"][key]}
        for key, title in DIMENSIONS.items()
    ]
    return render(request, "pages/dashboard.html", {"counts": counts, "charts": charts})
