"""tiphub: one trustworthy national evidence base on trafficking in persons.

The core packages (`standard`, `linkage`, `estimation`, `indicators`, `disclosure`, `exchange`,
`screening`) are plain Python and never import Django; `tiphub.web` is the Django project that
stores data and calls them. See docs/architecture.md.
"""

__version__ = "0.1.0"
