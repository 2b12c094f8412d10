from worldclass.accounts.tests.access import AccessCase, public

CASES = [
    AccessCase("home", lambda w: "/", public()),
    AccessCase("healthz", lambda w: "/healthz", public()),
    AccessCase("api-schema", lambda w: "/api/schema/", public()),
    AccessCase("api-docs", lambda w: "/api/docs/", public()),
    AccessCase("api-redoc", lambda w: "/api/redoc/", public()),
    AccessCase(
        "set_language",
        lambda w: "/i18n/setlang/",
        public(302),
        method="post",
        data=lambda w: {"language": "fr", "next": "/"},
    ),
]
