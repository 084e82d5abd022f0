"""Render the tables of docs/data-standard.md from the data files, so the documentation cannot
drift from what the validator and the exporters do.

`python -m tiphub.standard.docs docs/data-standard.md` rewrites the generated sections (between
`<!-- BEGIN generated: NAME -->` and `<!-- END generated: NAME -->`); a test checks they are
current.
"""

import re
import sys
from collections.abc import Callable
from pathlib import Path

from tiphub.standard.codelists import code_list
from tiphub.standard.ctdc import ctdc_variables
from tiphub.standard.dictionary import intake_fields

MARKER = re.compile(
    r"(<!-- BEGIN generated: (?P<name>[a-z_]+) -->\n)"
    r"(?P<body>.*?)"
    r"(<!-- END generated: (?P=name) -->)",
    re.DOTALL,
)


def _escape(text: str) -> str:
    return text.replace("|", "\\|")


def field_table() -> str:
    """One row per intake column: type, level, required, code list, HTCDS and CTDC names."""
    columns = ("column", "label", "type", "level", "required", "code list", "HTCDS 2.0",
               "CTDC 2024", "purpose")  # fmt: skip
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for spec in intake_fields():
        kind = spec.type.value
        if spec.minimum is not None or spec.maximum is not None:
            kind += f" {spec.minimum}-{spec.maximum}"
        required = "yes" if spec.required else ("default " + spec.default if spec.default else "no")
        lines.append(
            f"| `{spec.name}` | {_escape(spec.label('en'))} | {kind} | {spec.level.value} "
            f"| {required} | {spec.code_list_name or ''} | {spec.htcds} "
            f"| {', '.join(spec.ctdc)} | {_escape(spec.purpose)} |"
        )
    return "\n".join(lines) + "\n"


def ctdc_table() -> str:
    """One row per CTDC variable: the intake field it comes from and the codes that set it."""
    lines = ["| # | CTDC 2024 variable | from | set by (intake codes) |", "|---|---|---|---|"]
    for number, variable in enumerate(ctdc_variables(), start=1):
        name = f"`{variable.name}`" + "".join(f" (also `{a}`)" for a in variable.aliases)
        source = f"`{variable.source_field}`"
        if variable.kind == "flag":
            rule = _flag_rule(variable.name, variable.source_field)
        elif variable.kind == "year":
            rule = "year of the identification date"
        elif variable.kind == "country":
            rule = "ISO 3166-1 alpha-3 (XKX exported as SRB)"
        else:
            rule = f"code list `{variable.code_list_name}`"
        lines.append(f"| {number} | {name} | {source} | {rule} |")
    return "\n".join(lines) + "\n"


def _flag_rule(flag: str, source_field: str) -> str:
    if source_field == "exploitation_types":
        group = {"isForcedLabour": "labour", "isSexualExploit": "sexual"}.get(flag, "other, organ")
        return f"derived form flag(s): {group}"
    codes = intake_fields()[source_field].codes.mapping("ctdc_flag")
    return ", ".join(code for code, target in codes.items() if target == flag)


def code_lists_table() -> str:
    """Each code list: its codes and its source."""
    lines = ["| code list | codes | source |", "|---|---|---|"]
    names = sorted({s.code_list_name for s in intake_fields() if s.code_list_name})
    for name in [
        *names,
        "sdmx_sex",
        "sdmx_age",
        "ctdc_age_band",
        "ctdc_traffick_months",
        "sdg_form",
    ]:
        codes = code_list(name)
        listed = (
            f"{len(codes)} countries (`countries.csv`)"
            if name == "country"
            else ", ".join(f"`{c}`" for c in codes.code_values)
        )
        lines.append(f"| `{name}` | {listed} | {_escape(codes.source)} |")
    return "\n".join(lines) + "\n"


GENERATORS: dict[str, Callable[[], str]] = {
    "fields": field_table,
    "ctdc": ctdc_table,
    "code_lists": code_lists_table,
}


def render(document: str) -> str:
    """The document with every generated section replaced by its current rendering."""

    def replace(match: re.Match[str]) -> str:
        body = GENERATORS[match["name"]]()
        return f"{match.group(1)}{body}{match.group(4)}"

    return MARKER.sub(replace, document)


def main() -> None:
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/data-standard.md")
    path.write_text(render(path.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"updated {path}")


if __name__ == "__main__":
    main()
