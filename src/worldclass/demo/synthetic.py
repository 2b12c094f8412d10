"""A realistic synthetic survey-results file in the interchange format, deterministic for a seed and an end month.

The generator streams to disk in chunks of CSRs, so memory stays bounded whatever the size (10M rows is
100k CSRs over 24 months). Each chunk draws from its own random stream derived from the seed, so the same
seed and parameters always give the same bytes.

What is modelled:
- three organizations with sites in Canada, the United States, Jamaica, Mexico and the Dominican Republic,
  each in its own time zone (timestamps carry the site's local UTC offset, daylight saving included);
- CSRs grouped under supervisors (about 12 each); sites differ in average skill, supervisors coach a little
  better or worse, and CSRs spread around that (a few clearly World Class, most not, some near the line);
- hiring and attrition (some CSRs start late or leave early) and month-to-month noise in performance;
- survey delay by channel: IVR within minutes (a few under 10 minutes), phone interviewers within hours, web
  surveys with a long tail past 24 hours, 72 hours and 2 business days, so some surveys are ineligible;
- short comments in English, and in French at the Quebec site;
- display names for organizations, sites, supervisors and CSRs (the optional name columns), none repeated.

The demo ends its data with the last full month before today, so that dashboards and certificates are current.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from zoneinfo import ZoneInfo

import numpy as np
import polars as pl

from worldclass.core.months import Month
from worldclass.surveys.domain.mapping import COLUMNS

CSRS_PER_SUPERVISOR = 12
# Optional columns the import reads for display names, after the interchange format's own.
NAME_COLUMNS = [c for c in ("org_name", "site_name", "supervisor_name", "csr_name") if c not in COLUMNS]
CSR_CHUNK = 2000


@dataclass(frozen=True)
class SyntheticOrganization:
    code: str
    name: str


@dataclass(frozen=True)
class SyntheticSite:
    """A contact-center site and the traits that shape its customers' answers."""

    org: str
    code: str
    name: str
    country: str
    timezone: str
    prefix: str
    share: float  # of all CSRs
    mean_skill: float  # the site's average share of World Class Calls
    first_call_rate: float  # how often customers call about an issue for the first time
    french_share: float  # of comments written in French


ORGANIZATIONS = [
    SyntheticOrganization("northwind", "Northwind Mutual Insurance"),
    SyntheticOrganization("caribe", "Caribe Trust Bank"),
    SyntheticOrganization("cascade", "Cascade Power & Gas"),
]
ORGANIZATION_NAMES = {organization.code: organization.name for organization in ORGANIZATIONS}

SITES = [
    SyntheticSite("northwind", "toronto", "Toronto", "CA", "America/Toronto", "TOR", 0.13, 0.79, 0.93, 0.05),
    SyntheticSite("northwind", "montreal", "Montréal", "CA", "America/Toronto", "MTL", 0.11, 0.745, 0.92, 0.85),
    SyntheticSite("northwind", "columbus", "Columbus", "US", "America/New_York", "CMH", 0.12, 0.67, 0.88, 0.0),
    SyntheticSite("northwind", "phoenix", "Phoenix", "US", "America/Phoenix", "PHX", 0.10, 0.63, 0.87, 0.0),
    SyntheticSite("caribe", "halifax", "Halifax", "CA", "America/Halifax", "HFX", 0.09, 0.83, 0.93, 0.10),
    SyntheticSite("caribe", "kingston", "Kingston", "JM", "America/Jamaica", "KIN", 0.10, 0.725, 0.92, 0.0),
    SyntheticSite(
        "caribe", "santo-domingo", "Santo Domingo", "DO", "America/Santo_Domingo", "SDQ", 0.09, 0.815, 0.93, 0.0
    ),
    SyntheticSite("caribe", "monterrey", "Monterrey", "MX", "America/Monterrey", "MTY", 0.09, 0.72, 0.92, 0.0),
    SyntheticSite("cascade", "calgary", "Calgary", "CA", "America/Edmonton", "YYC", 0.09, 0.835, 0.90, 0.03),
    SyntheticSite("cascade", "vancouver", "Vancouver", "CA", "America/Vancouver", "YVR", 0.08, 0.845, 0.86, 0.03),
]

