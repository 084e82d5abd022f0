"""The REST API (`/api/v1/`): the same policy, scoping, masking and audit as the pages."""
