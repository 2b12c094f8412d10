from worldclass.accounts.tests.access import AccessCase, public

SIGNED_IN_ROLES_REDIRECT = {**public(302), "anonymous": 200}

CASES = [
    # Signed-in users are sent on to their dashboard instead of seeing the form again.
    AccessCase("accounts:login", lambda w: "/accounts/login/", SIGNED_IN_ROLES_REDIRECT),
    AccessCase("accounts:logout", lambda w: "/accounts/logout/", public(302), method="post"),
    # Without a password step just before, the second-factor page sends everyone back to the login page.
    AccessCase("accounts:second_factor", lambda w: "/accounts/login/second-factor/", public(302)),
    AccessCase("accounts:password_reset", lambda w: "/accounts/password-reset/", public()),
    AccessCase(
        "accounts:password_reset",
        lambda w: "/accounts/password-reset/",
        public(302),
        method="post",
        data=lambda w: {"email": "nobody@example.com"},
        label="post",
    ),
    AccessCase("accounts:password_reset_done", lambda w: "/accounts/password-reset/sent/", public()),
    AccessCase(
        "accounts:password_reset_confirm",
        lambda w: "/accounts/reset/MQ/invalid-token/",
        public(),
        label="invalid-link",
    ),
    AccessCase("accounts:password_reset_complete", lambda w: "/accounts/reset/done/", public()),
]
