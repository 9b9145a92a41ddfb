"""Outlook messages (.msg, an OLE compound file of MAPI properties), read with python-oxmsg
(MIT, on olefile): sender, recipients, date, subject, the plain or HTML body, and the names of
the attachments (their content is not read)."""

from __future__ import annotations

from hospidesk.documents.mail import body_text, mail_text
from hospidesk.documents.source import SourceDocument
from hospidesk.errors import UsageError


def read_msg(raw: bytes, name: str) -> SourceDocument:
    from oxmsg import Message

    try:
        message = Message.load(raw)
        sender = (message.sender or "").strip() or None
        recipients = ", ".join(
            r.email_address or r.name for r in message.recipients if r.email_address or r.name
        )
        sent = message.sent_date
        date = sent.astimezone().strftime("%d/%m/%Y %H:%M") if sent else None
        subject = message.subject.strip() or None
        attachments = tuple(a.file_name or "pièce jointe sans nom" for a in message.attachments)
        body = body_text(message.body, message.html_body)
    except Exception:  # olefile and oxmsg raise many kinds on damaged files
        raise UsageError(
            f"Message Outlook endommagé ou illisible : {name}. Dans Outlook, enregistrez-le "
            "à nouveau (Fichier > Enregistrer sous) ou copiez-en le texte."
        ) from None
    text = mail_text(sender, recipients or None, date, subject, body, attachments)
    return SourceDocument(
        name, text, "courriel", sender=sender, date=date, subject=subject, attachments=attachments
    )
