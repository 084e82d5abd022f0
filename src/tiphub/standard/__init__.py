"""tiphub.standard (core package, no Django import)."""
