"""tiphub.disclosure (core package, no Django import)."""
