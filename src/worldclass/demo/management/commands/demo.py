"""`worldclass demo`: migrate, generate synthetic surveys, import, certify, summarize, add demo data, serve."""

from __future__ import annotations

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from worldclass.core.domain import public_base_url
from worldclass.core.errors import AppError
from worldclass.core.months import Month
from worldclass.demo.serving import use_served_public_url


class Command(BaseCommand):
    help = (
        "Load a realistic synthetic dataset through the real import, certify it under several editions, print a "
        "summary, add the other apps' demo data, then serve the app on 127.0.0.1 (unless --no-serve)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2015, help="Random seed: same seed, same data.")
        parser.add_argument("--months", type=int, default=18, help="Months of calls, ending with --end-month.")
        parser.add_argument(
            "--end-month", help="The last month of calls, YYYY-MM (default: last month, so the data is current)."
        )
        parser.add_argument("--csrs", type=int, default=180, help="How many CSRs (at least 10, one per site).")
        parser.add_argument(
            "--editions", default="2008,2013,2015", help="Comma-separated edition years to certify under."
        )
        parser.add_argument("--data-dir", default="demo-data", help="Where the generated CSV is written.")
        parser.add_argument("--host", default="127.0.0.1", help="Address of the local web server.")
        parser.add_argument("--port", type=int, default=8000, help="Port of the local web server.")
        parser.add_argument("--no-serve", action="store_true", help="Stop after loading instead of serving.")

    def handle(self, *args, **options):
        try:
            editions = [int(year) for year in options["editions"].split(",") if year.strip()]
        except ValueError as error:
            raise CommandError(f"--editions: expected years such as 2008,2013,2015 ({error})") from error
        end_month = None
        if options["end_month"]:
            try:
                end_month = Month.parse(options["end_month"])
            except ValueError as error:
                raise CommandError(f"--end-month: expected YYYY-MM ({error})") from error
            from worldclass.certification.domain.runs import ensure_month_ended  # no database read

            try:
                ensure_month_ended(through=end_month)  # the demo certifies through it
            except AppError as error:
                raise CommandError(f"--end-month: {error.message}") from error
        if options["months"] < 1:
            raise CommandError("--months must be at least 1")
        if options["csrs"] < 10:
            raise CommandError("--csrs must be at least 10 (one per site)")
        if not 1 <= options["port"] <= 65535:
            raise CommandError("--port must be from 1 to 65535")
        use_served_public_url(host=options["host"], port=options["port"])

        self.stdout.write("Migrating the database…")
        call_command("migrate", interactive=False, verbosity=0)

        # Imported after migrating, so that a fresh database is ready before any app code touches it.
        from worldclass.demo.domain import load_demo_data, run_demo_hooks
        from worldclass.demo.queries import summarize_run

        self.stdout.write(f"Generating {options['months']} months of surveys for {options['csrs']} CSRs…")
        try:
            load = load_demo_data(
                seed=options["seed"],
                months=options["months"],
                csrs=options["csrs"],
                data_dir=Path(options["data_dir"]),
                editions=editions,
                end_month=end_month,
                progress=self.stdout,
            )
        except (AppError, ValueError) as error:
            raise CommandError(str(error)) from error

        generation = load.generation
        self.stdout.write(
            f"Data: {generation.rows:,} surveys, {generation.organizations} organizations, {generation.sites} sites, "
            f"{generation.supervisors} supervisors, {generation.csrs} CSRs, "
            f"{generation.first_month}..{generation.last_month} ({generation.path})"
        )
        self.stdout.write(f"Import: {load.import_report.summary()}")
        for run in load.runs:
            self._write_summary(summarize_run(run=run))
        if load.program_run is not None:
            program_run = load.program_run
            self.stdout.write(
                f"\nProgram year {program_run.program_year}: run {program_run.pk} under {program_run.edition.name}, "
                f"through {program_run.through_month:%Y-%m}, published in the public registry."
            )

        ran = run_demo_hooks(seed=options["seed"], stdout=self.stdout)
        if ran:
            self.stdout.write(f"Demo data added by: {', '.join(ran)}")

        if options["no_serve"]:
            return
        self.stdout.write(self.style.SUCCESS(f"Serving on {public_base_url()}/ (Ctrl+C to stop)"))
        # No autoreloader: it would re-run the whole demo in a child process. insecure_serving: serve static
        # files without DEBUG, as `runserver --insecure` does.
        address = (
            f"[{options['host']}]:{options['port']}"
            if ":" in options["host"]
            else f"{options['host']}:{options['port']}"
        )
        call_command("runserver", address, use_reloader=False, insecure_serving=True, use_threading=True)

    def _write_summary(self, summary) -> None:
        certified = summary.certified
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING(f"{summary.name}, through {summary.through}"))
        self.stdout.write(
            f"  eligible surveys ({summary.survey_window}): {summary.eligible:,} of {summary.surveyed:,} "
            f"({summary.eligible_share:.1%})"
        )
        parts = [
            f"{certified.get('csr', 0)} CSRs",
            f"{certified.get('supervisor', 0)} supervisors",
            f"{certified.get('site', 0)} sites",
        ]
        if certified.get("organization") or summary.organization_rule_applies:
            parts.append(f"{certified.get('organization', 0)} organizations")
        self.stdout.write(f"  certified: {', '.join(parts)}")
        for example in summary.examples:
            rate = ""
            if example.rate is not None:
                low, high = example.ci95
                rate = f" {example.rate:.1%} of {example.surveys:,} [95% CI {low:.1%}-{high:.1%}]"
            self.stdout.write(
                f"    {example.level:<12} {example.label}{rate}, since {example.since}, valid through "
                f"{example.valid_through}"
            )
