"""Input and meta rules (KC0xx): metadata and docs. Detection lives in the layer that sees the problem."""
