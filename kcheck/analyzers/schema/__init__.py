"""Schema validation (KC5xx): the bundled Kubernetes schemas and the rules that check objects against them."""
