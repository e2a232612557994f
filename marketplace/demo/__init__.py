"""The demo world behind `flask seed-demo`: programmes, cohorts, enterprises and investors, and
what a visitor needs to try every feature without creating it first: pitch decks and data
rooms, data-room requests, shortlists, meeting requests and three pitching events.

The world follows the articles in `shared/context/`: an ACTION-like consortium programme in the
five places the real one worked in (Jakarta Timur, Kabupaten Bogor, Kota Yogyakarta, Lombok
Timur, Makassar), a corporate "Damping UMKM", a Dinas Sosial + UN accelerator pilot that
assesses businesses for social investors, a ministry's extreme-poverty cluster programme and a
PKH-graduate programme; and the lenders and investors those enterprises meet (banks channelling
KUR, impact and CSR funds, cooperatives, BMT/BPRS, a revolving fund, angels).

EVERY ORGANISATION, PERSON, BUSINESS, NUMBER AND IDENTIFIER HERE IS FICTIONAL. Organisations are
modelled on the kinds of bodies in the articles but carry invented names; NIKs, NIBs and NPWPs
have the real formats with random digits.

Layout: the facts live in `data/*.toml` (read by `data.py` into dataclasses); one builder module
per thing built (`accounts`, `programmes`, `enterprises`, `investors`, `decks`, `pipeline`,
`events`), `files` draws the generated PDFs, and `seed` runs them in order.
"""

from marketplace.demo.accounts import DEMO_LOGINS, DemoLogin, logins_table
from marketplace.demo.seed import DemoSummary, seed_demo, summary_text
from marketplace.demo.world import DEMO_NOW, DEMO_PASSWORD, DEMO_TODAY, SEED, STAGE_TARGETS

__all__ = [
    "DEMO_LOGINS",
    "DEMO_NOW",
    "DEMO_PASSWORD",
    "DEMO_TODAY",
    "SEED",
    "STAGE_TARGETS",
    "DemoLogin",
    "DemoSummary",
    "logins_table",
    "seed_demo",
    "summary_text",
]
