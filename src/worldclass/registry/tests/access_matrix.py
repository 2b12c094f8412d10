from worldclass.accounts.tests.access import AccessCase, public

# The registry is public; 2015 always has its historical registry, 1999 has nothing.
CASES = [
    AccessCase("registry:index", lambda w: "/registry/", public()),
    AccessCase("registry:year", lambda w: "/registry/2015/", public()),
    AccessCase("registry:year", lambda w: "/registry/1999/", public(404), label="empty"),
    AccessCase("registry:year_json", lambda w: "/registry/2015.json", public()),
    AccessCase("registry:year_csv", lambda w: "/registry/2015.csv", public()),
    AccessCase("api-registry-year", lambda w: "/api/v1/registry/2015/", public()),
    AccessCase("api-registry-year", lambda w: "/api/v1/registry/1999/", public(404), label="empty"),
]
