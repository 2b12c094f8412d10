from worldclass.accounts.tests.access import AccessCase, only

STAFF = {"certifier_staff"}


def _run(world) -> None:
    from worldclass.certificates.tests.factories import CertificationRunFactory, edition
    from worldclass.certification.domain.evaluation import EditionRules

    # A replayable run: its rules stored as a real run stores them.
    world.extra["run"] = CertificationRunFactory(
        program_year=2015, rules_snapshot=EditionRules.from_edition(edition(2015)).snapshot()
    )


def _run_path(suffix: str = ""):
    return lambda w: f"/certification/runs/{w.extra['run'].pk}/{suffix}"


CASES = [
    AccessCase("certification:runs", lambda w: "/certification/runs/", only(STAFF)),
    AccessCase(
        "api-certification-run-list",
        lambda w: "/api/v1/certification-runs/",
        only(STAFF, denied=403, anonymous=401),
        setup=_run,
    ),
    # Without an edition and a month, staff get the form back with its errors; everyone else is refused first.
    AccessCase("certification:run_new", lambda w: "/certification/runs/new/", only(STAFF, ok=400)),
    AccessCase(
        "certification:run_new", lambda w: "/certification/runs/new/", only(STAFF, ok=400), method="post", label="post"
    ),
    AccessCase("certification:run", _run_path(), only(STAFF), setup=_run),
    AccessCase("certification:run_changes_csv", _run_path("changes.csv"), only(STAFF), setup=_run),
    AccessCase("certification:run_verify", _run_path("verify/"), only(STAFF), setup=_run),
    AccessCase("certification:run_publish", _run_path("publish/"), only(STAFF), setup=_run),
    AccessCase(
        "certification:run_publish", _run_path("publish/"), only(STAFF, ok=302), method="post", setup=_run, label="post"
    ),
]
