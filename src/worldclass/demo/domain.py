"""The demo: synthetic surveys in through the real import, certification out, then the other apps' demo data.

Demo hooks: an installed worldclass app may provide `<app>/demo.py` with
`populate_demo(*, seed: int, stdout) -> None`. `run_demo_hooks` calls each one in INSTALLED_APPS order, after
certification, so hooks can rely on surveys, rollups and certifications being in place. A hook must be idempotent
(the demo may run twice on one database) and deterministic for a seed.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING

from django.apps import apps
from django.utils import timezone

from worldclass.certification.domain.program import publish_registry_year
from worldclass.certification.domain.runs import run_certification, run_program_year
from worldclass.certification.queries import editions_by_year
from worldclass.core.errors import Conflict
from worldclass.core.months import Month
from worldclass.demo.synthetic import GenerationSummary, generate_surveys, last_full_month
from worldclass.surveys.domain.importing import ImportReport, import_surveys

if TYPE_CHECKING:
    from worldclass.certification.models import CertificationRun

DEMO_ACTOR = "demo"
DEFAULT_EDITIONS = (2008, 2013, 2015)
HOOK_MODULE = "demo"
HOOK_FUNCTION = "populate_demo"


@dataclass(frozen=True)
class DemoLoad:
    generation: GenerationSummary
    import_report: ImportReport
    runs: list[CertificationRun]
    # The certifier's own loop for the data's last year: its run under the edition in force, published.
    program_run: CertificationRun | None = None


def demo_data_path(*, data_dir: Path, seed: int, months: int, csrs: int, end_month: Month) -> Path:
    """Where the demo's survey file for these parameters lives."""
    return data_dir / f"surveys-seed{seed}-{months}m-{csrs}csrs-to-{end_month}.csv"


def load_demo_data(
    *,
    seed: int,
    months: int,
    csrs: int,
    data_dir: Path,
    editions: Iterable[int] = DEFAULT_EDITIONS,
    end_month: Month | None = None,
    progress: IO[str] | None = None,
) -> DemoLoad:
    """Generate the synthetic file, import it as a certifier would, certify each edition through its end
    (exploratory runs), then run the last month's program year under its edition in force and publish it.

    Running it again with the same parameters is safe: the file is the same bytes, so the import is a no-op,
    and each certification run is a new, audited run over the same rollups.
    """
    years = list(editions)
    known = editions_by_year(years=years)
    missing = [year for year in years if year not in known]
    if missing:
        raise ValueError(f"unknown edition(s): {', '.join(map(str, missing))}")
    end_month = end_month or last_full_month(today=timezone.localdate())
    path = demo_data_path(data_dir=data_dir, seed=seed, months=months, csrs=csrs, end_month=end_month)
    generation = generate_surveys(
        path=path, seed=seed, months=months, end_month=end_month, csrs=csrs, progress=progress
    )
    try:
        report = import_surveys(path=path, actor=DEMO_ACTOR)
    except Conflict as error:
        raise Conflict(
            "This database already holds demo data made for another month (or seed), and a survey's answers are "
            "never changed. Run the demo on a fresh database: delete worldclass.sqlite3, or point DATABASE_URL "
            "at an empty database.",
            code=error.code,
        ) from error
    runs = [run_certification(edition=known[year], through=generation.last_month, actor=DEMO_ACTOR) for year in years]
    last = generation.last_month
    program_run = run_program_year(year=last.year, through=last, actor=DEMO_ACTOR)
    publish_registry_year(year=last.year, run=program_run, actor=DEMO_ACTOR)
    return DemoLoad(generation=generation, import_report=report, runs=runs, program_run=program_run)


def demo_hooks() -> list[tuple[str, Callable[..., None]]]:
    """Every installed worldclass app's `populate_demo`, in INSTALLED_APPS order."""
    hooks = []
    for config in apps.get_app_configs():
        if not config.name.startswith("worldclass.") or config.name == "worldclass.demo":
            continue
        module_name = f"{config.name}.{HOOK_MODULE}"
        # find_spec, not a caught ImportError, so that a broken hook module fails loudly.
        if importlib.util.find_spec(module_name) is None:
            continue
        hook = getattr(importlib.import_module(module_name), HOOK_FUNCTION, None)
        if callable(hook):
            hooks.append((config.label, hook))
    return hooks


def run_demo_hooks(*, seed: int, stdout) -> list[str]:
    """Let each app add its demo data; returns the labels of the apps whose hook ran."""
    ran = []
    for label, hook in demo_hooks():
        hook(seed=seed, stdout=stdout)
        ran.append(label)
    return ran
