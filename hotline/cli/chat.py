"""``hotline chat``: write to the hotline by SMS or WhatsApp, playing Twilio's part."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from hotline.cli.common import app_runtime


@click.command("chat")
@click.option("--url", default=None, help="Hotline server (default http://HOST:PORT).")
@click.option("--message", "-m", "messages", multiple=True,
              help="A message to send, in order (repeatable). Without -m: interactive.")
@click.option("--media", multiple=True, type=click.Path(exists=True, dir_okay=False,
              path_type=Path),
              help="A file sent as media (a voice note .ogg, a photo .jpg); each --media is "
                   "one message, sent after the -m messages before SELESAI.")
@click.option("--whatsapp", is_flag=True, help="Write on WhatsApp (default: SMS).")
@click.option("--from", "from_number", default="+6281234567890", show_default=True)
@click.option("--unsigned", is_flag=True, help="Send no X-Twilio-Signature (expect 403).")
@click.option("--auth-token", default=None,
              help="Token to sign with (default: the configured one).")
@click.option("--wait", default=30.0, show_default=True,
              help="Seconds to keep serving media until the hotline has fetched it.")
@with_appcontext
def chat(url: str | None, messages: tuple[str, ...], media: tuple[Path, ...], whatsapp: bool,
         from_number: str, unsigned: bool, auth_token: str | None, wait: float) -> None:
    """Send SMS or WhatsApp messages to the hotline and print its replies.

    \b
    hotline chat --whatsapp -m 1 -m 1 -m 2 -m "Jalan rusak di desa Sukamaju" \\
        --media /tmp/pesan.ogg --media /tmp/foto.jpg -m SELESAI
    """
    from devtools.chat_simulator import ChatSimulator, MediaPeer

    settings = app_runtime().settings
    if url is None:
        url = f"http://{settings.host}:{settings.port}"
    # Media go right before a closing SELESAI, or at the end.
    script: list[tuple[str, list[Path]]] = [(m, []) for m in messages]
    at = next((i for i, (m, _) in enumerate(script) if m.strip().upper() == "SELESAI"),
              len(script))
    script[at:at] = [("", [path]) for path in media]
    peer = MediaPeer(settings.twilio_account_sid, settings.twilio_auth_token).start()
    try:
        sim = ChatSimulator(url, auth_token or settings.twilio_auth_token,
                            account_sid=settings.twilio_account_sid, from_number=from_number,
                            whatsapp=whatsapp, sign=not unsigned, peer=peer,
                            public_base_url=settings.public_base_url)
        channel = "WhatsApp" if whatsapp else "SMS"
        click.echo(f"writing to {url} by {channel} as {sim.sender}")
        interactive = not script and sys.stdin.isatty()
        if not script and not interactive:
            raise click.UsageError("give -m/--media, or run it on a terminal")
        while True:
            if script:
                text, files = script.pop(0)
            elif interactive:
                line = click.prompt("anda", default="", show_default=False)
                if line.strip() in ("/keluar", "/quit"):
                    break
                files = [Path(line[7:].strip())] if line.startswith("/media ") else []
                text = "" if files else line
                if files and not files[0].is_file():
                    click.echo(f"no such file: {files[0]}")
                    continue
            else:
                break
            shown = text or ", ".join(f"[{p.name}]" for p in files)
            click.echo(f"> {shown}")
            exchange = sim.send(text, files)
            if exchange.status != 200:
                raise click.ClickException(f"the hotline answered HTTP {exchange.status}")
            for reply in exchange.replies:
                click.echo("< " + reply.replace("\n", "\n  "))
        if peer.files and not sim.wait_for_media(wait):
            click.echo("warning: the hotline has not fetched every file yet", err=True)
    finally:
        peer.stop()
