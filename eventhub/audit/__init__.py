"""The audit log: who did what, when and from where, for organisers' and reviewers'
consequential actions (decisions, role changes, devices, signing keys, personal-data exports).

Every area may import ``eventhub.audit.service`` to record an event; the audit area imports
no other area, so it can never sit in an import cycle. Entries are append-only.
"""
