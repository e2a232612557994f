"""The demo world behind `flask seed-demo`: programmes, cohorts, enterprises and investors.

The world follows the articles in `shared/context/`: an ACTION-like consortium programme in the
five places the real one worked in (Jakarta Timur, Kabupaten Bogor, Kota Yogyakarta, Lombok
Timur, Makassar), a corporate "Damping UMKM", a Dinas Sosial + UN accelerator pilot that
assesses businesses for social investors, a ministry's extreme-poverty cluster programme and a
PKH-graduate programme; and the lenders and investors those enterprises meet (banks channelling
KUR, impact and CSR funds, cooperatives, BMT/BPRS, a revolving fund, angels).

EVERY ORGANISATION, PERSON, BUSINESS, NUMBER AND IDENTIFIER HERE IS FICTIONAL. Organisations are
modelled on the kinds of bodies in the articles but carry invented names; NIKs, NIBs and NPWPs
have the real formats with random digits.

Deterministic: one `random.Random(2026)` drives every choice, and every date is fixed relative to
`DEMO_TODAY` (timestamps written by services are re-stamped at the end), so two runs on two empty
databases hold the same world. Only the NIK ciphertext differs (Fernet uses a random IV).
"""

from __future__ import annotations

import datetime as dt
import math
import random
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from marketplace import audit, regions, vocab
from marketplace.accounts import passwords
from marketplace.accounts import services as account_services
from marketplace.accounts.models import Organisation, User
from marketplace.errors import Conflict
from marketplace.extensions import db
from marketplace.profiles import readiness, validators
from marketplace.profiles import services as profile_services
from marketplace.profiles.models import (
    Cohort,
    Enterprise,
)

SEED = 2026
DEMO_TODAY = dt.date(2026, 11, 1)
# 08.00 WIB on DEMO_TODAY: the moment the demo world "was set up", for rows without a domain date.
DEMO_NOW = dt.datetime(2026, 11, 1, 1, 0, tzinfo=dt.UTC)
# Published in the README and printed by `make run`; it passes accounts.passwords' rules.
DEMO_PASSWORD = "demo-umkm-2026"  # noqa: S105 - public on purpose, demo accounts only
STAGE_TARGETS = {"belum_layak": 35, "layak": 40, "bankable": 25}

JT = 1_000_000
Progress = Callable[[int, int, str], None]


class DemoLogin(NamedTuple):
    """One demo account: its role code (vocab.ROLES), e-mail, password and what to try with it."""

    role: str
    email: str
    password: str
    try_this: str


DEMO_LOGINS: list[DemoLogin] = [
    DemoLogin(
        "admin",
        "admin@temumodal.example.org",
        DEMO_PASSWORD,
        _l("Verify the investor organisations still waiting; read the audit log."),
    ),
    DemoLogin(
        "facilitator",
        "pendamping@ypuk.example.org",
        DEMO_PASSWORD,
        _l(
            "Open your cohorts in Jakarta Timur and Yogyakarta; edit a profile on behalf "
            "of its owner. Two-factor login is off."
        ),
    ),
    DemoLogin(
        "investor",
        "investor@brn-jatinegara.example.org",
        DEMO_PASSWORD,
        _l(
            "A verified bank channelling KUR: search enterprises, see ranked matches and "
            "full profiles."
        ),
    ),
    DemoLogin(
        "investor",
        "investor@sahabatmodal.example.org",
        DEMO_PASSWORD,
        _l("An organisation not verified yet: only public summaries are visible."),
    ),
    DemoLogin(
        "owner",
        "pemilik@sarirasa.example.org",
        DEMO_PASSWORD,
        _l("A bankable snack producer: read the readiness page and the routes that fit."),
    ),
    DemoLogin(
        "owner",
        "pemilik@jamudarmi.example.org",
        DEMO_PASSWORD,
        _l("A draft profile: see what is missing before it can be published."),
    ),
]


@dataclass(frozen=True)
class DemoSummary:
    """What `seed_demo` built; counts are of rows it added."""

    enterprises: int
    published: int
    owner_accounts: int
    created_on_behalf: int
    programme_organisations: int
    programmes: int
    cohorts: int
    facilitators: int
    investor_organisations: int
    verified_investor_organisations: int
    investor_users: int
    investor_kinds: dict[str, int]
    stages: dict[str, int]
    regencies: dict[str, int]
    attestations: int
    logins: tuple[DemoLogin, ...] = field(default_factory=lambda: tuple(DEMO_LOGINS))


# --- places -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Place:
    regency: str
    districts: tuple[str, ...]
    people: str  # which name list fits: "java", "sasak" or "bugis"
    kinds: tuple[tuple[str, int], ...]  # business kinds and their weights here
    sharia_share: float  # share of owners who ask for sharia financing only

    @property
    def province(self) -> str:
        return self.regency.split(".")[0]


PLACES = {
    "31.75": _Place(
        "31.75",
        (
            "Cakung",
            "Duren Sawit",
            "Jatinegara",
            "Kramat Jati",
            "Pulo Gadung",
            "Ciracas",
            "Cipayung",
            "Matraman",
            "Pasar Rebo",
            "Makasar",
        ),
        "java",
        (
            ("keripik", 4),
            ("kue", 5),
            ("warung", 5),
            ("laundry", 4),
            ("konveksi", 5),
            ("sambal", 3),
            ("batik", 2),
            ("bengkel", 3),
            ("digital", 2),
            ("jamu", 2),
        ),
        0.15,
    ),
    "32.01": _Place(
        "32.01",
        (
            "Cibinong",
            "Ciawi",
            "Cisarua",
            "Leuwiliang",
            "Parung",
            "Jonggol",
            "Citeureup",
            "Ciampea",
            "Dramaga",
            "Megamendung",
        ),
        "java",
        (
            ("lele", 6),
            ("keripik", 4),
            ("bambu", 4),
            ("kue", 3),
            ("warung", 3),
            ("kopi", 2),
            ("ternak", 3),
            ("konveksi", 3),
            ("bengkel", 2),
            ("mebel", 2),
        ),
        0.2,
    ),
    "34.71": _Place(
        "34.71",
        (
            "Kotagede",
            "Gondomanan",
            "Mantrijeron",
            "Umbulharjo",
            "Kraton",
            "Jetis",
            "Tegalrejo",
            "Wirobrajan",
            "Gedongtengen",
            "Danurejan",
        ),
        "java",
        (
            ("batik", 6),
            ("perak", 4),
            ("kue", 4),
            ("jamu", 4),
            ("bambu", 2),
            ("kopi", 2),
            ("warung", 3),
            ("laundry", 2),
            ("digital", 2),
            ("keripik", 2),
        ),
        0.1,
    ),
    "52.03": _Place(
        "52.03",
        (
            "Selong",
            "Masbagik",
            "Pringgasela",
            "Sembalun",
            "Aikmel",
            "Labuhan Haji",
            "Sakra",
            "Keruak",
            "Suela",
            "Terara",
        ),
        "sasak",
        (
            ("tenun", 6),
            ("kopi", 4),
            ("madu", 3),
            ("gerabah", 3),
            ("rumput_laut", 3),
            ("ternak", 4),
            ("warung", 3),
            ("keripik", 2),
            ("lele", 2),
        ),
        0.35,
    ),
    "73.71": _Place(
        "73.71",
        (
            "Panakkukang",
            "Tamalate",
            "Mariso",
            "Ujung Tanah",
            "Biringkanaya",
            "Tallo",
            "Rappocini",
            "Manggala",
            "Tamalanrea",
            "Mamajang",
        ),
        "bugis",
        (
            ("kue", 5),
            ("otak_otak", 4),
            ("warung", 4),
            ("tenun", 2),
            ("ikan", 4),
            ("sambal", 3),
            ("bengkel", 3),
            ("laundry", 2),
            ("kopi", 2),
            ("konveksi", 2),
        ),
        0.3,
    ),
}

# --- people -----------------------------------------------------------------------------------
_WOMEN = {
    "java": (
        "Sri",
        "Siti",
        "Dewi",
        "Wulan",
        "Rina",
        "Endang",
        "Yuli",
        "Sumarni",
        "Suharti",
        "Ratna",
        "Lestari",
        "Nur",
        "Eka",
        "Fitri",
        "Yanti",
        "Euis",
        "Neneng",
        "Imas",
        "Titin",
        "Sukarti",
        "Murni",
        "Wati",
        "Ningsih",
        "Rohmah",
    ),
    "sasak": (
        "Baiq Nurul",
        "Baiq Fitria",
        "Baiq Sumiati",
        "Siti Aisyah",
        "Nurhasanah",
        "Rahmawati",
        "Raehan",
        "Sumiati",
        "Mahnun",
        "Saenab",
        "Hurniati",
        "Zuhriah",
    ),
    "bugis": (
        "Andi Tenri",
        "Andi Nurlela",
        "Nurhayati",
        "Hasnah",
        "Ratnawati",
        "Aminah",
        "Hasmiati",
        "Jumriah",
        "Darmawati",
        "Kartini",
        "Sitti Hajar",
        "Murni",
    ),
}
_MEN = {
    "java": (
        "Agus",
        "Budi",
        "Joko",
        "Slamet",
        "Bambang",
        "Hendra",
        "Dedi",
        "Asep",
        "Ujang",
        "Yusuf",
        "Rahmat",
        "Teguh",
        "Wahyu",
        "Eko",
        "Heru",
        "Iwan",
        "Dadang",
        "Sugeng",
        "Rudi",
        "Darto",
    ),
    "sasak": (
        "Lalu Muhammad",
        "Lalu Ahmad",
        "Lalu Wirahadi",
        "Muhammad Zaini",
        "Ahmad Fauzi",
        "Zulkifli",
        "Sahnan",
        "Mahsun",
        "Saparudin",
        "Hamdani",
    ),
    "bugis": (
        "Andi Baso",
        "Muhammad Syahrir",
        "Abdul Rahman",
        "Syamsuddin",
        "Haeruddin",
        "Baharuddin",
        "Ilham",
        "Arifuddin",
        "Firman",
        "Amiruddin",
    ),
}
_SURNAMES = {
    "java": (
        "Wahyuni",
        "Lestari",
        "Rahayu",
        "Setiawan",
        "Hidayat",
        "Saputra",
        "Kurniawan",
        "Pratama",
        "Susanti",
        "Handayani",
        "Suryani",
        "Maryati",
        "Gunawan",
        "Santoso",
        "Purnomo",
        "Hermawan",
        "Permana",
        "Kusuma",
        "Nugroho",
        "Sulistyowati",
    ),
    "sasak": (
        "Hidayat",
        "Fauzi",
        "Zaini",
        "Rusdi",
        "Hamdani",
        "Sapwan",
        "Mahsun",
        "Ramli",
        "Hasan",
        "Juaini",
    ),
    "bugis": (
        "Syam",
        "Rasyid",
        "Amir",
        "Hamzah",
        "Latif",
        "Said",
        "Daeng Ngai",
        "Daeng Sikki",
        "Tahir",
        "Kadir",
    ),
}
_WORDS = (
    "Sari Rasa",
    "Berkah",
    "Mandiri",
    "Jaya",
    "Makmur",
    "Barokah",
    "Lestari",
    "Sejahtera",
    "Sumber Rejeki",
    "Mekar",
    "Tunas",
    "Cahaya",
    "Amanah",
    "Rizki",
    "Sentosa",
    "Bersama",
    "Sehati",
    "Maju",
    "Harapan",
    "Karya",
)
_FLOWERS = (
    "Melati",
    "Mawar",
    "Anggrek",
    "Kenanga",
    "Cempaka",
    "Teratai",
    "Flamboyan",
    "Dahlia",
    "Seruni",
    "Kamboja",
)
_MOBILE_PREFIXES = (
    "0811",
    "0812",
    "0813",
    "0821",
    "0822",
    "0852",
    "0853",
    "0857",
    "0858",
    "0877",
    "0878",
    "0838",
    "0896",
    "0895",
)


