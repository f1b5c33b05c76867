"""The action codes of the audit log, with the label organisers read for each."""

from __future__ import annotations

import enum

from eventhub.messages import N_


class Action(enum.StrEnum):
    APPLICATION_DECIDED = "application.decided"
    APPLICATION_ENDORSED = "application.endorsed"
    ENDORSEMENT_WITHDRAWN = "application.endorsement_withdrawn"
    APPLICATIONS_EXPORTED = "applications.exported"
    LEADS_EXPORTED = "leads.exported"
    ROLE_GRANTED = "role.granted"
    ROLE_REVOKED = "role.revoked"
    DEVICE_CREATED = "device.created"
    DEVICE_PAIRING_CODE_ISSUED = "device.pairing_code_issued"
    DEVICE_PAIRED = "device.paired"
    DEVICE_REVOKED = "device.revoked"
    SIGNING_KEY_ROTATED = "signing_key.rotated"
    SIGNING_KEY_RETIRED = "signing_key.retired"
    MANUAL_CHECKIN = "checkin.manual"
    SCAN_UNDONE = "scan.undone"


LABELS: dict[Action, str] = {
    Action.APPLICATION_DECIDED: N_("Application decided"),
    Action.APPLICATION_ENDORSED: N_("Application endorsed"),
    Action.ENDORSEMENT_WITHDRAWN: N_("Endorsement withdrawn"),
    Action.APPLICATIONS_EXPORTED: N_("Applications exported"),
    Action.LEADS_EXPORTED: N_("Leads exported"),
    Action.ROLE_GRANTED: N_("Role granted"),
    Action.ROLE_REVOKED: N_("Role revoked"),
    Action.DEVICE_CREATED: N_("Device created"),
    Action.DEVICE_PAIRING_CODE_ISSUED: N_("Pairing code issued"),
    Action.DEVICE_PAIRED: N_("Device paired"),
    Action.DEVICE_REVOKED: N_("Device revoked"),
    Action.SIGNING_KEY_ROTATED: N_("Signing key rotated"),
    Action.SIGNING_KEY_RETIRED: N_("Signing key retired"),
    Action.MANUAL_CHECKIN: N_("Manual check-in"),
    Action.SCAN_UNDONE: N_("Scan undone"),
}
