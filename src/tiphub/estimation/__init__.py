"""tiphub.estimation (core package, no Django import)."""
