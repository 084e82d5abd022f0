"""tiphub.screening: screen a person's situation against established indicator sets.

Pure Python (no Django). The catalogues - the ILO/EC operational indicators of trafficking (2009),
the ICLS 2018 forced-labour definition, trafficking versus smuggling, other forms - and the rules
are data files in `data/`, each item with its source and verification status. The engine gives,
for trafficking, forced labour, smuggling and the presumed-victim policy, a verdict with its chain
of reasons and the information that could change it.

    >>> from tiphub.screening import screen
    >>> result = screen({"age": 16, "set": "children_labour",
    ...                  "indicators": ["CL-EX-01", "CL-EX-02"], "context": {"act": True}})
    >>> result.verdict("trafficking")
    'yes'
"""

from tiphub.screening.catalogue import Catalogue, CatalogueError, default_catalogue, load_catalogue
from tiphub.screening.engine import RuleOptions, Screener, ScreeningResult, screen
from tiphub.screening.inputs import InputError, ScreeningInput, parse_people, parse_person
from tiphub.screening.policy import Policy, default_policy, load_policy

__all__ = [
    "Catalogue",
    "CatalogueError",
    "InputError",
    "Policy",
    "RuleOptions",
    "Screener",
    "ScreeningInput",
    "ScreeningResult",
    "default_catalogue",
    "default_policy",
    "load_catalogue",
    "load_policy",
    "parse_people",
    "parse_person",
    "screen",
]
