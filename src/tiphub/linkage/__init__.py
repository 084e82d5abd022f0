"""tiphub.linkage (core package, no Django import)."""
