import datetime as dt

from django_scopes import scopes_disabled

from worldclass.accounts.tests.access import LOGIN_REDIRECT, AccessCase, as_superuser, only, public
from worldclass.accounts.tests.world import ROLES

DASHBOARD_ROLES = {"certifier_staff", "org_admin", "site_manager", "supervisor", "csr"}


def dashboard(allowed: set[str], *, outsider: int = 404) -> dict[str, int]:
    """Allowed roles get 200; other signed-in roles get 403; org B's admin cannot even find org A's sites and people
    (404, the tenant scope), and is refused org A itself (403: organizations are the tenants, not scoped rows)."""
    allowed = as_superuser(allowed)
    expect = {role: 200 if role in allowed else 403 for role in ROLES}
    expect["anonymous"] = LOGIN_REDIRECT
    if "other_org_admin" not in allowed:
        expect["other_org_admin"] = outsider
    return expect


ORG_A = {"certifier_staff", "org_admin"}
SITE_A1 = ORG_A | {"site_manager"}
SUPERVISOR_S1 = SITE_A1 | {"supervisor"}
CSR_C1 = SUPERVISOR_S1 | {"csr"}
ORG_A_USERS = ["org_admin", "site_manager", "supervisor", "csr"]


def api(allowed: set[str]) -> dict[str, int]:
    """The API: allowed roles get 200; rows outside a role's view are not found (404); judges, interviewers and QA
    reviewers have no dashboard data (403), nor has Django staff without a role; without a token, 401."""
    allowed = as_superuser(allowed)
    expect = {role: 200 if role in allowed else 404 for role in ROLES}
    expect.update({"anonymous": 401, "judge": 403, "interviewer": 403, "qa_reviewer": 403, "django_staff": 403})
    return expect


def _csr_rollup(world) -> None:
    from worldclass.portal.tests.factories import rollups_for

    with scopes_disabled():
        world.extra["rollup"] = rollups_for(obj=world.csr, level="csr", months=[dt.date(2015, 1, 1)])[0]


def _entity(level, attr):
    return lambda w: f"/dashboard/{level}/{getattr(w, attr).id}/"


