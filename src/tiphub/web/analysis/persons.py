"""The record -> person map in force: the latest linkage run's.

`registry.services.statistical_frame()` adds it as the `person_id` column, so that the
indicators count unique persons (tiphub.indicators unduplicates on `person_id`; a record that
no run linked counts as its own person). No linkage library is imported here.
"""

from __future__ import annotations

from tiphub.web.analysis.models import LinkageRun, PersonLink


def current_run() -> LinkageRun | None:
    """The latest linkage run (the one whose persons the statistics count), or None."""
    return LinkageRun.objects.only("pk", "created_at").first()


def current_person_ids() -> dict[int, str] | None:
    """{registry record pk: person id} of the latest run; None when linkage has not run."""
    run = current_run()
    if run is None:
        return None
    links = PersonLink.objects.filter(run=run, registry_record__isnull=False)
    return dict(links.values_list("registry_record_id", "person_id"))


def version() -> str:
    """Changes whenever the map in force changes (a new run): part of the data fingerprint."""
    run = current_run()
    return f"linkage-run-{run.pk}" if run is not None else ""
