"""What the mails say and how they look on the wire: plain text, Japanese first, then English.

Pure functions of the application (or the outbox row) and the settings, so the wording and the
headers are tested without a mail server.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from zoneinfo import ZoneInfo

from eventhub.applications.models import Application, ApplicationStatus
from eventhub.notifications.models import OutgoingMail

S = ApplicationStatus

#: How a status reads to the exhibitor, in Japanese and English.
STATUS_LABELS: dict[str, tuple[str, str]] = {
    S.DRAFT: ("下書き", "Draft"),
    S.SUBMITTED: ("受付済み（審査待ち）", "Received, awaiting review"),
    S.UNDER_REVIEW: ("審査中", "Under review"),
    S.APPROVED: ("出展決定", "Approved"),
    S.REJECTED: ("不採択", "Not accepted"),
    S.WAITLISTED: ("キャンセル待ち", "Waitlisted"),
    S.OFFERED: ("繰り上げ出展のご案内", "A place is offered to you"),
    S.WITHDRAWN: ("取り下げ済み", "Withdrawn"),
    S.OFFER_EXPIRED: ("繰り上げ期限切れ", "Offer expired"),
}

#: What the exhibitor should know or do next, per status.
NEXT_STEPS: dict[str, tuple[str, str]] = {
    S.SUBMITTED: (
        "審査結果は決まり次第、メールでお知らせします。",
        "We will email you the result as soon as it is decided.",
    ),
    S.APPROVED: (
        "小間の割り当てと出展者パスは、下記のページでご案内します。",
        "Your booth allocation and exhibitor passes will be shown on the page below.",
    ),
    S.WAITLISTED: (
        "空きが出た場合は、申込順に繰り上げのご案内をお送りします。",
        "If a place becomes free, we will offer it in order of submission.",
    ),
    S.OFFERED: (
        "下記のページから期限までにお受けください。期限を過ぎると次の方にご案内します。",
        "Please accept it on the page below before the deadline; after it, the place moves on.",
    ),
}

SIGNATURE = (
    "-- \n"
    "eventhub\n"
    "このメールは送信専用です。ご返信いただいてもお答えできません。\n"
    "This message was sent automatically; replies are not read.\n"
)
RULE = "――――――――――――――――――――――――――――――\n"


@dataclass(frozen=True)
class MailContent:
    subject: str
    body: str


def application_url(application: Application, base_url: str) -> str:
    return f"{base_url.rstrip('/')}/applications/{application.id}"


def _local(moment: datetime, zone: str) -> datetime:
    return moment.astimezone(ZoneInfo(zone))


def _status_lines(application: Application, reason: str | None) -> tuple[list[str], list[str]]:
    label_ja, label_en = STATUS_LABELS.get(application.status, (application.status,) * 2)
    ja = [f"  申込番号：{application.id}", f"  状況：{label_ja}"]
    en = [f"  Application No.: {application.id}", f"  Status: {label_en}"]
    if reason:
        ja.append(f"  理由：{reason}")
        en.append(f"  Reason: {reason}")
    if application.status == S.OFFERED and application.offer_expires_at:
        local = _local(application.offer_expires_at, application.edition.timezone)
        ja.append(f"  回答期限：{local.year}年{local.month}月{local.day}日 {local:%H:%M}")
        en.append(f"  Answer by: {local:%d %B %Y, %H:%M} ({application.edition.timezone})")
    steps = NEXT_STEPS.get(application.status)
    if steps:
        ja += ["", steps[0]]
        en += ["", steps[1]]
    return ja, en


def _compose(
    application: Application, base_url: str, intro: tuple[str, str], reason: str | None
) -> str:
    organisation = application.organisation.name
    contact = application.contact_name
    ja_status, en_status = _status_lines(application, reason)
    url = application_url(application, base_url)
    ja = [
        f"{organisation}" + (f"\n{contact} 様" if contact else " ご担当者様"),
        "",
        intro[0],
        "",
        *ja_status,
        "",
        "申込の内容は次のページでご確認いただけます。",
        url,
    ]
    en = [
        f"Dear {contact or organisation},",
        "",
        intro[1],
        "",
        *en_status,
        "",
        "You can see your application at:",
        url,
    ]
    return "\n".join(ja) + "\n\n" + RULE + "\n" + "\n".join(en) + "\n\n" + SIGNATURE


def submitted(application: Application, base_url: str) -> MailContent:
    """The receipt of a submitted application (which may have gone straight to the waitlist)."""
    edition = application.edition
    intro = (
        f"「{edition.title_ja}」への出展申込を受け付けました。",
        f"We have received your application to exhibit at {edition.title_en}.",
    )
    subject = f"【{edition.title_ja}】出展申込を受け付けました / Application received"
    return MailContent(subject, _compose(application, base_url, intro, None))


def decided(application: Application, base_url: str) -> MailContent:
    """The review's result: approved, rejected or waitlisted, with the reviewer's reason."""
    edition = application.edition
    label_ja, label_en = STATUS_LABELS.get(application.status, (application.status,) * 2)
    intro = (
        f"「{edition.title_ja}」への出展申込の審査結果をお知らせします。",
        f"Here is the result of the review of your application to exhibit at {edition.title_en}.",
    )
    subject = f"【{edition.title_ja}】審査結果：{label_ja} / Review result: {label_en}"
    return MailContent(subject, _compose(application, base_url, intro, application.decision_reason))


def message_id(dedupe_key: str, sender: str) -> str:
    """The same for every copy of one mail, so that a resend after a crash is recognisable."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "eventhub.invalid"
    digest = hashlib.sha256(dedupe_key.encode()).hexdigest()[:32]
    return f"<eventhub.{digest}@{domain}>"


def build_message(mail: OutgoingMail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to_address
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(mail.created_at)
    message["Message-ID"] = message_id(mail.dedupe_key, sender)
    # RFC 3834: vacation responders do not answer a machine.
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(mail.body_text, charset="utf-8")
    return message
