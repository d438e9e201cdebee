"""Forms of the case pages, one module per subject."""
