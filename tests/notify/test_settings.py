"""The notification settings are typed and fail loudly, naming the variable."""

from __future__ import annotations

import pytest

from hotline.settings import ConfigError, load_settings


@pytest.mark.parametrize(("env", "named"), [
    ({"TWILIO_SMS_FROM": "12"}, "TWILIO_SMS_FROM"),
    ({"TWILIO_WHATSAPP_FROM": "whatsapp"}, "TWILIO_WHATSAPP_FROM"),
    ({"SMTP_HOST": "mail.example.id"}, "MAIL_FROM"),
    ({"SMTP_HOST": "mail.example.id", "MAIL_FROM": "no-at-sign"}, "MAIL_FROM"),
    ({"SMTP_PORT": "70000"}, "SMTP_PORT"),
    ({"SMTP_USER": "hotline"}, "SMTP_PASSWORD"),
    ({"SMTP_STARTTLS": "perhaps"}, "SMTP_STARTTLS"),
    ({"NOTIFY_VOICE_UPDATES": "ya"}, "NOTIFY_VOICE_UPDATES"),
    ({"NOTIFY_SLA_WARNING_DAYS": "9"}, "NOTIFY_SLA_WARNING_DAYS"),
    ({"SUPERVISOR_DIGEST_HOUR": "24"}, "SUPERVISOR_DIGEST_HOUR"),
    ({"TWILIO_WHATSAPP_TEMPLATE_SID": "template-1"}, "TWILIO_WHATSAPP_TEMPLATE_SID"),
])
def test_a_bad_value_names_its_variable(env: dict[str, str], named: str) -> None:
    with pytest.raises(ConfigError, match=named):
        load_settings(env)


def test_the_defaults_send_nothing_anywhere() -> None:
    n = load_settings({}).notify
    assert n.smtp_host is None and n.twilio_sms_from is None and n.voice_updates is False
    assert (n.smtp_port, n.smtp_starttls, n.sla_warning_days, n.supervisor_digest_hour) == (
        587, True, 1, 7)
    assert n.whatsapp_template_sid is None and n.whatsapp_template_variable == "1"


def test_a_complete_configuration_is_read() -> None:
    n = load_settings({
        "SMTP_HOST": "mail.example.id", "SMTP_PORT": "25", "SMTP_USER": "u",
        "SMTP_PASSWORD": "p", "MAIL_FROM": "Pengaduan <pengaduan@example.id>",
        "TWILIO_SMS_FROM": "+62215550100", "TWILIO_WHATSAPP_FROM": "+14155238886",
        "NOTIFY_VOICE_UPDATES": "true", "NOTIFY_SLA_WARNING_DAYS": "2",
        "SUPERVISOR_DIGEST_HOUR": "6",
    }).notify
    assert n.smtp_starttls is False  # port 25: plain unless asked
    assert (n.voice_updates, n.sla_warning_days, n.supervisor_digest_hour) == (True, 2, 6)
    assert n.mail_from == "Pengaduan <pengaduan@example.id>"


def test_phone_number_settings_are_stored_in_e164() -> None:
    settings = load_settings({"TWILIO_SMS_FROM": "021 5550100", "OPERATOR_NUMBER": "0215550199"})
    assert settings.notify.twilio_sms_from == "+62215550100"
    assert settings.operator_number == "+62215550199"


def test_a_template_is_taken() -> None:
    sid = "HX" + "a" * 32
    settings = load_settings({"TWILIO_WHATSAPP_TEMPLATE_SID": sid,
                              "TWILIO_WHATSAPP_TEMPLATE_VARIABLE": "teks"})
    assert settings.notify.whatsapp_template_sid == sid
    assert settings.notify.whatsapp_template_variable == "teks"
