"""NetworkPolicy analysis."""
