"""The shared vocabulary: codes stored in the database and their labels.

Codes are stable English identifiers; labels go through Babel so that every page shows them in
the user's language. Every domain (profiles, readiness, matching, pitches) takes its codes from
here, so a sector or an instrument means the same thing everywhere.
"""

from __future__ import annotations

from marketplace.security import lazy_gettext as _l

# --- legal forms ----------------------------------------------------------------------------
LEGAL_FORMS = {
    "perorangan": _l("Individual business (perorangan)"),
    "cv": _l("CV (limited partnership)"),
    "pt": _l("PT (limited company)"),
    "koperasi": _l("Cooperative (koperasi)"),
    "kube": _l("Business group (KUBE/kelompok)"),
}
# Badan hukum: the forms that are legal entities under Indonesian law. A CV is a business entity
# (badan usaha) but not a legal entity; LPDB takes both (readiness_facts.LPDB_FORMS).
LEGAL_ENTITY_FORMS = frozenset({"pt", "koperasi"})

# --- sectors --------------------------------------------------------------------------------
SECTORS = {
    "food": _l("Food and beverages"),
    "fashion": _l("Fashion and textiles"),
    "craft": _l("Crafts"),
    "agriculture": _l("Agriculture"),
    "fishery": _l("Fisheries"),
    "livestock": _l("Livestock"),
    "retail": _l("Retail and warung"),
    "services": _l("Services"),
    "digital": _l("Digital and creative"),
    "manufacturing": _l("Small manufacturing"),
}
# Sectors where a food-safety permit (SPP-IRT, BPOM MD or SLHS) and, separately, halal
# certification (PP 42/2024 art. 160) are part of being bank-ready.
FOOD_SECTORS = frozenset({"food"})

# --- financing instruments ------------------------------------------------------------------
INSTRUMENTS = {
    "loan": _l("Loan"),
    "kur": _l("KUR (people's business credit)"),
    "grant": _l("Grant (hibah)"),
    "equity": _l("Equity"),
    "revenue_share": _l("Revenue share"),
    "mudharabah": _l("Mudharabah (profit sharing, sharia)"),
    "musyarakah": _l("Musyarakah (partnership, sharia)"),
    "murabahah": _l("Murabahah (cost-plus sale, sharia)"),
    "qard": _l("Qard (benevolent loan, sharia)"),
}
SHARIA_INSTRUMENTS = frozenset({"mudharabah", "musyarakah", "murabahah", "qard"})
# Instruments that charge interest; a sharia-only investor cannot use them. A grant is neither.
# KUR is not among them: it is also channelled as KUR syariah (murabahah or ijarah, e.g. by BSI and
# the sharia units of regional banks; Permenko Perekonomian 1/2022 art. 1 and its successors
# define KUR lenders "berdasarkan prinsip konvensional maupun syariah").
CONVENTIONAL_INSTRUMENTS = frozenset({"loan"})

# --- legal documents ------------------------------------------------------------------------
DOCUMENT_KINDS = {
    "nib": _l("NIB (business identification number)"),
    "npwp": _l("NPWP (tax number)"),
    "spp_irt": _l("SPP-IRT (home-industry food permit)"),
    "halal": _l("Halal certificate"),
    "bpom": _l("BPOM registration"),
    "slhs": _l("SLHS (hygiene and sanitation certificate)"),
    "sku": _l("Surat Keterangan Usaha (business letter)"),
}

# --- size classes (PP 7/2021) ---------------------------------------------------------------
SIZE_CLASSES = {
    "mikro": _l("Micro"),
    "kecil": _l("Small"),
    "menengah": _l("Medium"),
    "besar": _l("Large (not UMKM)"),
}

# --- bankability stages, in order -----------------------------------------------------------
# "embrio": a business idea or embryo (embrio usaha, Kemensos' word for what a PKH graduate
# household often starts from): no sales and no business licence yet.
STAGES = {
    "embrio": _l("Business idea or embryo (embrio usaha)"),
    "belum_layak": _l("Not yet eligible"),
    "layak": _l("Eligible, not yet bankable"),
    "bankable": _l("Bankable"),
}
STAGE_ORDER = {"embrio": 0, "belum_layak": 1, "layak": 2, "bankable": 3}

