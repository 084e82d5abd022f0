"""NRM casework: cases with parallel tracks, decisions, referrals, consent, children, return.

The rules live in the core package `tiphub.workflow` (no Django); this app stores the records,
encrypts identifying fields, checks the access policy, audits every read and change, and feeds
the registry's statistics. Entry points: `services` (all writes), `access` (all reads).
"""
