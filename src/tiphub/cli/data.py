"""Commands of the foundation: synth, template, validate, import, export ctdc, migrate, demo."""