# --- deal stages, in order -----------------------------------------------------------------
# One ladder for an investor's deal with an enterprise: a shortlist entry (matching) and an
# investment outcome recorded after a pitching event use the same codes, so a deal reads the
# same everywhere. "declined" ends a deal from any stage.
DEAL_STAGES = {
    "observing": _l("Observing"),
    "considering": _l("Considering"),
    "meeting": _l("Meeting"),
    "due_diligence": _l("Due diligence"),
    "committed": _l("Committed"),
    "funded": _l("Funded"),
    "declined": _l("Declined"),
}

# --- impact themes --------------------------------------------------------------------------
IMPACT_THEMES = {
    "women_led": _l("Women-led"),
    "disability_inclusive": _l("Disability-inclusive"),
    "pkh_graduate": _l("PKH graduate"),
    "green": _l("Green"),
}

# --- social-assistance programmes a household graduates from (graduasi) ----------------------
# Kemensos links graduates to KUR, Mekaar and UMi. Graduation is social-assistance status:
# personal data (UU PDP 27/2022), shown to investors only with the `share_pkh_graduate` consent.
ASSISTANCE_PROGRAMMES = {
    "pkh": _l("PKH (Program Keluarga Harapan)"),
    "bpnt": _l("BPNT / Sembako (food assistance)"),
    "pena": _l("PENA (Pahlawan Ekonomi Nusantara, Kemensos)"),
    "other": _l("Another social-assistance programme"),
}

# --- an enrolment's mentoring status in its cohort -------------------------------------------
ENROLMENT_STATUSES = {
    "active": _l("Mentoring in progress"),
    "completed": _l("Mentoring completed"),
    "withdrawn": _l("Withdrawn"),
}

# --- business groups a facilitator registers (KemenkopUKM: kelompok, sentra, koperasi) --------
GROUP_KINDS = {
    "kube": _l("KUBE (Kelompok Usaha Bersama)"),
    "kelompok_mekaar": _l("Mekaar group (kelompok Mekaar)"),
    "koperasi": _l("Cooperative (koperasi)"),
    "sentra": _l("Centre or cluster (sentra)"),
}

# --- investor organisation kinds ------------------------------------------------------------
INVESTOR_KINDS = {
    "bank": _l("Bank (KUR channelling)"),
    "impact_fund": _l("Impact fund"),
    "csr_fund": _l("CSR fund"),
    "cooperative": _l("Cooperative (koperasi simpan pinjam)"),
    "sharia_financier": _l("Sharia financier"),
    "revolving_fund": _l("Government revolving fund"),
    "angel": _l("Social angel investor"),
}

# --- organisations and roles ----------------------------------------------------------------
ORGANISATION_KINDS = {
    "enterprise": _l("Enterprise"),
    "programme": _l("Programme organisation"),
    "investor": _l("Investor organisation"),
    "platform": _l("Platform operator"),
}
ROLES = {
    "owner": _l("Enterprise owner"),
    "facilitator": _l("Facilitator (pendamping)"),
    "investor": _l("Investor or lender"),
    "admin": _l("Administrator"),
}
ROLE_ORGANISATION_KIND = {
    "owner": "enterprise",
    "facilitator": "programme",
    "investor": "investor",
    "admin": "platform",
}

# --- financing routes on the readiness page -------------------------------------------------
ROUTES = {
    "kur_super_mikro": _l("KUR super-micro (up to Rp10 million)"),
    "kur_mikro": _l("KUR micro (up to Rp100 million)"),
    "kur_kecil": _l("KUR small (up to Rp500 million)"),
    "umi": _l("UMi (ultra-micro financing)"),
    "mekaar": _l("PNM Mekaar (women's group lending)"),
    "lpdb": _l("LPDB revolving fund"),
    "equity": _l("Social-investor equity"),
    "revenue_share": _l("Social-investor revenue share"),
    "grant": _l("Grant (hibah)"),
}


def label(mapping: dict, code: str | None) -> str:
    """The label of `code` in `mapping`, or the code itself when it is unknown."""
    if code is None:
        return ""
    return str(mapping.get(code, code))
