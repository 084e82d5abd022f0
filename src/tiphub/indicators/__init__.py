"""tiphub.indicators (core package, no Django import)."""