CASES = [
    AccessCase("portal:home", lambda w: "/dashboard/", public(302)),
    AccessCase("portal:organizations", lambda w: "/dashboard/organizations/", only(ORG_A | {"other_org_admin"})),
    AccessCase("portal:entity", _entity("organization", "org"), dashboard(ORG_A, outsider=403), label="org-a"),
    AccessCase("portal:entity", _entity("site", "site"), dashboard(SITE_A1), label="site-a1"),
    AccessCase("portal:entity", _entity("site", "sister_site"), dashboard(ORG_A), label="site-a2"),
    AccessCase("portal:entity", _entity("supervisor", "supervisor"), dashboard(SUPERVISOR_S1), label="supervisor"),
    AccessCase("portal:entity", _entity("csr", "csr"), dashboard(CSR_C1), label="csr"),
    AccessCase("portal:entity", _entity("csr", "teammate"), dashboard(SUPERVISOR_S1), label="teammate"),
    AccessCase("portal:entity", _entity("csr", "sister_site_csr"), dashboard(ORG_A), label="sister-site-csr"),
    AccessCase(
        "portal:entity",
        lambda w: f"/dashboard/csr/{w.other_csr.id}/",
        # Org A's users cannot find org B's people at all: the tenant scope answers 404 before any rule.
        {**dashboard({"certifier_staff", "other_org_admin"}), **dict.fromkeys(ORG_A_USERS, 404)},
        label="org-b-csr",
    ),
    AccessCase("portal:progress", lambda w: f"/dashboard/csr/{w.csr.id}/progress/", dashboard(CSR_C1), label="csr"),
    AccessCase("portal:progress", lambda w: f"/dashboard/site/{w.site.id}/progress/", dashboard(SITE_A1), label="site"),
    AccessCase(
        "portal:progress",
        lambda w: f"/dashboard/organization/{w.org.id}/progress/",
        dashboard(ORG_A, outsider=403),
        label="org",
    ),
    AccessCase(
        "portal:editions",
        lambda w: f"/dashboard/supervisor/{w.supervisor.id}/editions/",
        dashboard(SUPERVISOR_S1),
        label="supervisor",
    ),
    AccessCase(
        "portal:editions",
        lambda w: f"/dashboard/csr/{w.teammate.id}/editions/",
        dashboard(SUPERVISOR_S1),
        label="teammate",
    ),
    AccessCase(
        "portal:leaderboard",
        lambda w: f"/dashboard/organization/{w.org.id}/leaderboard/?of=csr",
        dashboard(ORG_A, outsider=403),
        label="org",
    ),
    AccessCase(
        "portal:leaderboard", lambda w: f"/dashboard/site/{w.site.id}/leaderboard/", dashboard(SITE_A1), label="site"
    ),
    AccessCase(
        "portal:leaderboard",
        lambda w: f"/dashboard/supervisor/{w.supervisor.id}/leaderboard/",
        dashboard(SUPERVISOR_S1),
        label="supervisor",
    ),
    AccessCase("portal:recovery", lambda w: f"/dashboard/site/{w.site.id}/recovery/", dashboard(SITE_A1), label="site"),
    AccessCase(
        "portal:recovery",
        lambda w: f"/dashboard/organization/{w.org.id}/recovery/",
        dashboard(ORG_A, outsider=403),
        label="org",
    ),
    AccessCase("portal:comments", lambda w: f"/dashboard/site/{w.site.id}/comments/", dashboard(SITE_A1), label="site"),
    AccessCase("portal:comments", lambda w: f"/dashboard/csr/{w.csr.id}/comments/", dashboard(CSR_C1), label="csr"),
    AccessCase(
        "portal:export",
        lambda w: f"/dashboard/organization/{w.org.id}/export/members.xlsx",
        dashboard(ORG_A, outsider=403),
        label="org-members",
    ),
    AccessCase(
        "portal:export", lambda w: f"/dashboard/site/{w.site.id}/export/months.csv", dashboard(SITE_A1), label="site"
    ),
    AccessCase(
        "portal:export",
        lambda w: f"/dashboard/supervisor/{w.supervisor.id}/export/leaderboard.csv",
        dashboard(SUPERVISOR_S1),
        label="supervisor-leaderboard",
    ),
    AccessCase(
        "portal:export",
        lambda w: f"/dashboard/csr/{w.csr.id}/export/comments.xlsx",
        dashboard(CSR_C1),
        label="csr-comments",
    ),
    AccessCase(
        "portal:export",
        lambda w: f"/dashboard/csr/{w.teammate.id}/export/months.csv",
        dashboard(SUPERVISOR_S1),
        label="teammate",
    ),
    AccessCase(
        "portal-organization-list", lambda w: "/api/v1/organizations/", api(DASHBOARD_ROLES | {"other_org_admin"})
    ),
    AccessCase("portal-organization-detail", lambda w: f"/api/v1/organizations/{w.org.id}/", api(ORG_A)),
    AccessCase("portal-site-list", lambda w: "/api/v1/sites/", api(DASHBOARD_ROLES | {"other_org_admin"})),
    AccessCase("portal-site-detail", lambda w: f"/api/v1/sites/{w.site.id}/", api(SITE_A1)),
    AccessCase("portal-person-list", lambda w: "/api/v1/people/", api(DASHBOARD_ROLES | {"other_org_admin"})),
    AccessCase("portal-person-detail", lambda w: f"/api/v1/people/{w.csr.id}/", api(CSR_C1)),
    AccessCase(
        "portal-monthly-metric-list", lambda w: "/api/v1/monthly-metrics/", api(DASHBOARD_ROLES | {"other_org_admin"})
    ),
    AccessCase(
        "portal-monthly-metric-detail",
        lambda w: f"/api/v1/monthly-metrics/{w.extra['rollup'].id}/",
        api(CSR_C1),
        setup=_csr_rollup,
    ),
]

# Staff, organization admins and site managers search; supervisors and CSRs see only their own team or themselves.
CASES.append(
    AccessCase(
        "portal:search",
        lambda w: "/search/?q=acme",
        only(["certifier_staff", "org_admin", "site_manager", "other_org_admin"]),
    )
)
