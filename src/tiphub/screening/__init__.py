"""tiphub.screening (core package, no Django import)."""
