# The one password of every demo account, whichever app's demo hook creates it (documented in the README).
DEMO_PASSWORD = "worldclass-demo"
# The demo's staff and judge accounts log in with a second factor: this authenticator key (base32), documented in
# docs/demo-accounts.md, so that anyone can add it to an authenticator app (or run `oathtool --totp -b KEY`).
DEMO_TOTP_SECRET = "WORLDCLASSDEMOSECONDFACTORKEY234"
