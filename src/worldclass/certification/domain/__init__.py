"""Certification domain: rules on monthly counts, the vectorized evaluation, stored runs."""
