"""`worldclass certify --year YYYY --through YYYY-MM [--json] [--require-confidence]`: a program year's run under
the edition in force; `--edition YEAR [--organization CODE]` instead makes an exploratory run under any edition."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from worldclass.certification.domain.evaluation import get_edition, parse_month
from worldclass.certification.domain.program import validate_program_year
from worldclass.certification.domain.runs import run_certification, run_program_year, verify_run
from worldclass.core.errors import AppError, ErrorDetail
from worldclass.directory.queries import get_organization_by_code


class Command(BaseCommand):
    help = (
        "Certify a program year through a month under the edition in force (--year), or explore any edition "
        "(--edition); store the run and print the results."
    )
    # Django's system checks import the URLconf, so every view and API with their heavy libraries (polars, reportlab,
    # holidays...): most of a warm certify's start-up. `check` and `migrate` run them; a data command need not.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--year", help="The program year, e.g. 2025: its edition in force is used.")
        parser.add_argument("--edition", help="Explore an edition, e.g. 2013 (no program year).")
        parser.add_argument("--through", help="The month to evaluate at, YYYY-MM.")
        parser.add_argument("--json", action="store_true", help="Print exactly one JSON object.")
        parser.add_argument(
            "--require-confidence",
            action="store_true",
            help="The Wilson 95%% lower bound, not the point estimate, must beat the threshold.",
        )
        parser.add_argument("--organization", help="Only this organization (its code).")
        parser.add_argument("--verify-run", type=int, metavar="RUN_ID", help="Replay a stored run and compare.")
        parser.add_argument(
            "--force", action="store_true", help="Evaluate again even when a stored run read the same input."
        )

    def handle(self, *args, **options):
        try:
            if options["verify_run"] is not None:
                return self._verify(options["verify_run"], as_json=options["json"])
            self._certify(options)
        except AppError as error:
            raise CommandError(str(error)) from error

    def _certify(self, options) -> None:
        if options["year"] and options["edition"]:
            raise AppError(
                code="conflicting_arguments",
                message="Give --year (a program year) or --edition (an exploratory run), not both.",
                details=[ErrorDetail(message="one of the two", field="--year/--edition")],
            )
        missing = [name for name in ("through",) if not options[name]]
        if not options["year"] and not options["edition"]:
            missing.insert(0, "year")
        if missing:
            raise AppError(
                code="missing_argument",
                message="certify needs --year YYYY (or --edition YEAR) and --through YYYY-MM.",
                details=[ErrorDetail(message="required", field=f"--{name}") for name in missing],
            )
        through = parse_month(options["through"], field_name="--through")
        if options["year"]:
            if options["organization"]:
                raise AppError(
                    code="conflicting_arguments",
                    message="A program year's run covers every organization; --organization is for --edition runs.",
                    details=[ErrorDetail(message="only with --edition", field="--organization")],
                )
            run = run_program_year(
                year=validate_program_year(options["year"], field_name="--year"),
                through=through,
                require_confidence=options["require_confidence"],
                actor="cli:certify",
            )
            self._report(run, as_json=options["json"])
            return
        edition = get_edition(year=options["edition"])
        organization = None
        if options["organization"]:
            organization = get_organization_by_code(code=options["organization"])
            if organization is None:
                raise AppError(
                    code="unknown_organization",
                    message=f"There is no organization {options['organization']!r}.",
                    details=[ErrorDetail(message="unknown code", field="--organization")],
                )
        run = run_certification(
            edition=edition,
            through=through,
            require_confidence=options["require_confidence"],
            actor="cli:certify",
            organization=organization,
            # --json prints the whole evaluation, which a stored run does not keep.
            reuse_unchanged=not options["force"] and not options["json"],
        )
        if run.reused:
            self.stdout.write(
                f"Unchanged since run #{run.pk}: exploratory, edition {edition.year} through {through}. "
                f"{_summary(run.counts)}. (--force evaluates again.)"
            )
            self.stdout.write(f"Input sha256 {run.input_sha256}\nResult sha256 {run.result_sha256}")
            return
        self._report(run, as_json=options["json"])

    def _report(self, run, *, as_json: bool) -> None:
        evaluation = run.evaluation
        if as_json:
            self.stdout.write(evaluation.canonical_json())
            return
        self.stdout.write(render_table(evaluation))
        purpose = f"program year {run.program_year}, " if run.program_year else "exploratory, "
        self.stdout.write(
            f"\nRun {run.pk}: {purpose}edition {run.edition.year} through {evaluation.through}. {_summary(run.counts)}."
        )
        self.stdout.write(f"Input sha256 {run.input_sha256}\nResult sha256 {run.result_sha256}")

    def _verify(self, run_id: int, *, as_json: bool) -> None:
        verification = verify_run(run_id=run_id)
        run = verification.run
        if as_json:
            self.stdout.write(
                json.dumps(
                    {
                        "run": run.pk,
                        "input_matches": verification.input_matches,
                        "result_matches": verification.result_matches,
                        "result_sha256": run.result_sha256,
                        "replayed_result_sha256": verification.evaluation.result_sha256(),
                    }
                )
            )
        else:
            self.stdout.write(
                f"Run {run.pk}: input {'matches' if verification.input_matches else 'DIFFERS'}, "
                f"result {'matches' if verification.result_matches else 'DIFFERS'} "
                f"({verification.evaluation.result_sha256()})."
            )
        if not verification.result_matches:
            raise CommandError(f"Run {run.pk} does not reproduce: the result checksum differs.")


def _summary(counts: dict) -> str:
    return ", ".join(
        f"{level}: {counts['certified'][level]} certified, {counts['qualifies'][level]} qualify"
        for level in counts["certified"]
    )


def render_table(evaluation) -> str:
    """A readable fixed-width table of the entities' results."""
    header = (
        "level",
        "org",
        "id",
        "qualifies",
        "certified",
        "window",
        "surveys",
        "meeting",
        "rate",
        "95% CI",
        "since",
        "valid through",
    )
    rows = [header]
    for entity in evaluation.entities:
        rows.append(
            (
                entity.level,
                entity.org,
                entity.id,
                "yes" if entity.qualifies else "no",
                "yes" if entity.certified else "no",
                f"{entity.window[0]}..{entity.window[1]}" if entity.window else "-",
                "-" if entity.surveys is None else str(entity.surveys),
                "-" if entity.meeting is None else str(entity.meeting),
                "-" if entity.rate is None else f"{entity.rate:.2%}",
                "-" if entity.ci95 is None else f"{entity.ci95[0]:.1%}-{entity.ci95[1]:.1%}",
                entity.certified_since or "-",
                entity.valid_through or "-",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows
    )