# --- business kinds ---------------------------------------------------------------------------
@dataclass(frozen=True)
class _Kind:
    code: str
    sector: str
    short: str  # the word a KUBE or koperasi name uses: "Lele", "Tenun"
    names: tuple[str, ...]  # patterns: {word} {woman} {man} {district}
    products: tuple[str, ...]
    revenue: tuple[int, int]  # typical monthly revenue of a perorangan business, rupiah
    margin: tuple[float, float]
    capital: tuple[int, int]
    uses: tuple[str, ...]
    green: float = 0.0
    seasonal: bool = False  # sells more before Lebaran (March 2026)


KINDS = {
    k.code: k
    for k in (
        _Kind(
            "keripik",
            "food",
            "Keripik",
            (
                "Keripik Tempe {word}",
                "Keripik Singkong Bu {woman}",
                "Keripik Pisang {district}",
                "Keripik Talas {word}",
                "Kripik Usus Mak {woman}",
                "Keripik Kaca {word}",
            ),
            (
                "Keripik tempe renyah rasa original, balado dan pedas manis; kemasan 100 g dan "
                "250 g untuk warung dan toko oleh-oleh",
                "Keripik singkong dan pisang aneka rasa, dijual ke warung sekitar dan lewat "
                "marketplace",
            ),
            (4 * JT, 35 * JT),
            (0.12, 0.3),
            (3 * JT, 150 * JT),
            (
                "Mesin peniris minyak (spinner) dan sealer kemasan",
                "Bahan baku tiga bulan menjelang Lebaran",
                "Sertifikasi halal dan desain kemasan",
            ),
            seasonal=True,
        ),
        _Kind(
            "kue",
            "food",
            "Kue",
            (
                "Kue Basah Bu {woman}",
                "Aneka Kue {word}",
                "Bakery {word}",
                "Kue Kering {woman}",
                "Barongko {word}",
                "Bakpia {word} {district}",
            ),
            (
                "Kue basah pesanan arisan dan kantor: lemper, nagasari, kue lapis, risol",
                "Kue kering Lebaran (nastar, kastengel, putri salju) dan kue ulang tahun pesanan",
            ),
            (5 * JT, 45 * JT),
            (0.15, 0.35),
            (3 * JT, 120 * JT),
            (
                "Oven besar dan mixer kapasitas 10 kg",
                "Etalase pendingin untuk kue basah",
                "Modal kerja pesanan Lebaran",
            ),
            seasonal=True,
        ),
        _Kind(
            "sambal",
            "food",
            "Sambal",
            (
                "Sambal {word}",
                "Sambal Bawang Bu {woman}",
                "Sambal Cumi {district}",
                "Dapur Sambal {woman}",
            ),
            ("Sambal bawang, sambal cumi dan sambal teri dalam botol 150 ml, tahan 3 bulan",),
            (5 * JT, 40 * JT),
            (0.15, 0.3),
            (5 * JT, 100 * JT),
            (
                "Mesin pengisi botol dan sterilisasi",
                "Izin edar BPOM dan label gizi",
                "Stok bahan baku cabai saat harga murah",
            ),
        ),
        _Kind(
            "jamu",
            "food",
            "Jamu",
            (
                "Jamu Gendong Mbok {woman}",
                "Jamu {word}",
                "Rempah Sehat {woman}",
                "Wedang Uwuh {word}",
            ),
            ("Jamu kunyit asam, beras kencur dan temulawak; botol 250 ml dan serbuk instan",),
            (3 * JT, 25 * JT),
            (0.2, 0.4),
            (2 * JT, 60 * JT),
            (
                "Alat pengering dan penggiling rempah untuk jamu instan",
                "Botol kaca dan pendingin",
                "Pendaftaran PIRT dan halal",
            ),
        ),
        _Kind(
            "kopi",
            "food",
            "Kopi",
            (
                "Kopi {district} {word}",
                "Kopi Bubuk Pak {man}",
                "Sangrai Kopi {word}",
                "Kopi Arabika {district}",
            ),
            (
                "Kopi robusta dan arabika bubuk dari petani sekitar, sangrai medium, kemasan 200 g",
                "Biji kopi sangrai dan bubuk untuk kedai kopi, langganan bulanan",
            ),
            (5 * JT, 60 * JT),
            (0.15, 0.3),
            (10 * JT, 250 * JT),
            (
                "Mesin sangrai 5 kg",
                "Pembelian biji kopi saat panen",
                "Mesin giling dan kemasan valve",
            ),
            green=0.3,
        ),
        _Kind(
            "otak_otak",
            "food",
            "Otak-otak",
            ("Otak-otak {word}", "Otak-otak Daeng {man}", "Pisang Epe {district}"),
            ("Otak-otak ikan tenggiri bakar dan beku dengan saus kacang, untuk oleh-oleh",),
            (6 * JT, 45 * JT),
            (0.15, 0.3),
            (5 * JT, 100 * JT),
            ("Freezer dan vacuum sealer untuk produk beku", "Gerobak bakar kedua"),
        ),
        _Kind(
            "warung",
            "retail",
            "Warung",
            (
                "Warung Sembako Bu {woman}",
                "Toko {word}",
                "Warung Makan {woman}",
                "Warung Kelontong {word}",
                "Warung Nasi {district}",
            ),
            (
                "Sembako, minuman, gas elpiji dan pulsa untuk warga sekitar",
                "Nasi rames, sayur asem dan lauk harian untuk pekerja sekitar",
            ),
            (10 * JT, 70 * JT),
            (0.05, 0.15),
            (5 * JT, 150 * JT),
            (
                "Menambah stok sembako dan lemari pendingin",
                "Renovasi dapur dan meja makan",
                "Sistem kasir sederhana",
            ),
        ),
        _Kind(
            "laundry",
            "services",
            "Laundry",
            ("Laundry Kilat {word}", "{word} Laundry", "Laundry Kiloan Bu {woman}"),
            ("Cuci setrika kiloan, cuci karpet dan bed cover, antar jemput",),
            (6 * JT, 35 * JT),
            (0.15, 0.35),
            (15 * JT, 150 * JT),
            ("Mesin cuci dan pengering kapasitas 10 kg", "Motor antar jemput"),
        ),
        _Kind(
            "bengkel",
            "services",
            "Bengkel",
            ("Bengkel Motor {word}", "Bengkel {man} Motor", "Tambal Ban & Service {district}"),
            ("Servis motor, ganti oli, tambal ban dan suku cadang",),
            (8 * JT, 50 * JT),
            (0.12, 0.3),
            (10 * JT, 200 * JT),
            ("Kompresor dan alat servis injeksi", "Stok suku cadang"),
        ),
        _Kind(
            "digital",
            "digital",
            "Digital",
            ("Sablon Digital {word}", "Studio Desain {word}", "Percetakan {word}"),
            ("Sablon kaos DTF, cetak stiker kemasan UMKM dan desain logo",),
            (6 * JT, 40 * JT),
            (0.15, 0.35),
            (10 * JT, 200 * JT),
            ("Mesin cetak DTF", "Laptop dan lisensi perangkat lunak desain"),
        ),
        _Kind(
            "konveksi",
            "fashion",
            "Konveksi",
            ("Konveksi {word}", "Konveksi Bu {woman}", "Jahit {word} {district}"),
            ("Seragam sekolah dan kantor, kaos komunitas, gamis; pesanan partai kecil",),
            (10 * JT, 80 * JT),
            (0.1, 0.25),
            (10 * JT, 300 * JT),
            ("Dua mesin jahit high speed dan mesin obras", "Bahan kain untuk pesanan seragam"),
            seasonal=True,
        ),
        _Kind(
            "batik",
            "fashion",
            "Batik",
            ("Batik Tulis {word}", "Batik {district}", "Batik Cap {woman}", "Galeri Batik {word}"),
            (
                "Batik tulis dan cap pewarna alam: kain, kemeja dan selendang",
                "Batik cap motif lokal untuk seragam dan oleh-oleh",
            ),
            (6 * JT, 60 * JT),
            (0.15, 0.35),
            (10 * JT, 300 * JT),
            ("Kompor batik, canting cap dan pewarna alam", "Stok kain mori primissima"),
            green=0.25,
            seasonal=True,
        ),
        _Kind(
            "tenun",
            "fashion",
            "Tenun",
            ("Tenun Ikat {district}", "Tenun {word}", "Sarung Tenun Bu {woman}", "Songket {word}"),
            ("Kain tenun ikat dan songket tangan, selendang dan sarung; motif tradisional",),
            (4 * JT, 40 * JT),
            (0.15, 0.35),
            (5 * JT, 150 * JT),
            (
                "Benang dan pewarna untuk enam penenun",
                "Alat tenun gedogan baru",
                "Pemasaran ke galeri Mataram dan Bali",
            ),
            green=0.2,
        ),
        _Kind(
            "bambu",
            "craft",
            "Bambu",
            ("Kerajinan Bambu {word}", "Anyaman Bambu {district}", "Bambu Kreasi {man}"),
            ("Anyaman bambu: besek, tudung saji, keranjang parsel dan lampu hias",),
            (3 * JT, 30 * JT),
            (0.15, 0.35),
            (3 * JT, 100 * JT),
            ("Mesin pembelah bambu dan oven pengawet", "Bahan bambu tiga bulan"),
            green=0.6,
        ),
        _Kind(
            "perak",
            "craft",
            "Perak",
            ("Perak {district} {word}", "Silver {word}", "Kerajinan Perak Pak {man}"),
            ("Perhiasan dan miniatur perak filigri buatan tangan",),
            (8 * JT, 80 * JT),
            (0.15, 0.3),
            (20 * JT, 400 * JT),
            ("Stok bahan perak", "Etalase dan foto produk untuk toko daring"),
        ),
        _Kind(
            "gerabah",
            "craft",
            "Gerabah",
            ("Gerabah {district}", "Gerabah {word}", "Keramik Tanah Liat Bu {woman}"),
            ("Gerabah dan pot tanah liat ukir untuk hotel dan toko suvenir",),
            (3 * JT, 25 * JT),
            (0.15, 0.3),
            (3 * JT, 80 * JT),
            ("Tungku pembakaran baru", "Pengemasan aman untuk kirim ke Bali"),
            green=0.3,
        ),
        _Kind(
            "mebel",
            "manufacturing",
            "Mebel",
            ("Mebel {word}", "Kusen & Mebel Pak {man}", "Furnitur {word} {district}"),
            ("Meja, kursi dan lemari kayu pesanan; kusen pintu dan jendela",),
            (10 * JT, 90 * JT),
            (0.1, 0.25),
            (20 * JT, 400 * JT),
            ("Mesin serut dan gergaji meja", "Stok kayu kering"),
        ),
        _Kind(
            "lele",
            "fishery",
            "Lele",
            (
                "Lele {word}",
                "Budidaya Lele Pak {man}",
                "Kolam Nila {district}",
                "Lele Segar {word}",
            ),
            (
                "Budidaya lele dan nila di kolam terpal bioflok; panen tiap 3 bulan untuk pengepul "
                "dan warung pecel lele",
            ),
            (5 * JT, 60 * JT),
            (-0.05, 0.25),
            (5 * JT, 200 * JT),
            ("Kolam terpal bioflok tambahan dan aerator", "Benih dan pakan satu siklus"),
            green=0.2,
        ),
        _Kind(
            "ikan",
            "fishery",
            "Ikan",
            ("Ikan Bandeng {word}", "Ikan Asin {district}", "Bandeng Presto Bu {woman}"),
            ("Bandeng segar dan presto, ikan asin dan abon ikan dari nelayan setempat",),
            (6 * JT, 60 * JT),
            (0.05, 0.25),
            (5 * JT, 150 * JT),
            ("Cold box dan freezer", "Modal beli ikan saat musim"),
        ),
        _Kind(
            "rumput_laut",
            "fishery",
            "Rumput Laut",
            ("Rumput Laut {district}", "Budidaya Rumput Laut {word}"),
            ("Rumput laut kering dari budidaya tali panjang; dijual ke pengepul dan olahan dodol",),
            (3 * JT, 25 * JT),
            (0.0, 0.25),
            (3 * JT, 60 * JT),
            ("Tali, bibit dan para-para pengering", "Perahu kecil"),
            green=0.5,
        ),
        _Kind(
            "madu",
            "agriculture",
            "Madu",
            ("Madu Trigona {district}", "Madu {word}", "Lebah Madu Pak {man}"),
            ("Madu trigona (klanceng) dan propolis dari stup di kebun sendiri dan petani mitra",),
            (3 * JT, 25 * JT),
            (0.2, 0.45),
            (5 * JT, 80 * JT),
            ("Stup trigona tambahan", "Botol dan label"),
            green=0.7,
        ),
        _Kind(
            "ternak",
            "livestock",
            "Ternak",
            (
                "Ternak Domba {word}",
                "Ayam Kampung {district}",
                "Peternakan Sapi Pak {man}",
                "Kambing {word}",
            ),
            ("Penggemukan domba dan kambing untuk kurban dan aqiqah; ayam kampung petelur",),
            (4 * JT, 50 * JT),
            (-0.05, 0.25),
            (10 * JT, 300 * JT),
            ("Bakalan ternak untuk Iduladha", "Kandang panggung dan pakan fermentasi"),
        ),
    )
}


