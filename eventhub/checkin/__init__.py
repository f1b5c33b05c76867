"""Check-in at the gates: gates and devices, scanning (live and offline), undo and manual
check-in, who is inside (presences), live figures, and exhibitors' lead scanning.

Check-in builds on passes (tokens, signing keys, the passes themselves); passes knows nothing
of check-in.
"""
