"""The root `tiphub` typer application and its shared command groups.

Command modules import these objects and decorate their commands onto them, so that every stage
keeps its CLI next to its own code while users see one `tiphub` program.
"""

import typer

app = typer.Typer(
    name="tiphub",
    help="tiphub: trafficking-in-persons data, linkage, estimation and indicators.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_show_locals=False,  # locals may hold victims' identities
)

export_app = typer.Typer(
    help="Export data in exchange formats (CTDC, SDMX, DHIS2, GLOTIP).", no_args_is_help=True
)
app.add_typer(export_app, name="export")