# --- programmes and cohorts -------------------------------------------------------------------
@dataclass(frozen=True)
class _CohortSpec:
    name: str
    regency: str
    starts_on: dt.date
    ends_on: dt.date
    size: int
    facilitator: int  # index into the organisation's facilitators


@dataclass(frozen=True)
class _ProgrammeSpec:
    name: str
    donor: str | None
    description: str
    modules: tuple[str, ...]
    cohorts: tuple[_CohortSpec, ...]
    pkh_share: float = 0.0  # share of enrolled owners who are PKH graduates
    low_income_share: float = 0.2
    collective_share: float = 0.1  # KUBE or koperasi


@dataclass(frozen=True)
class _ProgrammeOrgSpec:
    name: str
    slug: str
    province: str | None
    description: str
    facilitators: tuple[tuple[str, str], ...]  # (name, e-mail local part)
    programmes: tuple[_ProgrammeSpec, ...]


_MODULES_AKSI = (
    "Model bisnis (BMC)",
    "Rencana usaha",
    "Pembukuan sederhana",
    "Legalitas: NIB, PIRT, halal",
    "Akses keuangan dan KUR",
    "Pitching",
)
_d = dt.date
PROGRAMME_ORGS = (
    _ProgrammeOrgSpec(
        "Yayasan Penguatan Usaha Kecil (YPUK)",
        "ypuk",
        None,
        "Lembaga pendamping UMKM; anggota konsorsium program pemulihan ekonomi warga pasca "
        "pandemi di lima kabupaten/kota.",
        (
            ("Sri Wahyuni", "pendamping"),
            ("Agus Setiawan", "agus.setiawan"),
            ("Andi Nurlela Syam", "andi.nurlela"),
        ),
        (
            _ProgrammeSpec(
                "AKSI: Aksi Pemulihan Ekonomi Warga",
                "Konsorsium Solidaritas Warga (hibah Eropa)",
                "Pendampingan 24 bulan untuk UMKM terdampak pandemi: rencana usaha, legalitas, "
                "dan persiapan akses pembiayaan bank.",
                _MODULES_AKSI,
                (
                    _CohortSpec(
                        "AKSI Jakarta Timur 2025", "31.75", _d(2025, 2, 3), _d(2025, 11, 28), 18, 0
                    ),
                    _CohortSpec(
                        "AKSI Kabupaten Bogor 2025",
                        "32.01",
                        _d(2025, 2, 10),
                        _d(2025, 12, 5),
                        18,
                        1,
                    ),
                    _CohortSpec(
                        "AKSI Kota Yogyakarta 2025",
                        "34.71",
                        _d(2025, 3, 3),
                        _d(2025, 12, 12),
                        16,
                        0,
                    ),
                    _CohortSpec(
                        "AKSI Lombok Timur 2025", "52.03", _d(2025, 3, 10), _d(2025, 12, 19), 18, 2
                    ),
                    _CohortSpec(
                        "AKSI Makassar 2025", "73.71", _d(2025, 3, 17), _d(2025, 12, 19), 16, 2
                    ),
                ),
                low_income_share=0.35,
            ),
            _ProgrammeSpec(
                "Kelas Siap Pitching 2026",
                None,
                "Lanjutan AKSI untuk UMKM yang sudah memenuhi syarat bank: menyusun proposal dan "
                "berlatih pitching di depan investor.",
                ("Keuangan untuk investor", "Data room dan dokumen", "Pitch deck", "Pitching"),
                (
                    _CohortSpec(
                        "Siap Pitching Yogyakarta 2026",
                        "34.71",
                        _d(2026, 7, 6),
                        _d(2026, 12, 18),
                        12,
                        0,
                    ),
                    _CohortSpec(
                        "Siap Pitching Makassar 2026",
                        "73.71",
                        _d(2026, 7, 13),
                        _d(2026, 12, 18),
                        12,
                        2,
                    ),
                ),
            ),
        ),
    ),
    _ProgrammeOrgSpec(
        "Yayasan Damping Usaha Lestari",
        "dampingusaha",
        None,
        "Program CSR PT Susu Segar Nusantara bersama Yayasan Pendidikan Usaha Mandiri: "
        "pendampingan tiga bulan agar UMKM bertahan, berinovasi dan bertumbuh.",
        (("Dewi Kusuma", "dewi.kusuma"), ("Rudi Hermawan", "rudi.hermawan")),
        (
            _ProgrammeSpec(
                "Damping UMKM Lestari",
                "CSR PT Susu Segar Nusantara",
                "Kelas intensif dan pendampingan lapangan: inovasi produk, pemasaran digital, "
                "keuangan dan dampak lingkungan usaha.",
                (
                    "Inovasi produk",
                    "Pemasaran digital",
                    "Pembukuan sederhana",
                    "Usaha ramah lingkungan",
                ),
                (
                    _CohortSpec(
                        "Damping Kabupaten Bogor Batch 3",
                        "32.01",
                        _d(2026, 3, 2),
                        _d(2026, 9, 25),
                        16,
                        0,
                    ),
                    _CohortSpec(
                        "Damping Jakarta Timur Batch 3",
                        "31.75",
                        _d(2026, 5, 4),
                        _d(2026, 12, 11),
                        14,
                        1,
                    ),
                ),
            ),
        ),
    ),
    _ProgrammeOrgSpec(
        "Sentra Berdaya DKI",
        "sentraberdaya",
        "31",
        "Percontohan dinas sosial bersama laboratorium akselerator PBB: pelatihan dan asesmen "
        "usaha yang menghubungkan keluarga penerima manfaat dengan investor sosial.",
        (("Ratna Handayani", "ratna.handayani"), ("Iwan Gunawan", "iwan.gunawan")),
        (
            _ProgrammeSpec(
                "SETARA: Ekonomi Berdaya, Setara Bersama",
                "Lab Akselerator PBB",
                "Kewirausahaan, pengembangan produk, pemasaran digital, akses layanan keuangan "
                "dan asesmen usaha untuk KPM dan UMKM binaan.",
                (
                    "Kewirausahaan",
                    "Pengembangan produk",
                    "Pemasaran digital",
                    "Literasi keuangan",
                    "Asesmen usaha",
                ),
                (
                    _CohortSpec(
                        "SETARA Jakarta Timur 2025",
                        "31.75",
                        _d(2025, 11, 14),
                        _d(2026, 6, 30),
                        16,
                        0,
                    ),
                    _CohortSpec(
                        "SETARA Jakarta Timur 2026", "31.75", _d(2026, 9, 1), _d(2027, 2, 26), 10, 1
                    ),
                ),
                pkh_share=0.6,
                low_income_share=0.9,
            ),
        ),
    ),
    _ProgrammeOrgSpec(
        "Deputi Pemberdayaan Usaha Mikro",
        "deputimikro",
        None,
        "Unit kementerian yang mendampingi usaha mikro di wilayah prioritas kemiskinan ekstrem "
        "lewat pendekatan kelompok, sentra dan klaster dalam wadah koperasi.",
        (("Lalu Wirahadi Hamdani", "lalu.wirahadi"), ("Hasnah Rasyid", "hasnah.rasyid")),
        (
            _ProgrammeSpec(
                "Klaster Usaha Mikro Penghapusan Kemiskinan Ekstrem",
                None,
                "Pendampingan, pelatihan, fasilitasi akses pembiayaan dan pasar bagi usaha "
                "mikro keluarga miskin ekstrem; pemantauan lewat sistem daring.",
                ("Kelembagaan koperasi", "Produksi dan mutu", "Akses pasar", "Akses pembiayaan"),
                (
                    _CohortSpec(
                        "Klaster Lombok Timur 2026",
                        "52.03",
                        _d(2026, 1, 12),
                        _d(2026, 10, 30),
                        16,
                        0,
                    ),
                    _CohortSpec(
                        "Klaster Makassar 2026", "73.71", _d(2026, 2, 2), _d(2026, 12, 18), 14, 1
                    ),
                ),
                pkh_share=0.3,
                low_income_share=0.95,
                collective_share=0.35,
            ),
        ),
    ),
    _ProgrammeOrgSpec(
        "Pendamping Sosial PKH Graduasi",
        "pkhgraduasi",
        None,
        "Pendamping sosial yang membina keluarga penerima PKH yang graduasi dan memiliki "
        "embrio usaha, lalu menghubungkannya dengan KUR, Mekaar dan UMi.",
        (("Yuli Susanti", "yuli.susanti"), ("Muhammad Zaini", "muhammad.zaini")),
        (
            _ProgrammeSpec(
                "Wirausaha KPM PKH Graduasi",
                None,
                "Inkubator bisnis untuk KPM PKH graduasi: mentoring usaha, kelompok usaha "
                "bersama (KUBE) dan pembiayaan berbunga lunak.",
                (
                    "Motivasi dan rencana usaha",
                    "Kelompok usaha bersama",
                    "Pembukuan sederhana",
                    "KUR, Mekaar dan UMi",
                ),
                (
                    _CohortSpec(
                        "PKH Graduasi Kabupaten Bogor 2025",
                        "32.01",
                        _d(2025, 6, 2),
                        _d(2026, 2, 27),
                        14,
                        0,
                    ),
                    _CohortSpec(
                        "PKH Graduasi Kota Yogyakarta 2026",
                        "34.71",
                        _d(2026, 4, 6),
                        _d(2026, 12, 18),
                        12,
                        0,
                    ),
                    _CohortSpec(
                        "PKH Graduasi Lombok Timur 2026",
                        "52.03",
                        _d(2026, 4, 13),
                        _d(2026, 12, 18),
                        12,
                        1,
                    ),
                ),
                pkh_share=1.0,
                low_income_share=1.0,
                collective_share=0.25,
            ),
        ),
    ),
)


