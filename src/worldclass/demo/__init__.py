# The one password of every demo account, whichever app's demo hook creates it (documented in the README).
DEMO_PASSWORD = "worldclass-demo"
