"""Web pages of the awards, by audience: `public` (anyone), `applicant`, `judge` and `staff`; `common` holds what
they share (sign-in, running one domain action, the 404 for what a user may not see, deadlines).

Views parse forms, read through `awards.queries` and call one domain function each."""