# --- investors --------------------------------------------------------------------------------
@dataclass(frozen=True)
class _InvestorSpec:
    name: str
    slug: str
    kind: str
    provinces: tuple[str, ...]
    sectors: tuple[str, ...]
    ticket: tuple[int, int]
    instruments: tuple[str, ...]
    min_stage: str
    thesis: str
    themes: tuple[str, ...] = ()
    verified: bool = True

    @property
    def sharia_only(self) -> bool:
        return self.kind == "sharia_financier"


_ALL_SECTORS = tuple(vocab.SECTORS)
_PRODUCERS = ("food", "agriculture", "fishery", "livestock", "craft", "fashion")
INVESTORS = (
    _InvestorSpec(
        "Bank Rakyat Nusantara — Unit Jatinegara",
        "brn-jatinegara",
        "bank",
        ("31",),
        _ALL_SECTORS,
        (10 * JT, 500 * JT),
        ("kur", "loan"),
        "layak",
        "Penyalur KUR mikro dan kecil di Jakarta Timur. Kami membaca arus kas enam "
        "bulan, NIB dan rekening usaha.",
    ),
    _InvestorSpec(
        "Bank Rakyat Nusantara — Unit Selong",
        "brn-selong",
        "bank",
        ("52",),
        _PRODUCERS + ("retail",),
        (5 * JT, 100 * JT),
        ("kur",),
        "layak",
        "KUR super mikro dan mikro untuk petani, peternak dan penenun Lombok Timur.",
    ),
    _InvestorSpec(
        "Bank Mandala Usaha — Cabang Makassar",
        "mandala-makassar",
        "bank",
        ("73",),
        _ALL_SECTORS,
        (25 * JT, 500 * JT),
        ("kur", "loan"),
        "bankable",
        "KUR kecil dan kredit modal kerja untuk usaha yang sudah berjalan dua tahun.",
    ),
    _InvestorSpec(
        "BPD Pasundan — Cabang Cibinong",
        "pasundan-cibinong",
        "bank",
        ("32",),
        _ALL_SECTORS,
        (10 * JT, 500 * JT),
        ("kur", "loan"),
        "layak",
        "Bank daerah penyalur KUR di Kabupaten Bogor; perikanan dan olahan pangan.",
    ),
    _InvestorSpec(
        "Bank Tugu Mataram — KCP Kotagede",
        "tugu-kotagede",
        "bank",
        ("34",),
        ("fashion", "craft", "food", "services", "retail"),
        (10 * JT, 250 * JT),
        ("kur", "loan"),
        "layak",
        "KUR untuk perajin batik, perak dan kuliner Yogyakarta.",
    ),
    _InvestorSpec(
        "Dana Dampak Nusantara",
        "danadampak",
        "impact_fund",
        (),
        ("food", "agriculture", "fishery", "craft", "fashion"),
        (100 * JT, 2000 * JT),
        ("equity", "revenue_share"),
        "bankable",
        "Modal sabar untuk usaha pangan dan kerajinan yang dipimpin perempuan dan "
        "ramah lingkungan; bagi hasil dari omzet.",
        ("women_led", "green"),
    ),
    _InvestorSpec(
        "Lentera Impact Ventures",
        "lentera",
        "impact_fund",
        (),
        ("agriculture", "fishery", "food", "manufacturing"),
        (150 * JT, 1500 * JT),
        ("equity", "revenue_share", "loan"),
        "bankable",
        "Rantai pasok pangan berkelanjutan: kopi, madu, rumput laut dan perikanan.",
        ("green",),
    ),
    _InvestorSpec(
        "Teras Dampak Sosial",
        "terasdampak",
        "impact_fund",
        ("52", "73"),
        _PRODUCERS,
        (50 * JT, 500 * JT),
        ("revenue_share", "loan"),
        "layak",
        "Pembiayaan bagi hasil untuk usaha inklusif di Indonesia timur.",
        ("women_led", "disability_inclusive"),
        verified=False,
    ),
    _InvestorSpec(
        "Yayasan Peduli Energi Bumi Lestari",
        "ebl-peduli",
        "csr_fund",
        ("31", "32"),
        _ALL_SECTORS,
        (3 * JT, 50 * JT),
        ("grant",),
        "belum_layak",
        "Hibah alat usaha untuk keluarga PKH graduasi dan perempuan kepala keluarga.",
        ("pkh_graduate", "women_led"),
    ),
    _InvestorSpec(
        "Program Kemitraan Pelabuhan Timur Raya",
        "pelabuhantimur",
        "csr_fund",
        ("73", "52"),
        ("fishery", "food", "craft", "retail"),
        (10 * JT, 200 * JT),
        ("loan", "grant"),
        "layak",
        "Pinjaman lunak dan hibah untuk usaha pesisir mitra pelabuhan.",
        ("pkh_graduate",),
    ),
    _InvestorSpec(
        "Yayasan CSR Susu Segar Nusantara",
        "csr-sususegar",
        "csr_fund",
        (),
        ("food", "agriculture", "livestock"),
        (5 * JT, 25 * JT),
        ("grant",),
        "belum_layak",
        "Hibah bahan baku dan alat untuk alumni Damping UMKM Lestari.",
        ("women_led", "green"),
    ),
    _InvestorSpec(
        "KSP Mitra Sejahtera",
        "kspmitra",
        "cooperative",
        ("31", "32"),
        ("retail", "food", "services", "fashion"),
        (2 * JT, 50 * JT),
        ("loan",),
        "layak",
        "Pinjaman anggota untuk warung, kuliner dan jasa di Jabodetabek.",
    ),
    _InvestorSpec(
        "KSP Guyub Rukun Yogyakarta",
        "guyubrukun",
        "cooperative",
        ("34",),
        _ALL_SECTORS,
        (2 * JT, 75 * JT),
        ("loan",),
        "layak",
        "Koperasi simpan pinjam untuk anggota pelaku usaha di Kota Yogyakarta.",
    ),
    _InvestorSpec(
        "Koperasi Wanita Sipakatau",
        "kopwansipakatau",
        "cooperative",
        ("73",),
        ("food", "retail", "fashion", "services"),
        (2 * JT, 30 * JT),
        ("loan",),
        "belum_layak",
        "Pinjaman kelompok untuk perempuan pengusaha mikro di Makassar.",
        ("women_led",),
        verified=False,
    ),
    _InvestorSpec(
        "BMT Al-Ikhlas Cibinong",
        "bmt-alikhlas",
        "sharia_financier",
        ("32", "31"),
        _ALL_SECTORS,
        (2 * JT, 50 * JT),
        ("murabahah", "mudharabah", "qard"),
        "layak",
        "Pembiayaan syariah mikro: murabahah bahan baku dan qardhul hasan untuk usaha baru.",
    ),
    _InvestorSpec(
        "BPRS Amanah Rinjani",
        "bprs-rinjani",
        "sharia_financier",
        ("52",),
        _ALL_SECTORS,
        (10 * JT, 300 * JT),
        ("murabahah", "musyarakah", "mudharabah"),
        "layak",
        "Bank pembiayaan rakyat syariah untuk UMKM Lombok Timur.",
    ),
    _InvestorSpec(
        "BMT Bina Ummah Makassar",
        "bmt-binaummah",
        "sharia_financier",
        ("73",),
        _ALL_SECTORS,
        (3 * JT, 100 * JT),
        ("murabahah", "qard", "musyarakah"),
        "belum_layak",
        "Pembiayaan syariah tanpa riba untuk pedagang dan nelayan.",
    ),
    _InvestorSpec(
        "Lembaga Dana Bergulir Usaha Nusantara",
        "ldbun",
        "revolving_fund",
        (),
        _ALL_SECTORS,
        (100 * JT, 2000 * JT),
        ("loan", "musyarakah"),
        "bankable",
        "Dana bergulir pemerintah untuk koperasi dan badan usaha yang berbadan hukum "
        "dan sudah untung.",
    ),
    _InvestorSpec(
        "UPT Dana Bergulir Nusa Tenggara",
        "danabergulir-nt",
        "revolving_fund",
        ("52",),
        _ALL_SECTORS,
        (10 * JT, 150 * JT),
        ("loan",),
        "layak",
        "Pinjaman bergulir bunga rendah untuk usaha mikro dan kecil di NTB.",
    ),
    _InvestorSpec(
        "Jaringan Angel Sosial Indonesia",
        "jasi",
        "angel",
        (),
        ("food", "digital", "craft", "fashion", "services"),
        (50 * JT, 500 * JT),
        ("equity", "revenue_share"),
        "bankable",
        "Investor individu yang mendampingi usaha bertumbuh; perempuan pendiri diutamakan.",
        ("women_led",),
    ),
    _InvestorSpec(
        "Komunitas Angel Peduli UMKM Jogja",
        "angeljogja",
        "angel",
        ("34",),
        ("fashion", "craft", "food", "digital"),
        (25 * JT, 200 * JT),
        ("revenue_share", "equity", "mudharabah"),
        "layak",
        "Bagi hasil untuk perajin dan kuliner Yogyakarta.",
    ),
    _InvestorSpec(
        "Sahabat Modal Mataram",
        "sahabatmodal",
        "angel",
        ("52",),
        _PRODUCERS,
        (10 * JT, 100 * JT),
        ("revenue_share", "mudharabah"),
        "layak",
        "Kelompok investor lokal untuk tenun, kopi dan madu Lombok.",
        ("green",),
        verified=False,
    ),
)
# The demo investors' display names, per organisation slug.
_DEMO_INVESTOR_NAMES = {"brn-jatinegara": "Hendra Gunawan", "sahabatmodal": "Lalu Ahmad Fauzi"}
_BANK_NAMES = {
    "31": ("Bank Rakyat Nusantara", "Bank Mandala Usaha", "Bank Syariah Amanah"),
    "32": ("Bank Rakyat Nusantara", "BPD Pasundan", "Bank Syariah Amanah"),
    "34": ("Bank Rakyat Nusantara", "Bank Tugu Mataram", "Bank Syariah Amanah"),
    "52": ("Bank Rakyat Nusantara", "BPRS Amanah Rinjani", "Bank Syariah Amanah"),
    "73": ("Bank Rakyat Nusantara", "Bank Mandala Usaha", "Bank Syariah Amanah"),
}
_OUTSIDE_MENTORING = (
    "Pelatihan Kewirausahaan Dinas Koperasi dan UKM",
    "Inkubator Bisnis Kampus",
    "Kelas Literasi Keuangan",
    "Pelatihan Pengemasan Produk Dinas Perindustrian",
)


