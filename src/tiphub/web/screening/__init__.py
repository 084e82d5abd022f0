"""tiphub.web.screening: the screening page and the import of field-form submissions.

The rules live in the pure package `tiphub.screening`; this app only stores what an import
created (which screening made which presumed-victim record) and serves the page.
"""
