from worldclass.accounts.tests.access import AccessCase, only

STAFF = {"certifier_staff"}

CASES = [
    AccessCase("survey-imports", lambda w: "/api/v1/survey-imports/", only(STAFF, denied=403, anonymous=401)),
    AccessCase(
        "survey-imports",
        lambda w: "/api/v1/survey-imports/",
        # Without a file, staff get the validation error; everyone else is refused before validation.
        only(STAFF, ok=400, denied=403, anonymous=401),
        method="post",
        data=lambda w: {},
        label="upload",
    ),
    AccessCase(
        "survey-import-errors",
        lambda w: "/api/v1/survey-imports/999999/errors/",
        # No such import: staff are told so; everyone else is refused before the lookup.
        only(STAFF, ok=404, denied=403, anonymous=401),
    ),
]