# --- the builder ------------------------------------------------------------------------------
@dataclass
class _World:
    """Everything built so far, and the dates to stamp on rows once the services are done."""

    rng: random.Random
    password_hash: str
    progress: Progress | None
    total: int
    done: int = 0
    emails: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)
    stamps: list[tuple[object, dt.datetime]] = field(default_factory=list)
    enterprises: list[Enterprise] = field(default_factory=list)
    owners: int = 0
    on_behalf: int = 0
    facilitators: int = 0
    programme_orgs: int = 0
    programmes: int = 0
    cohorts: int = 0
    investor_orgs: list[tuple[Organisation, str]] = field(default_factory=list)
    investor_users: int = 0
    attestations: int = 0
    targets: list[str] = field(default_factory=list)

    def step(self, message: str) -> None:
        self.done += 1
        if self.progress is not None:
            self.progress(self.done, self.total, message)

    def stamp(self, row: object, when: dt.date | dt.datetime) -> None:
        self.stamps.append((row, _moment(when)))


def _moment(when: dt.date | dt.datetime) -> dt.datetime:
    if isinstance(when, dt.datetime):
        return when
    # 09.00 WIB on the day: office hours, and the same calendar day in Jakarta and in UTC.
    return dt.datetime(when.year, when.month, when.day, 2, 0, tzinfo=dt.UTC)


def seed_demo(*, progress: Progress | None = None) -> DemoSummary:
    """Build the demo world in the current session (flushes, never commits).

    `progress(done, total, message)` is called after each step (for a CLI progress bar).
    Raises Conflict when the database has any user already: the demo needs an empty database,
    and mixing it into real data would publish fictional enterprises beside real ones.
    Side effects: organisations, users (all with DEMO_PASSWORD), programmes, cohorts,
    enterprises with documents, revenues, enrolments and attestations, mandates; audit entries
    written by the services, re-dated to DEMO_NOW; search reindex jobs queued by the profile
    services (they run after the caller commits).
    """
    if db.session.scalar(select(func.count()).select_from(User)):
        raise Conflict(_l("The database has users already; the demo needs an empty database."))
    # The demo password is public; checking it here keeps DEMO_LOGINS honest if the rules change.
    passwords.check_password_rules(DEMO_PASSWORD)
    first_audit_id = db.session.scalar(select(func.max(audit.AuditEvent.id))) or 0
    enterprise_count = sum(
        cohort.size for org in PROGRAMME_ORGS for p in org.programmes for cohort in p.cohorts
    )
    world = _World(
        rng=random.Random(SEED),
        # Argon2 costs ~50 ms a hash by design. Every demo user has the same, published
        # password, so one hash serves them all and the seed stays fast; a unique hash per
        # user would hide nothing here.
        password_hash=passwords.hash_password(DEMO_PASSWORD),
        progress=progress,
        total=1 + enterprise_count + len(INVESTORS) + 1,
    )
    world.names.update(_DEMO_NAMES.values())
    world.targets = _stage_targets(world.rng, enterprise_count)

    admin = _platform(world)
    world.step("platform")
    for org_spec in PROGRAMME_ORGS:
        _programme_organisation(world, org_spec, admin)
    for org_spec in INVESTORS:
        _investor(world, org_spec, admin)
        world.step(org_spec.name)

    stages: Counter[str] = Counter()
    for enterprise in world.enterprises:
        stages[profile_services.assess(enterprise, today=DEMO_TODAY).stage] += 1
    _restamp(world, first_audit_id)
    world.step("timestamps")

    kinds = Counter(kind for _org, kind in world.investor_orgs)
    return DemoSummary(
        enterprises=len(world.enterprises),
        published=sum(e.status == "published" for e in world.enterprises),
        owner_accounts=world.owners,
        created_on_behalf=world.on_behalf,
        programme_organisations=world.programme_orgs,
        programmes=world.programmes,
        cohorts=world.cohorts,
        facilitators=world.facilitators,
        investor_organisations=len(world.investor_orgs),
        verified_investor_organisations=sum(o.is_verified for o, _kind in world.investor_orgs),
        investor_users=world.investor_users,
        investor_kinds={code: kinds[code] for code in vocab.INVESTOR_KINDS if kinds[code]},
        stages={code: stages[code] for code in vocab.STAGES},
        regencies=dict(sorted(Counter(e.regency_code for e in world.enterprises).items())),
        attestations=world.attestations,
    )


def _stage_targets(rng: random.Random, count: int) -> list[str]:
    """The stage each enterprise is built towards, in STAGE_TARGETS' proportions, shuffled.

    Dealt from a shuffled deck rather than drawn one by one, so that the demo shows the
    intended spread instead of whatever 230 coin tosses happen to give.
    """
    total = sum(STAGE_TARGETS.values())
    deck: list[str] = []
    for code, share in STAGE_TARGETS.items():
        deck += [code] * round(count * share / total)
    deck += ["bankable"] * (count - len(deck))
    rng.shuffle(deck)
    return deck[:count]


def _restamp(world: _World, first_audit_id: int) -> None:
    """Replace clock times written during seeding with the world's fixed dates.

    Services stamp `created_at`, `published_at`, `verified_at` and audit entries with the
    clock; the demo must be the same on every run, and a demo dated "today" would show every
    enterprise as created in the same second.
    """
    for row, when in world.stamps:
        for column in ("created_at", "updated_at"):
            if hasattr(row, column):
                setattr(row, column, when)
    db.session.flush()
    db.session.execute(
        update(audit.AuditEvent)
        .where(audit.AuditEvent.id > first_audit_id)
        .values(created_at=DEMO_NOW)
    )


# --- people and accounts ----------------------------------------------------------------------
def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return ".".join(
        part for part in "".join(c.lower() if c.isalnum() else " " for c in ascii_text).split()
    )


def _person(rng: random.Random, people: str, *, woman: bool) -> str:
    first = rng.choice(_WOMEN[people] if woman else _MEN[people])
    if rng.random() < 0.75:
        return f"{first} {rng.choice(_SURNAMES[people])}"
    return first


def _unique_email(world: _World, local: str, domain: str) -> str:
    email = f"{local}@{domain}"
    number = 2
    while email in world.emails:
        email = f"{local}{number}@{domain}"
        number += 1
    world.emails.add(email)
    return email


