"""Shared vocabulary of every layer: locations, findings, rule metadata, errors.

Imports nothing from kcheck.
"""
