"""Page views, one module per page family; each asks `tiphub.web.accounts.policy` first."""
