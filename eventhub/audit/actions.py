"""The action codes of the audit log."""

from __future__ import annotations

import enum


class Action(enum.StrEnum):
    APPLICATION_DECIDED = "application.decided"
    APPLICATION_ENDORSED = "application.endorsed"
    ENDORSEMENT_WITHDRAWN = "application.endorsement_withdrawn"
    APPLICATIONS_EXPORTED = "applications.exported"
    LEADS_EXPORTED = "leads.exported"
    ROLE_GRANTED = "role.granted"
    ROLE_REVOKED = "role.revoked"
    MEMBER_INVITED = "membership.invited"
    MEMBER_JOINED = "membership.accepted"
    DEVICE_CREATED = "device.created"
    DEVICE_PAIRING_CODE_ISSUED = "device.pairing_code_issued"
    DEVICE_PAIRED = "device.paired"
    DEVICE_REVOKED = "device.revoked"
    SIGNING_KEY_ROTATED = "signing_key.rotated"
    SIGNING_KEY_RETIRED = "signing_key.retired"
    MANUAL_CHECKIN = "checkin.manual"
    SCAN_UNDONE = "scan.undone"
    REGISTRATION_ERASED = "registration.erased"