# People's names: site by site, drawn from the pools of the site's region without repeating a full name.
FIRST_NAMES = {
    "en": [
        "Alex",
        "Jordan",
        "Priya",
        "Marcus",
        "Emily",
        "Daniel",
        "Aisha",
        "Liam",
        "Grace",
        "Owen",
        "Hannah",
        "Noah",
        "Chloe",
        "Ethan",
        "Maya",
        "Lucas",
        "Zoe",
        "Ryan",
        "Nadia",
        "Tyler",
        "Olivia",
        "Samuel",
    ],
    "fr": [
        "Julie",
        "Mathieu",
        "Camille",
        "Étienne",
        "Sophie",
        "Olivier",
        "Geneviève",
        "Félix",
        "Isabelle",
        "Maxime",
        "Chantal",
        "Simon",
        "Nathalie",
        "Gabriel",
        "Élise",
        "Louis",
        "Amélie",
        "Hugo",
    ],
    "es": [
        "María",
        "José",
        "Lucía",
        "Carlos",
        "Ana",
        "Luis",
        "Sofía",
        "Miguel",
        "Valeria",
        "Diego",
        "Camila",
        "Javier",
        "Paola",
        "Andrés",
        "Gabriela",
        "Ricardo",
        "Isabel",
        "Fernando",
    ],
    "jm": [
        "Andre",
        "Kimberley",
        "Shanice",
        "Damion",
        "Tanya",
        "Omar",
        "Keisha",
        "Ricardo",
        "Simone",
        "Jermaine",
        "Latoya",
        "Kemar",
        "Tamara",
        "Dwayne",
        "Ashley",
        "Marlon",
    ],
}
LAST_NAMES = {
    "en": [
        "Smith",
        "Patel",
        "Nguyen",
        "Campbell",
        "MacDonald",
        "Brown",
        "Wilson",
        "Singh",
        "Chen",
        "Taylor",
        "Anderson",
        "Thompson",
        "Martin",
        "Clarke",
        "Walker",
        "Young",
        "Wright",
        "Scott",
        "Murphy",
        "Reid",
    ],
    "fr": [
        "Tremblay",
        "Gagnon",
        "Roy",
        "Côté",
        "Bouchard",
        "Gauthier",
        "Morin",
        "Lavoie",
        "Fortin",
        "Gagné",
        "Ouellet",
        "Pelletier",
        "Bélanger",
        "Lévesque",
        "Bergeron",
        "Leblanc",
    ],
    "es": [
        "García",
        "Rodríguez",
        "Martínez",
        "Hernández",
        "López",
        "González",
        "Pérez",
        "Sánchez",
        "Ramírez",
        "Torres",
        "Flores",
        "Rivera",
        "Gómez",
        "Díaz",
        "Reyes",
        "Morales",
        "Jiménez",
        "Cruz",
    ],
    "jm": [
        "Brown",
        "Williams",
        "Campbell",
        "Thompson",
        "Clarke",
        "Grant",
        "Reid",
        "Francis",
        "Morgan",
        "Gordon",
        "Henry",
        "Lewis",
        "Bailey",
        "Stewart",
        "McKenzie",
        "Walters",
    ],
}
NAME_POOL = {"montreal": "fr", "kingston": "jm", "santo-domingo": "es", "monterrey": "es"}

COMMENTS_EN = {
    "praise": [
        "Very helpful and friendly, sorted it out in one call.",
        "The agent knew exactly what to do. Thank you!",
        "Quick, polite and clear. Excellent service.",
        "Best call centre experience I've had in years.",
        "She explained everything patiently.",
        "Fixed my problem right away, great job.",
    ],
    "neutral": [
        "Fine, but the wait on hold was long.",
        "Got there in the end.",
        "Okay service, a bit rushed.",
        "Had to repeat my account number twice.",
        "Helpful enough.",
    ],
    "complaint": [
        "Still not resolved, I will have to call again.",
        "Transferred three times and nobody could help.",
        "The agent did not seem to understand my issue.",
        "Promised a call back that never came.",
        "Very frustrating experience.",
    ],
}
COMMENTS_FR = {
    "praise": [
        "Très aimable et efficace, merci beaucoup!",
        "Réglé en un seul appel, excellent service.",
        "L'agente a tout expliqué clairement.",
        "Service rapide et courtois.",
    ],
    "neutral": [
        "Correct, mais l'attente était longue.",
        "Ça a fini par fonctionner.",
        "Service correct, un peu pressé.",
    ],
    "complaint": [
        "Toujours pas réglé, je dois rappeler.",
        "Transféré plusieurs fois sans réponse.",
        "Personne n'a compris mon problème.",
    ],
}


