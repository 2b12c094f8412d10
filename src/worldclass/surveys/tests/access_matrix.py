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


def _upload(world) -> None:
    from worldclass.surveys.models import SurveyUpload

    world.extra["upload"] = SurveyUpload.objects.create(source_name="s.csv", stored_name="x.csv", size_bytes=10)


def _upload_path(suffix: str = ""):
    return lambda w: f"/surveys/uploads/{w.extra['upload'].pk}/{suffix}"


CASES += [
    AccessCase("surveys:upload", lambda w: "/surveys/upload/", only(STAFF)),
    # Without a file, staff get the form back with its error; everyone else is refused first.
    AccessCase("surveys:upload", lambda w: "/surveys/upload/", only(STAFF, ok=400), method="post", label="post"),
    AccessCase("surveys:upload_detail", _upload_path(), only(STAFF), setup=_upload),
    AccessCase("surveys:upload_status", _upload_path("status/"), only(STAFF), setup=_upload),
    # Staff are sent back to the upload's page (the file is gone, so the import is refused there).
    AccessCase("surveys:upload_confirm", _upload_path("confirm/"), only(STAFF, ok=302), method="post", setup=_upload),
    # Staff are sent back to the upload page, the upload discarded.
    AccessCase("surveys:upload_discard", _upload_path("discard/"), only(STAFF, ok=302), method="post", setup=_upload),
    AccessCase("surveys:history", lambda w: "/surveys/imports/", only(STAFF)),
]
