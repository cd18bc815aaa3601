"""E-mail through SES: one raw MIME message, so a report can travel as an attachment."""

from __future__ import annotations

from collections.abc import Sequence
from email.message import EmailMessage

from analytics.aws.clients import client
from analytics.errors import Unavailable


def mime_message(
    *,
    sender: str,
    recipients: Sequence[str],
    subject: str,
    text: str,
    attachment: tuple[str, str, bytes] | None,
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message["Subject"] = subject
    message.set_content(text)
    if attachment is not None:
        file_name, content_type, body = attachment
        maintype, _, subtype = content_type.partition(";")[0].partition("/")
        message.add_attachment(body, maintype=maintype, subtype=subtype, filename=file_name)
    return message


class SesMailer:
    def send(
        self,
        *,
        sender: str,
        recipients: Sequence[str],
        subject: str,
        text: str,
        attachment: tuple[str, str, bytes] | None,
    ) -> str:
        from botocore.exceptions import BotoCoreError, ClientError

        message = mime_message(
            sender=sender, recipients=recipients, subject=subject, text=text, attachment=attachment
        )
        try:
            response = client("ses").send_raw_email(
                Source=sender, Destinations=list(recipients), RawMessage={"Data": message.as_bytes()}
            )
        except (BotoCoreError, ClientError) as exc:
            raise Unavailable(f"SES did not send the e-mail: {exc}") from exc
        return str(response["MessageId"])