@dataclass(frozen=True)
class GenerationSummary:
    path: Path
    rows: int
    csrs: int
    supervisors: int
    sites: int
    organizations: int
    first_month: Month
    last_month: Month


@dataclass(frozen=True)
class _Roster:
    """Every CSR's site, supervisor, skill, volume and active months (small arrays, one entry per CSR)."""

    site_index: np.ndarray
    csr_ids: np.ndarray
    supervisor_ids: np.ndarray
    csr_names: np.ndarray
    supervisor_names: np.ndarray
    skill: np.ndarray
    resolve_margin: np.ndarray
    volume: np.ndarray
    first_active: np.ndarray
    last_active: np.ndarray
    supervisors: int


class _NameDraw:
    """Full names from each region's pool, never the same twice in one roster (numbered past a pool's size)."""

    def __init__(self, *, seed: int) -> None:
        # Their own random streams, so that adding names left every earlier draw (and so the data) as it was.
        self.orders = {
            pool: np.random.default_rng([seed, 7, index]).permutation(len(FIRST_NAMES[pool]) * len(LAST_NAMES[pool]))
            for index, pool in enumerate(sorted(FIRST_NAMES))
        }
        self.used = dict.fromkeys(FIRST_NAMES, 0)

    def take(self, *, pool: str, count: int) -> list[str]:
        order, lasts = self.orders[pool], LAST_NAMES[pool]
        names = []
        for n in range(self.used[pool], self.used[pool] + count):
            first, last = divmod(int(order[n % order.size]), len(lasts))
            names.append(
                f"{FIRST_NAMES[pool][first]} {lasts[last]}" + (f" {n // order.size + 1}" if n >= order.size else "")
            )
        self.used[pool] += count
        return names


def _build_roster(*, rng: np.random.Generator, rng_seed: int, csrs: int, months: int) -> _Roster:
    shares = np.array([site.share for site in SITES])
    per_site = np.floor(shares / shares.sum() * csrs).astype(np.int64)
    per_site[: csrs - per_site.sum()] += 1  # hand out the rounding remainder
    site_index = np.repeat(np.arange(len(SITES)), per_site)
    csr_ids = np.empty(csrs, dtype=object)
    supervisor_ids = np.empty(csrs, dtype=object)
    csr_names = np.empty(csrs, dtype=object)
    supervisor_names = np.empty(csrs, dtype=object)
    skill = np.empty(csrs)
    supervisors = 0
    start = 0
    draw = _NameDraw(seed=rng_seed)
    for site, count in zip(SITES, per_site, strict=True):
        local = np.arange(count)
        team = local // CSRS_PER_SUPERVISOR
        teams = int(team.max()) + 1 if count else 0
        supervisors += teams
        coaching = rng.normal(0.0, 0.03, size=teams)
        # Most CSRs spread around their site's level; about 1 in 12 is a clear star.
        individual = rng.normal(0.0, 0.08, size=count)
        stars = rng.random(count) < 0.08
        individual[stars] = np.abs(individual[stars]) + 0.06
        skill[start : start + count] = np.clip(site.mean_skill + coaching[team] + individual, 0.30, 0.97)
        csr_ids[start : start + count] = [f"{site.prefix}-{n + 1:05d}" for n in local]
        supervisor_ids[start : start + count] = [f"SUP-{site.prefix}-{t + 1:03d}" for t in team]
        names = draw.take(pool=NAME_POOL.get(site.code, "en"), count=count + teams)
        csr_names[start : start + count] = names[:count]
        supervisor_names[start : start + count] = [names[count + t] for t in team]
        start += count
    resolve_margin = rng.uniform(0.04, 0.12, size=csrs)
    volume = rng.gamma(shape=4.0, scale=0.25, size=csrs)  # mean 1: some CSRs take many more surveyed calls
    first_active = np.where(rng.random(csrs) < 0.15, rng.integers(1, max(2, months - 2), size=csrs), 0)
    last_active = np.where(
        rng.random(csrs) < 0.10, rng.integers(first_active + 1, months + 1, size=csrs) - 1, months - 1
    )
    return _Roster(
        site_index=site_index,
        csr_ids=csr_ids,
        supervisor_ids=supervisor_ids,
        csr_names=csr_names,
        supervisor_names=supervisor_names,
        skill=skill,
        resolve_margin=resolve_margin,
        volume=volume,
        first_active=first_active,
        last_active=np.maximum(last_active, first_active),
        supervisors=supervisors,
    )


