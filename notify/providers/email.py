"""E-mail through SMTP (stdlib smtplib)."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate

from notify.outbox import Outgoing
from notify.providers.base import DeliveryError, NotifyConfig, ProviderReceipt


def message_id(message: Outgoing, config: NotifyConfig) -> str:
    """Stable per outbox row, so a mailbox or a human can spot a duplicate."""
    domain = (config.settings.mail_from or "localhost").rsplit("@", 1)[-1].strip(">") or "localhost"
    return f"<outbox-{message.id}.{message.created_at:%Y%m%d%H%M%S}@{domain}>"


def build(message: Outgoing, config: NotifyConfig) -> EmailMessage:
    em = EmailMessage()
    em["From"] = config.settings.mail_from or ""
    em["To"] = message.recipient
    em["Subject"] = message.subject or ""
    em["Date"] = formatdate(localtime=False)
    em["Message-ID"] = message_id(message, config)
    em.set_content(message.body)
    for filename, content_type, data in message.attachments:
        maintype, _, subtype = content_type.partition("/")
        em.add_attachment(data, maintype=maintype, subtype=subtype or "octet-stream",
                          filename=filename)
    return em


def send(message: Outgoing, config: NotifyConfig) -> ProviderReceipt:
    if not config.settings.smtp_host:
        raise DeliveryError("SMTP belum dikonfigurasi", permanent=False)
    em = build(message, config)
    try:
        with smtplib.SMTP(config.settings.smtp_host, config.settings.smtp_port,
                          timeout=config.timeout_seconds) as smtp:
            if config.settings.smtp_starttls:
                smtp.starttls(context=ssl.create_default_context())
            if config.settings.smtp_user:
                smtp.login(config.settings.smtp_user, config.settings.smtp_password or "")
            smtp.send_message(em)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        raise DeliveryError(f"alamat ditolak server SMTP: {exc.recipients}",
                            permanent=all(c >= 500 for c in codes)) from exc
    except smtplib.SMTPAuthenticationError as exc:
        # A configuration mistake: keep retrying until someone fixes the password.
        raise DeliveryError(f"login SMTP gagal: {exc.smtp_code}", permanent=False) from exc
    except smtplib.SMTPResponseException as exc:
        raise DeliveryError(f"server SMTP menjawab {exc.smtp_code}: {exc.smtp_error!r}",
                            permanent=exc.smtp_code >= 500) from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryError(f"server SMTP tidak dapat dihubungi: {exc}",
                            permanent=False) from exc
    return ProviderReceipt(em["Message-ID"], "sent")