def _user(
    world: _World,
    *,
    email: str,
    name: str,
    role: str,
    organisation: Organisation,
    phone: str | None,
    when: dt.date,
) -> User:
    """A demo user with the shared demo password hash (see seed_demo for why it is shared)."""
    world.emails.add(email)
    user = User(
        email=account_services.normalise_email(email),
        name=name,
        phone=phone,
        password_hash=world.password_hash,
        role=role,
        organisation=organisation,
        locale="id",
        active=True,
        password_changed_at=_moment(when),
        totp_enabled=False,
    )
    db.session.add(user)
    world.stamp(user, when)
    return user


def _phone(rng: random.Random) -> str:
    number = f"{rng.choice(_MOBILE_PREFIXES)}-{rng.randint(1000, 9999)}-{rng.randint(100, 9999)}"
    return validators.normalise_phone(number)


def _platform(world: _World) -> User:
    platform = Organisation(kind="platform", name="TemuModal", verified_at=DEMO_NOW)
    db.session.add(platform)
    world.stamp(platform, _d(2025, 1, 6))
    admin = _user(
        world,
        email=DEMO_LOGINS[0].email,
        name="Admin TemuModal",
        role="admin",
        organisation=platform,
        phone=None,
        when=_d(2025, 1, 6),
    )
    db.session.flush()
    return admin


def _verify(world: _World, admin: User, organisation: Organisation, when: dt.date) -> None:
    account_services.verify_organisation(admin=admin, organisation=organisation)
    organisation.verified_at = _moment(when)


# --- programme organisations, cohorts and their enterprises -----------------------------------
def _programme_organisation(world: _World, spec: _ProgrammeOrgSpec, admin: User) -> None:
    rng = world.rng
    first_start = min(c.starts_on for p in spec.programmes for c in p.cohorts)
    joined = first_start - dt.timedelta(days=45)
    organisation = Organisation(
        kind="programme",
        name=spec.name,
        province_code=spec.province,
        description=spec.description,
        website=f"https://{spec.slug}.example.org",
    )
    db.session.add(organisation)
    world.stamp(organisation, joined)
    facilitators = [
        _user(
            world,
            email=f"{local}@{spec.slug}.example.org",
            name=name,
            role="facilitator",
            organisation=organisation,
            phone=_phone(rng),
            when=joined,
        )
        for name, local in spec.facilitators
    ]
    db.session.flush()
    _verify(world, admin, organisation, joined + dt.timedelta(days=2))
    world.programme_orgs += 1
    world.facilitators += len(facilitators)

    for programme_spec in spec.programmes:
        programme = profile_services.create_programme(
            facilitator=facilitators[0],
            name=programme_spec.name,
            description=programme_spec.description,
            donor=programme_spec.donor,
        )
        world.stamp(
            programme, min(c.starts_on for c in programme_spec.cohorts) - dt.timedelta(days=30)
        )
        world.programmes += 1
        for cohort_spec in programme_spec.cohorts:
            facilitator = facilitators[cohort_spec.facilitator]
            cohort = profile_services.create_cohort(
                facilitator=facilitator,
                programme=programme,
                name=cohort_spec.name,
                province_code=PLACES[cohort_spec.regency].province,
                regency_code=cohort_spec.regency,
                starts_on=cohort_spec.starts_on,
                ends_on=cohort_spec.ends_on,
            )
            cohort.modules = list(programme_spec.modules)
            world.stamp(cohort, cohort_spec.starts_on - dt.timedelta(days=14))
            world.cohorts += 1
            for position in range(cohort_spec.size):
                enterprise = _enterprise(
                    world, programme_spec, cohort_spec, cohort, facilitator, position
                )
                world.enterprises.append(enterprise)
                world.step(enterprise.name)


@dataclass
class _Plan:
    """The facts chosen for one enterprise before they are written through the services."""

    kind: _Kind
    place: _Place
    target: str
    legal_form: str
    woman: bool
    owner_name: str
    founded_on: dt.date
    enrolled_on: dt.date
    status: str  # enrolment status
    months: int
    monthly: int
    margin: float
    capital: int
    ask: int
    failures: set[str]
    sharia: bool
    pkh: bool
    low_income: bool
    published: bool


def _log_uniform(rng: random.Random, low: int, high: int) -> float:
    return math.exp(rng.uniform(math.log(low), math.log(high)))


def _round(amount: float, step: int) -> int:
    return max(step, int(round(amount / step)) * step)


