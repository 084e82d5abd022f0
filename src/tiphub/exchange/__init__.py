"""tiphub.exchange (core package, no Django import)."""
