"""The Django project: stores agencies' data, enforces access and audit, and calls the core."""