def _day_between(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    if last <= first:
        return first
    return first + dt.timedelta(days=rng.randint(0, (last - first).days))


_LAYAK_FAILURES = ("no_nik", "no_licence", "sku_expired", "no_revenue")
_BANKABLE_FAILURES = ("no_books", "no_bank", "short_history", "loss")


def _plan(world: _World, programme: _ProgrammeSpec, cohort: _CohortSpec) -> _Plan:
    rng = world.rng
    place = PLACES[cohort.regency]
    codes = [code for code, _weight in place.kinds]
    kind = KINDS[rng.choices(codes, weights=[w for _c, w in place.kinds])[0]]
    pkh = rng.random() < programme.pkh_share
    low_income = pkh or rng.random() < programme.low_income_share
    woman = rng.random() < (0.8 if pkh else 0.55)
    collective = rng.random() < programme.collective_share
    form_roll = rng.random()
    if collective:
        legal_form = "koperasi" if form_roll < 0.35 else "kube"
    elif form_roll < 0.07:
        legal_form = "cv"
    elif form_roll < 0.14 and not low_income:
        legal_form = "pt"
    else:
        legal_form = "perorangan"
    scale = {"perorangan": 1.0, "kube": 1.6, "cv": 2.5, "koperasi": 3.0, "pt": 5.0}[legal_form]
    if low_income and legal_form == "perorangan":
        scale = 0.6

    finished = cohort.ends_on < DEMO_TODAY
    enrolled_on = _day_between(rng, cohort.starts_on, cohort.starts_on + dt.timedelta(days=14))
    target = world.targets.pop()
    monthly = _round(_log_uniform(rng, *kind.revenue) * scale, 50_000)
    # Modal usaha follows both the kind of business and how much it sells.
    typical = _log_uniform(rng, *kind.capital) * scale
    capital = min(
        2000 * JT, max(2 * JT, _round(math.sqrt(typical * monthly * rng.uniform(1, 6)), 500_000))
    )
    ask = _round(monthly * 12 * rng.uniform(0.05, 0.35), JT if monthly < 20 * JT else 5 * JT)
    ask = min(750 * JT, max(3 * JT, ask))

    failures: set[str] = set()
    status = "completed" if finished else "active"
    if target == "belum_layak":
        options = list(_LAYAK_FAILURES) + ([] if finished else ["young"])
        failures.update(rng.sample(options, k=rng.choice((1, 1, 2))))
        # Not yet eligible usually means not yet bankable either: books and bank come later.
        failures.update(f for f in _BANKABLE_FAILURES if rng.random() < 0.35)
    elif target == "layak":
        options = list(_BANKABLE_FAILURES)
        if ask > 50 * JT:
            options.append("no_npwp")
        if ask > 100 * JT:
            options.append("no_collateral")
        if kind.sector in vocab.FOOD_SECTORS:
            options += ["food_permit_missing", "food_permit_expired"]
        if finished:
            options.append("withdrawn")
        failures.update(rng.sample(options, k=rng.choice((1, 1, 2, 3))))
    if "withdrawn" in failures:
        status = "withdrawn"
    if "young" in failures:
        # Incubation cohorts take "embrio usaha": a business may start during the programme.
        founded_on = DEMO_TODAY - dt.timedelta(days=rng.randint(60, 170))
    else:
        founded_on = _day_between(rng, _d(2009, 1, 1), enrolled_on - dt.timedelta(days=240))
    age_months = (DEMO_TODAY.year - founded_on.year) * 12 + DEMO_TODAY.month - founded_on.month
    if "no_revenue" in failures:
        months = 0
    elif "short_history" in failures:
        months = rng.randint(1, 5)
    else:
        months = rng.randint(6, 12)
    months = min(months, max(0, age_months - 1))
    margin = rng.uniform(*kind.margin)
    if "loss" in failures:
        margin = rng.uniform(-0.15, -0.01)
    elif target != "belum_layak":
        margin = max(margin, 0.03)
    published_share = {"belum_layak": 0.5, "layak": 0.82, "bankable": 0.9}[target]
    return _Plan(
        kind=kind,
        place=place,
        target=target,
        legal_form=legal_form,
        woman=woman,
        owner_name=_person(rng, place.people, woman=woman),
        founded_on=founded_on,
        enrolled_on=enrolled_on,
        status=status,
        months=months,
        monthly=monthly,
        margin=margin,
        capital=capital,
        ask=ask,
        failures=failures,
        sharia=rng.random() < place.sharia_share,
        pkh=pkh,
        low_income=low_income,
        published=rng.random() < published_share,
    )


def _business_name(world: _World, plan: _Plan) -> str:
    rng = world.rng
    people = plan.place.people
    for _attempt in range(30):
        base = rng.choice(plan.kind.names).format(
            word=rng.choice(_WORDS),
            district=rng.choice(plan.place.districts),
            woman=rng.choice(_WOMEN[people]).split()[-1],
            man=rng.choice(_MEN[people]).split()[-1],
        )
        if plan.legal_form == "kube":
            name = f"KUBE {rng.choice(_FLOWERS)} {plan.kind.short} {rng.choice(_WORDS)}"
        elif plan.legal_form == "koperasi":
            name = f"Koperasi Produsen {plan.kind.short} {rng.choice(plan.place.districts)}"
        elif plan.legal_form == "cv":
            name = f"CV {base}"
        elif plan.legal_form == "pt":
            name = f"PT {base} Nusantara"
        else:
            name = base
        if name not in world.names:
            world.names.add(name)
            return name
    raise RuntimeError("demo name lists are too short for the number of enterprises")


def _instruments(rng: random.Random, plan: _Plan) -> list[str]:
    if plan.legal_form == "pt":
        return ["equity", "revenue_share"] if rng.random() < 0.6 else ["loan", "revenue_share"]
    if plan.legal_form == "koperasi":
        return ["loan", "musyarakah"] if plan.sharia else ["loan"]
    if plan.sharia:
        if plan.ask <= 10 * JT:
            return [rng.choice(("qard", "murabahah"))]
        return rng.choice(
            (["murabahah"], ["mudharabah", "musyarakah"], ["murabahah", "musyarakah"])
        )
    choice = ["kur"] if plan.ask <= 500 * JT else ["loan", "revenue_share"]
    if plan.ask > 100 * JT and rng.random() < 0.5:
        choice.append("loan")
    if plan.pkh and plan.ask <= 50 * JT and rng.random() < 0.4:
        choice.append("grant")
    if plan.kind.green > 0.4 and rng.random() < 0.3:
        choice.append("revenue_share")
    return choice


def _nik(rng: random.Random, plan: _Plan) -> str:
    """A NIK in the real layout: regency, district, birth date (day + 40 for women), serial."""
    born = _d(rng.randint(1962, 2000), rng.randint(1, 12), rng.randint(1, 28))
    day = born.day + 40 if plan.woman else born.day
    regency = plan.place.regency.replace(".", "")
    return (
        f"{regency}{rng.randint(1, 12):02d}{day:02d}{born.month:02d}{born.year % 100:02d}"
        f"{rng.randint(1, 2999):04d}"
    )


def _enterprise(
    world: _World,
    programme: _ProgrammeSpec,
    cohort_spec: _CohortSpec,
    cohort: Cohort,
    facilitator: User,
    position: int,
) -> Enterprise:
    rng = world.rng
    special = _DEMO_OWNERS.get((cohort_spec.name, position))
    plan = _plan(world, programme, cohort_spec)
    if special is not None:
        plan = special(plan)
    name = _DEMO_NAMES[special] if special is not None else _business_name(world, plan)
    owner_phone = _phone(rng)
    with_account = special is not None or rng.random() < 0.2

    if with_account:
        organisation = Organisation(kind="enterprise", name=name)
        db.session.add(organisation)
        if special is not None:
            email = _DEMO_EMAILS[special]
        else:
            email = _unique_email(world, _slug(plan.owner_name), "pemilik.example.org")
        owner = _user(
            world,
            email=email,
            name=plan.owner_name,
            role="owner",
            organisation=organisation,
            phone=owner_phone,
            when=plan.enrolled_on - dt.timedelta(days=3),
        )
        db.session.flush()
        enterprise = Enterprise(organisation=organisation, name=name, created_by_id=owner.id)
        db.session.add(enterprise)
        db.session.flush()
        enrolment = profile_services.enrol_enterprise(
            facilitator=facilitator, cohort=cohort, enterprise=enterprise, today=plan.enrolled_on
        )
        # The owner accepted the programme's invitation (rights need the owner's consent).
        profile_services.answer_invitation(owner=owner, enrolment=enrolment, accept=True)
        editor = owner
        world.owners += 1
        world.stamp(organisation, plan.enrolled_on - dt.timedelta(days=3))
    else:
        enterprise = profile_services.create_enterprise_on_behalf(
            facilitator=facilitator,
            cohort=cohort,
            name=name,
            owner_name=plan.owner_name,
            owner_phone=owner_phone,
        )
        enrolment = enterprise.enrolments[0]
        enrolment.enrolled_on = plan.enrolled_on
        editor = facilitator
        world.on_behalf += 1
        world.stamp(enterprise.organisation, plan.enrolled_on)
    world.stamp(enterprise, plan.enrolled_on)
    world.stamp(enrolment, plan.enrolled_on)

    if plan.status == "completed":
        profile_services.set_enrolment_status(
            facilitator=facilitator,
            enrolment=enrolment,
            status=plan.status,
            today=cohort_spec.ends_on,
        )
    done = (
        len(programme.modules)
        if plan.status == "completed"
        else (rng.randint(0, len(programme.modules) - 1))
    )
    enrolment.modules_completed = list(programme.modules[:done])

    if special is _draft_owner:
        _fill_draft(world, plan, enterprise, editor, owner_phone=owner_phone)
        _withdraw_if_planned(plan, facilitator, enrolment)
        return enterprise
    _fill_profile(world, plan, enterprise, editor, owner_phone=owner_phone)
    _documents(world, plan, enterprise, editor)
    _revenues(world, plan, enterprise, editor)
    # Earlier mentoring elsewhere, for businesses old enough to have had it; it counts as
    # completed mentoring, so it would undo a "young" or "withdrawn" plan.
    if rng.random() < 0.18 and not plan.failures & {"young", "withdrawn"}:
        started = _day_between(rng, _d(2019, 1, 1), _d(2024, 6, 1))
        profile_services.add_mentoring_record(
            actor=editor,
            enterprise=enterprise,
            programme_name=rng.choice(_OUTSIDE_MENTORING),
            cohort_name=None,
            started_on=started,
            completed_on=started + dt.timedelta(days=rng.randint(3, 90)),
            modules_completed="Pembukuan, pemasaran",
        )
    if plan.published:
        profile_services.publish_profile(actor=editor, enterprise=enterprise)
        published = min(
            DEMO_TODAY - dt.timedelta(days=1),
            plan.enrolled_on + dt.timedelta(days=rng.randint(20, 120)),
        )
        enterprise.published_at = _moment(published)
    if (special is not None or rng.random() < 0.1) and plan.status != "withdrawn":
        _attest(
            world,
            enterprise,
            facilitator,
            attested_on=min(DEMO_TODAY, cohort_spec.ends_on) - dt.timedelta(days=7),
            count=3 if special is not None else rng.randint(1, 3),
        )
    _withdraw_if_planned(plan, facilitator, enrolment)
    return enterprise


def _withdraw_if_planned(plan: _Plan, facilitator: User, enrolment) -> None:
    # Last: withdrawing ends the facilitator's rights, and the profile was filled in before.
    if plan.status == "withdrawn":
        profile_services.set_enrolment_status(
            facilitator=facilitator, enrolment=enrolment, status="withdrawn"
        )


def _fill_profile(
    world: _World, plan: _Plan, enterprise: Enterprise, editor: User, *, owner_phone: str
) -> None:
    rng = world.rng
    kind, failures = plan.kind, plan.failures
    employees = min(60, 1 + int(plan.monthly / (12 * JT)) + rng.randint(0, 3))
    women = rng.randint(0, employees)
    if plan.woman:
        women = max(women, 1)
    turnover = _round(plan.monthly * 12 * rng.uniform(0.9, 1.1), 100_000)
    profit = _round(abs(turnover * plan.margin), 100_000) * (1 if plan.margin >= 0 else -1)
    year = plan.founded_on.year
    bank = "Bank Syariah Amanah" if plan.sharia else rng.choice(_BANK_NAMES[plan.place.province])
    if plan.ask > 100 * JT:
        collateral = "no_collateral" not in failures
    else:
        collateral = rng.random() < 0.3  # a motorbike BPKB or land certificate, unasked for
    data = {
        "legal_form": plan.legal_form,
        "sector": kind.sector,
        "products": rng.choice(kind.products),
        "description": (
            f"{kind.short} dari {rng.choice(plan.place.districts)}, "
            f"{regions.regency_name(plan.place.regency)}. Berdiri sejak {year}, "
            f"{employees} orang bekerja di sini."
        ),
        "province_code": plan.place.province,
        "regency_code": plan.place.regency,
        "founded_on": plan.founded_on,
        "employees": employees,
        "women_employees": women,
        "owner_name": plan.owner_name,
        "women_led": plan.woman,
        "share_women_led": plan.woman and rng.random() < 0.7,
        "pkh_graduate": plan.pkh,
        "share_pkh_graduate": plan.pkh and rng.random() < 0.4,
        "disability_inclusive": (inclusive := rng.random() < 0.07),
        "share_disability_inclusive": inclusive and rng.random() < 0.5,
        "low_income_household": plan.low_income,
        "green": rng.random() < kind.green,
        "capital": plan.capital,
        "annual_turnover": turnover if plan.months else None,
        "profit_last_year": profit if plan.months or "loss" in failures else None,
        "ask_amount": plan.ask,
        "ask_instruments": _instruments(rng, plan),
        "use_of_funds": rng.choice(kind.uses),
        "tenor_months": rng.choice((12, 18, 24, 36))
        if plan.ask <= 100 * JT
        else rng.choice((24, 36, 48, 60)),
        "has_bank_account": "no_bank" not in failures,
        "bank_name": None if "no_bank" in failures else bank,
        "keeps_books": "no_books" not in failures,
        "has_collateral": collateral,
    }
    if not set(data["ask_instruments"]) - {"grant", "equity"}:
        data["tenor_months"] = None
    if not plan.published and rng.random() < 0.3:
        # A draft is often a draft because the ask is still being worked out with the pendamping.
        data["ask_amount"] = None
        data["ask_instruments"] = []
        data["tenor_months"] = None
    nik = None if "no_nik" in failures else _nik(rng, plan)
    profile_services.update_profile(
        actor=editor, enterprise=enterprise, data=data, nik=nik, owner_phone=owner_phone
    )


def _documents(world: _World, plan: _Plan, enterprise: Enterprise, editor: User) -> None:
    rng = world.rng
    failures = plan.failures
    start = max(plan.founded_on, _d(2019, 1, 1))
    last = DEMO_TODAY - dt.timedelta(days=20)

    def record(kind: str, number: str | None, issued: dt.date, years: int | None) -> None:
        expires = None if years is None else readiness.months_after(issued, 12 * years)
        profile_services.set_document(
            actor=editor,
            enterprise=enterprise,
            kind=kind,
            number=number,
            issued_on=issued,
            expires_on=expires,
        )

    if "sku_expired" in failures:
        issued = _day_between(rng, start, DEMO_TODAY - dt.timedelta(days=400))
        record("sku", f"503/{rng.randint(10, 999)}/SKU/{issued.year}", issued, 1)
    elif "no_licence" not in failures:
        record("nib", f"9120{rng.randint(10**8, 10**9 - 1)}", _day_between(rng, start, last), None)
        if rng.random() < 0.2:
            issued = _day_between(rng, max(start, DEMO_TODAY - dt.timedelta(days=300)), last)
            record("sku", f"503/{rng.randint(10, 999)}/SKU/{issued.year}", issued, 1)
    needs_npwp = plan.ask > 50 * JT
    if (needs_npwp and "no_npwp" not in failures) or (not needs_npwp and rng.random() < 0.3):
        if plan.legal_form == "perorangan":
            npwp = f"{rng.randint(10, 99)}{rng.randint(10**12, 10**13 - 1)}"  # 15 digits
        else:
            npwp = f"0{rng.randint(10, 99)}{rng.randint(10**12, 10**13 - 1)}"  # entity, 16
        record("npwp", npwp, _day_between(rng, start, last), None)
    if plan.kind.sector in vocab.FOOD_SECTORS and "food_permit_missing" not in failures:
        regency = plan.place.regency.replace(".", "")
        if "food_permit_expired" in failures:
            issued = _day_between(rng, _d(2019, 1, 1), _d(2021, 9, 30))
            record(
                "spp_irt",
                f"2{rng.randint(10, 99)}{regency}{rng.randint(10**5, 10**6 - 1)}"
                f"-{(issued.year + 5) % 100:02d}",
                issued,
                5,
            )
        else:
            issued = _day_between(rng, max(start, _d(2022, 1, 1)), last)
            record(
                "spp_irt",
                f"2{rng.randint(10, 99)}{regency}{rng.randint(10**5, 10**6 - 1)}"
                f"-{(issued.year + 5) % 100:02d}",
                issued,
                5,
            )
            if rng.random() < 0.5:
                halal = _day_between(rng, _d(2021, 6, 1), last)
                record("halal", f"ID{regency[:2]}{rng.randint(10**14, 10**15 - 1)}", halal, 4)
            if plan.legal_form in ("pt", "cv") and rng.random() < 0.5:
                record("bpom", f"MD {rng.randint(10**11, 10**12 - 1)}", issued, 5)


def _revenues(world: _World, plan: _Plan, enterprise: Enterprise, editor: User) -> None:
    if not plan.months:
        return
    rng = world.rng
    amounts = {}
    for month in profile_services.recent_months(DEMO_TODAY, plan.months):
        factor = rng.uniform(0.8, 1.2)
        # Lebaran 2026 fell on 20 March: food and clothing sell most in February and March.
        if plan.kind.seasonal and month in (_d(2026, 2, 1), _d(2026, 3, 1)):
            factor *= 1.4
        amounts[month] = _round(plan.monthly * factor, 10_000)
    profile_services.set_revenues(actor=editor, enterprise=enterprise, revenues=amounts)


_ATTESTABLE = (
    "identity",
    "business_licence",
    "bookkeeping",
    "revenue_history",
    "bank_account",
    "food_permit",
)
_ATTEST_NOTES = {
    "identity": "KTP asli dilihat saat kunjungan.",
    "business_licence": "NIB dicek di OSS.",
    "bookkeeping": "Buku kas harian diperiksa.",
    "revenue_history": "Cocok dengan buku penjualan.",
    "bank_account": "Buku tabungan dilihat.",
    "food_permit": "Sertifikat asli dilihat.",
}


def _attest(
    world: _World, enterprise: Enterprise, facilitator: User, *, attested_on: dt.date, count: int
) -> None:
    """The facilitator's "diverifikasi pendamping" on items the profile meets, through the same
    service the readiness page uses. The facilitator is the enterprise's own pendamping."""
    assessment = profile_services.assess(enterprise, today=DEMO_TODAY)
    met = [
        item.code
        for item in assessment.checklist
        if item.met and item.counts and item.code in _ATTESTABLE
    ]
    for code in met[:count]:
        profile_services.attest_item(
            facilitator=facilitator,
            enterprise=enterprise,
            item_code=code,
            note=_ATTEST_NOTES[code],
            today=attested_on,
        )
        world.attestations += 1
    db.session.flush()
    db.session.expire(enterprise, ["attestations"])


# --- the two demo owners ----------------------------------------------------------------------
def _bankable_owner(plan: _Plan) -> _Plan:
    """A well-filled bankable snack producer, women-led, asking Rp75 juta KUR mikro."""
    plan.kind = KINDS["keripik"]
    plan.target = "bankable"
    plan.legal_form = "perorangan"
    plan.woman = True
    plan.owner_name = "Sari Puspitasari"
    plan.founded_on = _d(2017, 8, 14)
    plan.months = 12
    plan.monthly = 28 * JT
    plan.margin = 0.22
    plan.capital = 85 * JT
    plan.ask = 75 * JT
    plan.failures = set()
    plan.sharia = False
    plan.published = True
    plan.status = "completed"
    return plan


def _draft_owner(plan: _Plan) -> _Plan:
    """A young jamu business whose owner has started a profile and not finished it."""
    plan.kind = KINDS["jamu"]
    plan.target = "belum_layak"
    plan.legal_form = "perorangan"
    plan.woman = True
    plan.owner_name = "Darmi Sulistyowati"
    plan.founded_on = _d(2026, 5, 18)
    plan.months = 2
    plan.monthly = 4 * JT
    plan.published = False
    plan.status = "active"
    return plan


def _fill_draft(
    world: _World, plan: _Plan, enterprise: Enterprise, editor: User, *, owner_phone: str
) -> None:
    profile_services.update_profile(
        actor=editor,
        enterprise=enterprise,
        data={
            "legal_form": "perorangan",
            "sector": "food",
            "owner_name": plan.owner_name,
            "province_code": plan.place.province,
            "regency_code": plan.place.regency,
            "products": "Jamu kunyit asam dan beras kencur, botol 250 ml",
            "founded_on": plan.founded_on,
            "employees": 1,
            "women_employees": 1,
            "women_led": True,
        },
        owner_phone=owner_phone,
    )
    _revenues(world, plan, enterprise, editor)


_DEMO_OWNERS: dict[tuple[str, int], Callable[[_Plan], _Plan]] = {
    ("AKSI Jakarta Timur 2025", 0): _bankable_owner,
    ("Siap Pitching Yogyakarta 2026", 0): _draft_owner,
}
_DEMO_NAMES = {_bankable_owner: "Keripik Tempe Sari Rasa", _draft_owner: "Jamu Gendong Mbok Darmi"}
_DEMO_EMAILS = {_bankable_owner: DEMO_LOGINS[4].email, _draft_owner: DEMO_LOGINS[5].email}


# --- investors --------------------------------------------------------------------------------
def _investor(world: _World, spec: _InvestorSpec, admin: User) -> None:
    rng = world.rng
    joined = _day_between(rng, _d(2025, 6, 2), _d(2026, 9, 30))
    organisation = Organisation(
        kind="investor",
        name=spec.name,
        province_code=spec.provinces[0] if len(spec.provinces) == 1 else None,
        website=f"https://{spec.slug}.example.org",
        description=spec.thesis,
    )
    db.session.add(organisation)
    world.stamp(organisation, joined)
    people = {"52": "sasak", "73": "bugis"}.get(spec.provinces[0] if spec.provinces else "", "java")
    users = []
    for index in range(rng.randint(1, 3)):
        if index == 0 and spec.slug in _DEMO_INVESTOR_NAMES:
            name, local = _DEMO_INVESTOR_NAMES[spec.slug], "investor"
        else:
            name = _person(rng, people, woman=rng.random() < 0.5)
            local = _slug(name)
        email = _unique_email(world, local, f"{spec.slug}.example.org")
        users.append(
            _user(
                world,
                email=email,
                name=name,
                role="investor",
                organisation=organisation,
                phone=_phone(rng),
                when=joined,
            )
        )
    db.session.flush()
    world.investor_users += len(users)
    mandate = profile_services.save_mandate(
        actor=users[0],
        organisation=organisation,
        data=profile_services.MandateData(
            investor_kind=spec.kind,
            sectors=list(spec.sectors),
            provinces=list(spec.provinces),
            ticket_min=spec.ticket[0],
            ticket_max=spec.ticket[1],
            instruments=list(spec.instruments),
            sharia_only=spec.sharia_only,
            impact_themes=list(spec.themes),
            min_stage=spec.min_stage,
            thesis=spec.thesis,
        ),
    )
    world.stamp(mandate, joined + dt.timedelta(days=1))
    if spec.verified:
        _verify(world, admin, organisation, joined + dt.timedelta(days=rng.randint(1, 10)))
    world.investor_orgs.append((organisation, spec.kind))


# --- printing ---------------------------------------------------------------------------------
def logins_table(logins: list[DemoLogin] | None = None) -> str:
    """The demo logins (default DEMO_LOGINS) as a plain-text table for the terminal.

    No side effects; raises nothing.
    """
    logins = DEMO_LOGINS if logins is None else logins
    rows = [(str(_l("Role")), str(_l("E-mail")), str(_l("Password")), str(_l("Try")))]
    rows += [
        (vocab.label(vocab.ROLES, login.role), login.email, login.password, str(login.try_this))
        for login in logins
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(3)]
    lines = []
    for index, row in enumerate(rows):
        cells = [row[column].ljust(widths[column]) for column in range(3)]
        lines.append("  ".join([*cells, row[3]]).rstrip())
        if index == 0:
            lines.append("  ".join("-" * width for width in widths) + "  ---")
    return "\n".join(lines)


def summary_text(summary: DemoSummary) -> str:
    """A few lines describing the seeded world, with the readiness distribution. No effects."""
    total = max(1, summary.enterprises)
    stages = ", ".join(
        f"{vocab.label(vocab.STAGES, code)} {count} ({100 * count / total:.0f}%)"
        for code, count in summary.stages.items()
    )
    kinds = ", ".join(
        f"{vocab.label(vocab.INVESTOR_KINDS, code)} {count}"
        for code, count in summary.investor_kinds.items()
    )
    places = ", ".join(
        f"{regions.regency_name(code)} {count}" for code, count in summary.regencies.items()
    )
    return "\n".join(
        (
            str(
                _l(
                    "%(count)s enterprises (%(published)s published, %(owners)s with an owner "
                    "account, %(behalf)s created on behalf by facilitators)",
                    count=summary.enterprises,
                    published=summary.published,
                    owners=summary.owner_accounts,
                    behalf=summary.created_on_behalf,
                )
            ),
            str(_l("Readiness: %(stages)s", stages=stages)),
            str(_l("Places: %(places)s", places=places)),
            str(
                _l(
                    "%(orgs)s programme organisations, %(programmes)s programmes, %(cohorts)s "
                    "cohorts, %(facilitators)s facilitators",
                    orgs=summary.programme_organisations,
                    programmes=summary.programmes,
                    cohorts=summary.cohorts,
                    facilitators=summary.facilitators,
                )
            ),
            str(
                _l(
                    "%(count)s investor organisations (%(verified)s verified): %(kinds)s",
                    count=summary.investor_organisations,
                    verified=summary.verified_investor_organisations,
                    kinds=kinds,
                )
            ),
        )
    )