def _offset_tables(*, start: dt.datetime, hours: int) -> np.ndarray:
    """UTC offset in seconds of every site's time zone at every UTC hour from `start` (a row per site)."""
    table = np.empty((len(SITES), hours), dtype=np.int64)
    cache: dict[str, np.ndarray] = {}
    base = start.timestamp()
    for row, site in enumerate(SITES):
        if site.timezone not in cache:
            zone = ZoneInfo(site.timezone)
            cache[site.timezone] = np.array(
                [
                    int(
                        dt.datetime.fromtimestamp(base + 3600 * h, tz=dt.UTC)
                        .astimezone(zone)
                        .utcoffset()
                        .total_seconds()
                    )
                    for h in range(hours)
                ],
                dtype=np.int64,
            )
        table[row] = cache[site.timezone]
    return table


def _format_offsets(seconds: pl.Expr) -> pl.Expr:
    sign = pl.when(seconds < 0).then(pl.lit("-")).otherwise(pl.lit("+"))
    magnitude = seconds.abs()
    hours = (magnitude // 3600).cast(pl.Utf8).str.zfill(2)
    minutes = ((magnitude % 3600) // 60).cast(pl.Utf8).str.zfill(2)
    return pl.concat_str([sign, hours, pl.lit(":"), minutes])


def _survey_delays(*, rng: np.random.Generator, channel: np.ndarray) -> np.ndarray:
    """Seconds from the end of the call to the completed survey, by channel, with realistic tails."""
    n = channel.size
    medians = np.array([3 * 3600.0, 25 * 60.0, 7 * 3600.0])[channel]  # phone, ivr, web
    spreads = np.array([0.8, 0.6, 1.0])[channel]
    delay = np.exp(np.log(medians) + spreads * rng.standard_normal(n))
    kind = rng.random(n)
    too_soon = kind < 0.03
    delay[too_soon] = rng.uniform(60, 599, size=too_soon.sum())  # under 10 minutes: ineligible by minutes
    late = (kind >= 0.03) & (kind < 0.11)
    delay[late] = rng.uniform(24 * 3600, 72 * 3600, size=late.sum())
    very_late = (kind >= 0.11) & (kind < 0.14)
    delay[very_late] = rng.uniform(72 * 3600, 9 * 86400, size=very_late.sum())
    return np.maximum(delay, 60).astype(np.int64)


def _pick(rng: np.random.Generator, weights: list[float], size: int) -> np.ndarray:
    return rng.choice(len(weights), size=size, p=np.array(weights) / sum(weights))


def _chunk_frame(
    *,
    rng: np.random.Generator,
    roster: _Roster,
    csr_slice: slice,
    months: list[Month],
    offsets: np.ndarray,
    table_start: int,
    first_survey_number: int,
    surveys_per_csr_month: float,
) -> pl.DataFrame:
    csr_range = np.arange(csr_slice.start, csr_slice.stop)
    n_months = len(months)
    active = (np.arange(n_months)[None, :] >= roster.first_active[csr_range, None]) & (
        np.arange(n_months)[None, :] <= roster.last_active[csr_range, None]
    )
    counts = rng.poisson(surveys_per_csr_month * roster.volume[csr_range, None] * active)
    csr_of_row = np.repeat(np.repeat(csr_range, n_months), counts.ravel())
    month_of_row = np.repeat(np.tile(np.arange(n_months), csr_range.size), counts.ravel())
    n = csr_of_row.size
    site_of_row = roster.site_index[csr_of_row]

    # When the call ended, in the site's local wall-clock time: mostly weekdays, 8:00 to 20:00.
    month_starts = np.array([(m.first_day() - dt.date(1970, 1, 1)).days for m in months], dtype=np.int64)
    month_lengths = np.array([m.last_day().day for m in months], dtype=np.int64)
    day = (rng.random(n) * month_lengths[month_of_row]).astype(np.int64)
    local_day = month_starts[month_of_row] + day
    weekend = ((local_day + 3) % 7) >= 5  # 1970-01-01 was a Thursday
    move = weekend & (rng.random(n) < 0.6)  # weekends are quieter: move most of them back to Friday
    local_day = np.where(move, local_day - ((local_day + 3) % 7 - 4), local_day)
    local_day = np.maximum(local_day, month_starts[month_of_row])
    local_naive = local_day * 86400 + rng.integers(8 * 3600, 20 * 3600, size=n)

    def utc_from_local(naive: np.ndarray) -> np.ndarray:
        guess = naive - offsets[site_of_row, (naive - table_start) // 3600]
        return naive - offsets[site_of_row, (guess - table_start) // 3600]

    call_utc = utc_from_local(local_naive)
    channel = _pick(rng, [0.4, 0.3, 0.3], n)
    surveyed_utc = call_utc + _survey_delays(rng=rng, channel=channel)
    call_offset = offsets[site_of_row, (call_utc - table_start) // 3600]
    survey_offset = offsets[site_of_row, (surveyed_utc - table_start) // 3600]

    # Answers: a CSR's month has a World Class Call share near their skill; resolution a little above it.
    drift = rng.normal(0.0, 0.015, size=(csr_range.size, n_months))
    wcc_share = np.clip(roster.skill[csr_range, None] + drift, 0.05, 0.985)
    flat = (csr_of_row - csr_slice.start) * n_months + month_of_row
    wcc_p = wcc_share.ravel()[flat]
    resolve_p = np.minimum(wcc_p + roster.resolve_margin[csr_of_row], 0.995)
    resolved = rng.random(n) < resolve_p
    both_top = resolved & (rng.random(n) < wcc_p / resolve_p)
    happy = np.array([3, 4, 5])
    overall = np.where(both_top, 5, happy[_pick(rng, [0.15, 0.45, 0.40], n)])
    csr_sat = np.where(both_top, 5, happy[_pick(rng, [0.15, 0.45, 0.40], n)])
    # Resolved but not World Class: never both top box.
    csr_sat = np.where(resolved & ~both_top & (overall == 5) & (csr_sat == 5), 4, csr_sat)
    unhappy_overall = np.arange(1, 6)[_pick(rng, [0.2, 0.25, 0.25, 0.2, 0.1], n)]
    unhappy_csr = np.arange(1, 6)[_pick(rng, [0.15, 0.2, 0.25, 0.25, 0.15], n)]
    overall = np.where(resolved, overall, unhappy_overall)
    csr_sat = np.where(resolved, csr_sat, unhappy_csr)
    first_call_p = np.array([s.first_call_rate for s in SITES])[site_of_row] + 0.1 * (wcc_p - 0.78)
    first_call = rng.random(n) < np.clip(first_call_p, 0.5, 0.99)

    # Comments: about a quarter of customers write one; its tone follows the answers.
    tone = np.where(both_top, 0, np.where(resolved, 1, 2))
    has_comment = rng.random(n) < np.where(tone == 2, 0.45, 0.2)
    french = rng.random(n) < np.array([s.french_share for s in SITES])[site_of_row]
    comment_pick = rng.integers(0, 1 << 30, size=n)
    comment = np.full(n, "", dtype=object)
    for tone_index, tone_name in enumerate(["praise", "neutral", "complaint"]):
        for is_french, library in ((False, COMMENTS_EN), (True, COMMENTS_FR)):
            phrases = np.array(library[tone_name], dtype=object)
            mask = has_comment & (tone == tone_index) & (french == is_french)
            comment[mask] = phrases[comment_pick[mask] % phrases.size]

    site_org = np.array([s.org for s in SITES], dtype=object)
    site_code = np.array([s.code for s in SITES], dtype=object)
    site_country = np.array([s.country for s in SITES], dtype=object)
    site_name = np.array([s.name for s in SITES], dtype=object)
    org_name = np.array([ORGANIZATION_NAMES[s.org] for s in SITES], dtype=object)
    numbers = np.arange(first_survey_number, first_survey_number + n, dtype=np.int64)
    frame = pl.DataFrame(
        {
            "number": numbers,
            "org": site_org[site_of_row].astype(str),
            "site": site_code[site_of_row].astype(str),
            "country": site_country[site_of_row].astype(str),
            "supervisor": roster.supervisor_ids[csr_of_row].astype(str),
            "csr": roster.csr_ids[csr_of_row].astype(str),
            "channel": np.array(["phone", "ivr", "web"])[channel],
            "call_local": call_utc + call_offset,
            "call_offset": call_offset,
            "survey_local": surveyed_utc + survey_offset,
            "survey_offset": survey_offset,
            "resolved": np.where(resolved, "yes", "no"),
            "first_call": np.where(first_call, "yes", "no"),
            "overall_sat": overall.astype(np.int8),
            "csr_sat": csr_sat.astype(np.int8),
            "comment": comment.astype(str),
            "org_name": org_name[site_of_row].astype(str),
            "site_name": site_name[site_of_row].astype(str),
            "supervisor_name": roster.supervisor_names[csr_of_row].astype(str),
            "csr_name": roster.csr_names[csr_of_row].astype(str),
        }
    )
    stamp = "%Y-%m-%dT%H:%M:%S"
    return frame.with_columns(
        pl.concat_str([pl.lit("S"), pl.col("number").cast(pl.Utf8).str.zfill(9)]).alias("survey_id"),
        pl.concat_str([pl.lit("C"), (pl.col("number") * 7 + 100_003).cast(pl.Utf8).str.zfill(10)]).alias("call_id"),
        pl.concat_str(
            [pl.from_epoch("call_local", time_unit="s").dt.strftime(stamp), _format_offsets(pl.col("call_offset"))]
        ).alias("call_at"),
        pl.concat_str(
            [pl.from_epoch("survey_local", time_unit="s").dt.strftime(stamp), _format_offsets(pl.col("survey_offset"))]
        ).alias("surveyed_at"),
    ).select([*COLUMNS, *NAME_COLUMNS])


def last_full_month(*, today: dt.date) -> Month:
    """The month before today's: the demo's data ends there, so that it looks current whenever it is run."""
    return Month.of(today) - 1


def month_range(*, end: Month, months: int) -> list[Month]:
    """The `months` calendar months ending with `end`, oldest first."""
    return [end - (months - 1 - i) for i in range(months)]


def generate_surveys(
    *,
    path: Path,
    seed: int,
    end_month: Month,
    months: int = 18,
    csrs: int = 180,
    surveys_per_csr_month: float = 9.0,
    progress: IO[str] | None = None,
) -> GenerationSummary:
    """Write a synthetic survey-results CSV to `path`, streaming CSR by CSR chunk; same seed and months, same bytes."""
    if months < 1 or csrs < len(SITES):
        raise ValueError(f"need at least 1 month and {len(SITES)} CSRs (one per site)")
    calendar = month_range(end=end_month, months=months)
    roster = _build_roster(rng=np.random.default_rng([seed, 0]), rng_seed=seed, csrs=csrs, months=months)
    # Offsets from a day before the first call to 12 days after the last one (the longest survey delay).
    table_start_dt = dt.datetime.combine(calendar[0].first_day(), dt.time(), tzinfo=dt.UTC) - dt.timedelta(days=1)
    hours = (len(calendar) * 31 + 14) * 24
    offsets = _offset_tables(start=table_start_dt, hours=hours)
    table_start = int(table_start_dt.timestamp())

    path.parent.mkdir(parents=True, exist_ok=True)
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(",".join([*COLUMNS, *NAME_COLUMNS]) + "\n")
        for chunk_number, start in enumerate(range(0, csrs, CSR_CHUNK)):
            frame = _chunk_frame(
                rng=np.random.default_rng([seed, chunk_number + 1]),
                roster=roster,
                csr_slice=slice(start, min(start + CSR_CHUNK, csrs)),
                months=calendar,
                offsets=offsets,
                table_start=table_start,
                first_survey_number=rows + 1,
                surveys_per_csr_month=surveys_per_csr_month,
            )
            frame.write_csv(handle, include_header=False)
            rows += frame.height
            if progress is not None:
                progress.write(f"\r  generated {rows:,} surveys ({min(start + CSR_CHUNK, csrs):,}/{csrs:,} CSRs)")
                progress.flush()
        if progress is not None:
            progress.write("\n")
    return GenerationSummary(
        path=path,
        rows=rows,
        csrs=csrs,
        supervisors=roster.supervisors,
        sites=len(SITES),
        organizations=len(ORGANIZATIONS),
        first_month=calendar[0],
        last_month=calendar[-1],
    )
