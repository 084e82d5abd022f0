"""The agencies of the synthetic country and how likely each is to identify a given victim.

Capture model (documented in docs/data-standard.md, recorded in country.json): agency `a`
identifies person `i` with probability

    logit p_ai = base_a + sum_c beta_ac * x_ic + sum_b gamma_ab * captured_bi + sigma * u_i

where `x_ic` are the person's observable covariates (female, male, child, the forms of
exploitation, foreign citizen), `captured_bi` says whether an agency `b` evaluated earlier
identified the person (referrals: police -> shelter, labour inspectorate -> police), and `u_i` is a
small standard-normal "visibility" shared by all agencies (unobserved heterogeneity).

Why this shape: heterogeneity is strong but almost entirely observable (child protection sees
children, the labour inspectorate sees labour exploitation, the asylum office sees foreigners)
and the dependence between agencies is pairwise, so a log-linear model with two-list
interactions recovers the number of victims (tests/standard/test_synth_mse.py checks it).
"""

from dataclasses import asdict, dataclass, field, replace
from typing import Any

COVARIATES = ("female", "male", "child", "sexual", "labour", "other", "organ", "foreign")


@dataclass(frozen=True)
class AgencyProfile:
    code: str
    name: str
    kind: str  # HTCDS organisation type
    base: float
    effects: dict[str, float] = field(default_factory=dict)
    referred_from: dict[str, float] = field(default_factory=dict)
    # How the agency records people (rates are per record).
    dob_missing: float = 0.15
    age_missing_when_no_dob: float = 0.1
    typo_rate: float = 0.04
    swap_names_rate: float = 0.02
    spelling: tuple[float, float, float] = (0.6, 0.3, 0.1)  # canonical, ascii, loose
    records_case_id: bool = False
    status_actual_share: float = 0.2
    decision_org: str = "Other"
    record_id_format: str = "{code}-{year}-{seq:06d}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# Evaluation order matters for referrals: an agency may only be referred from one listed before.
CATALOGUE: tuple[AgencyProfile, ...] = (
    AgencyProfile(
        code="LAB",
        name="Labour inspectorate",
        kind="CentralGovernmentOrganisation",
        base=-3.4,
        effects={"labour": 2.5, "male": 0.3, "child": -0.6},
        dob_missing=0.35,
        typo_rate=0.06,
        swap_names_rate=0.05,
        spelling=(0.3, 0.5, 0.2),
        status_actual_share=0.05,
        decision_org="NonPoliceGovernmentalOrganization",
        record_id_format="LI/{year}/{seq:05d}",
    ),
    AgencyProfile(
        code="POL",
        name="Police anti-trafficking unit",
        kind="LawEnforcement",
        base=-1.6,
        effects={"sexual": 0.6, "labour": -0.2, "child": -0.3, "foreign": 0.2},
        referred_from={"LAB": 0.9},
        dob_missing=0.08,
        typo_rate=0.03,
        spelling=(0.7, 0.25, 0.05),
        records_case_id=True,
        status_actual_share=0.45,
        decision_org="Police",
        record_id_format="POL-{year}-{seq:06d}",
    ),
    AgencyProfile(
        code="NGO",
        name="NGO shelter",
        kind="NGO",
        base=-2.0,
        effects={"female": 0.6, "sexual": 0.4, "child": -0.8},
        referred_from={"POL": 1.0},
        dob_missing=0.25,
        typo_rate=0.06,
        swap_names_rate=0.03,
        spelling=(0.4, 0.3, 0.3),
        status_actual_share=0.1,
        decision_org="NGO",
        record_id_format="NGO{seq:05d}",
    ),
    AgencyProfile(
        code="CHP",
        name="Child protection service",
        kind="LocalGovernmentOrganisation",
        base=-4.3,
        effects={"child": 3.9, "sexual": 0.2},
        referred_from={"POL": 0.5},
        dob_missing=0.03,
        typo_rate=0.03,
        spelling=(0.6, 0.35, 0.05),
        records_case_id=True,
        status_actual_share=0.3,
        decision_org="NonPoliceGovernmentalOrganization",
        record_id_format="CP-{seq:06d}",
    ),
    AgencyProfile(
        code="ASY",
        name="Asylum office",
        kind="ImmigrationService",
        base=-4.4,
        effects={"foreign": 2.6, "sexual": 0.2},
        dob_missing=0.04,
        typo_rate=0.02,
        swap_names_rate=0.04,
        spelling=(0.8, 0.15, 0.05),
        status_actual_share=0.25,
        decision_org="NonPoliceGovernmentalOrganization",
        record_id_format="ASY{year}{seq:05d}",
    ),
    AgencyProfile(
        code="HLP",
        name="Anti-trafficking helpline",
        kind="NGO",
        base=-2.8,
        effects={"female": 0.3, "foreign": -0.3},
        dob_missing=0.6,
        typo_rate=0.08,
        spelling=(0.3, 0.4, 0.3),
        decision_org="NGO",
        record_id_format="HL-{seq:06d}",
    ),
    AgencyProfile(
        code="PRS",
        name="Prosecution service",
        kind="CentralGovernmentOrganisation",
        base=-3.2,
        effects={"sexual": 0.4},
        referred_from={"POL": 1.4},
        dob_missing=0.02,
        typo_rate=0.02,
        spelling=(0.8, 0.15, 0.05),
        records_case_id=True,
        status_actual_share=0.8,
        decision_org="CourtOrProsecution",
        record_id_format="PRS-{year}-{seq:05d}",
    ),
    AgencyProfile(
        code="HLT",
        name="Health services",
        kind="HealthServiceOrganisation",
        base=-3.0,
        effects={"sexual": 0.4, "organ": 2.0},
        dob_missing=0.1,
        typo_rate=0.05,
        spelling=(0.5, 0.4, 0.1),
        decision_org="Other",
        record_id_format="H{seq:07d}",
    ),
)

DEFAULT_AGENCIES = 5
# The order agencies are added as `--agencies` grows, and the order they are listed in.
DISPLAY_ORDER = ("POL", "NGO", "LAB", "CHP", "ASY", "HLP", "PRS", "HLT")
MAX_AGENCIES = len(CATALOGUE)


def select_agencies(count: int) -> tuple[AgencyProfile, ...]:
    """The first `count` agencies of the catalogue (police, shelter, labour, child, asylum ...).

    Referrals from an agency that is not selected are dropped.
    """
    if not 1 <= count <= MAX_AGENCIES:
        raise ValueError(f"the synthetic country has 1 to {MAX_AGENCIES} agencies, not {count}")
    preferred = DISPLAY_ORDER[:count]
    chosen = [a for a in CATALOGUE if a.code in preferred]
    codes = {a.code for a in chosen}
    return tuple(
        replace(a, referred_from={k: v for k, v in a.referred_from.items() if k in codes})
        for a in chosen
    )
