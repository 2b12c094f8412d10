# English dates written out ("September 30, 2026") as the awards' published schedule writes them; French keeps
# Django's own formats ("30 septembre 2026").
DATE_FORMAT = "F j, Y"
