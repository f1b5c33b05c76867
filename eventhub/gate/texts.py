"""Every text the gate scanner shows, as msgids of the ja/en catalogue.

The scanner runs in the browser, offline too, so it receives both languages at once: the page
carries ``strings()`` as JSON, and switching language needs no server. Results read as the
server words them (``scanning.MESSAGES``), so a result decided offline reads like one decided
online.
"""

from __future__ import annotations

from typing import Any

from eventhub.checkin.models import ScanResult
from eventhub.checkin.scanning import MESSAGES
from eventhub.i18n import LOCALES, translate
from eventhub.messages import N_

#: Key used by the scanner's script → English msgid. ``%(name)s`` placeholders are filled there.
TEXTS: dict[str, str] = {
    "title": N_("Gate scanner"),
    "language": N_("Language"),
    "pair_heading": N_("Pair this scanner"),
    "pair_help": N_(
        "On the organiser's device page, scan the pairing QR code with the camera, or type the"
        " pairing code."
    ),
    "pair_code": N_("Pairing code"),
    "pair_submit": N_("Pair"),
    "pairing": N_("Pairing…"),
    "paired": N_("Paired. Loading the keys and rules of the edition…"),
    "pair_failed": N_("Pairing failed: %(reason)s"),
    "unpaired_by_server": N_("This scanner was unpaired or revoked. Pair it again."),
    "camera_start": N_("Start camera"),
    "camera_stop": N_("Stop camera"),
    "camera_unavailable": N_("The camera cannot be used: %(reason)s"),
    "camera_hint": N_("Hold the QR code in front of the camera."),
    "camera_video": N_("Camera picture"),
    "code_label": N_("Pass code (scan, or type and press Enter)"),
    "check": N_("Check"),
    "direction": N_("Direction"),
    "entry": N_("Entry"),
    "exit": N_("Exit"),
    "gate": N_("Gate"),
    "no_gate": N_("No gate"),
    "edition": N_("Edition"),
    "status": N_("Connection"),
    "online": N_("Online: the server decides"),
    "offline": N_("Offline: deciding on this scanner"),
    "offline_manual": N_("Offline (switched by staff): deciding on this scanner"),
    "unreachable_never": N_(
        "The server cannot be reached, and this scanner does not decide alone. Try again in a"
        " moment, or check the visitor in by name."
    ),
    "unreachable_auto": N_(
        "The server cannot be reached. Scans are decided on this scanner and sent when the"
        " network is back."
    ),
    "unreachable_manual": N_(
        "The server cannot be reached. Switch to offline to decide on this scanner, or try"
        " again in a moment."
    ),
    "work_offline": N_("Work offline (decide on this scanner)"),
    "policy_auto": N_("Falls back to offline when the server does not answer"),
    "policy_manual": N_("Offline only when switched by staff"),
    "policy_never": N_("Never decides offline"),
    "unsynced": N_("Not yet sent: %(count)s"),
    "all_synced": N_("All scans sent"),
    "syncing": N_("Sending scans…"),
    "sync_now": N_("Send now"),
    "counters": N_("This scanner today"),
    "count_admitted": N_("Admitted"),
    "count_exited": N_("Exited"),
    "count_refused": N_("Refused"),
    "last_scans": N_("Last scans"),
    "no_scans": N_("No scans yet."),
    "undo": N_("Undo"),
    "undone": N_("Undone"),
    "undo_failed": N_("Cannot undo: %(reason)s"),
    "decided_offline": N_("decided offline"),
    "not_sent": N_("not sent yet"),
    "conflicts": N_("Where the server decided differently"),
    "conflict": N_("Server: %(server)s — this scanner showed: %(local)s"),
    "dismiss": N_("Next scan"),
    "unpair": N_("Unpair this scanner"),
    "unpair_confirm": N_(
        "Unpair this scanner? It forgets its token, keys and scans; scans not yet sent are lost."
    ),
    "keys_missing": N_("The keys of the edition are not loaded yet; connect once to load them."),
    "busy": N_("Server busy"),
    "clock_ahead": N_(
        "This scanner's clock is %(minutes)s min ahead of the server's. Set the device's date"
        " and time: the server refuses scans dated ahead, and offline the day is judged by it."
    ),
    "clock_behind": N_(
        "This scanner's clock is %(minutes)s min behind the server's. Set the device's date"
        " and time: scans are dated by it, and offline the day is judged by it."
    ),
}


def strings(locale: str) -> dict[str, Any]:
    """The scanner's texts and the results' texts in ``locale``."""
    texts = {key: translate(msgid, locale) for key, msgid in TEXTS.items()}
    index = 0 if locale == "ja" else 1
    results = {result.value: MESSAGES[result][index] for result in ScanResult}
    return {"texts": texts, "results": results}


def all_strings() -> dict[str, Any]:
    return {locale: strings(locale) for locale in LOCALES}
