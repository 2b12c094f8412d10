from worldclass.accounts.tests.access import AccessCase, only, public
from worldclass.certificates.tests.factories import certified_with_certificate

HOLDERS_AND_MANAGERS = ["certifier_staff", "org_admin", "site_manager", "supervisor", "csr", "other_org_admin"]
# Who may see the world's CSR's certificate: staff, the CSR, their org admin, the manager of their site.
CSR_CERTIFICATE_READERS = ["certifier_staff", "org_admin", "site_manager", "csr"]


def _csr_certificate(world) -> None:
    world.extra["certificate"] = certified_with_certificate(person=world.csr)


def _serial(world) -> str:
    return world.extra["certificate"].serial


def _api(readers: list[str], *, denied: dict[str, int]) -> dict[str, int]:
    expect = only(readers, denied=404, anonymous=401)
    expect.update(denied)
    return expect


NO_CERTIFICATE_ROLE = {"judge": 403, "interviewer": 403, "qa_reviewer": 403, "django_staff": 403}

CASES = [
    AccessCase("certificates:list", lambda w: "/certificates/", only(HOLDERS_AND_MANAGERS), setup=_csr_certificate),
    AccessCase(
        "certificates:pdf",
        lambda w: f"/certificates/{_serial(w)}.pdf",
        only(CSR_CERTIFICATE_READERS, denied=404),
        setup=_csr_certificate,
    ),
    AccessCase("certificates:verify", lambda w: f"/verify/{_serial(w)}", public(), setup=_csr_certificate),
    AccessCase("certificates:verify", lambda w: "/verify/WC2015-0000-0000-0000", public(404), label="unknown"),
    # A serial typed from paper is sent to its printed form's page, whoever asks.
    AccessCase("certificates:verify_typed", lambda w: f"/verify/{_serial(w)}/", public(302), setup=_csr_certificate),
    AccessCase("certificates:public_key", lambda w: "/certificates/public-key.pem", public()),
    AccessCase("certificates:how_to_verify", lambda w: "/certificates/how-to-verify/", public()),
    AccessCase(
        "certificates:revoke",
        lambda w: f"/certificates/{_serial(w)}/revoke/",
        only(["certifier_staff"]),
        setup=_csr_certificate,
    ),
    AccessCase(
        "certificates:revoke",
        lambda w: f"/certificates/{_serial(w)}/revoke/",
        # The superuser comes after certifier staff and finds the certificate revoked already (the form again, 200).
        {**only(["certifier_staff"], ok=302), "superuser": 200},
        method="post",
        data=lambda w: {"reason": "Surveys were found to be fabricated."},
        label="post",
        setup=_csr_certificate,
    ),
    AccessCase("certificates:trophies", lambda w: "/certificates/trophies/", only(["certifier_staff"])),
    AccessCase("certificates:trophies_csv", lambda w: "/certificates/trophies.csv", only(["certifier_staff"])),
    AccessCase("api-trophy-list", lambda w: "/api/v1/trophies/", only(["certifier_staff"], denied=403, anonymous=401)),
    AccessCase(
        "api-certification-list",
        lambda w: "/api/v1/certifications/",
        _api(HOLDERS_AND_MANAGERS, denied=NO_CERTIFICATE_ROLE),
        setup=_csr_certificate,
    ),
    AccessCase(
        "api-certification-detail",
        lambda w: f"/api/v1/certifications/{w.extra['certificate'].certification_id}/",
        _api(CSR_CERTIFICATE_READERS, denied=NO_CERTIFICATE_ROLE),
        setup=_csr_certificate,
    ),
]


def _run(world) -> None:
    from worldclass.certificates.tests.factories import CertificationRunFactory

    world.extra["run"] = CertificationRunFactory()


def _run_path(suffix: str = ""):
    return lambda w: f"/certification/runs/{w.extra['run'].pk}/{suffix}"


CASES += [
    AccessCase("certificates:issue_run", _run_path("issue/"), only(["certifier_staff"]), setup=_run),
    AccessCase("certificates:issue_run_status", _run_path("issue/status/"), only(["certifier_staff"]), setup=_run),
    AccessCase(
        "certificates:issue_run",
        _run_path("issue/"),
        only(["certifier_staff"], ok=302),
        method="post",
        setup=_run,
        label="post",
    ),
]
