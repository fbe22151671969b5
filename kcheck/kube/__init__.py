"""Kubernetes semantics every layer above may share, with no kcheck import but `core`: quantities, IP
addresses and CIDR prefixes, name and label grammars, RE2 regular expressions."""
